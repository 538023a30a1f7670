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

/// `duration` in seconds, for messages.
pub fn secs(duration: Duration) -> f64 {
    duration.as_secs_f64()
}
