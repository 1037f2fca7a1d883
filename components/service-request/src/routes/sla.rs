//! `GET /api/v1/requests/{id}/sla`: the request's SLA clocks, explained, as for incidents; the
//! ordered catalogue entry may have a target of its own. Whoever may read the request may read
//! its clocks.

use super::{find_visible, parse_id};
use axum::Json;
use axum::extract::{Extension, Path, State};
use itsm_domain::access::names::REQUEST_READ;
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
    let (request, _) = find_visible(db, &principal, parse_id(&id)?).await?;
    let staff = principal.holds_as_staff(REQUEST_READ);
    let facts = facts_of(
        db,
        TargetRecord::Request,
        request.id,
        &itsm_http::now(),
        staff,
    )
    .await?
    .ok_or_else(|| ApiError::Internal(format!("request {} vanished", request.id)))?;
    Ok(Json(record_sla(db, &facts).await?))
}
