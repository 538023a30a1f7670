//! The demo: check the sites given on the command line, five at a time.
//!
//! `cargo run -p site-check --features demo -- https://example.com https://example.org`

use std::time::Duration;

/// Sites the demo checks when none are given.
const DEFAULT_URLS: [&str; 3] = [
    "https://example.com/",
    "https://example.org/",
    "https://example.com/no-such-page",
];

#[tokio::main]
async fn main() {
    let given: Vec<String> = std::env::args().skip(1).collect();
    let urls: Vec<String> = if given.is_empty() {
        DEFAULT_URLS.iter().map(|url| url.to_string()).collect()
    } else {
        given
    };
    let results = site_check::check_sites(&urls, 5, Duration::from_secs(5)).await;
    for (url, result) in urls.iter().zip(results) {
        match result {
            Ok(site) => println!(
                "{url}: {} in {:.2} s",
                site.status,
                site.elapsed.as_secs_f64()
            ),
            Err(error) => println!("{url}: {error}"),
        }
    }
}
