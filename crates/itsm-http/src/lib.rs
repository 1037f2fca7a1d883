//! The HTTP conventions every ITSM component shares, so each component's handlers read as short
//! named steps: problem+json errors (the only place that knows status codes), JSON input that
//! names the bad field, cursor pagination and list queries, ETags, idempotent POSTs, rate limits,
//! bearer authentication with the caller's grants, and audit entries (also of refused writes).

pub mod audit;
pub mod auth;
pub mod denials;
pub mod etag;
pub mod idempotency;
pub mod incident_access;
pub mod json;
#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
pub mod outbound;
pub mod pagination;
pub mod problem;
pub mod process_api;
pub mod query;
pub mod rate_limit;
pub mod reach;
pub mod references;
pub mod relay;
pub mod route_table;
pub mod services;
pub mod settings;
pub mod sla;
pub mod tailoring;
pub mod time;

pub use auth::{Principal, require_auth};
pub use json::{ApiJson, RawBody};
pub use problem::ApiError;
pub use query::QueryParams;
pub use route_table::RouteTable;
#[cfg(target_arch = "wasm32")]
pub use services::serve_spin;
pub use services::{Services, with_conventions};

/// The current time as stored and returned everywhere: RFC 3339, UTC, milliseconds.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
