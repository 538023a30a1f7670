//! # Task 2 — the timing decorator: reference solution
//!
//! The statement lives in `exercises/02-timing-decorator`.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll, ready},
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

/// Wraps `inner` in a [`Timed`] whose clock starts at its first poll.
pub fn timed<F: Future>(inner: F) -> Timed<F> {
    Timed {
        inner,
        started: None,
    }
}

impl<F: Future> Future for Timed<F> {
    /// The inner future's output, and the wall time from first poll to ready.
    type Output = (F::Output, Duration);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // `Instant` is the wall clock (monotonic): waiting counts, as it should.
        let started = *this.started.get_or_insert_with(Instant::now);
        let output = ready!(this.inner.poll(cx));
        Poll::Ready((output, started.elapsed()))
    }
}

/// The lecture's message: `Execution time of NAME: 0.3012 seconds`.
pub fn report(name: &str, elapsed: Duration) -> String {
    format!(
        "Execution time of {name}: {:.4} seconds",
        elapsed.as_secs_f64()
    )
}

/// Awaits `fut`, prints how long it took, and returns its output unchanged.
pub async fn timeit<F: Future>(name: &str, fut: F) -> F::Output {
    let (output, elapsed) = timed(fut).await;
    println!("{}", report(name, elapsed));
    output
}
