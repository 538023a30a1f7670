//! Visible examples for task 2: `cargo test -p timing-decorator`.
//!
//! The grader (`cargo run -p checker`) checks more (when the clock starts, futures that
//! are not `Send`, two timers at once); these get you started.

use std::time::Duration;

use timing_decorator::{report, timed, timeit};

#[test]
fn report_has_four_decimals() {
    assert_eq!(
        report("fetch", Duration::from_millis(301)),
        "Execution time of fetch: 0.3010 seconds"
    );
}

#[tokio::test]
async fn timed_measures_a_sleep() {
    let (output, elapsed) = timed(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        "done"
    })
    .await;

    assert_eq!(output, "done");
    assert!(elapsed >= Duration::from_millis(50), "measured {elapsed:?}");
}

#[tokio::test]
async fn timeit_returns_the_output() {
    assert_eq!(timeit("answer", async { 42 }).await, 42);
}
