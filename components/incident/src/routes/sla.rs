//! `GET /api/v1/incidents/{id}/sla`: the incident's SLA clocks, explained — the agreement and
//! target that govern it and why, the calendar, when each clock started, every pause with its
//! reason, elapsed and remaining working time, the due time and where it stands, with a sentence
//! for each. Computed at the moment of reading from the incident, its audit trail and the
//! service level process's agreements, calendars and policy; whoever may read the incident may
//! read its clocks.

use super::{find_visible, parse_id};
use axum::Json;
use axum::extract::{Extension, Path, State};
use itsm_domain::RecordKind;
use itsm_domain::closure::Closure;
use itsm_domain::sla::TargetRecord;
use itsm_http::sla::clocks::{RecordFacts, RecordSla, record_sla, record_states};
use itsm_http::{ApiError, Principal, Services};

pub async fn get_sla(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<RecordSla>, ApiError> {
    let db = &*services.db;
    let incident = find_visible(db, &principal, parse_id(&id)?).await?;
    let number = RecordKind::Incident.number_text(incident.id);
    let facts = RecordFacts {
        record: TargetRecord::Incident,
        number: number.clone(),
        logged_at: incident.created_at.clone(),
        customer: incident.customer.clone(),
        service: incident.service.clone(),
        priority: Some(incident.priority),
        entry: None,
        states: record_states(db, "incident", incident.id, &number).await?,
        closed_itself_at: (incident.closure == Some(Closure::AutoClosed))
            .then(|| incident.closed_at.clone())
            .flatten(),
        staff: principal.holds_as_staff(itsm_domain::access::names::INCIDENT_READ),
    };
    Ok(Json(record_sla(db, &facts).await?))
}
