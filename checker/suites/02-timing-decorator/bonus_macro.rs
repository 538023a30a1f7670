//! Hidden suite of task 2's bonus, compiled on its own: `#[timeit]` on an
//! `async fn` times every call of it. A separate binary, so that a missing
//! or broken attribute costs the bonus and nothing else.

use std::time::Duration;

use harness::{capture_stdout, ensure};

/// A decorated function with an argument, an early `return`, and a wait.
#[timing_decorator::timeit]
async fn slow_double(x: u32) -> u32 {
    if x == 0 {
        return 0;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    x * 2
}

async fn the_attribute_times_the_function_it_decorates() {
    let (output, printed) = capture_stdout(slow_double(21)).await;
    ensure!(
        output == 42,
        en: "#[timeit] changed the function: slow_double(21) gave {output}, expected 42",
        ru: "#[timeit] изменил функцию: slow_double(21) вернула {output}, ожидалось 42",
    );
    let seconds = printed
        .strip_prefix("Execution time of slow_double: ")
        .and_then(|rest| rest.strip_suffix(" seconds\n"))
        .and_then(|seconds| seconds.parse::<f64>().ok());
    ensure!(
        seconds.is_some_and(|seconds| (0.05..1.5).contains(&seconds)),
        en: "a call of the decorated slow_double printed {printed:?}; expected one line \
             \"Execution time of slow_double: 0.0500 seconds\"",
        ru: "вызов slow_double с атрибутом напечатал {printed:?}; ожидалась одна строка \
             \"Execution time of slow_double: 0.0500 seconds\"",
    );
    let (output, _) = capture_stdout(slow_double(0)).await;
    ensure!(
        output == 0,
        en: "an early return inside the decorated function must still return its value",
        ru: "ранний return внутри функции с атрибутом должен по-прежнему возвращать значение",
    );
}

harness::suite!(the_attribute_times_the_function_it_decorates);
