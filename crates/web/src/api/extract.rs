//! Reading requests: JSON bodies, the `{slug}` of an address, and query
//! parameters, each with our error shape for every way it can be wrong.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};

use crate::ApiError;

/// A JSON object as request body, with our error shape for every way it can
/// be wrong: not sent as JSON (415), too large (413), not JSON (400), not an
/// object or not the right fields (422, in plain words naming the field).
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<JsonBody<T>, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if let Some(timeout) = crate::limits::BodyTimeout::caused(&e) {
                ApiError::request_timeout(timeout.to_string())
            } else if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large()
            } else {
                ApiError::bad_request(e.body_text())
            }
        })?;
        if bytes.len() > crate::BODY_LIMIT {
            return Err(ApiError::too_large());
        }
        decode_object(&bytes).map(JsonBody)
    }
}

/// `application/json`, with any parameters, or a `+json` type.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("application", sub)) => sub == "json" || sub.ends_with("+json"),
        _ => false,
    }
}

/// Decodes a JSON object: syntax errors are 400; anything else but an object,
/// or fields of the wrong kind, are 422.
pub(crate) fn decode_object<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Check the syntax on its own first: decoding into `T` straight away
    // reports a wrong first value (`[[[[`) before the broken syntax.
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(ApiError::bad_request(if bytes.trim_ascii().is_empty() {
            "the body is empty: send a JSON object".to_owned()
        } else {
            format!("the body is not valid JSON ({e})")
        }));
    }
    if !bytes.trim_ascii_start().starts_with(b"{") {
        return Err(ApiError::invalid("the body must be a JSON object"));
    }
    // axum's decoder tracks where in the document a value went wrong. The
    // syntax is known to be good here, so whatever it reports is about the
    // values (serde_json calls a number where an enum's name should be "expected
    // value", a syntax error).
    let tracked = match Json::<T>::from_bytes(bytes) {
        Ok(Json(value)) => return Ok(value),
        Err(JsonRejection::JsonDataError(e)) => std::error::Error::source(&e).map(|s| s.to_string()),
        Err(JsonRejection::JsonSyntaxError(e)) => std::error::Error::source(&e).map(|s| s.to_string()),
        Err(e) => return Err(ApiError::invalid(e.body_text())),
    };
    // `tracked` reads "path: message" (no path at the top level); the message
    // alone is serde_json's own.
    let tracked = tracked.unwrap_or_default();
    let raw = serde_json::from_slice::<T>(bytes).err().map(|e| e.to_string()).unwrap_or_default();
    let path = tracked.strip_suffix(raw.as_str()).and_then(|p| p.strip_suffix(": "));
    Err(ApiError::invalid(content::plain_data_error(path, &raw)))
}

/// The `{slug}` of an API address. One that does not decode to UTF-8 names no
/// article: a JSON 404 rather than axum's plain-text 400.
pub struct SlugPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SlugPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<SlugPath, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(slug)) => Ok(SlugPath(slug)),
            Err(PathRejection::FailedToDeserializePathParams(e))
                if matches!(e.kind(), ErrorKind::InvalidUtf8InPathParam { .. }) =>
            {
                Err(ApiError::not_found("no such article: the slug in the address is not valid UTF-8"))
            }
            Err(e) => Err(ApiError::not_found(format!("no such article: {}", e.body_text()))),
        }
    }
}

pub type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The query's parameters, as given: one given empty (`?page=`) is a
/// value, refused where the parameter takes a number, a name from a list or a
/// pattern (as the OpenAPI document says); see [`text`] for the free-text ones.
pub fn params(q: Params) -> Result<HashMap<String, String>, ApiError> {
    q.map(|q| q.0).map_err(|e| ApiError::bad_request(e.body_text()))
}

/// A free-text parameter (`section`, `tag`): one given empty (`?section=`,
/// as a form sends a field left blank) counts as not given.
pub fn text<'a>(p: &'a HashMap<String, String>, name: &str) -> Option<&'a String> {
    p.get(name).filter(|v| !v.is_empty())
}

pub fn number(p: &HashMap<String, String>, name: &str, default: u32, max: u32) -> Result<u32, ApiError> {
    match p.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| ApiError::bad_request(format!("{name} must be a whole number from 1 to {max}"))),
    }
}
