//! # Task 4 — site check: reference solution
//!
//! The statement lives in `exercises/04-site-check`.

use std::time::{Duration, Instant};

use futures::StreamExt;
use reqwest::{Client, StatusCode, Url};

/// A site that answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteStatus {
    /// The status it answered with (404 and 500 included).
    pub status: StatusCode,
    /// How long the request took until the status arrived.
    pub elapsed: Duration,
}

/// Why a site has no status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// No answer within the timeout.
    #[error("no answer within the timeout")]
    Timeout,
    /// The connection could not be made (refused, unreachable, DNS failure).
    #[error("could not connect: {0}")]
    Connect(String),
    /// The URL could not be used: it does not parse, or is not http(s).
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// Anything else.
    #[error("request failed: {0}")]
    Other(String),
}

/// One URL's result.
pub type SiteResult = Result<SiteStatus, CheckError>;

/// GETs every URL in `urls`, at most `limit` at a time (0 counts as 1), each
/// with its own `timeout`, and returns one result per URL, in order.
pub async fn check_sites<S: AsRef<str>>(
    urls: &[S],
    limit: usize,
    timeout: Duration,
) -> Vec<SiteResult> {
    let client = Client::new();
    // `buffer_unordered` keeps at most `limit` requests in flight and starts
    // the next one as soon as any finishes, so one slow site never leaves a
    // slot idle (`buffered` would: it counts answers it has not handed out
    // yet, in order, against the limit). Each answer carries its index back
    // to its place, so the results keep the order of `urls`.
    let mut results: Vec<Option<SiteResult>> = vec![None; urls.len()];
    let mut answers = futures::stream::iter(urls.iter().enumerate())
        .map(|(index, url)| {
            let client = &client;
            async move { (index, check_site(client, url.as_ref(), timeout).await) }
        })
        .buffer_unordered(limit.max(1));
    while let Some((index, result)) = answers.next().await {
        results[index] = Some(result);
    }
    results
        .into_iter()
        .map(|result| result.expect("every URL was checked"))
        .collect()
}

/// One site: parse the URL, GET it within `timeout`, classify a failure.
async fn check_site(client: &Client, url: &str, timeout: Duration) -> SiteResult {
    let url = Url::parse(url).map_err(|error| CheckError::InvalidUrl(error.to_string()))?;
    let started = Instant::now();
    let response = client
        .get(url)
        .timeout(timeout)
        .send()
        .await
        .map_err(classify)?;
    Ok(SiteStatus {
        status: response.status(),
        elapsed: started.elapsed(),
    })
}

/// Sorts a reqwest error into the kinds the caller can act on.
fn classify(error: reqwest::Error) -> CheckError {
    if error.is_timeout() {
        CheckError::Timeout
    } else if error.is_connect() {
        CheckError::Connect(error.to_string())
    } else if error.is_builder() {
        // e.g. a URL that parses but is not http(s)
        CheckError::InvalidUrl(error.to_string())
    } else {
        CheckError::Other(error.to_string())
    }
}
