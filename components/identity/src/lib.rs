//! Identity and access as a Spin component (ISO/IEC 20000-1 §5.3): users, role assignments with
//! history and re-evaluation, API tokens, customer organisations with their contacts and their
//! contracts' processes, the published responsibility matrix, and the caller's own view. This
//! file is the route table; handlers live in `routes/`, SQL in `store/`, wire shapes in `wire.rs`.

mod routes;
mod store;
mod wire;

use axum::Router;
use axum::routing::{get, post, put};
use itsm_http::Services;
use routes::{assignments, customers, me, roles, tailoring, tokens, users};

/// The component's routes, before the shared conventions are applied.
pub fn routes() -> Router<Services> {
    Router::new()
        .route(
            "/api/v1/users",
            get(users::list_users).post(users::create_user),
        )
        .route(
            "/api/v1/users/{user}",
            get(users::get_user).patch(users::update_user),
        )
        .route(
            "/api/v1/users/{user}/roles",
            get(assignments::list_user_roles).post(assignments::grant_role),
        )
        .route(
            "/api/v1/role-assignments",
            get(assignments::list_assignments),
        )
        .route(
            "/api/v1/role-assignments/{id}",
            get(assignments::get_assignment),
        )
        .route(
            "/api/v1/role-assignments/{id}/history",
            get(assignments::assignment_history),
        )
        .route(
            "/api/v1/role-assignments/{id}/revoke",
            post(assignments::revoke_assignment),
        )
        .route(
            "/api/v1/role-assignments/{id}/reevaluate",
            post(assignments::reevaluate_assignment),
        )
        .route("/api/v1/roles", get(roles::list_roles))
        .route("/api/v1/roles/{role}", get(roles::get_role))
        .route("/api/v1/authorities", get(roles::list_authorities))
        .route("/api/v1/responsibility-matrix", get(roles::get_matrix))
        .route(
            "/api/v1/tokens",
            get(tokens::list_tokens).post(tokens::create_token),
        )
        .route("/api/v1/tokens/{id}/revoke", post(tokens::revoke_token))
        .route(
            "/api/v1/customers",
            get(customers::list_customers).post(customers::create_customer),
        )
        .route(
            "/api/v1/customers/{code}",
            get(customers::get_customer).patch(customers::update_customer),
        )
        .route(
            "/api/v1/customers/{code}/contacts",
            get(customers::list_contacts).post(customers::create_contact),
        )
        .route(
            "/api/v1/customers/{code}/processes",
            get(tailoring::list_processes),
        )
        .route(
            "/api/v1/customers/{code}/processes/{process}",
            put(tailoring::set_process),
        )
        .route("/api/v1/me", get(me::get_me))
        .route(
            "/api/v1/me/permissions/{authority}",
            get(me::check_permission),
        )
        .route("/api/v1/me/notifications", get(me::list_my_notifications))
        .route(
            "/api/v1/me/notifications/{id}/read",
            post(me::read_notification),
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
