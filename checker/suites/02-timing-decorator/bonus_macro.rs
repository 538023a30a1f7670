//! Hidden suite of task 2's bonus, compiled on its own: `#[timeit]` on an
//! `async fn` times every call of it. A separate binary, so that a missing
//! or broken attribute costs the bonus and nothing else.
//!
//! Its third test, `the_attribute_refuses_a_function_that_is_not_async`, is
//! decided by the compiler alone: `probe/refused/` holds code the macro must
//! refuse with a compile error.
//!
//! The decorated functions live in the probe (`probe/lib.rs`): the
//! student's macro is applied there, in the sandboxed build of the
//! student's crates, and never while this suite compiles.

use harness::{capture_stdout, ensure};
use probe::{Worker, describe, slow_double};

/// The seconds in `printed` if it is exactly one report line for `name`.
fn reported_seconds(printed: &str, name: &str) -> Option<f64> {
    printed
        .strip_prefix(&format!("Execution time of {name}: "))
        .and_then(|rest| rest.strip_suffix(" seconds\n"))
        .and_then(|seconds| seconds.parse::<f64>().ok())
}

async fn the_attribute_times_the_function_it_decorates() {
    let (output, printed) = capture_stdout(slow_double(21)).await;
    ensure!(
        output == 42,
        en: "#[timeit] changed the function: slow_double(21) gave {output}, expected 42",
        ru: "#[timeit] изменил функцию: slow_double(21) вернула {output}, ожидалось 42",
    );
    let seconds = reported_seconds(&printed, "slow_double");
    ensure!(
        seconds.is_some_and(|seconds| (0.05..1.5).contains(&seconds)),
        en: "a call of the decorated slow_double printed {printed:?}; expected one line \
             \"Execution time of slow_double: 0.0500 seconds\"",
        ru: "вызов slow_double с атрибутом напечатал {printed:?}; ожидалась одна строка \
             \"Execution time of slow_double: 0.0500 seconds\"",
    );
    let (output, printed) = capture_stdout(slow_double(0)).await;
    ensure!(
        output == 0,
        en: "an early return inside the decorated function must still return its value",
        ru: "ранний return внутри функции с атрибутом должен по-прежнему возвращать значение",
    );
    ensure!(
        reported_seconds(&printed, "slow_double").is_some(),
        en: "slow_double(0) returns early, and printed {printed:?}: a call that returns early \
             is timed and reported too (a `return` in the body must not skip the report)",
        ru: "slow_double(0) выходит раньше и напечатала {printed:?}: вызов с ранним return тоже \
             замеряется и печатает отчёт (return в теле не должен пропускать отчёт)",
    );

    let worker = Worker { factor: 3 };
    let (output, printed) = capture_stdout(worker.work(5)).await;
    ensure!(
        output == 15 && reported_seconds(&printed, "work").is_some(),
        en: "a decorated method worker.work(5) gave {output} and printed {printed:?}; expected 15 \
             and \"Execution time of work: ... seconds\" (the function's own name, as Python's __name__)",
        ru: "метод с атрибутом worker.work(5) вернул {output} и напечатал {printed:?}; ожидалось 15 \
             и \"Execution time of work: ... seconds\" (собственное имя функции, как __name__ в Python)",
    );
}

async fn the_attribute_keeps_the_functions_signature() {
    // `describe` is `pub`, generic, with a `where` clause: were any of it
    // dropped, this suite (or the probe) would not compile at all.
    let (output, printed) = capture_stdout(describe("ab", 2)).await;
    ensure!(
        output == "\"ab\"\"ab\"" && reported_seconds(&printed, "describe").is_some(),
        en: "the decorated generic describe(\"ab\", 2) gave {output:?} and printed {printed:?}; \
             expected \"\\\"ab\\\"\\\"ab\\\"\" and one report line for describe",
        ru: "обобщённая describe(\"ab\", 2) с атрибутом вернула {output:?} и напечатала {printed:?}; \
             ожидалось \"\\\"ab\\\"\\\"ab\\\"\" и одна строка отчёта для describe",
    );
}

harness::suite!(
    the_attribute_times_the_function_it_decorates,
    the_attribute_keeps_the_functions_signature,
);
