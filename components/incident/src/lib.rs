//! The incident process as a Spin component: record, classify, prioritise, assign, hold, resolve
//! and close incidents (ISO/IEC 20000-1 §8.6.1). This file is the route table; each route's
//! handler lives in `routes/`, its SQL in `store.rs`, its wire shapes in `wire.rs`, and its part
//! of the OpenAPI document in `openapi.rs`.

#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod routes;
mod store;
mod wire;
mod wire_alert;
mod wire_major;

use itsm_http::RouteTable;
use routes::{
    alerts, create, get, history, links, list, major, notes, priority_matrix, settings, sla, tick,
    transition, update,
};

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new()
        .post("/api/v1/incidents", create::create_incident)
        .get("/api/v1/incidents", list::list_incidents)
        .get(
            "/api/v1/incidents/priority-matrix",
            priority_matrix::get_priority_matrix,
        )
        .put(
            "/api/v1/incidents/priority-matrix",
            priority_matrix::put_priority_matrix,
        )
        .get("/api/v1/incidents/settings", settings::get_settings)
        .put("/api/v1/incidents/settings", settings::put_settings)
        .post("/api/v1/incidents/tick", tick::tick)
        .post("/api/v1/incidents/alerts", alerts::generic)
        .post(
            "/api/v1/incidents/alerts/alertmanager",
            alerts::alertmanager,
        )
        .get("/api/v1/incidents/alerts/mapping", alerts::get_mapping)
        .put("/api/v1/incidents/alerts/mapping", alerts::put_mapping)
        .get("/api/v1/incidents/{id}", get::get_incident)
        .patch("/api/v1/incidents/{id}", update::update_incident)
        .post("/api/v1/incidents/{id}/assign", update::assign_incident)
        .get("/api/v1/incidents/{id}/comments", notes::list_comments)
        .post("/api/v1/incidents/{id}/comments", notes::add_comment)
        .get("/api/v1/incidents/{id}/work-notes", notes::list_work_notes)
        .post("/api/v1/incidents/{id}/work-notes", notes::add_work_note)
        .get("/api/v1/incidents/{id}/history", history::get_history)
        .get("/api/v1/incidents/{id}/sla", sla::get_sla)
        .get("/api/v1/incidents/{id}/links", links::list_links)
        .post("/api/v1/incidents/{id}/links", links::add_link)
        .delete("/api/v1/incidents/{id}/links/{link}", links::remove_link)
        .post("/api/v1/incidents/{id}/major", major::declare_major)
        .patch("/api/v1/incidents/{id}/major", major::update_major)
        .post("/api/v1/incidents/{id}/major/stand-down", major::stand_down)
        .post("/api/v1/incidents/{id}/major/review", major::review_major)
        .get(
            "/api/v1/incidents/{id}/communications",
            major::list_communications,
        )
        .post(
            "/api/v1/incidents/{id}/communications",
            major::add_communication,
        )
        .post(
            "/api/v1/incidents/{id}/{action}",
            transition::transition_incident,
        )
}

itsm_http::component_entry!();
