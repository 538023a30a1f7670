//! # Task 0 — a round-robin executor (warm-up; its points are bonus)
//!
//! The lecture shows that a coroutine is a generator: it drives
//! `count_to_three` by hand with `send(None)`, then runs four of them in
//! turn, "roughly how asyncio runs our coroutines":
//!
//! ```python
//! async def count_to_three(name):
//!     print(f"{name}: 1"); await asyncio.sleep(0)
//!     print(f"{name}: 2"); await asyncio.sleep(0)
//!     print(f"{name}: 3"); await asyncio.sleep(0)
//!
//! coroutines = [count_to_three(f"cor{i}") for i in range(1, 5)]
//! while True:
//!     for coroutine in coroutines:
//!         coroutine.send(None)
//! ```
//!
//! In Rust a coroutine is a [`Future`], `send(None)` is [`Future::poll`], and
//! the fourth `send`, which raises `StopIteration`, is the poll that returns
//! [`Poll::Ready`]. Write, in this order:
//!
//! 1. [`YieldNow`] — `await asyncio.sleep(0)`: `Pending` once, then `Ready`;
//! 2. [`count_to_three`] — the lecture's coroutine, as an `async fn`;
//! 3. [`poll_by_hand`] — drive one future to its end, counting the polls;
//! 4. [`run_round_robin`] — the lecture's loop, for any number of futures;
//! 5. stretch: [`run_woken`] — an executor that polls only the futures that
//!    asked to be (through their [`Waker`]), and sleeps otherwise.
//!
//! Statement: README.md. Try it: `cargo test -p round-robin`,
//! `cargo run -p checker -- --task 0`, `cargo run -p round-robin` (the demo).

use std::{
    cell::RefCell,
    future::Future,
    pin::Pin,
    rc::Rc,
    task::{Context, Poll, Waker},
};

/// Where [`count_to_three`] writes its lines: printed, and kept so that a
/// test can read them back in order. Given: clones share one list.
#[derive(Debug, Clone, Default)]
pub struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    pub fn new() -> Log {
        Log::default()
    }

    /// Prints `line` and keeps it.
    pub fn say(&self, line: String) {
        println!("{line}");
        self.0.borrow_mut().push(line);
    }

    /// Every line said so far, in order.
    pub fn lines(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// Python's `await asyncio.sleep(0)`: gives the executor a turn.
///
/// The first poll returns `Pending` — and, before it does, wakes its own
/// waker (`cx.waker().wake_by_ref()`): a future that returns `Pending` must
/// arrange to be woken, or an executor that waits for wake-ups (as tokio
/// does, and [`run_woken`]) never polls it again. The next poll is `Ready`.
#[derive(Debug, Default)]
pub struct YieldNow {
    yielded: bool,
}

/// A fresh [`YieldNow`].
pub fn yield_now() -> YieldNow {
    YieldNow::default()
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = (&mut self.yielded, cx);
        todo!(
            "YieldNow::poll: Pending (after waking the waker) the first time, Ready after / Pending (разбудив waker) в первый раз, потом Ready"
        )
    }
}

/// The lecture's coroutine: says "NAME: 1", yields, "NAME: 2", yields,
/// "NAME: 3", yields, and returns `name`. So it takes four polls: three
/// `Pending`, then `Ready` (the lecture's `StopIteration`).
pub async fn count_to_three(name: String, log: Log) -> String {
    let _ = (&name, &log);
    todo!(
        "count_to_three: say each line with log.say, then yield_now().await / каждую строку — через log.say, потом yield_now().await"
    )
}

/// Drives `future` to its end by hand, as the lecture's `send(None)` calls
/// do: polls it with a waker that does nothing (`Waker::noop()`) until it is
/// `Ready`, and returns its output with the number of polls it took (the
/// last one, which returned `Ready`, included).
pub fn poll_by_hand<F: Future>(future: F) -> (F::Output, usize) {
    let _ = (future, Waker::noop());
    todo!(
        "poll_by_hand: pin the future, poll it in a loop with Context::from_waker(Waker::noop()) / закрепите future и опрашивайте в цикле"
    )
}

/// The lecture's `while True: for coroutine in coroutines: send(None)`: polls
/// each unfinished future in turn, one poll each per round, until all are
/// done, and returns their outputs in the order of `futures` (not the order
/// they finished in). A finished future is never polled again.
pub fn run_round_robin<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let _ = futures;
    todo!(
        "run_round_robin: Box::pin each future, keep an Option<output> per future, loop over the unfinished ones / закрепите каждый future через Box::pin и обходите незавершённые по кругу"
    )
}

/// Stretch: an executor with real wakers. Each future gets a [`Waker`]
/// (an `Arc` of a type implementing `std::task::Wake`) that puts the
/// future's index on a shared queue; the executor polls only futures taken
/// from that queue, and while it is empty waits (a `Condvar`, or a channel)
/// instead of polling in a loop. Every future is polled once at the start.
/// Returns the outputs in the order of `futures`.
pub fn run_woken<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let _ = futures;
    todo!(
        "run_woken: a Wake type that queues its index, a Condvar to wait on, poll only what was woken / тип с Wake, который ставит свой индекс в очередь; Condvar для ожидания; опрашивайте только разбуженные"
    )
}
