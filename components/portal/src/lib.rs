//! The customer portal as a Spin component: pages at `/portal` where people report a problem,
//! order from the published catalogue, complain or give feedback, follow each through an
//! unguessable address and rate it once handled, in English or Chinese, as plain HTML forms that work without
//! JavaScript. Its own component because it answers anyone on the internet, with pages instead
//! of JSON and no bearer token: what it records goes through the processes (incident, service
//! request, business relationship) as the deployment's portal account (`portal_user`), by
//! Spin's service chaining. This file is the router and its guards (size limit, per-address rate
//! limit, error pages); pages are in `routes/`, their frame in `page.rs`, forms in `form.rs` and
//! `order_form.rs`, the language in `lang.rs` and its words in `texts.rs`, signed tokens in
//! `tokens.rs`, the visitor and the set-up in `visit.rs`.

pub mod form;
pub mod lang;
pub mod order_form;
pub mod page;
mod routes;
pub mod texts;
pub mod tokens;
pub mod visit;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use itsm_http::Services;
use itsm_http::rate_limit::{RateLimitState, rate_limit};
use routes::{catalogue, complaint, errors, home, report, survey, ticket};

/// The largest form post: a message of 4,000 characters that each take 12 bytes once the
/// browser has percent-encoded them (a 4-byte character as `%F0%9F%98%80`), with room to spare.
pub const MAX_FORM_BYTES: usize = 64 * 1024;

/// The portal: its pages behind the size limit and the per-address rate limit, every problem
/// answered as a page.
pub fn app(services: Services) -> Router {
    let limits = RateLimitState {
        kv: services.kv.clone(),
        vars: services.vars.clone(),
        namespace: "portal:",
    };
    Router::new()
        .route("/portal", get(home::show))
        .route("/portal/", get(home::show))
        .route("/portal/report", get(report::form).post(report::submit))
        .route("/portal/catalogue", get(catalogue::list))
        .route(
            "/portal/catalogue/{code}",
            get(catalogue::item).post(catalogue::order),
        )
        .route(
            "/portal/complaint",
            get(complaint::form).post(complaint::submit),
        )
        .route("/portal/tickets/{number}/{key}", get(ticket::show))
        .route(
            "/portal/tickets/{number}/{key}/comments",
            post(ticket::comment).get(ticket::back_to_report),
        )
        .route(
            "/portal/tickets/{number}/{key}/satisfaction",
            post(survey::rate).get(ticket::back_to_report),
        )
        .fallback(errors::not_found)
        .method_not_allowed_fallback(errors::not_found)
        .layer(from_fn_with_state(limits, rate_limit))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(from_fn(errors::html_errors))
        .with_state(services)
}

#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_service]
async fn handle(request: spin_sdk::http::Request) -> axum::response::Response {
    itsm_http::serve_spin(request, app).await
}
