//! Search across the service desk's records as a Spin component (issue: service desk, search):
//! incidents, service requests, problems and knowledge articles in one ranked, paged list from
//! SQLite's full-text index (FTS5 with the trigram tokenizer, so Chinese is found as well as
//! English), each caller finding only what the owning process would show them. The index is kept
//! by triggers (migrations 0018, 0019), so the other components write nothing for it.

mod kind;
#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
mod routes;
mod store;
mod text_query;
mod wire;

use itsm_http::RouteTable;

/// The component's routes, before the shared conventions are applied.
pub fn route_table() -> RouteTable {
    RouteTable::new().get("/api/v1/search", routes::search_records)
}

itsm_http::component_entry!();
