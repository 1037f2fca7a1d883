//! Optimistic concurrency: every record carries a version; reads return it as a strong `ETag`,
//! and a write with `If-Match` proceeds only if the version is still current (else 412).

use crate::ApiError;
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Serialize;

pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A record as JSON with its `ETag`, and its `Location` when just created.
pub fn respond<T: Serialize>(
    record: &T,
    version: i64,
    status: StatusCode,
    location: Option<String>,
) -> Response {
    let mut response = (status, Json(record)).into_response();
    let headers = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&etag(version)) {
        headers.insert(header::ETAG, tag);
    }
    if let Some(location) = location
        && let Ok(location) = HeaderValue::from_str(&location)
    {
        headers.insert(header::LOCATION, location);
    }
    response
}

/// The version the client requires, if it sent `If-Match` (`*` requires nothing).
pub fn if_match(headers: &HeaderMap) -> Result<Option<Vec<String>>, ApiError> {
    let Some(value) = headers.get(http::header::IF_MATCH) else {
        return Ok(None);
    };
    let malformed = || ApiError::bad_field("If-Match", "must be an entity tag such as \"3\"");
    let text = value.to_str().map_err(|_| malformed())?;
    if text.trim() == "*" {
        return Ok(None);
    }
    let tags: Vec<String> = text.split(',').map(|tag| tag.trim().to_owned()).collect();
    // An empty or unquoted value is a client mistake, not a version that failed to match.
    if tags.iter().all(|tag| is_entity_tag(tag)) {
        Ok(Some(tags))
    } else {
        Err(malformed())
    }
}

/// Like [`if_match`], for decisions that must name the version they decide on (a signature,
/// an approval): without a tag, 428 (RFC 6585), so nobody approves terms they never read.
pub fn if_match_required(headers: &HeaderMap, what: &str) -> Result<Vec<String>, ApiError> {
    if_match(headers)?.ok_or_else(|| ApiError::PreconditionRequired {
        detail: format!(
            "send If-Match with the ETag of the {what} you read, so that what you decide on is what you read"
        ),
    })
}

/// `"opaque"` or `W/"opaque"` (RFC 9110 §8.8.3).
fn is_entity_tag(tag: &str) -> bool {
    let opaque = tag.strip_prefix("W/").unwrap_or(tag);
    opaque.len() >= 2
        && opaque.starts_with('"')
        && opaque.ends_with('"')
        && !opaque[1..opaque.len() - 1].contains('"')
}

/// 412 unless the current version is among those required; weak tags never match (RFC 9110
/// strong comparison).
pub fn check(
    required: Option<&[String]>,
    current_version: i64,
    what: &str,
) -> Result<(), ApiError> {
    let Some(required) = required else {
        return Ok(());
    };
    let current = etag(current_version);
    if required.contains(&current) {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed {
            detail: format!(
                "{what} has changed since you read it: its ETag is now {current}; read it again and retry"
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::IF_MATCH, value.parse().expect("header"));
        h
    }

    #[test]
    fn a_matching_tag_passes_and_a_stale_one_fails() {
        let required = if_match(&headers("\"3\"")).expect("parse");
        assert!(check(required.as_deref(), 3, "x").is_ok());
        assert!(matches!(
            check(required.as_deref(), 4, "x"),
            Err(ApiError::PreconditionFailed { .. })
        ));
    }

    #[test]
    fn star_or_no_header_requires_nothing_and_weak_tags_never_match() {
        assert_eq!(if_match(&HeaderMap::new()).expect("none"), None);
        for malformed in ["", " ", "3", "\"3", "\"3\", 4", "W/3"] {
            assert!(if_match(&headers(malformed)).is_err(), "{malformed:?}");
        }
        assert_eq!(if_match(&headers("*")).expect("star"), None);
        let weak = if_match(&headers("W/\"3\"")).expect("weak");
        assert!(check(weak.as_deref(), 3, "x").is_err());
    }
}
