//! Hidden suite of task 4: `check_sites` keeps order, reports every URL on its
//! own, holds the limit, and times out each request, not the batch.
//!
//! Timing thresholds are derived next to each test from the delays the mock
//! server adds; the server answers delayed requests concurrently.

use std::time::Duration;

use harness::{ensure, measure, refused_url, tools::secs};
use httpmock::prelude::*;
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
        .map(|result| {
            result
                .as_ref()
                .map(|site| site.status.as_u16())
                .map_err(Clone::clone)
        })
        .collect()
}

/// Checks that `results` are `count` answers of 200.
fn all_ok(results: &[SiteResult], count: usize) {
    let got = statuses(results);
    ensure!(
        got == vec![Ok(200); count],
        en: "{count} sites answering 200 must give {count} × Ok(200), got {got:?}",
        ru: "{count} сайтов, отвечающих 200, должны дать {count} × Ok(200), получено {got:?}",
    );
}

async fn results_keep_input_order() {
    // The first URL answers last: completion order is the reverse of input order.
    let routes = [
        (200, 300),
        (201, 240),
        (202, 180),
        (203, 120),
        (204, 60),
        (205, 0),
    ];
    let server = server_with(&routes).await;
    let urls: Vec<String> = routes
        .iter()
        .map(|(s, ms)| server.url(format!("/{s}/{ms}")))
        .collect();

    let results = site_check::check_sites(&urls, routes.len(), Duration::from_secs(5)).await;

    let (got, expected) = (
        statuses(&results),
        routes
            .iter()
            .map(|(status, _)| Ok(*status))
            .collect::<Vec<_>>(),
    );
    ensure!(
        got == expected,
        en: "results must be in the order of `urls`, not the order the answers arrived: \
             expected {expected:?}, got {got:?}",
        ru: "результаты должны идти в порядке `urls`, а не в порядке прихода ответов: \
             ожидалось {expected:?}, получено {got:?}",
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
    let count = got.len();
    ensure!(
        count == urls.len(),
        en: "6 URLs need 6 results, one each; got {count}: {got:?}",
        ru: "на 6 URL нужно 6 результатов, по одному на каждый; получено {count}: {got:?}",
    );
    let answered = &got[..3];
    ensure!(
        answered == [Ok(200), Ok(404), Ok(500)],
        en: "200, 404 and 500 are statuses, not errors: got {answered:?}",
        ru: "200, 404 и 500 — это статусы, а не ошибки: получено {answered:?}",
    );
    let (refused, invalid, slow) = (&got[3], &got[4], &got[5]);
    ensure!(
        matches!(refused, Err(CheckError::Connect(_))),
        en: "a refused connection must be CheckError::Connect, got {refused:?}",
        ru: "отказ в соединении должен быть CheckError::Connect, получено {refused:?}",
    );
    ensure!(
        matches!(invalid, Err(CheckError::InvalidUrl(_))),
        en: "\"definitely not a url\" must be CheckError::InvalidUrl, got {invalid:?}",
        ru: "\"definitely not a url\" должен быть CheckError::InvalidUrl, получено {invalid:?}",
    );
    ensure!(
        matches!(slow, Err(CheckError::Timeout)),
        en: "a site slower than the timeout must be CheckError::Timeout, got {slow:?}",
        ru: "сайт медленнее таймаута должен быть CheckError::Timeout, получено {slow:?}",
    );
}

async fn the_limit_holds() {
    // 8 requests of DELAY under a limit of 2 go in at least 4 waves, so a
    // correct run can never finish before 4·DELAY = 1.2 s; with no limit it
    // takes one DELAY. The bound 1.1 s only a run over the limit can beat.
    const DELAY: u64 = 300;
    let server = server_with(&[(200, DELAY)]).await;
    let urls = vec![server.url(format!("/200/{DELAY}")); 8];

    let (results, took) = measure(site_check::check_sites(&urls, 2, Duration::from_secs(5))).await;

    all_ok(&results, 8);
    let took = secs(took);
    ensure!(
        took >= 1.1,
        en: "8 requests of 0.3 s with limit 2 took {took:.2} s; within the limit they need at \
             least 4 rounds, 1.2 s: more than 2 were in flight at once",
        ru: "8 запросов по 0,3 с с лимитом 2 заняли {took:.2} с; в пределах лимита им нужно \
             не меньше 4 раундов, 1,2 с: одновременно шло больше 2",
    );
}

async fn requests_within_the_limit_run_at_once() {
    // 10 requests of DELAY with limit 10: at once ~0.3 s, one by one 3 s.
    // The bound 1.5 s is 5x the right figure and half the wrong one.
    const DELAY: u64 = 300;
    let server = server_with(&[(200, DELAY)]).await;
    let urls = vec![server.url(format!("/200/{DELAY}")); 10];

    let (results, took) = measure(site_check::check_sites(&urls, 10, Duration::from_secs(5))).await;

    all_ok(&results, 10);
    let took = secs(took);
    ensure!(
        took < 1.5,
        en: "10 requests of 0.3 s with limit 10 took {took:.2} s; at once they take ~0.3 s, \
             one after another 3 s: are they awaited one by one?",
        ru: "10 запросов по 0,3 с с лимитом 10 заняли {took:.2} с; одновременно это ~0,3 с, \
             один за другим — 3 с: не ждёте ли вы их по одному?",
    );
}

async fn a_slow_site_times_out_early() {
    // The site answers after 5 s; the timeout is 0.3 s. Well under 2.5 s —
    // half the site's delay — proves the timeout fired instead of waiting.
    let server = server_with(&[(200, 5_000)]).await;
    let urls = [server.url("/200/5000")];

    let (results, took) = measure(site_check::check_sites(
        &urls,
        1,
        Duration::from_millis(300),
    ))
    .await;

    let (got, took) = (statuses(&results), secs(took));
    ensure!(
        got == [Err(CheckError::Timeout)],
        en: "a site answering after 5 s with a timeout of 0.3 s must be [Err(Timeout)], got {got:?}",
        ru: "сайт, отвечающий через 5 с, при таймауте 0,3 с должен дать [Err(Timeout)], получено {got:?}",
    );
    ensure!(
        took < 2.5,
        en: "the timeout of 0.3 s fired after {took:.2} s",
        ru: "таймаут 0,3 с сработал через {took:.2} с",
    );
}

async fn the_timeout_is_per_request_not_per_batch() {
    // 4 requests of 200 ms, one at a time, each with a 400 ms timeout: each
    // fits its timeout, but the batch takes 800 ms, so a single timeout
    // around the whole batch cuts the last ones off.
    let server = server_with(&[(200, 200)]).await;
    let urls = vec![server.url("/200/200"); 4];

    let results = site_check::check_sites(&urls, 1, Duration::from_millis(400)).await;

    let got = statuses(&results);
    ensure!(
        got == vec![Ok(200); 4],
        en: "each request fits its own timeout: give every request its own, not one for the \
             whole batch; got {got:?}",
        ru: "каждый запрос укладывается в свой таймаут: дайте таймаут каждому запросу, а не \
             один на всю пачку; получено {got:?}",
    );
}

async fn elapsed_is_measured_per_site() {
    let server = server_with(&[(200, 0), (200, 400)]).await;
    let urls = [server.url("/200/0"), server.url("/200/400")];

    let results = site_check::check_sites(&urls, 2, Duration::from_secs(5)).await;

    all_ok(&results, 2);
    let elapsed: Vec<f64> = results
        .iter()
        .flatten()
        .map(|site| secs(site.elapsed))
        .collect();
    // The slow site takes at least its 400 ms; the fast one, measured on its
    // own, far less (the bound 300 ms leaves it 300x its loopback time).
    let (fast, slow) = (elapsed[0], elapsed[1]);
    ensure!(
        slow >= 0.4,
        en: "the site answering after 400 ms was measured as {slow:.3} s",
        ru: "сайт, отвечающий через 400 мс, измерен как {slow:.3} с",
    );
    ensure!(
        fast < 0.3,
        en: "the instant site was measured as {fast:.3} s: measure each request on its own",
        ru: "мгновенный сайт измерен как {fast:.3} с: засекайте каждый запрос отдельно",
    );
}

async fn empty_and_zero_limit_are_handled() {
    let none: [&str; 0] = [];
    let results = site_check::check_sites(&none, 3, Duration::from_secs(1)).await;
    ensure!(
        results.is_empty(),
        en: "no URLs must give no results, got {results:?}",
        ru: "без URL не должно быть результатов, получено {results:?}",
    );

    let server = server_with(&[(200, 0)]).await;
    let urls = vec![server.url("/200/0"); 2];
    let results = tokio::time::timeout(
        Duration::from_secs(3),
        site_check::check_sites(&urls, 0, Duration::from_secs(1)),
    )
    .await;
    ensure!(
        results.is_ok(),
        en: "check_sites with limit 0 did not finish in 3 s: a limit of 0 counts as 1",
        ru: "check_sites с лимитом 0 не закончился за 3 с: лимит 0 считается за 1",
    );
    all_ok(&results.unwrap_or_default(), 2);
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
