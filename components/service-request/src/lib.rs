//! Service request management as a Spin component (ISO/IEC 20000-1 §8.6; requirements §2.3 and
//! §7.4): orders from the published catalogue with their answers checked against the item's
//! form, approval by role or by named user under an all-or-any rule, fulfilment tasks with
//! assignees, and verification by the requester. This file is the route table; handlers are in
//! `routes/`, SQL in `store/`, wire shapes in `wire.rs`, and the OpenAPI part in `openapi.rs`.

#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod routes;
mod store;
mod wire;

use itsm_http::RouteTable;
use routes::{approvals, lifecycle, order, read, settings, sla, tasks};

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new()
        .post("/api/v1/requests", order::order_request)
        .get("/api/v1/requests", read::list_requests)
        .get("/api/v1/requests/settings", settings::get_settings)
        .put("/api/v1/requests/settings", settings::put_settings)
        .post("/api/v1/requests/tick", settings::tick)
        .get("/api/v1/requests/{id}", read::get_request)
        .get("/api/v1/requests/{id}/sla", sla::get_sla)
        .post("/api/v1/requests/{id}/approve", approvals::approve_request)
        .post("/api/v1/requests/{id}/reject", approvals::reject_request)
        .get("/api/v1/requests/{id}/tasks", tasks::list_tasks)
        .post("/api/v1/requests/{id}/tasks", tasks::add_task)
        .get("/api/v1/requests/{id}/tasks/{number}", tasks::get_task)
        .patch("/api/v1/requests/{id}/tasks/{number}", tasks::update_task)
        .post(
            "/api/v1/requests/{id}/tasks/{number}/{action}",
            tasks::finish_task,
        )
        .post("/api/v1/requests/{id}/{action}", lifecycle::act_on_request)
}

itsm_http::component_entry!();
