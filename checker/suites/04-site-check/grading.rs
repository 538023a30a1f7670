//! Hidden suite of task 4: `check_sites` keeps order, reports every URL on its
//! own, holds the limit, and times out each request, not the batch.
//!
//! Timing thresholds are derived next to each test from the delays the mock
//! server adds; the server answers delayed requests concurrently.

use std::time::Duration;

use harness::{measure, refused_url, tools::secs};
use httpmock::prelude::*;
use reqwest::StatusCode;
use site_check::{CheckError, SiteResult};

/// Starts a server where `GET /<status>/<ms>` answers `status` after `ms`.
async fn server_with(routes: &[(u16, u64)]) -> MockServer {
    let server = MockServer::start_async().await;
    for &(status, ms) in routes {
        server
            .mock_async(|when, then| {
                when.method(GET).path(format!("/{status}/{ms}"));
                then.status(status).delay(Duration::from_millis(ms));
            })
            .await;
    }
    server
}

fn statuses(results: &[SiteResult]) -> Vec<Result<u16, CheckError>> {
    results
        .iter()
        .map(|result| result.as_ref().map(|site| site.status.as_u16()).map_err(Clone::clone))
        .collect()
}

async fn results_keep_input_order() {
    // The first URL answers last: completion order is the reverse of input order.
    let routes = [(200, 300), (201, 240), (202, 180), (203, 120), (204, 60), (205, 0)];
    let server = server_with(&routes).await;
    let urls: Vec<String> = routes.iter().map(|(s, ms)| server.url(format!("/{s}/{ms}"))).collect();

    let results = site_check::check_sites(&urls, routes.len(), Duration::from_secs(5)).await;

    assert_eq!(
        statuses(&results),
        routes.iter().map(|(status, _)| Ok(*status)).collect::<Vec<_>>(),
        "results must be in the order of `urls`, not the order the answers arrived"
    );
}

async fn mixed_outcomes_are_reported_one_by_one() {
    let server = server_with(&[(200, 0), (404, 0), (500, 0), (200, 5_000)]).await;
    let urls = [
        server.url("/200/0"),
        server.url("/404/0"),
        server.url("/500/0"),
        refused_url(),
        "definitely not a url".to_owned(),
        server.url("/200/5000"),
    ];

    let results = site_check::check_sites(&urls, 3, Duration::from_millis(500)).await;

    let got = statuses(&results);
    assert_eq!(got.len(), urls.len(), "one result per URL: {got:?}");
    assert_eq!(got[..3], [Ok(200), Ok(404), Ok(500)], "404 and 500 are statuses, not errors");
    assert!(matches!(got[3], Err(CheckError::Connect(_))), "a refused connection: {:?}", got[3]);
    assert!(matches!(got[4], Err(CheckError::InvalidUrl(_))), "an invalid URL: {:?}", got[4]);
    assert!(matches!(got[5], Err(CheckError::Timeout)), "a site slower than the timeout: {:?}", got[5]);
}

async fn the_limit_holds() {
    // 8 requests of DELAY under a limit of 2 go in at least 4 waves, so a
    // correct run can never finish before 4·DELAY = 1.2 s; with no limit it
    // takes one DELAY. The bound 1.1 s only a run over the limit can beat.
    const DELAY: u64 = 300;
    let server = server_with(&[(200, DELAY)]).await;
    let urls = vec![server.url(format!("/200/{DELAY}")); 8];

    let (results, took) = measure(site_check::check_sites(&urls, 2, Duration::from_secs(5))).await;

    assert_eq!(statuses(&results), vec![Ok(200); 8]);
    assert!(
        took >= Duration::from_millis(1100),
        "8 requests of 0.3 s with limit 2 took {:.2} s; within the limit they need at \
         least 4 rounds, 1.2 s: more than 2 were in flight at once",
        secs(took)
    );
}

async fn requests_within_the_limit_run_at_once() {
    // 10 requests of DELAY with limit 10: at once ~0.3 s, one by one 3 s.
    // The bound 1.5 s is 5x the right figure and half the wrong one.
    const DELAY: u64 = 300;
    let server = server_with(&[(200, DELAY)]).await;
    let urls = vec![server.url(format!("/200/{DELAY}")); 10];

    let (results, took) = measure(site_check::check_sites(&urls, 10, Duration::from_secs(5))).await;

    assert_eq!(statuses(&results), vec![Ok(200); 10]);
    assert!(
        took < Duration::from_millis(1500),
        "10 requests of 0.3 s with limit 10 took {:.2} s; at once they take ~0.3 s, \
         one after another 3 s: are they awaited one by one?",
        secs(took)
    );
}

async fn a_slow_site_times_out_early() {
    // The site answers after 5 s; the timeout is 0.3 s. Well under 2.5 s —
    // half the site's delay — proves the timeout fired instead of waiting.
    let server = server_with(&[(200, 5_000)]).await;
    let urls = [server.url("/200/5000")];

    let (results, took) = measure(site_check::check_sites(&urls, 1, Duration::from_millis(300))).await;

    assert_eq!(statuses(&results), vec![Err(CheckError::Timeout)]);
    assert!(took < Duration::from_millis(2500), "the timeout of 0.3 s fired after {:.2} s", secs(took));
}

async fn the_timeout_is_per_request_not_per_batch() {
    // 4 requests of 200 ms, one at a time, each with a 400 ms timeout: each
    // fits its timeout, but the batch takes 800 ms, so a single timeout
    // around the whole batch cuts the last ones off.
    let server = server_with(&[(200, 200)]).await;
    let urls = vec![server.url("/200/200"); 4];

    let results = site_check::check_sites(&urls, 1, Duration::from_millis(400)).await;

    assert_eq!(
        statuses(&results),
        vec![Ok(200); 4],
        "each request fits its own timeout: give every request its own, not the batch one"
    );
}

async fn elapsed_is_measured_per_site() {
    let server = server_with(&[(200, 0), (200, 400)]).await;
    let urls = [server.url("/200/0"), server.url("/200/400")];

    let results = site_check::check_sites(&urls, 2, Duration::from_secs(5)).await;

    let elapsed: Vec<Duration> = results
        .iter()
        .map(|result| result.as_ref().expect("both sites answer").elapsed)
        .collect();
    // The slow site takes at least its 400 ms; the fast one, measured on its
    // own, far less (the bound 300 ms leaves it 300x its loopback time).
    assert!(elapsed[1] >= Duration::from_millis(400), "the 400 ms site: {elapsed:?}");
    assert!(
        elapsed[0] < Duration::from_millis(300),
        "the instant site was measured as {:.3} s: measure each request on its own",
        secs(elapsed[0])
    );
}

async fn empty_and_zero_limit_are_handled() {
    let none: [&str; 0] = [];
    assert!(site_check::check_sites(&none, 3, Duration::from_secs(1)).await.is_empty());

    let server = server_with(&[(200, 0)]).await;
    let urls = vec![server.url("/200/0"); 2];
    let results = tokio::time::timeout(
        Duration::from_secs(3),
        site_check::check_sites(&urls, 0, Duration::from_secs(1)),
    )
    .await
    .expect("check_sites with limit 0 did not finish in 3 s: a limit of 0 counts as 1");
    assert_eq!(statuses(&results), vec![Ok(200); 2]);
}

harness::suite!(
    results_keep_input_order,
    mixed_outcomes_are_reported_one_by_one,
    the_limit_holds,
    requests_within_the_limit_run_at_once,
    a_slow_site_times_out_early,
    the_timeout_is_per_request_not_per_batch,
    elapsed_is_measured_per_site,
    empty_and_zero_limit_are_handled,
);
