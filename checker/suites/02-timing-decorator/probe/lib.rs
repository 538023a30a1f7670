//! The probe of task 2's bonus: functions the student's `#[timeit]` is
//! applied to, compiled with the student's crates (the only place their
//! macro runs), which the bonus suite then calls. Nothing hidden belongs
//! here: a student's macro sees every token of this file.

use std::time::Duration;

/// A decorated function with an argument, an early `return`, and a wait.
#[timing_decorator_macros::timeit]
pub async fn slow_double(x: u32) -> u32 {
    if x == 0 {
        return 0;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    x * 2
}

/// A method: the report names it by its own name, as Python's decorator
/// prints `func.__name__` ("work", not "Worker::work").
pub struct Worker {
    pub factor: u32,
}

impl Worker {
    #[timing_decorator_macros::timeit]
    pub async fn work(&self, x: u32) -> u32 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        x * self.factor
    }
}

/// A generic function with a `where` clause, visible outside this crate: the
/// attribute must keep all of it ("the function is otherwise the same").
/// `Send`, as every future the bonus suite times: a `timeit` that asks for
/// `Send` costs only the test of futures that are not.
#[timing_decorator_macros::timeit]
pub async fn describe<T>(value: T, times: usize) -> String
where
    T: std::fmt::Debug + Send,
{
    tokio::time::sleep(Duration::from_millis(10)).await;
    format!("{value:?}").repeat(times)
}
