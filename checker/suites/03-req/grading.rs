//! Hidden suite of task 3: `req` sends what it is given, reads what it is asked
//! for, and reports each kind of failure as its own error.

use harness::ensure;
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

    let calls = search.calls_async().await;
    ensure!(
        calls == 1,
        en: "the server did not get ?q=hello+world+%26+more&city=Москва (encoded): \
             pass params to RequestBuilder::query (req returned {result:?})",
        ru: "сервер не получил ?q=hello+world+%26+more&city=Москва (в закодированном виде): \
             передайте params в RequestBuilder::query (req вернул {result:?})",
    );
    ensure!(result.is_ok(), en: "req failed: {result:?}", ru: "req вернул ошибку: {result:?}");
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

    let calls = guarded.calls_async().await;
    ensure!(
        calls == 1,
        en: "the server did not get the headers X-Token and Accept-Language (req returned {result:?})",
        ru: "сервер не получил заголовки X-Token и Accept-Language (req вернул {result:?})",
    );
    ensure!(
        matches!(&result, Ok(Body::Text(text)) if text == "ok"),
        en: "expected Ok(Body::Text(\"ok\")), got {result:?}",
        ru: "ожидался Ok(Body::Text(\"ok\")), получено {result:?}",
    );
}

async fn json_body_is_parsed() {
    let server = MockServer::start_async().await;
    let document =
        json!({"name": "Саша", "tasks": [1, 2, 3], "nested": {"ok": true, "none": null}});
    server
        .mock_async(|when, then| {
            when.method(GET).path("/doc");
            then.status(200).body(document.to_string());
        })
        .await;

    let body = req::req(&Client::new(), &server.url("/doc"), &[], &[], "json").await;

    ensure!(
        matches!(&body, Ok(Body::Json(value)) if *value == document),
        en: "expected Ok(Body::Json({document})), got {body:?}",
        ru: "ожидался Ok(Body::Json({document})), получено {body:?}",
    );
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

    ensure!(
        matches!(&body, Ok(Body::Text(got)) if got == text),
        en: "\"text\" must return the body exactly as sent, {text:?}; got {body:?}",
        ru: "\"text\" должен вернуть тело ровно как пришло, {text:?}; получено {body:?}",
    );
}

async fn response_types_parse() {
    for (name, expected) in [("json", ResponseType::Json), ("text", ResponseType::Text)] {
        let parsed = name.parse::<ResponseType>();
        ensure!(
            parsed == Ok(expected),
            en: "{name:?} must parse as Ok({expected:?}), got {parsed:?}",
            ru: "{name:?} должен разбираться как Ok({expected:?}), получено {parsed:?}",
        );
    }
    for unknown in ["xml", "", "jsonp"] {
        let parsed = unknown.parse::<ResponseType>();
        ensure!(
            parsed == Err(UnknownResponseType(unknown.into())),
            en: "{unknown:?} must be refused as UnknownResponseType({unknown:?}), got {parsed:?}",
            ru: "{unknown:?} должен отвергаться как UnknownResponseType({unknown:?}), получено {parsed:?}",
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

    ensure!(
        matches!(&result, Err(ReqError::UnknownResponseType(UnknownResponseType(name))) if name == "xml"),
        en: "expected ReqError::UnknownResponseType(\"xml\"), got {result:?}",
        ru: "ожидалась ReqError::UnknownResponseType(\"xml\"), получено {result:?}",
    );
    let calls = anything.calls_async().await;
    ensure!(
        calls == 0,
        en: "a request was sent although the response type was unknown: check it first",
        ru: "запрос отправлен, хотя тип ответа неизвестен: проверяйте его до запроса",
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
        ensure!(
            matches!(&result, Err(ReqError::Status { status }) if status.as_u16() == expected),
            en: "the server answered {expected}: expected ReqError::Status with it, got {result:?}",
            ru: "сервер ответил {expected}: ожидалась ReqError::Status с этим статусом, получено {result:?}",
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

    ensure!(
        matches!(result, Err(ReqError::InvalidJson(_))),
        en: "JSON was asked for and the body is HTML: expected ReqError::InvalidJson, got {result:?}",
        ru: "просили JSON, а тело — HTML: ожидалась ReqError::InvalidJson, получено {result:?}",
    );
}

async fn refused_connection_is_a_transport_error() {
    let result = req::req(&Client::new(), &harness::refused_url(), &[], &[], "json").await;

    ensure!(
        matches!(result, Err(ReqError::Transport(_))),
        en: "nothing listens there: expected ReqError::Transport, got {result:?}",
        ru: "там никто не слушает: ожидалась ReqError::Transport, получено {result:?}",
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
