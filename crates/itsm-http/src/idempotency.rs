//! `Idempotency-Key` on POST: the first response (unless a 5xx) is kept in the key-value store for
//! 24 hours and replayed for a retry with the same key and the same request; the same key with a
//! different request is a 422. Keys are scoped to the caller. The key-value store cannot
//! compare-and-set, so a request first claims its key in the database (`idempotency_claim`, one
//! atomic insert): a retry arriving while its first attempt still runs gets 409
//! `request-in-progress` with `Retry-After`, as the IETF Idempotency-Key draft asks, and the
//! stored answer once it retries.

use crate::{ApiError, Principal};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderName, HeaderValue, Method, StatusCode};
use itsm_store::{Db, Kv, KvStore, Sql};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// How long a stored response is replayed.
const KEEP_SECONDS: i64 = 24 * 60 * 60;
/// The largest body this layer buffers (the routes' own limits are smaller).
const BODY_LIMIT: usize = 1 << 20;
/// The response headers a replay repeats.
const KEPT_HEADERS: [&str; 3] = ["content-type", "location", "etag"];
/// A claim older than this belongs to an instance that stopped mid-request, and is taken over.
/// Far longer than any request runs; a retry told to wait is answered within it.
const CLAIM_STALE_SECONDS: i64 = 60;

/// What the middleware needs: the database for claims, the key-value store for answers.
#[derive(Clone)]
pub struct IdempotencyState {
    pub db: Arc<Db>,
    pub kv: Arc<KvStore>,
}

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
    State(state): State<IdempotencyState>,
    request: Request,
    next: Next,
) -> Response {
    match handle(&*state.db, &*state.kv, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

/// One POST as its key's fingerprint and storage key, with its body read.
struct KeyedPost {
    fingerprint: String,
    kv_key: String,
    request: Request,
}

async fn handle(
    db: &impl Sql,
    kv: &impl Kv,
    request: Request,
    next: Next,
) -> Result<Response, Response> {
    if request.method() != Method::POST || !request.headers().contains_key("idempotency-key") {
        return Ok(next.run(request).await);
    }
    let post = keyed(request).await?;
    let now = chrono::Utc::now().timestamp();
    if !claim(db, &post.kv_key, now).await? {
        // Its first attempt still runs, or finished between the claim and now.
        return match load(kv, &post.kv_key, now).await? {
            Some(stored) => Ok(answer_stored(stored, &post.fingerprint)),
            None => Err(in_progress()),
        };
    }
    let kv_key = post.kv_key.clone();
    let outcome = run_once(kv, post, now, next).await;
    // Should the release fail, the claim goes stale and is taken over; the answer stands.
    let _ = db
        .execute(
            "DELETE FROM idempotency_claim WHERE claim_key = ?",
            &[kv_key.into()],
        )
        .await;
    outcome
}

/// Reads the key and the body, and derives the storage key (caller and key) and the fingerprint
/// (method, path and body) a retry must match.
async fn keyed(request: Request) -> Result<KeyedPost, Response> {
    let key = request
        .headers()
        .get("idempotency-key")
        .map(parse_key)
        .transpose()
        .map_err(IntoResponse::into_response)?
        .unwrap_or_default();
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
    Ok(KeyedPost {
        fingerprint,
        kv_key,
        request: Request::from_parts(parts, Body::from(bytes)),
    })
}

/// Takes the key for this request: true unless another request holds it (and is not stale).
async fn claim(db: &impl Sql, kv_key: &str, now: i64) -> Result<bool, Response> {
    let changed = db
        .execute(
            "INSERT INTO idempotency_claim (claim_key, claimed_at) VALUES (?1, ?2)
             ON CONFLICT (claim_key) DO UPDATE SET claimed_at = excluded.claimed_at
             WHERE idempotency_claim.claimed_at <= ?3",
            &[
                kv_key.to_owned().into(),
                now.into(),
                (now - CLAIM_STALE_SECONDS).into(),
            ],
        )
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    Ok(changed > 0)
}

fn in_progress() -> Response {
    let mut response = ApiError::RequestInProgress {
        detail: "a request with this Idempotency-Key is still being handled; send it again in a moment to get its answer".to_owned(),
    }
    .into_response();
    response
        .headers_mut()
        .insert(http::header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// With the key claimed: the stored answer if there is one (the first attempt finished before
/// this one claimed), else the request run and its answer stored.
async fn run_once(
    kv: &impl Kv,
    post: KeyedPost,
    now: i64,
    next: Next,
) -> Result<Response, Response> {
    match load(kv, &post.kv_key, now).await? {
        Some(stored) => Ok(answer_stored(stored, &post.fingerprint)),
        None => run_and_store(kv, post, now, next).await,
    }
}

/// A retry's answer: the stored one, or 422 when the key came with another request.
fn answer_stored(stored: StoredResponse, fingerprint: &str) -> Response {
    if stored.fingerprint != fingerprint {
        return ApiError::Unprocessable {
            detail: "this Idempotency-Key was already used with a different request".to_owned(),
            errors: vec![itsm_domain::FieldError {
                field: "Idempotency-Key".to_owned(),
                message: "was already used with a different request".to_owned(),
            }],
        }
        .into_response();
    }
    replay(stored)
}

async fn run_and_store(
    kv: &impl Kv,
    post: KeyedPost,
    now: i64,
    next: Next,
) -> Result<Response, Response> {
    let KeyedPost {
        fingerprint,
        kv_key,
        request,
    } = post;
    let response = next.run(request).await;
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use axum::Router;
    use axum::middleware::from_fn_with_state;
    use axum::routing::post;
    use itsm_store::native::{MemoryKv, NativeDb};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::sync::Notify;
    use tower_service::Service as _;

    /// A route that counts its runs and, while `hold` is set, waits to be let go after saying it
    /// has started, so a test can send a retry while the first attempt is inside.
    #[derive(Clone, Default)]
    struct Gate {
        runs: Arc<AtomicUsize>,
        hold: bool,
        started: Arc<Notify>,
        go: Arc<Notify>,
        fail: bool,
    }

    async fn app(gate: Gate) -> (Router, Arc<Db>) {
        let db = Arc::new(
            NativeDb::migrated("2026-11-22T10:00:00.000Z")
                .await
                .expect("migrated db"),
        );
        let state = IdempotencyState {
            db: db.clone(),
            kv: Arc::new(MemoryKv::default()),
        };
        let route = post(move || {
            let gate = gate.clone();
            async move {
                let run = gate.runs.fetch_add(1, Ordering::SeqCst) + 1;
                if gate.hold {
                    gate.started.notify_one();
                    gate.go.notified().await;
                }
                let status = if gate.fail {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::CREATED
                };
                (status, format!("run {run}"))
            }
        });
        let router = Router::new()
            .route("/things", route)
            .layer(from_fn_with_state(state, idempotent_post));
        (router, db)
    }

    fn keyed_post(key: &str, body: &str) -> Request {
        Request::post("/things")
            .header("idempotency-key", key)
            .body(Body::from(body.to_owned()))
            .expect("request")
    }

    async fn text(response: Response) -> String {
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    }

    async fn claims(db: &NativeDb) -> usize {
        db.query_now("SELECT claim_key FROM idempotency_claim", &[])
            .expect("claims")
            .len()
    }

    #[tokio::test]
    async fn a_retry_sent_while_the_first_attempt_runs_is_told_to_wait_then_gets_its_answer() {
        let gate = Gate {
            hold: true,
            ..Gate::default()
        };
        let (router, db) = app(gate.clone()).await;
        let first = router.clone().call(keyed_post("k-1", "{}"));
        let meanwhile = async {
            gate.started.notified().await;
            let early = router
                .clone()
                .call(keyed_post("k-1", "{}"))
                .await
                .expect("answered");
            // A different body under the same key is also held off while the first runs.
            let other = router
                .clone()
                .call(keyed_post("k-1", "{\"other\":1}"))
                .await
                .expect("answered");
            let held_claims = claims(&db).await;
            gate.go.notify_one();
            (early, other, held_claims)
        };
        let (first, (early, other, held_claims)) = tokio::join!(first, meanwhile);

        let first = first.expect("answered");
        assert_eq!(first.status(), StatusCode::CREATED);
        assert_eq!(text(first).await, "run 1");
        assert_eq!(held_claims, 1);
        for refused in [early, other] {
            assert_eq!(refused.status(), StatusCode::CONFLICT);
            assert_eq!(refused.headers()["retry-after"], "1");
            let problem: serde_json::Value =
                serde_json::from_str(&text(refused).await).expect("json");
            assert_eq!(problem["type"], "urn:itsm:problem:request-in-progress");
        }
        assert_eq!(
            claims(&db).await,
            0,
            "the claim is released with the answer"
        );

        let retry = router
            .clone()
            .call(keyed_post("k-1", "{}"))
            .await
            .expect("answered");
        assert_eq!(retry.status(), StatusCode::CREATED);
        assert_eq!(retry.headers()["idempotent-replayed"], "true");
        assert_eq!(text(retry).await, "run 1");
        assert_eq!(gate.runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_claim_left_by_a_stopped_instance_is_taken_over_once_stale() {
        let gate = Gate::default();
        let (router, db) = app(gate.clone()).await;
        let kv_key = format!(
            "idempotency:{}",
            hex::encode(Sha256::digest("\nk-2".as_bytes()))
        );
        let now = chrono::Utc::now().timestamp();
        db.execute_now(
            "INSERT INTO idempotency_claim (claim_key, claimed_at) VALUES (?, ?)",
            &[kv_key.clone().into(), (now - 5).into()],
        )
        .expect("fresh claim");
        let held = router
            .clone()
            .call(keyed_post("k-2", "{}"))
            .await
            .expect("answered");
        assert_eq!(held.status(), StatusCode::CONFLICT);
        assert_eq!(gate.runs.load(Ordering::SeqCst), 0);

        db.execute_now(
            "UPDATE idempotency_claim SET claimed_at = ? WHERE claim_key = ?",
            &[(now - CLAIM_STALE_SECONDS - 1).into(), kv_key.into()],
        )
        .expect("stale claim");
        let taken_over = router
            .clone()
            .call(keyed_post("k-2", "{}"))
            .await
            .expect("answered");
        assert_eq!(taken_over.status(), StatusCode::CREATED);
        assert_eq!(gate.runs.load(Ordering::SeqCst), 1);
        assert_eq!(claims(&db).await, 0);
    }

    #[tokio::test]
    async fn a_failed_attempt_releases_its_key_so_the_retry_runs_again() {
        let gate = Gate {
            fail: true,
            ..Gate::default()
        };
        let (router, db) = app(gate.clone()).await;
        for expected_runs in 1..=2 {
            let answer = router
                .clone()
                .call(keyed_post("k-3", "{}"))
                .await
                .expect("answered");
            assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert!(answer.headers().get("idempotent-replayed").is_none());
            assert_eq!(gate.runs.load(Ordering::SeqCst), expected_runs);
        }
        assert_eq!(claims(&db).await, 0);
    }

    #[tokio::test]
    async fn posts_without_a_key_claim_nothing() {
        let gate = Gate::default();
        let (router, db) = app(gate.clone()).await;
        for _ in 0..2 {
            let answer = router
                .clone()
                .call(
                    Request::post("/things")
                        .body(Body::empty())
                        .expect("request"),
                )
                .await
                .expect("answered");
            assert_eq!(answer.status(), StatusCode::CREATED);
        }
        assert_eq!(gate.runs.load(Ordering::SeqCst), 2);
        assert_eq!(claims(&db).await, 0);
    }
}
