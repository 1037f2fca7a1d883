//! `GET /api/v1/incidents/{id}/history`: the incident's audit trail, oldest first.

use super::{READ, find, parse_id};
use crate::store;
use axum::Json;
use axum::extract::{Extension, Path, State};
use itsm_http::{ApiError, Principal, Services};

pub async fn get_history(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    principal.require(READ)?;
    let incident = find(&*services.db, parse_id(&id)?).await?;
    let entries = store::history(&*services.db, incident.id).await?;
    Ok(Json(serde_json::json!({ "items": entries })))
}
