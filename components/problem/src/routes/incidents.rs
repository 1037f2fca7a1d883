//! `GET`/`POST /api/v1/problems/{id}/incidents` and `DELETE …/incidents/{incident}`: the
//! incidents a problem causes. The link is made from the problem's side; the incident shows it
//! as `caused_by`. Only incidents the caller may read can be linked, and only those are listed.

use super::{REPORT, find_visible, parse_id, respond, scopes_of};
use crate::store::incidents::{
    IncidentSummary, LinkedIncident, link_incident, linked_incidents, load_incident,
    unlink_incident,
};
use crate::store::problems::{Problem, touch_problem};
use crate::wire::{LinkIncidentRequest, problem_number};
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::RecordKind;
use itsm_domain::access::Process;
use itsm_http::audit::{Change, record};
use itsm_http::incident_access::IncidentAccess;
use itsm_http::json::Items;
use itsm_http::tailoring::require_in_contract;
use itsm_http::{ApiError, ApiJson, Principal, Services, etag};
use itsm_store::{Sql, in_transaction};
use serde_json::json;

pub async fn list_incidents(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Items<LinkedIncident>>, ApiError> {
    let db = &*services.db;
    let problem = find_visible(db, &principal, parse_id(&id)?).await?;
    let visible = linked_incidents(db, problem.id)
        .await?
        .into_iter()
        .filter(|linked| access(&linked.incident).readable_by(&principal))
        .collect();
    Ok(Json(Items::new(visible)))
}

pub async fn link(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<LinkIncidentRequest>,
) -> Result<(StatusCode, Json<LinkedIncident>), ApiError> {
    let incident_id = RecordKind::Incident
        .parse_ref(request.incident.trim())
        .map_err(|message| ApiError::invalid_field("incident", message))?;
    let now = itsm_http::now();
    let linked = in_transaction(&*services.db, async |db| {
        let problem = find_visible(db, &principal, parse_id(&id)?).await?;
        let link_id =
            attach_incident(db, &principal, &problem, incident_id, "incident", &now).await?;
        linked_incidents(db, problem.id)
            .await?
            .into_iter()
            .find(|l| l.link_id == link_id)
            .ok_or_else(|| ApiError::not_found("the new link"))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(linked)))
}

pub async fn unlink(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, incident)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let required = etag::if_match(&headers)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let problem = find_visible(db, &principal, id).await?;
        principal.require_in(REPORT, &scopes_of(&problem))?;
        etag::check(required.as_deref(), problem.version, &problem_number(id))?;
        ensure_takes_changes(&problem)?;
        // An incident the caller may not read is, to them, never linked: probing answers alike.
        let missing = || {
            ApiError::not_found(format_args!(
                "a link from {} to incident {incident}",
                problem_number(id)
            ))
        };
        let incident_id = RecordKind::Incident
            .parse_ref(&incident)
            .map_err(|_| missing())?;
        load_incident(db, incident_id)
            .await?
            .filter(|found| access(found).readable_by(&principal))
            .ok_or_else(missing)?;
        if !unlink_incident(db, problem.id, incident_id).await? {
            return Err(missing());
        }
        touch_problem(db, problem.id, &now).await?;
        let number = RecordKind::Incident.number_text(incident_id);
        let change = Change::new("problem", problem.id, "unlink_incident")
            .before(&json!({"incident": number}));
        record(db, &principal, &change, &now).await?;
        let problem = find_visible(db, &principal, id).await?;
        respond(db, &problem, StatusCode::OK).await
    })
    .await
}

/// Closed and cancelled problems are the record of what was done: their links stay as they are.
fn ensure_takes_changes(problem: &Problem) -> Result<(), ApiError> {
    if !problem.state.is_terminal() {
        return Ok(());
    }
    Err(ApiError::Conflict {
        detail: format!(
            "{} is {}: its incidents no longer change",
            problem_number(problem.id),
            problem.state
        ),
    })
}

/// Links one incident the caller may read to the problem, within the caller's transaction;
/// returns the link's id. `field` names the request field the incident came from.
pub async fn attach_incident(
    db: &impl Sql,
    principal: &Principal,
    problem: &Problem,
    incident_id: i64,
    field: &str,
    now: &str,
) -> Result<i64, ApiError> {
    principal.require_in(REPORT, &scopes_of(problem))?;
    ensure_takes_changes(problem)?;
    let number = RecordKind::Incident.number_text(incident_id);
    let incident = load_incident(db, incident_id)
        .await?
        .filter(|incident| access(incident).readable_by(principal))
        .ok_or_else(|| {
            ApiError::invalid_field(field, format!("there is no incident {number} you can see"))
        })?;
    if let Some(customer) = &problem.customer
        && incident.customer.as_ref() != Some(customer)
    {
        return Err(ApiError::invalid_field(
            field,
            format!(
                "{number} is not an incident of {customer}, whose problem {} is",
                problem_number(problem.id)
            ),
        ));
    }
    require_in_contract(db, Process::Problem, incident.customer.as_deref()).await?;
    let Some(link_id) = link_incident(db, problem.id, &number, &principal.user, now).await? else {
        return Err(ApiError::Conflict {
            detail: format!(
                "{number} is linked to {} already",
                problem_number(problem.id)
            ),
        });
    };
    touch_problem(db, problem.id, now).await?;
    let change = Change::new("problem", problem.id, "link_incident")
        .after(&json!({"incident": number, "link_id": link_id}));
    record(db, principal, &change, now).await?;
    Ok(link_id)
}

fn access(incident: &IncidentSummary) -> IncidentAccess<'_> {
    IncidentAccess {
        service: incident.service.as_deref(),
        customer: incident.customer.as_deref(),
        security: incident.security,
        reporter: &incident.created_by,
        caller: &incident.caller,
    }
}
