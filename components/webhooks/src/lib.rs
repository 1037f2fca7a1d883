//! Outbound webhooks as a Spin component: subscriptions to what happens in the processes
//! (records created, moved, assigned, approvals needed, SLA warnings and breaches), each delivery
//! signed after Standard Webhooks, logged with every attempt and retried with backoff by the
//! tick, as JSON for programs or as ready-made Slack and Teams messages. Its own component
//! because it is the one that reaches out to the internet, with an allow-list of its own. This
//! file is the route table; handlers are in `routes/`, SQL in `store/`, wire shapes in
//! `wire.rs`, the OpenAPI part in `openapi.rs`.

#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod routes;
mod store;
mod wire;

use itsm_http::RouteTable;
use routes::{deliveries, event_types, ping, secret, subscriptions, tick};

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new()
        .post("/api/v1/webhooks", subscriptions::create)
        .get("/api/v1/webhooks", subscriptions::list)
        .get("/api/v1/webhooks/event-types", event_types::list)
        .post("/api/v1/webhooks/tick", tick::tick)
        .get("/api/v1/webhooks/{id}", subscriptions::get_subscription)
        .patch("/api/v1/webhooks/{id}", subscriptions::update)
        .delete("/api/v1/webhooks/{id}", subscriptions::delete)
        .post("/api/v1/webhooks/{id}/rotate-secret", secret::rotate)
        .post("/api/v1/webhooks/{id}/ping", ping::ping)
        .get("/api/v1/webhooks/{id}/deliveries", deliveries::list)
        .get(
            "/api/v1/webhooks/{id}/deliveries/{delivery}",
            deliveries::get_delivery,
        )
        .post(
            "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
            deliveries::redeliver,
        )
}

itsm_http::component_entry!();
