//! The lecture's demo: fetch a page 15 times one by one, then all at once, and
//! print how long each took.
//!
//! `cargo run -p async-rewrite --features demo [URL]`

use std::{process::ExitCode, time::Instant};

/// The page the demo fetches when no URL is given.
const DEFAULT_URL: &str = "https://example.com/";
/// How many requests the lecture makes.
const REQUESTS: usize = 15;

#[tokio::main]
async fn main() -> ExitCode {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_URL.to_owned());
    match compare(&url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The error, then what caused it: reqwest's own message is in the source.
            eprintln!("error: {error}");
            let mut cause = std::error::Error::source(&error);
            while let Some(inner) = cause {
                eprintln!("  caused by: {inner}");
                cause = inner.source();
            }
            ExitCode::FAILURE
        }
    }
}

/// Fetches `url` REQUESTS times one by one, then all at once, timing both.
async fn compare(url: &str) -> Result<(), async_rewrite::FetchError> {
    let started = Instant::now();
    async_rewrite::run_one_by_one(url, REQUESTS).await?;
    println!("one by one: {:.2} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    async_rewrite::run_all(url, REQUESTS).await?;
    println!("all at once: {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}
