//! # Task 3 — `req` / Задание 3 — функция `req`
//!
//! The lecture's helper, with aiohttp:
//!
//! ```python
//! async def req(url, params=None, headers=None, response_type="json"):
//!     async with aiohttp.ClientSession() as session:
//!         async with session.get(url, params=params, headers=headers) as response:
//!             if response_type == "json":
//!                 return await response.json()
//!             return await response.text()
//! ```
//!
//! Write [`req`] in Rust with reqwest, and [`ResponseType`]'s `from_str`,
//! which turns `"json"` / `"text"` into the enum.
//!
//! Python lets errors fly as exceptions; Rust makes you name them. [`ReqError`]
//! is already declared: each way `req` can fail has its own variant, and
//! nothing panics. Check the things Python's version quietly skips:
//! - an unknown `response_type` is refused **before any request is sent**;
//! - a 404 or 500 is an error ([`ReqError::Status`]), not a body;
//! - a body that is not JSON when JSON was asked is [`ReqError::InvalidJson`].
//!
//! Where to look: `reqwest::RequestBuilder::query` and `::header`,
//! `Response::status` and `::text`, `serde_json::from_str`, and the `?`
//! operator with `#[from]` (see how [`ReqError`] is declared).

use std::str::FromStr;

use reqwest::{Client, StatusCode};

/// How to read the body: `"json"` (the lecture's default) or `"text"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseType {
    /// Parse the body as JSON.
    #[default]
    Json,
    /// Return the body as text, verbatim.
    Text,
}

/// A `response_type` that is neither `"json"` nor `"text"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown response type {0:?}: expected \"json\" or \"text\"")]
pub struct UnknownResponseType(pub String);

impl FromStr for ResponseType {
    type Err = UnknownResponseType;

    /// **Your task.** `"json"` → `Json`, `"text"` → `Text`, anything else → an error.
    #[allow(unused_variables)] // the stub ignores its arguments; delete this line when you start
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        todo!(
            "ResponseType::from_str: \"json\", \"text\", or an error / \"json\", \"text\" или ошибка"
        )
    }
}

/// The body of a successful answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The body parsed as JSON.
    Json(serde_json::Value),
    /// The body as text.
    Text(String),
}

/// Every way [`req`] can fail.
#[derive(Debug, thiserror::Error)]
pub enum ReqError {
    /// `response_type` was not understood; no request was sent.
    #[error(transparent)]
    UnknownResponseType(#[from] UnknownResponseType),
    /// The server answered, but not with a success (2xx) status.
    #[error("the server answered {status}")]
    Status {
        /// The status it answered with.
        status: StatusCode,
    },
    /// JSON was asked for, and the body is not valid JSON.
    #[error("the body is not valid JSON")]
    InvalidJson(#[source] serde_json::Error),
    /// The request never got an answer: refused connection, bad URL, bad
    /// header, broken body...
    #[error("the request failed")]
    Transport(#[from] reqwest::Error),
}

/// **Your task.** GETs `url` with the query `params` and the `headers`, and
/// returns the body as [`Body::Json`] or [`Body::Text`], as `response_type`
/// asks.
///
/// `params` and `headers` are `(name, value)` pairs; reqwest encodes the
/// parameters for you (spaces, Cyrillic...).
#[allow(unused_variables)] // the stub ignores its arguments; delete this line when you start
pub async fn req(
    client: &Client,
    url: &str,
    params: &[(&str, &str)],
    headers: &[(&str, &str)],
    response_type: &str,
) -> Result<Body, ReqError> {
    todo!(
        "req: parse response_type, send the GET, check the status, read the body / разберите response_type, отправьте GET, проверьте статус, прочитайте тело"
    )
}
