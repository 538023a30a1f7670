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

async fn statuses_come_back_in_order_of_i() {
    let server = MockServer::start_async().await;
    for i in 0..N {
        // Request i answers with status 200+i, and the earlier the request, the
        // later its answer: completion order is the reverse of i.
        let delay = Duration::from_millis(20 * (N - i) as u64);
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/page")
                    .query_param("i", i.to_string());
                then.status(200 + i as u16).delay(delay);
            })
            .await;
    }

    let statuses = async_rewrite::run_all(&server.url("/page"), N).await;

    let expected: Vec<StatusCode> = (0..N)
        .map(|i| StatusCode::from_u16(200 + i as u16).unwrap())
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

async fn requests_run_at_once() {
    // Each answer takes DELAY. One after another, N requests take N·DELAY =
    // 4.5 s; at once, about one DELAY = 0.3 s. The bound, 5·DELAY = 1.5 s,
    // leaves the right answer 1.2 s for a loaded machine and sits 3 s below
    // the sequential time, so only a sequential (or half-sequential) run fails.
    const DELAY: Duration = Duration::from_millis(300);
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
        took < at_once * 5.0,
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
    requests_run_at_once,
    zero_requests_give_an_empty_answer,
    unreachable_server_is_an_error,
);
