//! The in-process half of grading: the `main` of every hidden-suite binary.
//!
//! A suite is an ordinary Rust file that lists its tests with [`suite!`]:
//!
//! ```ignore
//! async fn statuses_come_back_in_order() { /* assert!s */ }
//! async fn zero_requests_is_fine() { /* ... */ }
//!
//! harness::suite!(statuses_come_back_in_order, zero_requests_is_fine);
//! ```
//!
//! A test passes by returning and fails by panicking, as with `#[test]`. Each
//! runs on a fresh single-threaded tokio runtime — the same as
//! `#[tokio::test]`, and the strictest place for async code: a blocking call
//! stalls everything, so the timing tests catch it.
//!
//! Run with [`PROTOCOL_FLAG`](grading_protocol::PROTOCOL_FLAG), the binary
//! serves the checker (see [`protocol_mode`]); run without it, it runs its own
//! tests and prints a summary, which is how a suite author tries a suite out.

mod protocol_mode;
pub mod raw_server;
mod standalone;
mod test_body;
pub mod tools;

use std::{future::Future, pin::Pin};

pub use tools::{capture_stdout, measure, refused_url};

/// A test's future, boxed so that every test has the same type. Not `Send`:
/// tests run on a single-threaded runtime, and futures that are not `Send`
/// are part of what is tested.
pub type TestFuture = Pin<Box<dyn Future<Output = ()>>>;

/// One named test of a suite.
pub struct Test {
    /// The test's name: the `name` of its entry in the task manifest.
    pub name: &'static str,
    /// Makes the test's future.
    pub body: fn() -> TestFuture,
}

/// Boxes a test body; used by [`suite!`].
pub fn boxed(body: impl Future<Output = ()> + 'static) -> TestFuture {
    Box::pin(body)
}

/// A failure message in both languages of the course; [`ensure!`] panics
/// with one, and the checker shows the student's language.
#[derive(Debug, Clone)]
pub struct Bilingual {
    pub en: String,
    pub ru: String,
}

/// `assert!` with its message in English and Russian:
/// `ensure!(took < limit, en: "took {took:?}", ru: "заняло {took:?}")`.
/// The messages are format strings whose arguments are captured by name.
#[macro_export]
macro_rules! ensure {
    ($condition:expr, en: $en:literal, ru: $ru:literal $(,)?) => {
        if !$condition {
            ::std::panic::panic_any($crate::Bilingual {
                en: format!($en),
                ru: format!($ru),
            });
        }
    };
}

/// Declares the tests of a suite and generates its `main`.
#[macro_export]
macro_rules! suite {
    ($($test:ident),+ $(,)?) => {
        fn main() {
            $crate::main(&[$(
                $crate::Test { name: stringify!($test), body: || $crate::boxed($test()) },
            )+])
        }
    };
}

/// The entry point of a suite binary: serves the checker when started with
/// the protocol flag, runs every test itself otherwise.
pub fn main(tests: &[Test]) -> ! {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(grading_protocol::PROTOCOL_FLAG) {
        protocol_mode::serve(tests)
    } else {
        standalone::run(tests, args.first().map(String::as_str))
    }
}
