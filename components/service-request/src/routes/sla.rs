//! `GET /api/v1/requests/{id}/sla`: the request's SLA clocks, explained, as for incidents; the
//! ordered catalogue entry may have a target of its own. Whoever may read the request may read
//! its clocks.

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
    let (request, _) = find_visible(db, &principal, parse_id(&id)?).await?;
    let number = RecordKind::Request.number_text(request.id);
    let facts = RecordFacts {
        record: TargetRecord::Request,
        number: number.clone(),
        logged_at: request.created_at.clone(),
        customer: request.customer.clone(),
        service: Some(request.service.clone()),
        priority: Some(request.priority),
        entry: Some(request.item.clone()),
        states: record_states(db, "service_request", request.id, &number).await?,
        closed_itself_at: (request.closure == Some(Closure::AutoClosed))
            .then(|| request.closed_at.clone())
            .flatten(),
        staff: principal.holds_as_staff(itsm_domain::access::names::REQUEST_READ),
    };
    Ok(Json(record_sla(db, &facts).await?))
}
