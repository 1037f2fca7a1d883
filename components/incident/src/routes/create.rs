//! `POST /api/v1/incidents`: records a new incident, prioritised by the stored matrix, for the
//! customer organisation it concerns (a customer contact reports for their own).

use super::{CREATE, audit, respond};
use crate::store::{self, Incident};
use crate::wire::number_of;
use crate::wire::{CreateIncidentRequest, NewIncident};
use axum::extract::{Extension, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::Label;
use itsm_domain::RecordKind;
use itsm_domain::access::Scope;
use itsm_domain::incident::{IncidentState, Priority};
use itsm_http::audit::{Change, record};
use itsm_http::references::{ensure_customer_exists, ensure_service_open};
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::{Sql, in_transaction};
use serde::Serialize;

pub async fn create_incident(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<CreateIncidentRequest>,
) -> Result<Response, ApiError> {
    let new = NewIncident::try_from(request)?;
    let customer = principal.customer_for(CREATE, new.customer.as_ref().map(Label::as_str))?;
    principal.require_in(CREATE, &scopes(customer.as_deref(), new.service.as_ref()))?;
    let now = itsm_http::now();
    let incident = in_transaction(&*services.db, async |db| {
        log_incident(db, &principal, &new, customer.clone(), &now).await
    })
    .await?;
    Ok(respond(&incident, StatusCode::CREATED))
}

/// Logs `new` for `customer` in the caller's transaction: the customer and service checked,
/// prioritised by the stored matrix, audited, and matched against known errors. Whether the
/// caller may log it is for the caller to have checked.
pub async fn log_incident(
    db: &impl Sql,
    principal: &Principal,
    new: &NewIncident,
    customer: Option<String>,
    now: &str,
) -> Result<Incident, ApiError> {
    if let Some(code) = &customer {
        ensure_customer_exists(db, code, "customer").await?;
    }
    if let Some(service) = &new.service {
        ensure_service_open(db, service.as_str(), "service").await?;
    }
    let priority = store::priority_for(db, new.impact, new.urgency).await?;
    let mut incident = new_record(new, customer, priority, &principal.user, now);
    incident.id = store::insert_incident(db, &incident).await?;
    audit(db, principal, "create", None, &incident, None, now).await?;
    count_recurrences(db, &incident, now).await?;
    Ok(incident)
}

/// The audit entry's record of one recurrence.
#[derive(Serialize)]
struct Matched {
    incident: String,
    known_error: String,
}

/// Links the incident to the problems whose active known errors it matches, each link audited
/// under its problem with the system as actor (no person decided it).
async fn count_recurrences(db: &impl Sql, incident: &Incident, now: &str) -> Result<(), ApiError> {
    let text = match &incident.description {
        Some(description) => format!("{}\n{description}", incident.short_description),
        None => incident.short_description.clone(),
    };
    // Security incidents are the security team's alone; the problem team never sees them.
    if incident.security {
        return Ok(());
    }
    let new = store::NewIncident {
        id: incident.id,
        service: incident.service.as_deref(),
        customer: incident.customer.as_deref(),
        text: &text,
    };
    let found = store::record_recurrences(db, new, now).await?;
    for recurrence in found {
        let matched = Matched {
            incident: number_of(incident.id),
            known_error: RecordKind::KnownError.number_text(recurrence.known_error_id),
        };
        let change = Change::new("problem", recurrence.problem_id, "recurrence").after(&matched);
        record(db, &Principal::system(), &change, now).await?;
    }
    Ok(())
}

pub fn scopes(customer: Option<&str>, service: Option<&Label>) -> Vec<Scope> {
    customer
        .map(Scope::customer)
        .into_iter()
        .chain(service.map(|s| Scope::service(s.as_str())))
        .collect()
}

fn new_record(
    new: &NewIncident,
    customer: Option<String>,
    priority: Priority,
    created_by: &str,
    now: &str,
) -> Incident {
    let text = |label: &Option<Label>| label.as_ref().map(|l| l.as_str().to_owned());
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
        customer,
        state: IncidentState::New,
        hold_reason: None,
        resolution_code: None,
        resolution_notes: None,
        closure: None,
        cancel_reason: None,
        security: new.security,
        major: false,
        major_incident: None,
        reassignment_count: 0,
        reopen_count: 0,
        version: 1,
        created_at: now.to_owned(),
        created_by: created_by.to_owned(),
        updated_at: now.to_owned(),
        responded_at: None,
        resolved_at: None,
        auto_close_at: None,
        closed_at: None,
    }
}
