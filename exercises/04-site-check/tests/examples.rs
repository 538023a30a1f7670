//! Visible examples for task 4: `cargo test -p site-check`.
//!
//! The grader (`cargo run -p checker`) checks more (the limit, timeouts, refused
//! connections); these get you started.

use std::time::Duration;

use httpmock::prelude::*;
use reqwest::StatusCode;
use site_check::CheckError;

#[tokio::test]
async fn statuses_come_back_in_order() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/ok");
            then.status(200);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/missing");
            then.status(404);
        })
        .await;
    let urls = [server.url("/ok"), server.url("/missing")];

    let results = site_check::check_sites(&urls, 2, Duration::from_secs(5)).await;

    let statuses: Vec<_> = results
        .iter()
        .map(|r| r.as_ref().map(|site| site.status))
        .collect();
    assert_eq!(
        statuses,
        vec![Ok(StatusCode::OK), Ok(StatusCode::NOT_FOUND)]
    );
}

#[tokio::test]
async fn a_bad_url_is_reported_not_fatal() {
    let results = site_check::check_sites(&["not a url"], 1, Duration::from_secs(5)).await;

    assert!(
        matches!(results.as_slice(), [Err(CheckError::InvalidUrl(_))]),
        "{results:?}"
    );
}
