//! Hidden suite of task 1: `run_all` sends every request, at once, and keeps order.
//!
//! Every test talks to an httpmock server on loopback. Timing thresholds are
//! derived in the comments next to them from the delay the server adds.

use std::time::Duration;

use harness::{ensure, measure, refused_url, tools::secs};
use httpmock::prelude::*;
use reqwest::StatusCode;

/// The lecture's number of requests.
const N: usize = 15;

async fn sends_exactly_n_requests() {
    let server = MockServer::start_async().await;
    let page = server
        .mock_async(|when, then| {
            when.method(GET).path("/page");
            then.status(200);
        })
        .await;

    let result = async_rewrite::run_all(&server.url("/page"), N).await;

    ensure!(result.is_ok(), en: "run_all failed: {result:?}", ru: "run_all вернул ошибку: {result:?}");
    let calls = page.calls_async().await;
    ensure!(
        calls == N,
        en: "run_all({N}) returned after the server saw {calls} requests, expected {N}: \
             does it wait for every request it started?",
        ru: "run_all({N}) вернулся, когда сервер получил {calls} запросов, а ждали {N}: \
             дожидается ли он каждого запущенного запроса?",
    );
}

async fn sends_each_i_once() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for i in 0..N {
        pages.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path("/page")
                        .query_param("i", i.to_string());
                    then.status(200);
                })
                .await,
        );
    }

    let result = async_rewrite::run_all(&server.url("/page"), N).await;

    ensure!(result.is_ok(), en: "run_all failed: {result:?}", ru: "run_all вернул ошибку: {result:?}");
    for (i, page) in pages.iter().enumerate() {
        let calls = page.calls_async().await;
        ensure!(
            calls == 1,
            en: "the request with i={i} was sent {calls} times, expected once: \
                 call long_func(&client, url, i) for every i in 0..n",
            ru: "запрос с i={i} отправлен {calls} раз, а нужен один: \
                 вызовите long_func(&client, url, i) для каждого i из 0..n",
        );
    }
}

/// The status request `i` is answered with: distinct for every i < N, and
/// neither rising nor falling with i (7 and 15 share no factor).
fn status_of(i: usize) -> u16 {
    200 + ((i * 7) % N) as u16
}

async fn statuses_come_back_in_order_of_i() {
    let server = MockServer::start_async().await;
    for i in 0..N {
        // The earlier the request, the later its answer: completion order
        // is the reverse of i (answers 5 ms apart, 75 ms at most; a single
        // pair that arrives out of the order of i is enough to tell). And
        // the statuses do not rise with i, so neither the order answers
        // arrive in nor sorting by status gives the order of i.
        let delay = Duration::from_millis(5 * (N - i) as u64);
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/page")
                    .query_param("i", i.to_string());
                then.status(status_of(i)).delay(delay);
            })
            .await;
    }

    let statuses = async_rewrite::run_all(&server.url("/page"), N).await;

    let expected: Vec<StatusCode> = (0..N)
        .map(|i| StatusCode::from_u16(status_of(i)).unwrap())
        .collect();
    ensure!(statuses.is_ok(), en: "run_all failed: {statuses:?}", ru: "run_all вернул ошибку: {statuses:?}");
    let statuses = statuses.unwrap_or_default();
    ensure!(
        statuses == expected,
        en: "statuses must be in order of i, not in the order the answers arrived \
             (here the answers arrive last-first): got {statuses:?}",
        ru: "статусы должны идти в порядке i, а не в порядке прихода ответов \
             (здесь ответы приходят от последнего к первому): получено {statuses:?}",
    );
}

async fn all_requests_are_in_flight_together() {
    // Every answer is held back for HELD; meanwhile the server's request log
    // is read. Run at once, all N requests reach the server within
    // milliseconds of each other, long before any is answered; run one by
    // one (or a few at a time) only the first few arrive until the first
    // answers come back. No duration is judged: only how many requests were
    // in flight together. WAIT, the time given for them to arrive, is far
    // longer than sending N requests takes even on a loaded machine, and
    // shorter than HELD, so no answer can let a sequential run catch up.
    const HELD: Duration = Duration::from_secs(8);
    const WAIT: Duration = Duration::from_secs(4);
    let server = MockServer::start_async().await;
    let held = server
        .mock_async(|when, then| {
            when.method(GET).path("/held");
            then.status(200).delay(HELD);
        })
        .await;

    let url = server.url("/held");
    let run = async_rewrite::run_all(&url, N);
    let arrivals = async {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let arrived = held.calls_async().await;
            if arrived >= N || tokio::time::Instant::now() >= deadline {
                return arrived;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let in_flight = tokio::select! {
        arrived = arrivals => arrived,
        result = run => {
            ensure!(false, en: "run_all returned before any answer came back: {result:?}", ru: "run_all вернулся раньше, чем пришёл хоть один ответ: {result:?}");
            0
        }
    };
    ensure!(
        in_flight >= N,
        en: "only {in_flight} of {N} requests were in flight together: the rewrite is not done \
             while requests still run one by one (or a few at a time). Start all {N}, then await them together",
        ru: "одновременно в пути было только {in_flight} из {N} запросов: переделка не закончена, \
             пока запросы идут по одному (или по нескольку). Запустите все {N} и ждите их вместе",
    );
}

async fn requests_run_at_once() {
    // Each answer takes DELAY. One after another, N requests take at least
    // N·DELAY = 1.2 s on any machine (the server never answers early); at
    // once, about one DELAY = 0.08 s plus whatever a loaded machine adds,
    // which has no such floor. So the bound sits nearer the sequential time:
    // 10·DELAY = 0.8 s leaves the right answer 0.72 s of load and a
    // sequential run 0.4 s above it. (A few at a time is R3's to catch.)
    const DELAY: Duration = Duration::from_millis(80);
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/slow");
            then.status(200).delay(DELAY);
        })
        .await;

    let (result, took) = measure(async_rewrite::run_all(&server.url("/slow"), N)).await;

    ensure!(result.is_ok(), en: "run_all failed: {result:?}", ru: "run_all вернул ошибку: {result:?}");
    let (took, sequential, at_once) = (secs(took), secs(DELAY * N as u32), secs(DELAY));
    ensure!(
        took < at_once * 10.0,
        en: "{N} requests took {took:.2} s; run one after another they take {sequential:.1} s, \
             at once about {at_once:.1} s: are you awaiting inside the loop?",
        ru: "{N} запросов заняли {took:.2} с; один за другим они занимают {sequential:.1} с, \
             одновременно — около {at_once:.1} с: нет ли у вас await внутри цикла?",
    );
}

async fn zero_requests_give_an_empty_answer() {
    let server = MockServer::start_async().await;
    let page = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;

    let statuses = async_rewrite::run_all(&server.url("/page"), 0).await;

    ensure!(
        matches!(&statuses, Ok(empty) if empty.is_empty()),
        en: "run_all(url, 0) must give Ok(an empty vector), got {statuses:?}",
        ru: "run_all(url, 0) должен вернуть Ok(пустой вектор), получено {statuses:?}",
    );
    let calls = page.calls_async().await;
    ensure!(calls == 0, en: "run_all(url, 0) sent {calls} requests", ru: "run_all(url, 0) отправил {calls} запросов");
}

async fn unreachable_server_is_an_error() {
    let url = refused_url();

    let result = async_rewrite::run_all(&url, 3).await;

    ensure!(
        result.is_err(),
        en: "nothing listens at {url}, yet run_all returned {result:?}: return the FetchError",
        ru: "по адресу {url} никто не слушает, а run_all вернул {result:?}: верните FetchError",
    );
    if let Err(error) = result {
        let i = error.i;
        ensure!(i < 3, en: "the error names request {i}, but only 0..3 were sent", ru: "ошибка называет запрос {i}, а отправлялись только 0..3");
    }
}

harness::suite!(
    sends_exactly_n_requests,
    sends_each_i_once,
    statuses_come_back_in_order_of_i,
    all_requests_are_in_flight_together,
    requests_run_at_once,
    zero_requests_give_an_empty_answer,
    unreachable_server_is_an_error,
);
