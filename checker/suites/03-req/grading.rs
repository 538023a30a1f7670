//! Hidden suite of task 3: `req` sends what it is given, reads what it is asked
//! for, and reports each kind of failure as its own error.

use httpmock::prelude::*;
use req::{Body, ReqError, ResponseType, UnknownResponseType};
use reqwest::Client;
use serde_json::json;

async fn params_reach_the_server_encoded() {
    let server = MockServer::start_async().await;
    // httpmock compares decoded values: the match proves the encoding round-trips.
    let search = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/search")
                .query_param("q", "hello world & more")
                .query_param("city", "Москва");
            then.status(200).body("{}");
        })
        .await;

    let result = req::req(
        &Client::new(),
        &server.url("/search"),
        &[("q", "hello world & more"), ("city", "Москва")],
        &[],
        "json",
    )
    .await;

    assert_eq!(
        search.calls_async().await,
        1,
        "the server did not get ?q=hello+world+%26+more&city=Москва (encoded): \
         pass params to RequestBuilder::query ({result:?})"
    );
    assert!(result.is_ok(), "{result:?}");
}

async fn headers_reach_the_server() {
    let server = MockServer::start_async().await;
    let guarded = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/private")
                .header("x-token", "s3cret")
                .header("accept-language", "ru");
            then.status(200).body("ok");
        })
        .await;

    let result = req::req(
        &Client::new(),
        &server.url("/private"),
        &[],
        &[("X-Token", "s3cret"), ("Accept-Language", "ru")],
        "text",
    )
    .await;

    assert_eq!(
        guarded.calls_async().await,
        1,
        "the server did not get the headers X-Token and Accept-Language ({result:?})"
    );
    assert_eq!(result.expect("req failed"), Body::Text("ok".into()));
}

async fn json_body_is_parsed() {
    let server = MockServer::start_async().await;
    let document = json!({"name": "Саша", "tasks": [1, 2, 3], "nested": {"ok": true, "none": null}});
    server
        .mock_async(|when, then| {
            when.method(GET).path("/doc");
            then.status(200).body(document.to_string());
        })
        .await;

    let body = req::req(&Client::new(), &server.url("/doc"), &[], &[], "json").await;

    assert_eq!(body.expect("req failed"), Body::Json(document));
}

async fn text_is_returned_verbatim() {
    let server = MockServer::start_async().await;
    let text = "Привет, мир!\n  {\"this\": is not json}\t\n";
    server
        .mock_async(|when, then| {
            when.method(GET).path("/text");
            then.status(200).body(text);
        })
        .await;

    let body = req::req(&Client::new(), &server.url("/text"), &[], &[], "text").await;

    assert_eq!(
        body.expect("req failed"),
        Body::Text(text.into()),
        "\"text\" must return the body exactly as sent"
    );
}

async fn response_types_parse() {
    assert_eq!("json".parse::<ResponseType>(), Ok(ResponseType::Json));
    assert_eq!("text".parse::<ResponseType>(), Ok(ResponseType::Text));
    for unknown in ["xml", "", "jsonp"] {
        assert_eq!(
            unknown.parse::<ResponseType>(),
            Err(UnknownResponseType(unknown.into())),
            "{unknown:?} must be refused, naming what was given"
        );
    }
}

async fn unknown_type_sends_no_request() {
    let server = MockServer::start_async().await;
    let anything = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;

    let result = req::req(&Client::new(), &server.url("/doc"), &[], &[], "xml").await;

    assert!(
        matches!(&result, Err(ReqError::UnknownResponseType(UnknownResponseType(name))) if name == "xml"),
        "expected ReqError::UnknownResponseType(\"xml\"), got {result:?}"
    );
    assert_eq!(
        anything.calls_async().await,
        0,
        "a request was sent although the response type was unknown: check it first"
    );
}

async fn error_statuses_are_status_errors() {
    let server = MockServer::start_async().await;
    for (path, status) in [("/missing", 404), ("/broken", 500)] {
        server
            .mock_async(|when, then| {
                when.method(GET).path(path);
                then.status(status).body("{\"error\": true}");
            })
            .await;
    }

    for (path, expected) in [("/missing", 404), ("/broken", 500)] {
        let result = req::req(&Client::new(), &server.url(path), &[], &[], "json").await;
        assert!(
            matches!(&result, Err(ReqError::Status { status }) if status.as_u16() == expected),
            "the server answered {expected}: expected ReqError::Status with it, got {result:?}"
        );
    }
}

async fn invalid_json_is_its_own_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/html");
            then.status(200).body("<html>not json</html>");
        })
        .await;

    let result = req::req(&Client::new(), &server.url("/html"), &[], &[], "json").await;

    assert!(
        matches!(result, Err(ReqError::InvalidJson(_))),
        "JSON was asked for and the body is HTML: expected ReqError::InvalidJson, got {result:?}"
    );
}

async fn refused_connection_is_a_transport_error() {
    let result = req::req(&Client::new(), &harness::refused_url(), &[], &[], "json").await;

    assert!(
        matches!(result, Err(ReqError::Transport(_))),
        "nothing listens there: expected ReqError::Transport, got {result:?}"
    );
}

harness::suite!(
    params_reach_the_server_encoded,
    headers_reach_the_server,
    json_body_is_parsed,
    text_is_returned_verbatim,
    response_types_parse,
    unknown_type_sends_no_request,
    error_statuses_are_status_errors,
    invalid_json_is_its_own_error,
    refused_connection_is_a_transport_error,
);
