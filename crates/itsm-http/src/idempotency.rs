//! `Idempotency-Key` on POST: the first response (unless a 5xx) is kept in the key-value store for
//! 24 hours and replayed for a retry with the same key and the same request; the same key with a
//! different request is a 422. Keys are scoped to the caller. Two retries racing each other can
//! both run (the key-value store has no compare-and-set); the database's constraints decide then.

use crate::{ApiError, Principal};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderName, HeaderValue, Method, StatusCode};
use itsm_store::{Kv, KvStore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// How long a stored response is replayed.
const KEEP_SECONDS: i64 = 24 * 60 * 60;
/// The largest body this layer buffers (the routes' own limits are smaller).
const BODY_LIMIT: usize = 1 << 20;
/// The response headers a replay repeats.
const KEPT_HEADERS: [&str; 3] = ["content-type", "location", "etag"];

#[derive(Serialize, Deserialize)]
struct StoredResponse {
    fingerprint: String,
    stored_at: i64,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

/// Middleware for POST routes; runs after authentication.
pub async fn idempotent_post(
    State(kv): State<Arc<KvStore>>,
    request: Request,
    next: Next,
) -> Response {
    match handle(&*kv, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

async fn handle(kv: &impl Kv, request: Request, next: Next) -> Result<Response, Response> {
    if request.method() != Method::POST {
        return Ok(next.run(request).await);
    }
    let Some(key) = request.headers().get("idempotency-key").cloned() else {
        return Ok(next.run(request).await);
    };
    let key = parse_key(&key).map_err(IntoResponse::into_response)?;
    let user = request
        .extensions()
        .get::<Principal>()
        .map(|p| p.user.clone())
        .unwrap_or_default();
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        ApiError::PayloadTooLarge {
            detail: "the request body is too large".to_owned(),
        }
        .into_response()
    })?;
    let fingerprint = hex::encode(Sha256::digest(
        [
            parts.method.as_str().as_bytes(),
            b" ",
            parts.uri.path().as_bytes(),
            b"\n",
            &bytes,
        ]
        .concat(),
    ));
    let kv_key = format!(
        "idempotency:{}",
        hex::encode(Sha256::digest(format!("{user}\n{key}")))
    );
    let now = chrono::Utc::now().timestamp();

    if let Some(stored) = load(kv, &kv_key, now).await? {
        if stored.fingerprint != fingerprint {
            return Err(ApiError::Unprocessable {
                detail: "this Idempotency-Key was already used with a different request".to_owned(),
                errors: vec![itsm_domain::FieldError {
                    field: "Idempotency-Key".to_owned(),
                    message: "was already used with a different request".to_owned(),
                }],
            }
            .into_response());
        }
        return Ok(replay(stored));
    }

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if response.status().is_server_error() {
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()).into_response())?;
    let stored = StoredResponse {
        fingerprint,
        stored_at: now,
        status: parts.status.as_u16(),
        headers: KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                parts
                    .headers
                    .get(*name)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| ((*name).to_owned(), v.to_owned()))
            })
            .collect(),
        body: STANDARD.encode(&body),
    };
    let encoded = serde_json::to_vec(&stored)
        .map_err(|e| ApiError::Internal(e.to_string()).into_response())?;
    kv.set(&kv_key, &encoded)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    Ok(Response::from_parts(parts, Body::from(body)))
}

fn parse_key(value: &HeaderValue) -> Result<String, ApiError> {
    let text = value.to_str().unwrap_or_default();
    if (1..=255).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(text.to_owned())
    } else {
        Err(ApiError::bad_field(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters",
        ))
    }
}

async fn load(kv: &impl Kv, key: &str, now: i64) -> Result<Option<StoredResponse>, Response> {
    let Some(bytes) = kv
        .get(key)
        .await
        .map_err(|e| ApiError::from(e).into_response())?
    else {
        return Ok(None);
    };
    // An unreadable or expired record is as good as none: it only ever saves a retry.
    Ok(serde_json::from_slice::<StoredResponse>(&bytes)
        .ok()
        .filter(|stored| now - stored.stored_at < KEEP_SECONDS))
}

fn replay(stored: StoredResponse) -> Response {
    let body = STANDARD.decode(&stored.body).unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    for (name, value) in stored.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().insert(name, value);
        }
    }
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
