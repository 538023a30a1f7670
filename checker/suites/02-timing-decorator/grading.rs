//! Hidden suite of task 2: `timed`, `report` and `timeit` measure the right
//! thing, from the right moment, and change nothing they pass through.
//!
//! The futures measured are tokio sleeps inside `async` blocks: the block is
//! lazy, so the sleep's deadline is set when the block is first polled. Timing
//! thresholds are derived next to each test.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use harness::{capture_stdout, ensure, tools::secs};
use timing_decorator::{report, timed, timeit};

/// An `async` block that sleeps for `ms` milliseconds once polled.
async fn nap(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

async fn timed_measures_wall_time() {
    // A sleep uses no CPU: a CPU-time clock reads ~0 ms, a wall clock ≥ 60 ms
    // (a tokio sleep never ends early, so the lower bound cannot fail a right
    // answer). 1.5 s leaves room for a loaded machine.
    let ((), elapsed) = timed(nap(60)).await;
    let measured = secs(elapsed);
    ensure!(
        (0.06..1.5).contains(&measured),
        en: "a 60 ms sleep was measured as {measured:.4} s: measure wall time with \
             std::time::Instant, waiting included, not just the time spent in poll",
        ru: "сон в 60 мс измерен как {measured:.4} с: мерьте настенное время через \
             std::time::Instant, включая ожидание, а не только время внутри poll",
    );
}

async fn clock_starts_at_first_poll() {
    // The wrapper is created, then left alone for 100 ms, then awaited for a
    // 20 ms sleep. Started at creation, the clock reads ≥ 120 ms, never less
    // (sleeps do not end early): the bound of 120 ms fails it on any
    // machine. Started at the first poll, it reads 20 ms plus the timer's
    // lateness: 100 ms of room for a loaded machine.
    let future = timed(nap(20));
    nap(100).await;
    let ((), elapsed) = future.await;
    let measured = secs(elapsed);
    ensure!(
        measured >= 0.02,
        en: "a 20 ms sleep was measured as {measured:.4} s",
        ru: "сон в 20 мс измерен как {measured:.4} с",
    );
    ensure!(
        measured < 0.12,
        en: "measured {measured:.4} s for a 20 ms sleep that was created 100 ms before it was \
             awaited: futures are lazy, start the clock at the first poll, not in timed()",
        ru: "для сна в 20 мс, созданного за 100 мс до await, измерено {measured:.4} с: \
             future ленивы, запускайте секундомер при первом poll, а не в timed()",
    );

    // A future whose first poll works for 40 ms (a blocking sleep stands
    // for the work), then is Ready: that poll is the future's whole time.
    // Started before the inner poll, the clock reads ≥ 40 ms, never less;
    // started after it returned, ~0. The bound of 25 ms sits between the two.
    let ((), elapsed) = timed(async { std::thread::sleep(Duration::from_millis(40)) }).await;
    let measured = secs(elapsed);
    ensure!(
        measured >= 0.025,
        en: "a future that works 40 ms in its first poll and is then Ready was measured as \
             {measured:.4} s: start the clock before polling the inner future, so the first \
             poll's own work is timed too",
        ru: "future, который 40 мс работает в первом опросе и сразу готов, измерен как \
             {measured:.4} с: запускайте секундомер до опроса вложенного future, чтобы работа \
             первого опроса тоже попала в замер",
    );
}

async fn output_passes_through() {
    let (output, _) = timed(async { vec![String::from("a"), String::from("b")] }).await;
    ensure!(
        output == ["a", "b"],
        en: "timed changed the output: [\"a\", \"b\"] came back as {output:?}",
        ru: "timed изменил результат: [\"a\", \"b\"] вернулся как {output:?}",
    );

    let output = timeit("numbers", async { (1..=4).collect::<Vec<u32>>() }).await;
    ensure!(
        output == [1, 2, 3, 4],
        en: "timeit changed the output: [1, 2, 3, 4] came back as {output:?}",
        ru: "timeit изменил результат: [1, 2, 3, 4] вернулся как {output:?}",
    );
}

async fn errors_pass_through() {
    let output = timeit("failing", async { Err::<u8, String>("boom".into()) }).await;
    ensure!(
        output == Err("boom".to_owned()),
        en: "timeit must hand back an Err unchanged: Err(\"boom\") came back as {output:?}",
        ru: "timeit должен вернуть Err без изменений: Err(\"boom\") вернулся как {output:?}",
    );
}

/// An `async` block that notes in `events` when it is first polled and when
/// it is done, with a `ms` sleep in between. `Send`, like the futures of
/// every test in this file: a `timed` that asks for `Send` costs only the
/// test of futures that are not (`not_send.rs`).
async fn noted(ms: u64, name: &'static str, events: Arc<Mutex<Vec<String>>>) {
    events.lock().unwrap().push(format!("{name} starts"));
    nap(ms).await;
    events.lock().unwrap().push(format!("{name} ends"));
}

async fn joined_timers_each_measure_their_own_future() {
    // Two timed sleeps of 60 and 180 ms, joined. Run together, both start
    // before either ends: counted, not timed. A wrapper that blocks inside
    // poll runs the first to its end before the second starts. Each clock
    // must then read at least its own sleep, and the two must differ by
    // about the 120 ms between them (a shared clock, or one started at the
    // wrong moment, does not); the 60 ms allowed either way is load's room
    // (both sleeps wake on the same runtime, so load delays both alike).
    // What is judged is the gap between the two, so the short one need not
    // be long: 60 ms keeps this test (the suite's longest) under 0.2 s.
    let events = Arc::new(Mutex::new(Vec::new()));
    let (short, long) = tokio::join!(
        timed(noted(60, "short", Arc::clone(&events))),
        timed(noted(180, "long", Arc::clone(&events)))
    );
    let events = events.lock().unwrap().clone();
    ensure!(
        events.iter().position(|event| event == "long starts")
            < events.iter().position(|event| event == "short ends"),
        en: "two timed futures joined together ran one after the other ({events:?}): Timed must \
             only poll the inner future and return Pending when it does, never wait inside poll",
        ru: "два future под join! выполнились друг за другом ({events:?}): Timed должен только \
             опрашивать вложенный future и возвращать Pending вместе с ним, а не ждать внутри poll",
    );
    let (short, long) = (secs(short.1), secs(long.1));
    ensure!(
        short >= 0.06 && long >= 0.18 && (0.06..0.18).contains(&(long - short)),
        en: "joined, the 60 ms future was measured as {short:.4} s and the 180 ms one as \
             {long:.4} s: each clock must read its own future, from its own first poll",
        ru: "под join! future на 60 мс измерен как {short:.4} с, а на 180 мс — как {long:.4} с: \
             каждый секундомер меряет свой future, от его собственного первого опроса",
    );
}

async fn report_format_is_exact() {
    for (name, elapsed, expected) in [
        (
            "fetch",
            Duration::from_micros(301_200),
            "Execution time of fetch: 0.3012 seconds",
        ),
        (
            "idle",
            Duration::ZERO,
            "Execution time of idle: 0.0000 seconds",
        ),
        (
            "long_func",
            Duration::from_micros(12_345_670),
            "Execution time of long_func: 12.3457 seconds",
        ),
    ] {
        let got = report(name, elapsed);
        ensure!(
            got == expected,
            en: "report({name:?}, {elapsed:?}) gave {got:?}, expected {expected:?}",
            ru: "report({name:?}, {elapsed:?}) вернул {got:?}, а ожидалось {expected:?}",
        );
    }
}

async fn timeit_prints_the_report() {
    let (output, printed) = capture_stdout(timeit("answer", async {
        nap(50).await;
        42
    }))
    .await;

    ensure!(output == 42, en: "timeit changed the output: 42 came back as {output}", ru: "timeit изменил результат: 42 вернулось как {output}");
    let seconds = printed
        .strip_prefix("Execution time of answer: ")
        .and_then(|rest| rest.strip_suffix(" seconds\n"));
    ensure!(
        seconds.is_some(),
        en: "timeit printed {printed:?}; expected one line \"Execution time of answer: 0.0500 seconds\"",
        ru: "timeit напечатал {printed:?}; ожидалась одна строка \"Execution time of answer: 0.0500 seconds\"",
    );
    let seconds = seconds.unwrap_or_default();
    let (whole, decimals) = seconds.split_once('.').unwrap_or((seconds, ""));
    ensure!(
        decimals.len() == 4 && whole.parse::<u64>().is_ok() && decimals.parse::<u64>().is_ok(),
        en: "timeit printed {seconds:?} seconds; expected four decimals, like 0.0500",
        ru: "timeit напечатал {seconds:?} секунд; нужно четыре знака после запятой, как 0.0500",
    );
    let value: f64 = seconds.parse().unwrap_or(-1.0);
    ensure!(
        (0.05..1.5).contains(&value),
        en: "a 50 ms sleep was reported as {value} seconds",
        ru: "сон в 50 мс показан как {value} секунд",
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
