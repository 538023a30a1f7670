//! Hidden suite of task 1: `run_all` sends every request, at once, and keeps order.
//!
//! Every test talks to an httpmock server on loopback. Timing thresholds are
//! derived in the comments next to them from the delay the server adds.

use std::time::Duration;

use harness::{measure, refused_url, tools::secs};
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

    assert!(result.is_ok(), "run_all failed: {result:?}");
    let calls = page.calls_async().await;
    assert_eq!(
        calls, N,
        "run_all({N}) returned after the server saw {calls} requests, expected {N}: \
         does it wait for every request it started?"
    );
}

async fn sends_each_i_once() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for i in 0..N {
        pages.push(
            server
                .mock_async(|when, then| {
                    when.method(GET).path("/page").query_param("i", i.to_string());
                    then.status(200);
                })
                .await,
        );
    }

    let result = async_rewrite::run_all(&server.url("/page"), N).await;

    assert!(result.is_ok(), "run_all failed: {result:?}");
    for (i, page) in pages.iter().enumerate() {
        let calls = page.calls_async().await;
        assert_eq!(
            calls, 1,
            "the request with i={i} was sent {calls} times, expected once: \
             call long_func(&client, url, i) for every i in 0..n"
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
                when.method(GET).path("/page").query_param("i", i.to_string());
                then.status(200 + i as u16).delay(delay);
            })
            .await;
    }

    let statuses = async_rewrite::run_all(&server.url("/page"), N).await;

    let expected: Vec<StatusCode> = (0..N)
        .map(|i| StatusCode::from_u16(200 + i as u16).unwrap())
        .collect();
    let statuses = statuses.expect("run_all failed");
    assert_eq!(
        statuses, expected,
        "statuses must be in order of i, not in the order the answers arrived \
         (here the answers arrive last-first)"
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

    assert!(result.is_ok(), "run_all failed: {result:?}");
    assert!(
        took < DELAY * 5,
        "{N} requests took {:.2} s; run one after another they take {:.1} s, at once \
         about {:.1} s: are you awaiting inside the loop?",
        secs(took),
        secs(DELAY * N as u32),
        secs(DELAY)
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

    assert_eq!(statuses.expect("run_all(0) failed"), Vec::<StatusCode>::new());
    assert_eq!(page.calls_async().await, 0, "run_all(0) sent requests");
}

async fn unreachable_server_is_an_error() {
    let url = refused_url();

    let result = async_rewrite::run_all(&url, 3).await;

    let error = result.expect_err("nothing listens at the URL, yet run_all returned Ok");
    assert!(error.i < 3, "the error names request {}, but only 0..3 were sent", error.i);
}

harness::suite!(
    sends_exactly_n_requests,
    sends_each_i_once,
    statuses_come_back_in_order_of_i,
    requests_run_at_once,
    zero_requests_give_an_empty_answer,
    unreachable_server_is_an_error,
);
