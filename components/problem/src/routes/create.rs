//! `POST /api/v1/problems`: logs a problem against a live catalogue service, optionally naming
//! who investigates it and the incidents it causes (each linked as through `/incidents`).

use super::incidents::attach_incident;
use super::{REPORT, ensure_investigator, respond, scopes_for};
use crate::store::problems::{Problem, insert_problem, load_problem};
use crate::wire::NewProblemRequest;
use axum::extract::{Extension, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::RecordKind;
use itsm_domain::access::Process;
use itsm_domain::incident::Priority;
use itsm_domain::problem::ProblemState;
use itsm_http::audit::{Change, record};
use itsm_http::references::{ensure_customer_exists, ensure_service_open};
use itsm_http::tailoring::require_in_contract;
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::in_transaction;

/// Enough for a problem found behind a wave of incidents; more are linked one by one.
const MAX_INCIDENTS_AT_CREATION: usize = 50;

pub async fn create_problem(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<NewProblemRequest>,
) -> Result<Response, ApiError> {
    let customer = request.customer.as_ref().map(|c| c.as_str().to_owned());
    principal.require_in(
        REPORT,
        &scopes_for(request.service.as_str(), customer.as_deref()),
    )?;
    let incidents = incident_ids(&request.incidents)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        ensure_service_open(db, request.service.as_str(), "service").await?;
        if let Some(code) = &customer {
            ensure_customer_exists(db, code, "customer").await?;
        }
        require_in_contract(db, Process::Problem, customer.as_deref()).await?;
        let mut problem = new_record(&request, customer.clone(), &principal.user, &now);
        if let Some(assignee) = &problem.assignee {
            ensure_investigator(db, assignee, &problem, "assignee", &now).await?;
        }
        problem.id = insert_problem(db, &problem).await?;
        record(
            db,
            &principal,
            &Change::created("problem", problem.id, &problem),
            &now,
        )
        .await?;
        for (i, id) in incidents.iter().enumerate() {
            attach_incident(
                db,
                &principal,
                &problem,
                *id,
                &format!("incidents[{i}]"),
                &now,
            )
            .await?;
        }
        // Each link bumped the version; answer with the problem as stored.
        let problem = load_problem(db, problem.id).await?.unwrap_or(problem);
        respond(db, &problem, StatusCode::CREATED).await
    })
    .await
}

/// The incident ids the request names, each bad one named by its position.
fn incident_ids(refs: &[String]) -> Result<Vec<i64>, ApiError> {
    if refs.len() > MAX_INCIDENTS_AT_CREATION {
        return Err(ApiError::invalid_field(
            "incidents",
            format!(
                "at most {MAX_INCIDENTS_AT_CREATION} at once; link the rest through /incidents"
            ),
        ));
    }
    let mut ids: Vec<i64> = Vec::with_capacity(refs.len());
    for (i, text) in refs.iter().enumerate() {
        let field = format!("incidents[{i}]");
        let id = RecordKind::Incident
            .parse_ref(text)
            .map_err(|message| ApiError::invalid_field(&field, message))?;
        if ids.contains(&id) {
            return Err(ApiError::invalid_field(
                &field,
                "names the same incident twice",
            ));
        }
        ids.push(id);
    }
    Ok(ids)
}

fn new_record(
    request: &NewProblemRequest,
    customer: Option<String>,
    created_by: &str,
    now: &str,
) -> Problem {
    let text = |value: Option<&str>| value.map(str::to_owned);
    Problem {
        id: 0,
        title: request.title.as_str().to_owned(),
        description: text(request.description.as_ref().map(|d| d.as_str())),
        service: request.service.as_str().to_owned(),
        configuration_item: text(request.configuration_item.as_ref().map(|l| l.as_str())),
        category: text(request.category.as_ref().map(|l| l.as_str())),
        customer,
        priority: request.priority.unwrap_or(Priority::Moderate),
        state: ProblemState::New,
        assignment_group: text(request.assignment_group.as_ref().map(|l| l.as_str())),
        assignee: text(request.assignee.as_ref().map(|c| c.as_str())),
        root_cause: None,
        workaround: None,
        solution: None,
        resolution_notes: None,
        cancel_reason: None,
        reopen_count: 0,
        version: 1,
        created_at: now.to_owned(),
        created_by: created_by.to_owned(),
        updated_at: now.to_owned(),
        resolved_at: None,
        closed_at: None,
    }
}
