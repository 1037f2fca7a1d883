//! `POST /api/v1/incidents`: records a new incident, prioritised by the stored matrix.

use super::{WRITE, audit, respond};
use crate::store::{self, Incident};
use crate::wire::{CreateIncidentRequest, NewIncident};
use axum::extract::{Extension, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::incident::{IncidentState, Priority};
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::in_transaction;

pub async fn create_incident(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<CreateIncidentRequest>,
) -> Result<Response, ApiError> {
    principal.require(WRITE)?;
    let new = NewIncident::try_from(request)?;
    let now = itsm_http::now();
    let incident = in_transaction(&*services.db, async |db| {
        let priority = store::priority_for(db, new.impact, new.urgency).await?;
        let mut incident = new_record(&new, priority, &principal.user, &now);
        incident.id = store::insert_incident(db, &incident).await?;
        audit(db, &principal, "create", None, &incident, None, &now).await?;
        Ok::<_, ApiError>(incident)
    })
    .await?;
    Ok(respond(&incident, StatusCode::CREATED))
}

fn new_record(new: &NewIncident, priority: Priority, created_by: &str, now: &str) -> Incident {
    let text = |label: &Option<itsm_domain::Label>| label.as_ref().map(|l| l.as_str().to_owned());
    Incident {
        id: 0,
        short_description: new.short_description.as_str().to_owned(),
        description: new.description.as_ref().map(|d| d.as_str().to_owned()),
        impact: new.impact,
        urgency: new.urgency,
        priority,
        category: text(&new.category),
        caller: new.caller.as_str().to_owned(),
        channel: new.channel,
        assignment_group: text(&new.assignment_group),
        assignee: text(&new.assignee),
        configuration_item: text(&new.configuration_item),
        service: text(&new.service),
        state: IncidentState::New,
        hold_reason: None,
        resolution_code: None,
        resolution_notes: None,
        cancel_reason: None,
        reassignment_count: 0,
        reopen_count: 0,
        version: 1,
        created_at: now.to_owned(),
        created_by: created_by.to_owned(),
        updated_at: now.to_owned(),
        resolved_at: None,
        closed_at: None,
    }
}
