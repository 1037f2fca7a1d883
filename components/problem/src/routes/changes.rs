//! `GET`/`POST /api/v1/problems/{id}/changes`: raising a request for change to implement the
//! approved solution ([000]: the problem team works with change management), and tracking it by
//! the state change management gives it. A problem whose fix needs a change resolves only once
//! one is implemented.

use super::{INVESTIGATE, find_visible, parse_id, scopes_of};
use crate::store::changes::{NewChange, TrackedChange, changes_of, raise_change};
use crate::store::problems::touch_problem;
use crate::wire::{RaiseChangeRequest, problem_number};
use axum::Json;
use axum::extract::{Extension, Path, State};
use http::StatusCode;
use itsm_domain::problem::ProblemState;
use itsm_http::audit::{Change, record};
use itsm_http::json::Items;
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::in_transaction;
use serde_json::json;

pub async fn list_changes(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Items<TrackedChange>>, ApiError> {
    let problem = find_visible(&*services.db, &principal, parse_id(&id)?).await?;
    let changes = changes_of(&*services.db, &[problem.id]).await?;
    Ok(Json(Items::new(changes)))
}

pub async fn raise(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RaiseChangeRequest>,
) -> Result<(StatusCode, Json<TrackedChange>), ApiError> {
    let now = itsm_http::now();
    let raised = in_transaction(&*services.db, async |db| {
        let problem = find_visible(db, &principal, parse_id(&id)?).await?;
        principal.require_in(INVESTIGATE, &scopes_of(&problem))?;
        if problem.state != ProblemState::FixInProgress {
            return Err(ApiError::Conflict {
                detail: format!(
                    "{} is {}: a change is raised once the problem team has approved its solution",
                    problem_number(problem.id),
                    problem.state
                ),
            });
        }
        let approved = problem.solution.as_ref().map(|s| s.description.as_str());
        let change = NewChange {
            problem_id: problem.id,
            title: request.title.as_str(),
            description: request
                .description
                .as_ref()
                .map(|d| d.as_str())
                .or(approved),
            service: &problem.service,
            requested_by: &principal.user,
            now: &now,
        };
        let change_id = raise_change(db, &change).await?;
        touch_problem(db, problem.id, &now).await?;
        let raised = changes_of(db, &[problem.id])
            .await?
            .into_iter()
            .find(|c| c.id == change_id)
            .ok_or_else(|| ApiError::not_found("the new change"))?;
        record(
            db,
            &principal,
            &Change::created("change_request", change_id, &raised),
            &now,
        )
        .await?;
        let audit = Change::new("problem", problem.id, "raise_change")
            .after(&json!({"change": raised.number}));
        record(db, &principal, &audit, &now).await?;
        Ok(raised)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(raised)))
}
