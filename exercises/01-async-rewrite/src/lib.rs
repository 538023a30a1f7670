//! # Task 1 — the async rewrite / Задание 1 — асинхронная переделка
//!
//! The lecture's homework starts from this Python loop, which fetches a page
//! fifteen times, **one request after another**:
//!
//! ```python
//! def long_func(i):
//!     print(i)
//!     requests.get(URL)
//!
//! for i in range(15):
//!     long_func(i)
//! ```
//!
//! and asks you to rewrite it so that **all fifteen run at once** — in
//! Python, `await asyncio.gather(*(long_func(i) for i in range(15)))`.
//!
//! Below, [`long_func`] and [`run_one_by_one`] are the "before" picture, already
//! written for you. Your job is [`run_all`]: the same work, all requests in
//! flight together. When you are done, fifteen requests to a page that takes
//! 0.3 s to answer take about 0.3 s, not 4.5 s.
//!
//! Where to look:
//! - `futures::future::join_all` / `try_join_all` — Rust's `asyncio.gather`;
//! - `tokio::task::JoinSet` — if you would rather spawn tasks;
//! - the trap: `.await` inside a `for` loop waits for each request before
//!   starting the next — that is exactly the sequential version again.
//!
//! Run the visible examples with `cargo test -p async-rewrite`, and the grader
//! with `cargo run -p checker`. The task statement, in English and Russian, is
//! in this crate's README.md.

use reqwest::{Client, StatusCode};

/// What went wrong with request number `i`.
#[derive(Debug, thiserror::Error)]
#[error("request {i} to {url} failed")]
pub struct FetchError {
    /// The number of the request that failed (the `i` of `long_func(i)`).
    pub i: usize,
    /// The page it asked for.
    pub url: String,
    /// What reqwest reported.
    #[source]
    pub source: reqwest::Error,
}

/// The lecture's `long_func(i)`: prints `i`, then GETs `url?i=<i>` and returns
/// the status the server answered with.
///
/// The `?i=` query lets a test server tell the requests apart. Given: do not
/// change it.
pub async fn long_func(client: &Client, url: &str, i: usize) -> Result<StatusCode, FetchError> {
    println!("{i}");
    let response = client
        .get(url)
        .query(&[("i", i)])
        .send()
        .await
        .map_err(|source| FetchError {
            i,
            url: url.to_owned(),
            source,
        })?;
    Ok(response.status())
}

/// The "before" picture: `n` calls of [`long_func`], each awaited before the
/// next one starts. Given: do not change it, it is what you compare against.
pub async fn run_one_by_one(url: &str, n: usize) -> Result<Vec<StatusCode>, FetchError> {
    let client = Client::new();
    let mut statuses = Vec::with_capacity(n);
    for i in 0..n {
        statuses.push(long_func(&client, url, i).await?);
    }
    Ok(statuses)
}

/// **Your task.** Run `long_func(&client, url, i)` for every `i` in `0..n`,
/// all at once, and return the statuses in order of `i` (not in the order the
/// answers arrived).
///
/// - Share one [`Client`] between the requests: it keeps a pool of
///   connections, and making one per request throws that away.
/// - If a request fails, return its [`FetchError`]; never panic.
/// - `n == 0` is allowed: there is nothing to fetch, so the answer is empty.
#[allow(unused_variables)] // the stub ignores its arguments; delete this line when you start
pub async fn run_all(url: &str, n: usize) -> Result<Vec<StatusCode>, FetchError> {
    todo!(
        "run_all: start all n requests at once, then await them together / запустите все n запросов сразу и дождитесь их вместе"
    )
}
