//! `GET /api/v1/incidents/{id}/sla`: the incident's SLA clocks, explained — the agreement and
//! target that govern it and why, the calendar, when each clock started, every pause with its
//! reason, elapsed and remaining working time, the due time and where it stands, with a sentence
//! for each. Computed at the moment of reading from the incident, its audit trail and the
//! service level process's agreements, calendars and policy; whoever may read the incident may
//! read its clocks.

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
    let incident = find_visible(db, &principal, parse_id(&id)?).await?;
    let staff = principal.holds_as_staff(READ);
    let facts = facts_of(
        db,
        TargetRecord::Incident,
        incident.id,
        &itsm_http::now(),
        staff,
    )
    .await?
    .ok_or_else(|| ApiError::Internal(format!("incident {} vanished", incident.id)))?;
    Ok(Json(record_sla(db, &facts).await?))
}
