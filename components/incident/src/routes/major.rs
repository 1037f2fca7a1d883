//! Major incidents (the seeds' emergency response, [002 §6.4]): declare one with its emergency
//! response team, change the team or plan, stand it down, record the post-incident review
//! (cause, response time, solution effectiveness), and keep its communication log. Whoever runs
//! major incidents for the incident process decides; the team and the desk write the log.

use super::{
    Edit, Gate, authorize, find, find_visible, modify, number_of, parse_id, sees_work_notes,
};
use crate::store::{self, Communication, Incident, MajorIncident, PostIncidentReview};
use crate::wire_major::{
    CommunicationRequest, Declaration, DeclareMajorRequest, MajorChanges, ReasonRequest, Review,
    ReviewRequest, UpdateMajorRequest,
};
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use itsm_domain::incident::{Audience, IncidentState, minutes_between};
use itsm_http::audit::{Change, record};
use itsm_http::json::Items;
use itsm_http::references::ensure_active_user;
use itsm_http::settings::instant;
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::{Sql, in_transaction};

pub async fn declare_major(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<DeclareMajorRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let declaration = request.parse()?;
    let now = itsm_http::now();
    let edit = Edit {
        action: "declare_major",
        gate: Gate::Major,
        reason: Some(declaration.reason.as_str()),
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        edit,
        async |db, incident| declare(db, incident, &declaration, &principal.user, &now).await,
    )
    .await
}

async fn declare(
    db: &impl Sql,
    incident: &mut Incident,
    declaration: &Declaration,
    by: &str,
    now: &str,
) -> Result<(), ApiError> {
    if incident.state.is_terminal() {
        return Err(conflict(
            incident,
            "is finished; a finished incident is not declared major",
        ));
    }
    if incident.major {
        return Err(conflict(
            incident,
            "is a major incident already; change its team with PATCH …/major",
        ));
    }
    ensure_team_active(db, &declaration.emergency_team).await?;
    incident.major = true;
    incident.major_incident = Some(MajorIncident {
        declared_at: now.to_owned(),
        declared_by: by.to_owned(),
        reason: declaration.reason.as_str().to_owned(),
        emergency_team: declaration.emergency_team.clone(),
        response_plan: declaration.response_plan.clone(),
        stood_down_at: None,
        stood_down_by: None,
        stand_down_reason: None,
        review: None,
    });
    Ok(())
}

pub async fn update_major(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UpdateMajorRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let changes = request.parse()?;
    let edit = Edit {
        action: "update_major",
        gate: Gate::Major,
        reason: None,
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        edit,
        async |db, incident| change_major(db, incident, &changes).await,
    )
    .await
}

async fn change_major(
    db: &impl Sql,
    incident: &mut Incident,
    changes: &MajorChanges,
) -> Result<(), ApiError> {
    let major = running(incident)?;
    if let Some(team) = &changes.emergency_team {
        ensure_team_active(db, team).await?;
        major.emergency_team = team.clone();
    }
    if let Some(plan) = &changes.response_plan {
        major.response_plan = plan.clone();
    }
    Ok(())
}

pub async fn stand_down(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ReasonRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let reason = request.parse()?;
    let now = itsm_http::now();
    let edit = Edit {
        action: "stand_down",
        gate: Gate::Major,
        reason: Some(reason.as_str()),
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        edit,
        async |_, incident| {
            let major = running(incident)?;
            major.stood_down_at = Some(now.clone());
            major.stood_down_by = Some(principal.user.clone());
            major.stand_down_reason = Some(reason.as_str().to_owned());
            incident.major = false;
            Ok(())
        },
    )
    .await
}

pub async fn review_major(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ReviewRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let review = request.parse()?;
    let now = itsm_http::now();
    let edit = Edit {
        action: "review_major",
        gate: Gate::Major,
        reason: None,
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        edit,
        async |_, incident| record_review(incident, &review, &principal.user, &now),
    )
    .await
}

/// The review judges a restored service, so it waits for the resolution; its times come from
/// the record. A second review replaces the first (the audit trail keeps both).
fn record_review(
    incident: &mut Incident,
    review: &Review,
    by: &str,
    now: &str,
) -> Result<(), ApiError> {
    if !matches!(
        incident.state,
        IncidentState::Resolved | IncidentState::Closed
    ) {
        return Err(conflict(
            incident,
            "is not resolved yet; review it once service is restored",
        ));
    }
    let minutes_since_recorded = |at: &Option<String>| {
        at.as_deref()
            .map(|at| minutes_between(instant(&incident.created_at), instant(at)))
    };
    let response_minutes = minutes_since_recorded(&incident.responded_at);
    let restoration_minutes = minutes_since_recorded(&incident.resolved_at);
    let Some(major) = incident.major_incident.as_mut() else {
        return Err(conflict(incident, "was never declared a major incident"));
    };
    major.review = Some(PostIncidentReview {
        cause: review.cause.as_str().to_owned(),
        solution_effectiveness: review.solution_effectiveness,
        lessons: review.lessons.as_ref().map(|l| l.as_str().to_owned()),
        response_minutes,
        restoration_minutes,
        reviewed_at: now.to_owned(),
        reviewed_by: by.to_owned(),
    });
    Ok(())
}

pub async fn list_communications(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Items<Communication>>, ApiError> {
    let incident = find_visible(&*services.db, &principal, parse_id(&id)?).await?;
    let mut log = store::list_communications(&*services.db, incident.id).await?;
    // What was said inside the provider stays there; customers see what was said to them.
    if !sees_work_notes(&principal, &incident) {
        log.retain(|c| matches!(c.audience, Audience::Customers | Audience::Users));
    }
    Ok(Json(Items::new(log)))
}

pub async fn add_communication(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<CommunicationRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let new = request.parse()?;
    let now = itsm_http::now();
    let entry = in_transaction(&*services.db, async |db| {
        let incident = find(db, id).await?;
        authorize(&principal, &incident, Gate::Communicate)?;
        if incident.major_incident.is_none() {
            return Err(conflict(
                &incident,
                "is not a major incident; its communication log opens when it is declared",
            ));
        }
        let mut entry = Communication {
            id: 0,
            audience: new.audience,
            channel: new.channel.as_str().to_owned(),
            body: new.body.as_str().to_owned(),
            author: principal.user.clone(),
            created_at: now.clone(),
        };
        entry.id = store::insert_communication(db, incident.id, &entry).await?;
        let change = Change::new("incident", incident.id, "communicate").after(&entry);
        record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>(entry)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(entry)).into_response())
}

/// The running major incident's record, or 409 if it is not (or no longer) major.
fn running(incident: &mut Incident) -> Result<&mut MajorIncident, ApiError> {
    let number = number_of(incident.id);
    match incident.major_incident.as_mut() {
        Some(major) if incident.major => Ok(major),
        _ => Err(ApiError::Conflict {
            detail: format!("incident {number} is not a major incident (now)"),
        }),
    }
}

async fn ensure_team_active(db: &impl Sql, team: &[String]) -> Result<(), ApiError> {
    for (index, member) in team.iter().enumerate() {
        ensure_active_user(db, member, &format!("emergency_team[{index}]")).await?;
    }
    Ok(())
}

fn conflict(incident: &Incident, what: &str) -> ApiError {
    ApiError::Conflict {
        detail: format!("incident {} {what}", number_of(incident.id)),
    }
}
