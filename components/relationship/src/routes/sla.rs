//! `GET /api/v1/complaints/{id}/sla`: the complaint's clocks, explained, as for incidents and
//! requests: the agreement's complaint target when one in force sets it, else the seeds' 24 hours
//! to a response and 72 to the result, round the clock [002 §4.3.2]. Whoever may read the
//! complaint may read its clocks.

use super::{READ, find_visible, parse_id};
use axum::Json;
use axum::extract::{Extension, Path, State};
use itsm_domain::sla::TargetRecord;
use itsm_http::sla::clocks::{RecordSla, record_sla};
use itsm_http::sla::facts::facts_of;
use itsm_http::{ApiError, Principal, Services};

pub async fn get_sla(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<RecordSla>, ApiError> {
    let db = &*services.db;
    let complaint = find_visible(db, &principal, parse_id(&id)?).await?;
    let staff = principal.holds_as_staff(READ);
    let now = itsm_http::now();
    let facts = facts_of(db, TargetRecord::Complaint, complaint.id, &now, staff)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("complaint {} vanished", complaint.id)))?;
    Ok(Json(record_sla(db, &facts).await?))
}
