//! `GET /api/v1/incidents/{id}/history`: the incident's audit trail, oldest first. A customer
//! contact sees the timeline without the support teams' internal work notes.

use super::{find_visible, parse_id, sees_work_notes};
use crate::store::NoteKind;
use axum::Json;
use axum::extract::{Extension, Path, State};
use itsm_http::json::Items;
use itsm_http::{ApiError, Principal, Services};
use itsm_store::HistoryEntry;

pub async fn get_history(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Items<HistoryEntry>>, ApiError> {
    let incident = find_visible(&*services.db, &principal, parse_id(&id)?).await?;
    let mut entries = itsm_store::record_history(&*services.db, "incident", incident.id).await?;
    if !sees_work_notes(&principal, &incident) {
        entries.retain(|entry| entry.action != NoteKind::WorkNote.as_str());
    }
    Ok(Json(Items::new(entries)))
}
