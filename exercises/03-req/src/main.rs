//! The lecture's demo: fetch a URL and print its body.
//!
//! `cargo run -p req --features demo -- URL [--type json|text]`

use std::process::ExitCode;

/// Prints how to call the demo.
fn usage() -> ExitCode {
    eprintln!("usage: req URL [--type json|text]");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (url, response_type) = match args.as_slice() {
        [url] => (url, "json"),
        [url, flag, kind] if flag == "--type" => (url, kind.as_str()),
        _ => return usage(),
    };
    match req::req(&reqwest::Client::new(), url, &[], &[], response_type).await {
        Ok(req::Body::Json(value)) => println!("{value:#}"),
        Ok(req::Body::Text(text)) => println!("{text}"),
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
