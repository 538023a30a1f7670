//! # Task 3 — `req`: reference solution
//!
//! The statement lives in `exercises/03-req`.

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

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "json" => Ok(Self::Json),
            "text" => Ok(Self::Text),
            other => Err(UnknownResponseType(other.to_owned())),
        }
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

/// GETs `url` with the query `params` and the `headers`, and returns the body
/// as [`Body::Json`] or [`Body::Text`], as `response_type` asks.
pub async fn req(
    client: &Client,
    url: &str,
    params: &[(&str, &str)],
    headers: &[(&str, &str)],
    response_type: &str,
) -> Result<Body, ReqError> {
    // Refuse a bad type before touching the network.
    let response_type: ResponseType = response_type.parse()?;

    let mut request = client.get(url).query(params);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await?;

    let status = response.status();
    if !status.is_success() {
        return Err(ReqError::Status { status });
    }
    let text = response.text().await?;
    match response_type {
        ResponseType::Json => serde_json::from_str(&text)
            .map(Body::Json)
            .map_err(ReqError::InvalidJson),
        ResponseType::Text => Ok(Body::Text(text)),
    }
}
