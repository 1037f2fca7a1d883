//! `GET`/`PUT /api/v1/requests/settings` and `POST /api/v1/requests/tick`: how long a fulfilment
//! waits for the requester before it closes itself (the process owner decides; see
//! `itsm_http::settings`), and the scheduler's call that stores the closures that fell due and
//! carries out the SLA escalations the service level tick queued, a bounded batch per call,
//! each once however often it is called.

use super::READ;
use super::closure::{close_by_rule, overdue};
use super::escalate::escalate_due;
use crate::store::approvals::slots_of;
use crate::store::requests;
use crate::wire::number_of;
use axum::Json;
use axum::extract::{Extension, State};
use itsm_domain::access::Process;
use itsm_domain::access::names::SCHEDULE_RUN;
use itsm_http::settings::{self, SettingsRequest, SettingsResponse, TickResponse};
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::in_transaction;

/// Enough to clear a day's backlog in a few calls, small enough for one request.
const BATCH: u32 = 100;

pub async fn get_settings(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<SettingsResponse>, ApiError> {
    settings::read_settings(&*services.db, &principal, Process::ServiceRequest, READ)
        .await
        .map(Json)
}

pub async fn put_settings(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<SettingsRequest>,
) -> Result<Json<SettingsResponse>, ApiError> {
    settings::write_settings(&*services.db, &principal, Process::ServiceRequest, request)
        .await
        .map(Json)
}

pub async fn tick(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<TickResponse>, ApiError> {
    principal.require(SCHEDULE_RUN)?;
    let now = itsm_http::now();
    let (auto_closed, remaining) = in_transaction(&*services.db, async |db| {
        let due = requests::overdue_fulfilments(db, &now, BATCH + 1).await?;
        let remaining = due.len() > BATCH as usize;
        let mut closed = Vec::new();
        for request in due.iter().take(BATCH as usize) {
            if let Some(deadline) = overdue(request, &now) {
                let slots = slots_of(db, &[request.id]).await?;
                close_by_rule(db, request, &slots, deadline, &now).await?;
                closed.push(number_of(request.id));
            }
        }
        Ok::<_, ApiError>((closed, remaining))
    })
    .await?;
    let escalations = escalate_due(&*services.db, &now, BATCH).await?;
    Ok(Json(TickResponse::new(auto_closed, remaining, escalations)))
}
