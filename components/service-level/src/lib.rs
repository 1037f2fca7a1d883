//! Service level management as a Spin component (ISO/IEC 20000-1 §8.3.3; requirements §2.8 and
//! §7.10): agreements with customers (SLAs), internal teams (OLAs) and suppliers (underpinning
//! contracts), negotiated by the SLM team, signed by Sales for the customer and approved by the
//! management representative, in numbered versions; their targets and the choice of the one that
//! governs a record; and the business calendars SLA clocks count on. This file is the route
//! table; handlers are in `routes/`, SQL in `store/`, wire shapes in `wire/`, the OpenAPI part in
//! `openapi.rs`.

#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod routes;
mod store;
mod wire;

use itsm_http::RouteTable;
use routes::{agreements, applicable, calendars, compliance, events, lifecycle, policies, tick};

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new()
        .get("/api/v1/calendars", calendars::list)
        .get("/api/v1/calendars/{code}", calendars::get_calendar)
        .put("/api/v1/calendars/{code}", calendars::put_calendar)
        .post(
            "/api/v1/calendars/{code}/holidays",
            calendars::import_holidays,
        )
        .get(
            "/api/v1/calendars/{code}/working-time",
            calendars::working_time,
        )
        .get("/api/v1/calendars/{code}/due", calendars::due)
        .post("/api/v1/slas", agreements::create)
        .get("/api/v1/slas", agreements::list)
        .get("/api/v1/slas/applicable", applicable::applicable)
        .post("/api/v1/slas/tick", tick::tick)
        .get("/api/v1/slas/events", events::list)
        .get("/api/v1/slas/events/{id}", events::get_event)
        .put("/api/v1/slas/events/{id}/analysis", events::analyse)
        .get("/api/v1/slas/compliance", compliance::compliance)
        .get("/api/v1/slas/policies/{record}", policies::get_policy)
        .put("/api/v1/slas/policies/{record}", policies::put_policy)
        .get("/api/v1/slas/{id}", agreements::get_agreement)
        .patch("/api/v1/slas/{id}", agreements::update)
        .get("/api/v1/slas/{id}/versions", agreements::list_versions)
        .get(
            "/api/v1/slas/{id}/versions/{number}",
            agreements::get_version,
        )
        .post("/api/v1/slas/{id}/{action}", lifecycle::act)
}

itsm_http::component_entry!();
