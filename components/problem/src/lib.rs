//! Problem management as a Spin component (ISO/IEC 20000-1 §8.6.3; requirements §2.4 and §7.5):
//! problems linked to the incidents they cause, root-cause analysis and workarounds, known
//! errors whose terms catch recurring incidents, solutions only the problem management team
//! approves, and change requests raised from them and tracked. This file is the route table;
//! handlers are in `routes/`, SQL in `store/`, wire shapes in `wire.rs`, the OpenAPI part in
//! `openapi.rs`.

#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod routes;
mod store;
mod wire;

use itsm_http::RouteTable;
use routes::{changes, create, incidents, known_errors, lifecycle, read, solution, update};

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new()
        .post("/api/v1/problems", create::create_problem)
        .get("/api/v1/problems", read::list)
        .get("/api/v1/problems/{id}", read::get_problem)
        .patch("/api/v1/problems/{id}", update::update_problem)
        .get("/api/v1/problems/{id}/incidents", incidents::list_incidents)
        .post("/api/v1/problems/{id}/incidents", incidents::link)
        .delete(
            "/api/v1/problems/{id}/incidents/{incident}",
            incidents::unlink,
        )
        .put("/api/v1/problems/{id}/solution", solution::propose)
        .post(
            "/api/v1/problems/{id}/solution/{decision}",
            solution::decide,
        )
        .get("/api/v1/problems/{id}/changes", changes::list_changes)
        .post("/api/v1/problems/{id}/changes", changes::raise)
        .post("/api/v1/problems/{id}/{action}", lifecycle::act_on_problem)
        .post("/api/v1/known-errors", known_errors::create)
        .get("/api/v1/known-errors", known_errors::list)
        .get("/api/v1/known-errors/{id}", known_errors::get)
        .patch("/api/v1/known-errors/{id}", known_errors::update)
        .post("/api/v1/known-errors/{id}/retire", known_errors::retire)
}

itsm_http::component_entry!();
