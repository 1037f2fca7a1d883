//! `POST /api/v1/incidents/tick`: what falls due with time, done once whenever a scheduler
//! calls (Spin's cron trigger, a Kubernetes CronJob, any timer): store the closure of
//! resolutions that have closed themselves, oldest first, then carry out the SLA escalations the
//! service level tick queued; a bounded batch of each per call so a call stays short;
//! `remaining` says whether to call again. Calling it twice changes nothing twice.

use super::closure::{close_by_rule, overdue_since};
use super::escalate::escalate_due;
use crate::store;
use crate::wire::number_of;
use axum::Json;
use axum::extract::{Extension, State};
use itsm_domain::access::names::SCHEDULE_RUN;
use itsm_http::settings::TickResponse;
use itsm_http::{ApiError, Principal, Services};
use itsm_store::in_transaction;

/// Enough to clear a day's backlog of a busy desk in a few calls, small enough for one request.
const BATCH: u32 = 100;

pub async fn tick(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<TickResponse>, ApiError> {
    principal.require(SCHEDULE_RUN)?;
    let now = itsm_http::now();
    let (closed, closing_remains) = in_transaction(&*services.db, async |db| {
        let due = store::overdue_resolutions(db, &now, BATCH + 1).await?;
        let remaining = due.len() > BATCH as usize;
        let mut closed = Vec::new();
        for incident in due.iter().take(BATCH as usize) {
            if let Some(deadline) = overdue_since(incident, &now) {
                close_by_rule(db, incident, deadline, &now).await?;
                closed.push(number_of(incident.id));
            }
        }
        Ok::<_, ApiError>((closed, remaining))
    })
    .await?;
    let escalations = escalate_due(&*services.db, &now, BATCH).await?;
    Ok(Json(TickResponse::new(
        closed,
        closing_remains,
        escalations,
    )))
}
