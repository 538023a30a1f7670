//! Hidden suite of task 3: `req` sends what it is given, reads what it is asked
//! for, and reports each kind of failure as its own error.

use harness::{
    ensure,
    raw_server::{RawServer, Reply},
    tools::join_all,
};
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

    // A body that is valid JSON, sent as JSON, asked for as text: still text,
    // byte for byte (the spaces too). response_type decides, not the body.
    let json_text = "{ \"city\": \"Москва\",  \"n\": 1 }";
    server
        .mock_async(|when, then| {
            when.method(GET).path("/json-as-text");
            then.status(200)
                .header("content-type", "application/json")
                .body(json_text);
        })
        .await;
    let body = req::req(
        &Client::new(),
        &server.url("/json-as-text"),
        &[],
        &[],
        "text",
    )
    .await;
    ensure!(
        matches!(&body, Ok(Body::Text(got)) if got == json_text),
        en: "a JSON body asked for as \"text\" must come back as Body::Text, exactly {json_text:?}; \
             got {body:?}",
        ru: "JSON-тело, запрошенное как \"text\", возвращается как Body::Text, ровно {json_text:?}; \
             получено {body:?}",
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
    // The names are exactly the lecture's: lowercase.
    for unknown in ["xml", "", "jsonp", "JSON", "Text"] {
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

async fn other_success_statuses_are_bodies() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/created");
            then.status(201).body("{\"id\": 7}");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/empty");
            then.status(204);
        })
        .await;

    let created = req::req(&Client::new(), &server.url("/created"), &[], &[], "json").await;
    ensure!(
        matches!(&created, Ok(Body::Json(value)) if value["id"] == 7),
        en: "201 Created is a success (every 2xx is): expected Body::Json({{\"id\": 7}}), got {created:?}",
        ru: "201 Created — это успех (как любой 2xx): ожидалось Body::Json({{\"id\": 7}}), получено {created:?}",
    );
    let empty = req::req(&Client::new(), &server.url("/empty"), &[], &[], "text").await;
    ensure!(
        matches!(&empty, Ok(Body::Text(text)) if text.is_empty()),
        en: "204 No Content is a success with an empty body: expected Body::Text(\"\"), got {empty:?}",
        ru: "204 No Content — успех с пустым телом: ожидалось Body::Text(\"\"), получено {empty:?}",
    );
}

async fn bad_headers_are_errors_not_panics() {
    let server = MockServer::start_async().await;
    let anything = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let (url, client) = (server.url("/doc"), Client::new());

    // A space in a header's name, a line break in its value: neither can
    // be sent. Both are the caller's mistake, reported as an error (reqwest
    // reports it when the request is sent), and no request goes out.
    for (name, value) in [("bad name", "value"), ("x-note", "line\nbreak")] {
        let headers = [(name, value)];
        let call = req::req(&client, &url, &[], &headers, "json");
        let result = futures_catch(std::panic::AssertUnwindSafe(call)).await;
        let got = describe(&result);
        ensure!(
            matches!(&result, Some(Err(ReqError::Transport(_)))),
            en: "the header ({name:?}, {value:?}) cannot be sent: expected Err(ReqError::Transport), \
                 got {got} — never a panic",
            ru: "заголовок ({name:?}, {value:?}) нельзя отправить: ожидалась Err(ReqError::Transport), \
                 получено {got} — и никакой паники",
        );
    }
    let calls = anything.calls_async().await;
    ensure!(
        calls == 0,
        en: "{calls} requests went out with headers that cannot be sent",
        ru: "ушло {calls} запросов с заголовками, которые нельзя отправить",
    );

    // A URL that does not parse is the caller's mistake too: reqwest
    // reports it when the request is sent, as a transport error.
    for url in ["http://[::1", "not a url", "http://exa mple.com/"] {
        let call = req::req(&client, url, &[], &[], "json");
        let result = futures_catch(std::panic::AssertUnwindSafe(call)).await;
        let got = describe(&result);
        ensure!(
            matches!(&result, Some(Err(ReqError::Transport(_)))),
            en: "the URL {url:?} does not parse: expected Err(ReqError::Transport), got {got} — \
                 never a panic (Url::parse(..).unwrap() panics; let reqwest report it, or map the error)",
            ru: "URL {url:?} не разбирается: ожидалась Err(ReqError::Transport), получено {got} — \
                 и никакой паники (Url::parse(..).unwrap() паникует; пусть ошибку сообщит reqwest, \
                 или преобразуйте её)",
        );
    }
}

async fn calls_awaited_together_send_together() {
    // Ten req calls awaited together (one task, as join! does). Each
    // connects on its first poll, so the server sees all ten within a few
    // milliseconds. A blocking call in req (std::thread::sleep, a blocking
    // client) holds the thread in each poll: n calls then arrive spread by
    // n × the pause — 900 ms for a 100 ms pause. The bound, 300 ms, is ten
    // times what a loaded machine adds to the concurrent spread.
    let server = RawServer::start(Reply::Ok("done"));
    let client = Client::new();
    let calls: Vec<_> = (0..10)
        .map(|_| req::req(&client, &server.url, &[], &[], "text"))
        .collect();
    let bodies = join_all(calls).await;
    let texts: Vec<String> = bodies
        .iter()
        .map(|body| match body {
            Ok(Body::Text(text)) => text.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    ensure!(
        texts.iter().all(|text| text == "done"),
        en: "ten calls awaited together must each return Body::Text(\"done\"): got {texts:?}",
        ru: "десять вызовов, ожидаемых вместе, должны вернуть Body::Text(\"done\"): получено {texts:?}",
    );
    let spread = server.arrival_spread_ms();
    ensure!(
        spread < 300,
        en: "ten req calls awaited together reached the server over {spread} ms, not at once: \
             something in req blocks the thread (std::thread::sleep, a blocking client); in async \
             code wait with .await (tokio::time::sleep), never by blocking",
        ru: "десять вызовов req, ожидаемых вместе, дошли до сервера за {spread} мс, а не \
             одновременно: что-то в req блокирует поток (std::thread::sleep, блокирующий клиент); \
             в async-коде ждут через .await (tokio::time::sleep), а не блокируя поток",
    );
}

/// Polls `future` to its end, turning a panic into `None` (a `todo!()`
/// goes on, so an untouched stub reads as not started).
async fn futures_catch<F: std::future::Future>(
    future: std::panic::AssertUnwindSafe<F>,
) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    std::future::poll_fn(move |context| {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            future.as_mut().poll(context)
        })) {
            Ok(std::task::Poll::Ready(output)) => std::task::Poll::Ready(Some(output)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            // A todo!() still in place is "not started", as everywhere else.
            Err(payload) if panic_text(&*payload).starts_with("not yet implemented") => {
                std::panic::resume_unwind(payload)
            }
            Err(_) => std::task::Poll::Ready(None),
        }
    })
    .await
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default()
}

fn describe<T: std::fmt::Debug>(result: &Option<T>) -> String {
    match result {
        Some(result) => format!("{result:?}"),
        None => "a panic".to_owned(),
    }
}

async fn the_given_client_is_used() {
    // The caller's client carries a header of its own: a request that
    // arrives without it was made by some other client.
    let server = MockServer::start_async().await;
    let through_it = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/doc")
                .header("x-client", "the-callers");
            then.status(200).body("{}");
        })
        .await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert(
        "x-client",
        reqwest::header::HeaderValue::from_static("the-callers"),
    );
    let client = Client::builder()
        .default_headers(defaults)
        .build()
        .expect("a client");

    let result = req::req(&client, &server.url("/doc"), &[], &[], "json").await;

    let calls = through_it.calls_async().await;
    ensure!(
        calls == 1 && result.is_ok(),
        en: "the request did not come from the client req was given (got {result:?}): use `client`, \
             do not make a new one — it carries the caller's settings and its connection pool",
        ru: "запрос пришёл не от клиента, переданного в req (получено {result:?}): используйте `client`, \
             а не создавайте новый — в нём настройки вызывающего и пул соединений",
    );
}

async fn json_is_parsed_whatever_the_content_type() {
    // response_type says how to read the body; the server's Content-Type
    // is not checked (many servers label JSON text/plain).
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/plain");
            then.status(200)
                .header("content-type", "text/plain")
                .body("{\"ok\": true}");
        })
        .await;

    let result = req::req(&Client::new(), &server.url("/plain"), &[], &[], "json").await;

    ensure!(
        matches!(&result, Ok(Body::Json(value)) if value["ok"] == true),
        en: "JSON was asked for and the body is JSON, labelled text/plain: expected \
             Body::Json({{\"ok\": true}}), got {result:?} — response_type decides, not Content-Type",
        ru: "просили JSON, и тело — JSON с меткой text/plain: ожидалось Body::Json({{\"ok\": true}}), \
             получено {result:?} — решает response_type, а не Content-Type",
    );
}

harness::suite!(
    calls_awaited_together_send_together,
    params_reach_the_server_encoded,
    headers_reach_the_server,
    json_body_is_parsed,
    text_is_returned_verbatim,
    response_types_parse,
    unknown_type_sends_no_request,
    error_statuses_are_status_errors,
    invalid_json_is_its_own_error,
    refused_connection_is_a_transport_error,
    other_success_statuses_are_bodies,
    bad_headers_are_errors_not_panics,
    the_given_client_is_used,
    json_is_parsed_whatever_the_content_type,
);
