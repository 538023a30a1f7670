//! Visible examples for task 3: `cargo test -p req`.
//!
//! The grader (`cargo run -p checker`) checks more (encoding, headers, every error
//! variant); these get you started.

use httpmock::prelude::*;
use req::{Body, ReqError, ResponseType};

#[test]
fn response_types_parse() {
    assert_eq!("json".parse(), Ok(ResponseType::Json));
    assert_eq!("text".parse(), Ok(ResponseType::Text));
    assert!("xml".parse::<ResponseType>().is_err());
}

#[tokio::test]
async fn json_is_parsed() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/answer");
            then.status(200).body(r#"{"answer": 42}"#);
        })
        .await;

    let body = req::req(
        &reqwest::Client::new(),
        &server.url("/answer"),
        &[],
        &[],
        "json",
    )
    .await;

    assert_eq!(body.unwrap(), Body::Json(serde_json::json!({"answer": 42})));
}

#[tokio::test]
async fn not_found_is_an_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/missing");
            then.status(404);
        })
        .await;

    let result = req::req(
        &reqwest::Client::new(),
        &server.url("/missing"),
        &[],
        &[],
        "text",
    )
    .await;

    assert!(
        matches!(result, Err(ReqError::Status { status }) if status == 404),
        "{result:?}"
    );
}
