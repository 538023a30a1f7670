//! # Task 4 — site check, the async port / Задание 4 — проверка сайтов, асинхронно
//!
//! The earlier lecture on `requests` set this task, blocking, one site at a time:
//!
//! ```python
//! import requests
//!
//! def check_sites(urls):
//!     results = []
//!     for url in urls:
//!         try:
//!             response = requests.get(url, timeout=5)
//!             results.append(response.status_code)
//!         except requests.RequestException as error:
//!             results.append(error)
//!     return results
//! ```
//!
//! Port it to async Rust, and make it something you could point at a
//! thousand sites:
//! - **concurrently**, but with at most `limit` requests in flight at once (a
//!   thousand sockets at once is how you get banned, or run out of them);
//! - each request gets its own `timeout`: one slow site must not hold up the
//!   rest, nor the batch;
//! - one failure never stops the others — the lecture's
//!   `asyncio.gather(..., return_exceptions=True)`: every URL gets its own
//!   result, an error included;
//! - results come back **in the order of `urls`**, whatever order the answers
//!   arrive in.
//!
//! A 404 or a 500 is not an error here: the site answered, and its status is
//! the result.
//!
//! Where to look: `futures::StreamExt::buffer_unordered` over
//! `urls.iter().enumerate()` (each answer carries its index back to its
//! place) or `tokio::sync::Semaphore` (a permit per request in flight).
//! Beware `buffered`: it keeps order, but an answer it has not handed out yet
//! still holds its slot, so one slow site at the front stalls the rest;
//! `reqwest::RequestBuilder::timeout` or `tokio::time::timeout`; and
//! `reqwest::Error::is_timeout` / `::is_connect` / `::is_builder` to sort
//! errors into [`CheckError`]'s kinds.

use std::time::Duration;

use reqwest::StatusCode;

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

/// **Your task.** GETs every URL in `urls`, at most `limit` at a time (a
/// `limit` of 0 counts as 1), each with its own `timeout`, and returns one
/// result per URL, in the order of `urls`.
#[allow(unused_variables)] // the stub ignores its arguments; delete this line when you start
pub async fn check_sites<S: AsRef<str>>(
    urls: &[S],
    limit: usize,
    timeout: Duration,
) -> Vec<SiteResult> {
    todo!(
        "check_sites: every URL, at most `limit` at a time, each within `timeout` / все URL, не больше `limit` одновременно, каждый за `timeout`"
    )
}
