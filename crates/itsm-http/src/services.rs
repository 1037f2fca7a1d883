//! What a component's handlers get per request (the database, the key-value store and the
//! variables) and the middleware stack every component applies in the same order: body limit,
//! rate limits, authentication, recording of denied writes, idempotent POSTs, and problem+json
//! for unknown routes and methods.

use crate::ApiError;
use crate::RouteTable;
use crate::auth::{AuthState, require_auth};
use crate::denials::record_denials;
use crate::idempotency::{IdempotencyState, idempotent_post};
use crate::rate_limit::{RateLimitState, rate_limit};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use itsm_store::{Db, KvStore, Vars};
use std::sync::Arc;

/// The largest request body a route accepts, unless it says otherwise (`RouteTable::signed_post_up_to`).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct Services {
    pub db: Arc<Db>,
    pub kv: Arc<KvStore>,
    pub vars: Arc<Vars>,
}

impl Services {
    /// Opens the `default` database and key-value store granted in spin.toml.
    #[cfg(target_arch = "wasm32")]
    pub async fn open() -> Result<Self, itsm_store::StoreError> {
        Ok(Self {
            db: Arc::new(Db::open_default().await?),
            kv: Arc::new(KvStore::open_default().await?),
            vars: Arc::new(Vars),
        })
    }
}

/// Wraps a component's routes in the shared conventions. Signed routes (a chat platform's or an
/// e-mail provider's requests, which prove themselves by their signature) get the size limit
/// and the per-address rate limit but no bearer authentication: their handlers check the
/// signature, and answer 401 to anything unsigned.
pub fn with_conventions(table: RouteTable, services: Services) -> Router {
    let auth = AuthState {
        db: services.db.clone(),
        vars: services.vars.clone(),
    };
    let limits = RateLimitState {
        kv: services.kv.clone(),
        vars: services.vars.clone(),
        namespace: "",
    };
    let (routes, signed) = table.into_routers();
    // Layers run outside-in from the last one added: size limit, rate limits (before
    // authentication, so guessing tokens is limited too), authentication, denial records,
    // idempotency. Unknown paths answer as the authenticated routes do (401 before 404), so
    // nobody learns which paths exist without a token.
    let authenticated = routes
        .fallback(|| async {
            ApiError::NotFound {
                detail: "no such resource".to_owned(),
            }
            .into_response()
        })
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(
            IdempotencyState {
                db: services.db.clone(),
                kv: services.kv.clone(),
            },
            idempotent_post,
        ))
        .layer(from_fn_with_state(services.db.clone(), record_denials))
        .layer(from_fn_with_state(auth, require_auth));
    signed
        .method_not_allowed_fallback(method_not_allowed)
        .merge(authenticated)
        .layer(from_fn_with_state(limits, rate_limit))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(services)
}

async fn method_not_allowed() -> axum::response::Response {
    ApiError::MethodNotAllowed {
        detail: "this resource does not support that method".to_owned(),
    }
    .into_response()
}

/// Serves one Spin request with a component's app: opens the stores, then routes. Every
/// component's `#[http_service]` entry is this one call.
#[cfg(target_arch = "wasm32")]
pub async fn serve_spin(
    request: spin_sdk::http::Request,
    app: fn(Services) -> Router,
) -> axum::response::Response {
    use tower_service::Service as _;
    match Services::open().await {
        Ok(services) => match app(services).call(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        },
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// The two items every component's `lib.rs` ends with, written once: `app`, the component's
/// routes (its `route_table()`, which must be in scope) wrapped in the shared conventions, and on
/// wasm the Spin entry point that serves it.
#[macro_export]
macro_rules! component_entry {
    () => {
        /// The app: routes wrapped in the conventions every component shares.
        pub fn app(services: $crate::Services) -> ::axum::Router {
            $crate::with_conventions(route_table(), services)
        }

        #[cfg(target_arch = "wasm32")]
        #[spin_sdk::http_service]
        async fn handle(request: spin_sdk::http::Request) -> ::axum::response::Response {
            $crate::serve_spin(request, app).await
        }
    };
}
