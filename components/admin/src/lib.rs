//! Administration and evidence as a Spin component: the schema migrations and the audit trail.
//! On real Spin nothing applies the migrations at start (`spin up --sqlite @file` takes one file,
//! not a directory), so a deployment calls `POST /api/v1/admin/migrations` once after each
//! upgrade; it is idempotent. The audit trail's routes are in `audit_trail.rs`.

mod audit_trail;

use axum::Json;
use axum::Router;
use axum::extract::{Extension, State};
use axum::routing::get;
use itsm_http::{ApiError, Principal, Services};
use itsm_store::{MIGRATIONS, Sql};

/// The authority to change the schema.
const MIGRATE: &str = itsm_domain::access::names::ADMIN_MIGRATE;

pub fn routes() -> Router<Services> {
    Router::new()
        .route(
            "/api/v1/admin/migrations",
            get(list_migrations).post(apply_migrations),
        )
        .route("/api/v1/audit-entries", get(audit_trail::list_entries))
        .route(
            "/api/v1/audit-entries/verify",
            get(audit_trail::verify_chain),
        )
        .route("/api/v1/audit-entries/{id}", get(audit_trail::get_entry))
}

pub fn app(services: Services) -> Router {
    itsm_http::with_conventions(routes(), services)
}

/// The migrations this build knows and whether each has been applied.
async fn list_migrations(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<serde_json::Value>, ApiError> {
    principal.require(MIGRATE)?;
    let applied = applied_versions(&*services.db).await?;
    let items: Vec<_> = MIGRATIONS
        .iter()
        .map(|m| serde_json::json!({ "version": m.version, "name": m.name, "applied": applied.contains(&i64::from(m.version)) }))
        .collect();
    Ok(Json(serde_json::json!({ "items": items })))
}

/// Applies what has not run yet and lists what it applied (nothing, the second time).
async fn apply_migrations(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<serde_json::Value>, ApiError> {
    principal.require(MIGRATE)?;
    let applied = itsm_store::apply_migrations(&*services.db, &itsm_http::now()).await?;
    Ok(Json(serde_json::json!({ "applied": applied })))
}

async fn applied_versions(db: &impl Sql) -> Result<Vec<i64>, ApiError> {
    // Before the first migration the bookkeeping table does not exist yet: nothing is applied.
    let exists = db
        .query("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", &[])
        .await?;
    if exists.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| row.get::<i64>("version").map_err(ApiError::from))
        .collect()
}

#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_service]
async fn handle(request: spin_sdk::http::Request) -> axum::response::Response {
    itsm_http::serve_spin(request, app).await
}
