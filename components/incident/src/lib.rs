//! The incident process as a Spin component: record, classify, prioritise, assign, hold, resolve
//! and close incidents (ISO/IEC 20000-1 §8.6.1). This file is the route table; each route's
//! handler lives in `routes/`, its SQL in `store.rs`, its wire shapes in `wire.rs`.

mod routes;
mod store;
mod wire;

use axum::Router;
use axum::routing::{get, post};
use itsm_http::Services;

/// The component's routes, before the shared conventions are applied.
pub fn routes() -> Router<Services> {
    Router::new()
        .route(
            "/api/v1/incidents",
            post(routes::create::create_incident).get(routes::list::list_incidents),
        )
        .route(
            "/api/v1/incidents/priority-matrix",
            get(routes::priority_matrix::get_priority_matrix)
                .put(routes::priority_matrix::put_priority_matrix),
        )
        .route(
            "/api/v1/incidents/{id}",
            get(routes::get::get_incident).patch(routes::update::update_incident),
        )
        .route(
            "/api/v1/incidents/{id}/assign",
            post(routes::update::assign_incident),
        )
        .route(
            "/api/v1/incidents/{id}/comments",
            get(routes::notes::list_comments).post(routes::notes::add_comment),
        )
        .route(
            "/api/v1/incidents/{id}/work-notes",
            get(routes::notes::list_work_notes).post(routes::notes::add_work_note),
        )
        .route(
            "/api/v1/incidents/{id}/history",
            get(routes::history::get_history),
        )
        .route(
            "/api/v1/incidents/{id}/{action}",
            post(routes::transition::transition_incident),
        )
}

/// The app: routes wrapped in the conventions every component shares.
pub fn app(services: Services) -> Router {
    itsm_http::with_conventions(routes(), services)
}

#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_service]
async fn handle(request: spin_sdk::http::Request) -> axum::response::Response {
    itsm_http::serve_spin(request, app).await
}
