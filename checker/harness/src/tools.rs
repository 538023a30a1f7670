//! Helpers for writing hidden tests: timing, capturing what code prints, and
//! addresses where nothing answers.

use std::{
    future::Future,
    io::{Read, Write},
    time::{Duration, Instant},
};

/// Awaits `fut` and returns its output with the wall-clock time it took.
pub async fn measure<F: Future>(fut: F) -> (F::Output, Duration) {
    let started = Instant::now();
    let output = fut.await;
    (output, started.elapsed())
}

/// Awaits `fut` with this process's stdout redirected, and returns the output
/// together with everything printed meanwhile.
///
/// The redirect works at the file-descriptor level, so it sees `println!`
/// from any code in the process, not only from this task.
///
/// # Panics
/// If stdout cannot be redirected (another capture is active).
pub async fn capture_stdout<F: Future>(fut: F) -> (F::Output, String) {
    std::io::stdout().flush().expect("flush stdout");
    let mut redirect = gag::BufferRedirect::stdout().expect("redirect stdout");
    let output = fut.await;
    std::io::stdout().flush().expect("flush stdout");
    let mut printed = String::new();
    redirect
        .read_to_string(&mut printed)
        .expect("read captured stdout");
    (output, printed)
}

/// A loopback URL where nothing listens, so a request to it is refused at
/// once: a port the OS just gave us, then closed.
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/")
}

/// What the kernel counts of this process so far, all its threads.
#[cfg(unix)]
fn resource_usage() -> libc::rusage {
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct,
    // and getrusage only writes into the one we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer cannot fail.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage
}

/// The CPU time this process has used so far, user and system, all its
/// threads: what a busy loop spends and a sleeping wait does not. `None`
/// where the standard library and libc give no way to read it (Windows):
/// a test then skips what needs it.
#[cfg(unix)]
pub fn cpu_time() -> Option<Duration> {
    let usage = resource_usage();
    let of = |time: libc::timeval| {
        Duration::from_secs(time.tv_sec as u64) + Duration::from_micros(time.tv_usec as u64)
    };
    Some(of(usage.ru_utime) + of(usage.ru_stime))
}

#[cfg(not(unix))]
pub fn cpu_time() -> Option<Duration> {
    None
}

/// How many times the kernel took the CPU from this process's threads
/// while they could still run (involuntary context switches): what a loop
/// that yields (`yield_now`) racks up whenever another program wants the
/// CPU, and a thread asleep on a Condvar does not. Where every core is
/// busy, such a loop gets little CPU time, but it is switched out at each
/// yield; where the machine is quiet, it is rarely switched out, but burns
/// CPU time. `None` where it cannot be read (not Unix).
#[cfg(unix)]
pub fn involuntary_switches() -> Option<u64> {
    u64::try_from(resource_usage().ru_nivcsw).ok()
}

#[cfg(not(unix))]
pub fn involuntary_switches() -> Option<u64> {
    None
}

/// The CPU clock of one thread of this process: how much CPU time that
/// thread has used so far, read from any other thread. A thread asleep
/// (on a Condvar, a channel, a lock) leaves it frozen; one that loops, even
/// one that yields at every turn, moves it each time it gets the CPU.
/// Linux only (`pthread_getcpuclockid`): elsewhere [`ThreadCpuClock::current`]
/// is `None`, and a test does without it.
#[derive(Debug, Clone, Copy)]
pub struct ThreadCpuClock(ClockId);

#[cfg(target_os = "linux")]
type ClockId = libc::clockid_t;
#[cfg(not(target_os = "linux"))]
type ClockId = ();

impl ThreadCpuClock {
    /// The clock of the calling thread.
    #[cfg(target_os = "linux")]
    pub fn current() -> Option<Self> {
        let mut clock: libc::clockid_t = 0;
        // SAFETY: pthread_self names the calling thread, which is alive, and
        // the call only writes the clock id into the variable we own.
        let status = unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) };
        (status == 0).then_some(Self(clock))
    }

    #[cfg(not(target_os = "linux"))]
    pub fn current() -> Option<Self> {
        None
    }

    /// The CPU time its thread has used so far; `None` once that thread
    /// has ended (the kernel then refuses the clock).
    #[cfg(target_os = "linux")]
    pub fn read(&self) -> Option<Duration> {
        let mut time = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime only writes into the timespec we own; a
        // clock whose thread is gone gives an error, not undefined behaviour.
        let status = unsafe { libc::clock_gettime(self.0, &mut time) };
        (status == 0).then(|| {
            Duration::new(
                u64::try_from(time.tv_sec).unwrap_or(0),
                u32::try_from(time.tv_nsec).unwrap_or(0),
            )
        })
    }

    #[cfg(not(target_os = "linux"))]
    pub fn read(&self) -> Option<Duration> {
        None
    }
}

/// Polls every future of `futures` together, in one task, until all are
/// done; their outputs in order. What `futures::future::join_all` does, for
/// suites that do not depend on `futures`, and for futures that are not
/// `Send` (nothing is spawned).
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none()
                && let std::task::Poll::Ready(value) = future.as_mut().poll(cx)
            {
                *output = Some(value);
            }
        }
        if outputs.iter().all(Option::is_some) {
            std::task::Poll::Ready(outputs.iter_mut().filter_map(Option::take).collect())
        } else {
            std::task::Poll::Pending
        }
    })
    .await
}

/// `duration` in seconds, for messages.
pub fn secs(duration: Duration) -> f64 {
    duration.as_secs_f64()
}
