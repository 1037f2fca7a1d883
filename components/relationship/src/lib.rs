//! Business relationship management as a Spin component (ISO/IEC 20000-1 §8.3.2; requirements
//! §2.16, §2.18 and §7.16). Customer complaints and feedback: collected from every channel,
//! recorded, answered and resolved with a result given back to the customer, each with the SLA
//! clocks of a complaint (the seeds' 24 hours to a response and 72 to the result unless an
//! agreement sets targets for complaints); and customers' satisfaction ratings of handled work
//! (`satisfaction/`). This file is the route table; the complaints' handlers are in `routes/`,
//! SQL in `store.rs`, wire shapes in `wire.rs`, the OpenAPI part in `openapi.rs`.

mod named;
#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod routes;
mod satisfaction;
mod store;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod test_db;
mod wire;

use itsm_http::RouteTable;
use routes::{create, lifecycle, read, sla};

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new()
        .post("/api/v1/complaints", create::create_complaint)
        .get("/api/v1/complaints", read::list)
        .get("/api/v1/complaints/{id}", read::get_complaint)
        .get("/api/v1/complaints/{id}/sla", sla::get_sla)
        .post("/api/v1/complaints/{id}/{action}", lifecycle::act)
        .post("/api/v1/satisfaction-responses", satisfaction::create)
        .get("/api/v1/satisfaction-responses", satisfaction::list)
        .get(
            "/api/v1/satisfaction-responses/summary",
            satisfaction::summary,
        )
        .get(
            "/api/v1/satisfaction-responses/{id}",
            satisfaction::get_rating,
        )
}

itsm_http::component_entry!();
