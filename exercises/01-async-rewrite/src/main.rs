//! The lecture's demo: fetch a page 15 times one by one, then all at once, and
//! print how long each took.
//!
//! `cargo run -p async-rewrite --features demo [URL]`

use std::time::Instant;

/// The page the demo fetches when no URL is given.
const DEFAULT_URL: &str = "https://example.com/";
/// How many requests the lecture makes.
const REQUESTS: usize = 15;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_URL.to_owned());

    let started = Instant::now();
    async_rewrite::run_one_by_one(&url, REQUESTS).await?;
    println!("one by one: {:.2} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    async_rewrite::run_all(&url, REQUESTS).await?;
    println!("all at once: {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}
