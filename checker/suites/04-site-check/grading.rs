//! Hidden suite of task 4: `check_sites` keeps order, reports every URL on its
//! own, holds the limit, and times out each request, not the batch.
//!
//! Timing thresholds are derived next to each test from the delays the mock
//! server adds; the server answers delayed requests concurrently.

use std::time::Duration;

use harness::{
    ensure, measure,
    raw_server::{RawServer, Reply},
    refused_url,
    tools::secs,
};
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
        (200, 150),
        (201, 120),
        (202, 90),
        (203, 60),
        (204, 30),
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

    // 200 ms: the slow site's 5 s is far beyond it, and the others answer
    // on loopback (or fail) within milliseconds, loaded machine included.
    let results = site_check::check_sites(&urls, 3, Duration::from_millis(200)).await;

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
    // Eight sites whose answers are held back, limit 2: while none has
    // answered, at most two may have been asked. Counted, not timed: with
    // no limit all eight arrive within milliseconds of the first, with a
    // limit one too high three do, and a right answer can never show more
    // than two however loaded the machine is.
    let paths: Vec<String> = (0..8).map(|i| format!("/held/{i}")).collect();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let in_flight = requests_in_flight_after(&paths, 2).await;
    ensure!(
        (1..=2).contains(&in_flight),
        en: "8 slow sites with limit 2: {in_flight} requests were in flight at once; never more \
             than the limit may be (and at least one must start)",
        ru: "8 медленных сайтов при лимите 2: одновременно шло запросов: {in_flight}; больше \
             лимита нельзя никогда (и хотя бы один должен начаться)",
    );
}

async fn requests_within_the_limit_run_at_once() {
    // 10 requests of DELAY with limit 10: at once ~0.15 s, one by one 1.5 s.
    // The bound 0.75 s is 5x the right figure and half the wrong one.
    const DELAY: u64 = 150;
    let server = server_with(&[(200, DELAY)]).await;
    let urls = vec![server.url(format!("/200/{DELAY}")); 10];

    let (results, took) = measure(site_check::check_sites(&urls, 10, Duration::from_secs(5))).await;

    all_ok(&results, 10);
    let took = secs(took);
    ensure!(
        took < 0.75,
        en: "10 requests of 0.15 s with limit 10 took {took:.2} s; at once they take ~0.15 s, \
             one after another 1.5 s: are they awaited one by one?",
        ru: "10 запросов по 0,15 с с лимитом 10 заняли {took:.2} с; одновременно это ~0,15 с, \
             один за другим — 1,5 с: не ждёте ли вы их по одному?",
    );
}

async fn a_slow_site_times_out_early() {
    // The site answers after 5 s; the timeout is 0.2 s. Well under 2.5 s —
    // half the site's delay — proves the timeout fired instead of waiting.
    let server = server_with(&[(200, 5_000)]).await;
    let urls = [server.url("/200/5000")];

    let (results, took) = measure(site_check::check_sites(
        &urls,
        1,
        Duration::from_millis(200),
    ))
    .await;

    let (got, took) = (statuses(&results), secs(took));
    ensure!(
        got == [Err(CheckError::Timeout)],
        en: "a site answering after 5 s with a timeout of 0.2 s must be [Err(Timeout)], got {got:?}",
        ru: "сайт, отвечающий через 5 с, при таймауте 0,2 с должен дать [Err(Timeout)], получено {got:?}",
    );
    ensure!(
        took < 2.5,
        en: "the timeout of 0.2 s fired after {took:.2} s",
        ru: "таймаут 0,2 с сработал через {took:.2} с",
    );
}

async fn a_request_given_up_on_is_dropped() {
    // A site that never answers, a timeout of 0.2 s. Giving up on a request
    // means dropping it: its connection closes, and nothing of it runs on
    // after check_sites returns. A request spawned off with the timeout on
    // its JoinHandle is only abandoned: it keeps its connection (and its
    // slot's worth of sockets) open in the background, outside any limit.
    // The server notes when the client hangs up; 2 s is far more than a
    // dropped connection needs to close, and far less than never.
    let server = RawServer::start(Reply::Never);
    let urls = [server.url.clone()];
    let results = site_check::check_sites(&urls, 1, Duration::from_millis(200)).await;
    let got = statuses(&results);
    ensure!(
        got == [Err(CheckError::Timeout)],
        en: "a site that never answers, with a timeout of 0.2 s, must be [Err(Timeout)], got {got:?}",
        ru: "сайт, который никогда не отвечает, при таймауте 0,2 с должен дать [Err(Timeout)], получено {got:?}",
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    let closed = loop {
        let connections = server.connections();
        if connections
            .iter()
            .all(|connection| connection.closed.is_some())
        {
            break true;
        }
        if std::time::Instant::now() > deadline {
            break false;
        }
        // An async wait: whatever check_sites left behind gets to run.
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let open = server
        .connections()
        .iter()
        .filter(|connection| connection.closed.is_none())
        .count();
    ensure!(
        closed,
        en: "check_sites returned Timeout, but {open} connection(s) to the site were still open 2 s \
             later: the timed-out request was left running in the background (a spawned task with \
             the timeout on its JoinHandle?). Time the request itself out \
             (RequestBuilder::timeout, or tokio::time::timeout around the request future), so \
             giving up drops it",
        ru: "check_sites вернул Timeout, но через 2 с к сайту было открыто соединений: {open}: \
             запрос с истёкшим таймаутом остался работать в фоне (задача из spawn с таймаутом на \
             JoinHandle?). Ограничивайте сам запрос (RequestBuilder::timeout или \
             tokio::time::timeout вокруг future запроса), чтобы отказ от него его и отменял",
    );
}

async fn the_timeout_is_per_request_not_per_batch() {
    // 3 requests of 75 ms, one at a time, each with a 200 ms timeout: each
    // fits its timeout (125 ms to spare for a loaded machine), but the batch
    // takes at least 225 ms (the server's delays never end early), so a
    // single timeout around the whole batch cuts the last one off on any
    // machine.
    let server = server_with(&[(200, 75)]).await;
    let urls = vec![server.url("/200/75"); 3];

    let results = site_check::check_sites(&urls, 1, Duration::from_millis(200)).await;

    let got = statuses(&results);
    ensure!(
        got == vec![Ok(200); 3],
        en: "each request fits its own timeout: give every request its own, not one for the \
             whole batch; got {got:?}",
        ru: "каждый запрос укладывается в свой таймаут: дайте таймаут каждому запросу, а не \
             один на всю пачку; получено {got:?}",
    );
}

async fn elapsed_is_measured_per_site() {
    let server = server_with(&[(200, 0), (200, 250)]).await;
    let urls = [server.url("/200/0"), server.url("/200/250")];

    let results = site_check::check_sites(&urls, 2, Duration::from_secs(5)).await;

    all_ok(&results, 2);
    let elapsed: Vec<f64> = results
        .iter()
        .flatten()
        .map(|site| secs(site.elapsed))
        .collect();
    // The slow site takes at least its 250 ms; the fast one, measured on its
    // own, takes its loopback time (a millisecond or two). Measured with the
    // slow one, it reads at least 250 ms; the bound, 150 ms, leaves a loaded
    // machine 100x the loopback time, and the wrong clock 100 ms above it.
    let (fast, slow) = (elapsed[0], elapsed[1]);
    ensure!(
        slow >= 0.25,
        en: "the site answering after 250 ms was measured as {slow:.3} s",
        ru: "сайт, отвечающий через 250 мс, измерен как {slow:.3} с",
    );
    ensure!(
        fast < 0.15,
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

    // A limit of 0 counts as 1: of three sites whose answers are held back,
    // exactly one is asked at a time — not none (a stall), not all three.
    let in_flight = requests_in_flight_after(&["/held/a", "/held/b", "/held/c"], 0).await;
    ensure!(
        in_flight == 1,
        en: "with limit 0, {in_flight} requests were in flight at once: a limit of 0 counts as 1",
        ru: "при лимите 0 одновременно шло запросов: {in_flight}; лимит 0 считается за 1",
    );
}

/// Starts `check_sites` on `paths` (each answered only after 8 s) with
/// `limit`, and counts the requests that reached the server: once the first
/// has arrived (or 4 s have passed), 0.15 s more lets any others the run
/// started arrive too — they would come within milliseconds of the first —
/// and the count is read before any answer. Then the run is dropped.
async fn requests_in_flight_after(paths: &[&str], limit: usize) -> usize {
    let server = MockServer::start_async().await;
    let held = server
        .mock_async(|when, then| {
            when.method(GET).path_prefix("/held/");
            then.status(200).delay(Duration::from_secs(8));
        })
        .await;
    let urls: Vec<String> = paths.iter().map(|path| server.url(*path)).collect();
    let count = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(4);
        while held.calls_async().await == 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        held.calls_async().await
    };
    tokio::select! {
        _ = site_check::check_sites(&urls, limit, Duration::from_secs(30)) => 0,
        in_flight = count => in_flight,
    }
}

async fn a_slow_site_does_not_hold_up_the_others() {
    // The first site answers only after HELD; six quick ones follow, with a
    // limit of 2. One slot waits for the slow site; the other must go on
    // through the quick ones meanwhile (6 × 30 ms). A limit that counts
    // answered-but-not-yet-handed-out requests (`buffered`), or batches
    // joined one after another, leaves that slot idle until the slow site
    // answers. No duration is judged: only whether the quick sites were
    // asked while the slow one was still held.
    const HELD: Duration = Duration::from_secs(8);
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/slow");
            then.status(200).delay(HELD);
        })
        .await;
    let quick = server
        .mock_async(|when, then| {
            when.method(GET).path_prefix("/quick/");
            then.status(200).delay(Duration::from_millis(30));
        })
        .await;
    let mut urls = vec![server.url("/slow")];
    urls.extend((0..6).map(|i| server.url(format!("/quick/{i}"))));

    let watch = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(4);
        loop {
            let asked = quick.calls_async().await;
            if asked >= 6 || tokio::time::Instant::now() >= deadline {
                return asked;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let asked = tokio::select! {
        asked = watch => asked,
        results = site_check::check_sites(&urls, 2, Duration::from_secs(30)) => {
            ensure!(
                false,
                en: "check_sites returned {results:?} while the first site was still answering: \
                     it must wait for every site",
                ru: "check_sites вернул {results:?}, пока первый сайт ещё отвечал: \
                     нужно дождаться каждого сайта",
            );
            0
        }
    };
    ensure!(
        asked >= 6,
        en: "while the first site was still answering, only {asked} of the 6 quick sites behind it \
             were asked, with a limit of 2: a slot stayed idle. Start the next request as soon as \
             any one finishes (buffer_unordered with indices, or a Semaphore), not in batches or in order",
        ru: "пока первый сайт ещё отвечал, из 6 быстрых сайтов за ним опрошено только {asked} \
             при лимите 2: место простаивало. Запускайте следующий запрос, как только завершился \
             любой (buffer_unordered с индексами или Semaphore), а не пачками и не по порядку",
    );
}

async fn no_call_blocks_the_runtime() {
    // Six sites, all at once. Meanwhile a heartbeat in the same task ticks
    // every 10 ms. Async code yields at every wait, so the heartbeat never
    // misses long (a busy machine delays it by tens of milliseconds); a
    // blocking call inside check_sites (std::thread::sleep, a blocking
    // client) holds the whole task for its length, per site. The bound,
    // 0.9 s, is ten times a bad scheduling hiccup and half of what six
    // blocking pauses of 0.3 s cost.
    let server = server_with(&[(200, 50)]).await;
    let urls = vec![server.url("/200/50"); 6];
    let longest_gap = std::cell::Cell::new(Duration::ZERO);
    let done = std::cell::Cell::new(false);
    let heartbeat = async {
        let mut last = tokio::time::Instant::now();
        while !done.get() {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let now = tokio::time::Instant::now();
            longest_gap.set(longest_gap.get().max(now - last));
            last = now;
        }
    };
    let check = async {
        let results = site_check::check_sites(&urls, 6, Duration::from_secs(5)).await;
        done.set(true);
        results
    };
    let ((), results) = tokio::join!(heartbeat, check);

    all_ok(&results, 6);
    let gap = secs(longest_gap.get());
    ensure!(
        gap < 0.9,
        en: "while check_sites ran, the runtime was held for {gap:.2} s at a stretch: a blocking \
             call (std::thread::sleep, a blocking client, blocking I/O) inside async code stops \
             every other future on its thread; use the async version (tokio::time::sleep, ...)",
        ru: "пока работал check_sites, среда выполнения была занята {gap:.2} с подряд: блокирующий \
             вызов (std::thread::sleep, блокирующий клиент, блокирующий ввод-вывод) в async-коде \
             останавливает все остальные future в этом потоке; используйте async-версию \
             (tokio::time::sleep, ...)",
    );

    // Ten quick sites, limit ten: every request connects on its first poll,
    // so the server sees all ten within a few milliseconds. A blocking pause
    // per site too short for the heartbeat to notice in one stretch (say
    // 100 ms) still spreads the arrivals by ten pauses: 900 ms. The bound,
    // 300 ms, is ten times what a loaded machine adds.
    let quick = RawServer::start(Reply::Ok("ok"));
    let urls = vec![quick.url.clone(); 10];
    let results = site_check::check_sites(&urls, 10, Duration::from_secs(5)).await;
    all_ok(&results, 10);
    let spread = quick.arrival_spread_ms();
    ensure!(
        spread < 300,
        en: "ten quick sites with a limit of ten reached the server over {spread} ms, not at once: \
             something blocks the thread before each request (std::thread::sleep, a blocking call); \
             wait with .await instead",
        ru: "десять быстрых сайтов при лимите десять дошли до сервера за {spread} мс, а не \
             одновременно: что-то блокирует поток перед каждым запросом (std::thread::sleep, \
             блокирующий вызов); ждите через .await",
    );
}

async fn redirects_are_followed() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/old");
            then.status(301).header("location", "/new");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/new");
            then.status(200);
        })
        .await;

    let results = site_check::check_sites(&[server.url("/old")], 1, Duration::from_secs(5)).await;

    let got = statuses(&results);
    ensure!(
        got == [Ok(200)],
        en: "a site that redirects to a page answering 200 must give [Ok(200)], got {got:?}: \
             follow redirects (reqwest's Client does by default)",
        ru: "сайт, перенаправляющий на страницу с ответом 200, должен дать [Ok(200)], получено \
             {got:?}: выполняйте редиректы (Client из reqwest делает это по умолчанию)",
    );
}

async fn elapsed_excludes_the_wait_for_a_slot() {
    // Limit 1: the second site waits 0.25 s for the first to finish, then
    // answers at once. Its elapsed is its own request's time (milliseconds
    // on loopback), not the wait, which a wrong clock adds in full (it
    // cannot end early); the bound, 0.15 s, leaves a loaded machine 100x a
    // loopback answer, and the wrong clock 0.1 s above it.
    let server = server_with(&[(200, 250), (200, 0)]).await;
    let urls = [server.url("/200/250"), server.url("/200/0")];

    let results = site_check::check_sites(&urls, 1, Duration::from_secs(5)).await;

    all_ok(&results, 2);
    let second = results
        .get(1)
        .and_then(|result| result.as_ref().ok())
        .map(|site| secs(site.elapsed))
        .unwrap_or_default();
    ensure!(
        second < 0.15,
        en: "the second site answers at once but was measured as {second:.3} s: elapsed starts \
             when its own request starts, not when check_sites or its wait for a slot began",
        ru: "второй сайт отвечает сразу, но измерен как {second:.3} с: отсчёт начинается, когда \
             начинается его собственный запрос, а не check_sites и не ожидание места",
    );
}

harness::suite!(
    results_keep_input_order,
    mixed_outcomes_are_reported_one_by_one,
    the_limit_holds,
    requests_within_the_limit_run_at_once,
    a_slow_site_times_out_early,
    a_request_given_up_on_is_dropped,
    the_timeout_is_per_request_not_per_batch,
    elapsed_is_measured_per_site,
    elapsed_excludes_the_wait_for_a_slot,
    a_slow_site_does_not_hold_up_the_others,
    redirects_are_followed,
    no_call_blocks_the_runtime,
    empty_and_zero_limit_are_handled,
);
