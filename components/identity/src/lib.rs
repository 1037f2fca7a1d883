//! Identity and access as a Spin component (ISO/IEC 20000-1 §5.3): users, role assignments with
//! history and re-evaluation, API tokens, customer organisations with their contacts and their
//! contracts' processes, the published responsibility matrix, and the caller's own view. This
//! file is the route table; handlers live in `routes/`, SQL in `store/`, wire shapes in `wire.rs` and
//! `views.rs`, its part of the OpenAPI document in `openapi.rs`.

#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod routes;
mod store;
mod views;
mod wire;

use itsm_http::RouteTable;
use routes::{assignments, customers, me, roles, tailoring, tokens, users};

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new()
        .get("/api/v1/users", users::list_users)
        .post("/api/v1/users", users::create_user)
        .get("/api/v1/users/{user}", users::get_user)
        .patch("/api/v1/users/{user}", users::update_user)
        .get("/api/v1/users/{user}/roles", assignments::list_user_roles)
        .post("/api/v1/users/{user}/roles", assignments::grant_role)
        .get("/api/v1/role-assignments", assignments::list_assignments)
        .get("/api/v1/role-assignments/{id}", assignments::get_assignment)
        .get(
            "/api/v1/role-assignments/{id}/history",
            assignments::assignment_history,
        )
        .post(
            "/api/v1/role-assignments/{id}/revoke",
            assignments::revoke_assignment,
        )
        .post(
            "/api/v1/role-assignments/{id}/reevaluate",
            assignments::reevaluate_assignment,
        )
        .get("/api/v1/roles", roles::list_roles)
        .get("/api/v1/roles/{role}", roles::get_role)
        .get("/api/v1/authorities", roles::list_authorities)
        .get("/api/v1/responsibility-matrix", roles::get_matrix)
        .get("/api/v1/tokens", tokens::list_tokens)
        .post("/api/v1/tokens", tokens::create_token)
        .post("/api/v1/tokens/{id}/revoke", tokens::revoke_token)
        .get("/api/v1/customers", customers::list_customers)
        .post("/api/v1/customers", customers::create_customer)
        .get("/api/v1/customers/{code}", customers::get_customer)
        .patch("/api/v1/customers/{code}", customers::update_customer)
        .get(
            "/api/v1/customers/{code}/contacts",
            customers::list_contacts,
        )
        .post(
            "/api/v1/customers/{code}/contacts",
            customers::create_contact,
        )
        .get(
            "/api/v1/customers/{code}/processes",
            tailoring::list_processes,
        )
        .put(
            "/api/v1/customers/{code}/processes/{process}",
            tailoring::set_process,
        )
        .get("/api/v1/me", me::get_me)
        .get("/api/v1/me/permissions/{authority}", me::check_permission)
        .get("/api/v1/me/notifications", me::list_my_notifications)
        .post("/api/v1/me/notifications/{id}/read", me::read_notification)
}

itsm_http::component_entry!();
