//! The service portfolio and the service catalogue as a Spin component (ISO/IEC 20000-1 §8.2.4
//! and §8.3.3; requirements §4 and §7.9): services through their lifecycle, the catalogue's
//! working copy in English and Chinese (or any language), and its published versions, from which
//! customers read and order. This file is the route table; handlers are in `routes/`, SQL in
//! `store/`, wire shapes in `wire.rs`, and this component's OpenAPI part in `openapi.rs`.

#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod routes;
mod store;
mod wire;

use itsm_http::RouteTable;
use routes::{entries, published, services, versions};

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new()
        .post("/api/v1/services", services::create_service)
        .get("/api/v1/services", services::list_services)
        .get("/api/v1/services/{code}", services::get_service)
        .patch("/api/v1/services/{code}", services::update_service)
        .post(
            "/api/v1/services/{code}/{action}",
            services::transition_service,
        )
        .get("/api/v1/catalogue", versions::get_catalogue)
        .get("/api/v1/catalogue/items/{code}", published::get_item)
        .get("/api/v1/catalogue/entries", entries::list_entries)
        .get("/api/v1/catalogue/entries/{code}", entries::get_entry)
        .put("/api/v1/catalogue/entries/{code}", entries::put_entry)
        .delete("/api/v1/catalogue/entries/{code}", entries::withdraw_entry)
        .get("/api/v1/catalogue/versions", versions::list_versions)
        .post("/api/v1/catalogue/versions", versions::publish_catalogue)
        .get(
            "/api/v1/catalogue/versions/{version}",
            versions::get_version,
        )
}

itsm_http::component_entry!();
