//! Knowledge management as a Spin component (ISO/IEC 20000-1 §7.6; requirements §2.19 and §7.19):
//! articles recording solutions to common problems, workarounds and fault-handling procedures, in
//! several languages, published in numbered versions for the support teams or also for customers,
//! linked to the problems, known errors and services they document, and due for review so the
//! base stays current. This file is the route table; handlers are in `routes/`, SQL in `store/`,
//! wire shapes in `wire.rs`, the OpenAPI part in `openapi.rs`.

#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod routes;
mod store;
mod wire;

use itsm_http::RouteTable;
use routes::{lifecycle, read, write};

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new()
        .post("/api/v1/knowledge/articles", write::create_article)
        .get("/api/v1/knowledge/articles", read::list)
        .get("/api/v1/knowledge/articles/{id}", read::get_article)
        .patch("/api/v1/knowledge/articles/{id}", write::update_article)
        .get(
            "/api/v1/knowledge/articles/{id}/versions",
            read::list_versions,
        )
        .get(
            "/api/v1/knowledge/articles/{id}/versions/{number}",
            read::get_version,
        )
        .post(
            "/api/v1/knowledge/articles/{id}/publish",
            lifecycle::publish,
        )
        .post("/api/v1/knowledge/articles/{id}/review", lifecycle::review)
        .post("/api/v1/knowledge/articles/{id}/retire", lifecycle::retire)
}

itsm_http::component_entry!();
