//! Hidden suite of task 2: `timed`, `report` and `timeit` measure the right
//! thing, from the right moment, and change nothing they pass through.
//!
//! The futures measured are tokio sleeps inside `async` blocks: the block is
//! lazy, so the sleep's deadline is set when the block is first polled. Timing
//! thresholds are derived next to each test.

use std::time::Duration;

use harness::{capture_stdout, measure, tools::secs};
use timing_decorator::{report, timed, timeit};

/// An `async` block that sleeps for `ms` milliseconds once polled.
async fn nap(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

async fn timed_measures_wall_time() {
    // A sleep uses no CPU: a CPU-time clock reads ~0 ms, a wall clock ≥ 300 ms
    // (a tokio sleep never ends early). 1.5 s leaves room for a loaded machine.
    let ((), elapsed) = timed(nap(300)).await;
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_millis(1500),
        "a 300 ms sleep was measured as {:.4} s: measure wall time with \
         std::time::Instant, not CPU time",
        secs(elapsed)
    );
}

async fn clock_starts_at_first_poll() {
    // The wrapper is created, then left alone for 500 ms, then awaited for a
    // 100 ms sleep. Started at the first poll, the clock reads ~100 ms; started
    // at creation, ≥ 600 ms. The bound of 350 ms sits between the two.
    let future = timed(nap(100));
    nap(500).await;
    let ((), elapsed) = future.await;
    assert!(
        elapsed >= Duration::from_millis(100),
        "a 100 ms sleep was measured as {:.4} s",
        secs(elapsed)
    );
    assert!(
        elapsed < Duration::from_millis(350),
        "measured {:.4} s for a 100 ms sleep that was created 500 ms before it was \
         awaited: futures are lazy, start the clock at the first poll, not in timed()",
        secs(elapsed)
    );
}

async fn output_passes_through() {
    let (output, _) = timed(async { vec![String::from("a"), String::from("b")] }).await;
    assert_eq!(output, ["a", "b"], "timed changed the output");

    let output = timeit("numbers", async { (1..=4).collect::<Vec<u32>>() }).await;
    assert_eq!(output, [1, 2, 3, 4], "timeit changed the output");
}

async fn errors_pass_through() {
    let output = timeit("failing", async { Err::<u8, String>("boom".into()) }).await;
    assert_eq!(
        output,
        Err("boom".to_owned()),
        "timeit must hand back an Err unchanged"
    );
}

async fn joined_timers_each_measure_their_own_future() {
    // Two timed sleeps of 400 and 800 ms, joined. Run together they finish in
    // ~800 ms, and each clock reads its own sleep. A wrapper that blocks (say,
    // block_on inside poll) runs them one after the other: 1.2 s in all. The
    // bounds sit 200-300 ms from both the right and the wrong figures.
    let ((short, long), total) = measure(async { tokio::join!(timed(nap(400)), timed(nap(800))) }).await;
    let (short, long) = (short.1, long.1);
    assert!(
        short >= Duration::from_millis(400) && short < Duration::from_millis(700),
        "the 400 ms future was measured as {:.4} s",
        secs(short)
    );
    assert!(
        long >= Duration::from_millis(800) && long < Duration::from_millis(1100),
        "the 800 ms future was measured as {:.4} s",
        secs(long)
    );
    assert!(
        total < Duration::from_millis(1000),
        "two timed futures joined together took {:.2} s, the sum of their times, \
         not the longer one: Timed must not block inside poll",
        secs(total)
    );
}

async fn report_format_is_exact() {
    for (name, elapsed, expected) in [
        ("fetch", Duration::from_micros(301_200), "Execution time of fetch: 0.3012 seconds"),
        ("idle", Duration::ZERO, "Execution time of idle: 0.0000 seconds"),
        ("long_func", Duration::from_micros(12_345_670), "Execution time of long_func: 12.3457 seconds"),
    ] {
        assert_eq!(report(name, elapsed), expected, "report({name:?}, {elapsed:?})");
    }
}

async fn timeit_prints_the_report() {
    let (output, printed) = capture_stdout(timeit("answer", async {
        nap(50).await;
        42
    }))
    .await;

    assert_eq!(output, 42, "timeit changed the output");
    let seconds = printed
        .strip_prefix("Execution time of answer: ")
        .and_then(|rest| rest.strip_suffix(" seconds\n"))
        .unwrap_or_else(|| {
            panic!(
                "timeit printed {printed:?}; expected one line \
                 \"Execution time of answer: 0.0500 seconds\""
            )
        });
    let (whole, decimals) = seconds.split_once('.').unwrap_or((seconds, ""));
    assert!(
        decimals.len() == 4 && whole.parse::<u64>().is_ok() && decimals.parse::<u64>().is_ok(),
        "timeit printed {seconds:?} seconds; expected four decimals, like 0.0500"
    );
    let value: f64 = seconds.parse().expect("a number");
    assert!(
        (0.05..1.5).contains(&value),
        "a 50 ms sleep was reported as {value} seconds"
    );
}

harness::suite!(
    timed_measures_wall_time,
    clock_starts_at_first_poll,
    output_passes_through,
    errors_pass_through,
    joined_timers_each_measure_their_own_future,
    report_format_is_exact,
    timeit_prints_the_report,
);
