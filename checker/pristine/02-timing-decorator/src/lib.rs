//! # Task 2 — the timing decorator / Задание 2 — декоратор-секундомер
//!
//! The lecture asks for a decorator that prints how long any async function
//! took:
//!
//! ```python
//! def timeit(func):
//!     async def wrapper(*args, **kwargs):
//!         start = time.time()
//!         result = await func(*args, **kwargs)
//!         print(f"Execution time of {func.__name__}: {time.time() - start:.4f} seconds")
//!         return result
//!     return wrapper
//! ```
//!
//! Rust has no decorators, but it has something Python hides from you: a
//! future is a plain value with a `poll` method, and you can wrap one future
//! in another. That wrapper is the decorator. You will write:
//!
//! 1. [`timed`] and the `Future` impl of [`Timed`] — a future that polls the
//!    one inside it and, when that finishes, also says how long it took;
//! 2. [`report`] — the lecture's message, four decimals;
//! 3. [`timeit`] — awaits a future through [`Timed`], prints the report, and
//!    hands back the output untouched;
//! 4. bonus, for extra points: the `#[timeit]` attribute in `macros/`, the
//!    decorator's true form (its own doc comment says how).
//!
//! The details that matter:
//! - **Futures are lazy.** Creating one does nothing; work starts at the first
//!   `poll`. So the clock starts at the first poll, not when [`timed`] is called.
//! - **Wall time, not CPU time.** A request that waits 0.3 s for the network
//!   took 0.3 s, even though the CPU was idle.
//! - **Any future**: one whose output is a `Result`, one that is not `Send`.
//!
//! Where to look: `std::future::Future`, `std::task::Poll`,
//! `std::time::Instant`, and `pin_project_lite::pin_project!` (already used on
//! [`Timed`]: `self.project()` gives you `Pin<&mut F>` for `inner` and
//! `&mut Option<Instant>` for `started`).

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
    time::{Duration, Instant},
};

/// The bonus: `#[timeit]` on an `async fn` (written in `macros/`).
pub use timing_decorator_macros::timeit;

pin_project_lite::pin_project! {
    /// A future that runs `inner` and measures it, from its first poll until
    /// it is ready. Made by [`timed`].
    #[must_use = "futures do nothing unless awaited"]
    pub struct Timed<F> {
        #[pin]
        inner: F,
        // When `inner` was first polled; `None` until then.
        started: Option<Instant>,
    }
}

/// **Your task.** Wraps `inner` in a [`Timed`] that has not started its clock.
#[allow(unused_variables)] // the stub ignores its arguments; delete this line when you start
pub fn timed<F: Future>(inner: F) -> Timed<F> {
    todo!(
        "timed: build a Timed around `inner`, clock not started yet / оберните `inner` в Timed, секундомер пока не запущен"
    )
}

impl<F: Future> Future for Timed<F> {
    /// The inner future's output, and the wall time from first poll to ready.
    type Output = (F::Output, Duration);

    /// **Your task.** Start the clock on the first poll, poll `inner`, and when
    /// it is ready, return its output with the time elapsed.
    #[allow(unused_variables)] // the stub ignores its arguments; delete this line when you start
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        todo!(
            "Timed::poll: start the clock on the first poll, then poll the inner future / запустите секундомер при первом poll и опросите вложенный future"
        )
    }
}

/// **Your task.** The lecture's message, exactly:
/// `Execution time of NAME: 0.3012 seconds` (four decimals, no newline).
#[allow(unused_variables)] // the stub ignores its arguments; delete this line when you start
pub fn report(name: &str, elapsed: Duration) -> String {
    todo!("report: format the lecture's message / составьте сообщение из лекции")
}

/// **Your task.** Awaits `fut`, prints `report(name, elapsed)` on its own
/// line, and returns what `fut` returned — unchanged, an `Err` included.
#[allow(unused_variables)] // the stub ignores its arguments; delete this line when you start
pub async fn timeit<F: Future>(name: &str, fut: F) -> F::Output {
    todo!(
        "timeit: await through timed(), print the report, return the output / дождитесь через timed(), напечатайте отчёт, верните результат"
    )
}
