//! # Task 1 — the async rewrite: reference solution
//!
//! The exercise's stub with [`run_all`] filled in; the statement lives in
//! `exercises/01-async-rewrite`.

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

/// Runs `long_func` for every `i` in `0..n` at once and returns the statuses
/// in order of `i`.
///
/// `try_join_all` is `asyncio.gather`: it polls every request concurrently,
/// keeps the results in the order the futures were given, and stops at the
/// first error.
pub async fn run_all(url: &str, n: usize) -> Result<Vec<StatusCode>, FetchError> {
    let client = Client::new();
    futures::future::try_join_all((0..n).map(|i| long_func(&client, url, i))).await
}
