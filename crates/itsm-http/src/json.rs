//! Request bodies that fail clearly: 415 for another media type, 413 past the body limit, 400
//! for malformed JSON, and 422 naming the field for unknown fields, missing fields or wrong
//! types (axum's own `Json` and `Bytes` answer these in plain text).

use crate::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use http::header;
use itsm_domain::FieldError;
use serde::de::DeserializeOwned;

/// A JSON body parsed into `T` (a wire type with `deny_unknown_fields`).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        require_json_media_type(request.headers())?;
        let RawBody(bytes) = RawBody::from_request(request, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A body read as it came, for routes that check a signature over its bytes or read a form;
/// past the route's limit it is a 413 problem, not axum's plain-text one.
#[derive(Debug)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(request, state)
            .await
            .map(RawBody)
            .map_err(|rejection| match rejection {
                BytesRejection::FailedToBufferBody(_)
                    if rejection.status() == http::StatusCode::PAYLOAD_TOO_LARGE =>
                {
                    ApiError::PayloadTooLarge {
                        detail: "the request body is larger than this route accepts".to_owned(),
                    }
                }
                other => ApiError::BadRequest {
                    detail: format!("cannot read the request body: {other}"),
                    errors: Vec::new(),
                },
            })
    }
}

fn require_json_media_type(headers: &http::HeaderMap) -> Result<(), ApiError> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    match media_type.as_deref() {
        Some("application/json") => Ok(()),
        Some(other) if other.starts_with("application/") && other.ends_with("+json") => Ok(()),
        _ => Err(ApiError::UnsupportedMediaType {
            detail: "send the body as application/json".to_owned(),
        }),
    }
}

/// Parses JSON, reporting the path of the offending field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(path_error)?;
    deserializer.end().map_err(|e| ApiError::BadRequest {
        detail: format!("malformed JSON: {e}"),
        errors: Vec::new(),
    })?;
    Ok(value)
}

/// Like [`parse_json`], but an empty (or all white space) body reads as `T::default()`: for
/// actions whose fields are all optional.
pub fn parse_optional_json<T: DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse_json(bytes)
    }
}

fn path_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return ApiError::BadRequest {
            detail: format!("malformed JSON: {inner}"),
            errors: Vec::new(),
        };
    }
    // serde names unknown and missing fields only in its message: `unknown field `x``.
    let message = inner.to_string();
    let named = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("unknown field") || message.starts_with("missing field"));
    // The path ends at the unknown field already, but at its parent for a missing one.
    let field = match (path.as_str(), named) {
        (".", Some(name)) => name.to_owned(),
        (path, Some(name)) if path != name && !path.ends_with(&format!(".{name}")) => {
            format!("{path}.{name}")
        }
        (path, _) => path.to_owned(),
    };
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    ApiError::Unprocessable {
        detail: format!("{field}: {message}"),
        errors: vec![FieldError { field, message }],
    }
}

/// A whole list answered at once, as `{ "items": [...] }`; paged lists add `next_cursor`.
#[derive(Debug, serde::Serialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}

impl<T> Items<T> {
    pub fn new(items: Vec<T>) -> Self {
        Self { items }
    }
}

/// For `PATCH` bodies: a field present in the JSON, even as `null`, becomes `Some(..)`, so
/// "absent" (unchanged) and `null` (clear it) differ. Use with `#[serde(default, deserialize_with)]`.
pub fn present<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only through Debug
    struct Wire {
        name: String,
        count: Option<u32>,
    }

    fn field_of(error: ApiError) -> String {
        match error {
            ApiError::Unprocessable { errors, .. } => errors[0].field.clone(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn wrong_types_name_the_field() {
        let err =
            parse_json::<Wire>(br#"{"name": "a", "count": "three"}"#).expect_err("wrong type");
        assert_eq!(field_of(err), "count");
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let err = parse_json::<Wire>(br#"{"name": "a", "colour": 1}"#).expect_err("unknown");
        assert_eq!(field_of(err), "colour");
        let err = parse_json::<Wire>(br#"{"count": 1}"#).expect_err("missing");
        assert_eq!(field_of(err), "name");
    }

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Optional {
        reason: Option<String>,
    }

    #[test]
    fn an_empty_optional_body_reads_as_the_default() {
        for body in [&b""[..], b"  \n"] {
            assert_eq!(
                parse_optional_json::<Optional>(body).ok(),
                Some(Optional::default())
            );
        }
        let given = parse_optional_json::<Optional>(br#"{"reason": "why"}"#).ok();
        assert_eq!(given.and_then(|o| o.reason).as_deref(), Some("why"));
        assert!(parse_optional_json::<Optional>(b"{").is_err());
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        for body in [&br#"{"name": "#[..], b"", br#"{"name": "a"} trailing"#] {
            let err = parse_json::<Wire>(body).expect_err("malformed");
            assert!(matches!(err, ApiError::BadRequest { .. }), "{err:?}");
        }
    }
}
