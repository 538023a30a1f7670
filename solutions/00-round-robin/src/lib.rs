//! # Task 0 — a round-robin executor: reference solution
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
    collections::VecDeque,
    future::Future,
    pin::Pin,
    rc::Rc,
    sync::{Arc, Condvar, Mutex},
    task::{Context, Poll, Wake, Waker},
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
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Ask to be polled again: an executor that waits for wake-ups would
        // otherwise never come back.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// The lecture's coroutine: says "NAME: 1", yields, "NAME: 2", yields,
/// "NAME: 3", yields, and returns `name`. So it takes four polls: three
/// `Pending`, then `Ready` (the lecture's `StopIteration`).
pub async fn count_to_three(name: String, log: Log) -> String {
    for count in 1..=3 {
        log.say(format!("{name}: {count}"));
        yield_now().await;
    }
    name
}

/// Drives `future` to its end by hand, as the lecture's `send(None)` calls
/// do: polls it with a waker that does nothing (`Waker::noop()`) until it is
/// `Ready`, and returns its output with the number of polls it took (the
/// last one, which returned `Ready`, included).
pub fn poll_by_hand<F: Future>(future: F) -> (F::Output, usize) {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls);
        }
    }
}

/// The lecture's `while True: for coroutine in coroutines: send(None)`: polls
/// each unfinished future in turn, one poll each per round, until all are
/// done, and returns their outputs in the order of `futures` (not the order
/// they finished in). A finished future is never polled again.
pub fn run_round_robin<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    let mut cx = Context::from_waker(Waker::noop());
    let mut unfinished = futures.len();
    while unfinished > 0 {
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_some() {
                continue;
            }
            if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
                *output = Some(value);
                unfinished -= 1;
            }
        }
    }
    outputs
        .into_iter()
        .map(|output| output.expect("every future finished"))
        .collect()
}

/// The indices of woken futures, and a way to wait for one.
#[derive(Default)]
struct ReadyQueue {
    indices: Mutex<VecDeque<usize>>,
    woken: Condvar,
}

/// The waker of future `index`: waking it queues the index.
struct QueueWaker {
    index: usize,
    queue: Arc<ReadyQueue>,
}

impl Wake for QueueWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut indices = self.queue.indices.lock().expect("no poisoned queue");
        indices.push_back(self.index);
        self.queue.woken.notify_one();
    }
}

/// Stretch: an executor with real wakers. Each future gets a [`Waker`]
/// (an `Arc` of a type implementing `std::task::Wake`) that puts the
/// future's index on a shared queue; the executor polls only futures taken
/// from that queue, and while it is empty waits (a `Condvar`, or a channel)
/// instead of polling in a loop. Every future is polled once at the start.
/// Returns the outputs in the order of `futures`.
pub fn run_woken<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let queue = Arc::new(ReadyQueue::default());
    queue
        .indices
        .lock()
        .expect("no poisoned queue")
        .extend(0..futures.len());
    let wakers: Vec<Waker> = (0..futures.len())
        .map(|index| {
            Waker::from(Arc::new(QueueWaker {
                index,
                queue: Arc::clone(&queue),
            }))
        })
        .collect();
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    let mut unfinished = futures.len();
    while unfinished > 0 {
        let index = {
            let mut indices = queue.indices.lock().expect("no poisoned queue");
            loop {
                match indices.pop_front() {
                    Some(index) => break index,
                    None => indices = queue.woken.wait(indices).expect("no poisoned queue"),
                }
            }
        };
        // A wake-up for a future that is already done is stale: skip it.
        if outputs[index].is_some() {
            continue;
        }
        let mut cx = Context::from_waker(&wakers[index]);
        if let Poll::Ready(value) = futures[index].as_mut().poll(&mut cx) {
            outputs[index] = Some(value);
            unfinished -= 1;
        }
    }
    outputs
        .into_iter()
        .map(|output| output.expect("every future finished"))
        .collect()
}
