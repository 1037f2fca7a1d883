//! `PATCH /api/v1/problems/{id}`: the investigators' record of a problem while it is open: its
//! details, who investigates, the root cause found and the workaround.

use super::{Audited, INVESTIGATE, ensure_investigator, modify, parse_id, scopes_of};
use crate::store::problems::{Problem, RootCause};
use crate::wire::{UpdateProblemRequest, problem_number};
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::HeaderMap;
use itsm_http::{ApiError, ApiJson, Principal, Services};

pub async fn update_problem(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UpdateProblemRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let now = itsm_http::now();
    let audited = Audited {
        action: "update",
        reason: None,
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        audited,
        async |db, problem| {
            principal.require_in(INVESTIGATE, &scopes_of(problem))?;
            ensure_open(problem)?;
            let old_assignee = problem.assignee.clone();
            apply(problem, request, &principal.user, &now);
            match &problem.assignee {
                Some(assignee) if problem.assignee != old_assignee => {
                    ensure_investigator(db, assignee, problem, "assignee", &now).await
                }
                _ => Ok(()),
            }
        },
    )
    .await
}

/// A resolved, closed or cancelled problem's analysis is the record of what was done.
fn ensure_open(problem: &Problem) -> Result<(), ApiError> {
    if problem.state.is_open() {
        return Ok(());
    }
    Err(ApiError::Conflict {
        detail: format!(
            "{} is {}: its record no longer changes{}",
            problem_number(problem.id),
            problem.state,
            if problem.state.is_terminal() {
                ""
            } else {
                " (reopen it first)"
            }
        ),
    })
}

fn apply(problem: &mut Problem, request: UpdateProblemRequest, user: &str, now: &str) {
    if let Some(title) = request.title {
        problem.title = title.into_string();
    }
    if let Some(priority) = request.priority {
        problem.priority = priority;
    }
    let replace = |slot: &mut Option<String>, given: Option<Option<String>>| {
        if let Some(value) = given {
            *slot = value;
        }
    };
    replace(
        &mut problem.description,
        request.description.map(|d| d.map(|d| d.into_string())),
    );
    replace(
        &mut problem.category,
        request.category.map(|l| l.map(|l| l.into_string())),
    );
    replace(
        &mut problem.configuration_item,
        request
            .configuration_item
            .map(|l| l.map(|l| l.into_string())),
    );
    replace(
        &mut problem.assignment_group,
        request.assignment_group.map(|l| l.map(|l| l.into_string())),
    );
    replace(
        &mut problem.assignee,
        request.assignee.map(|c| c.map(|c| c.as_str().to_owned())),
    );
    replace(
        &mut problem.workaround,
        request.workaround.map(|d| d.map(|d| d.into_string())),
    );
    if let Some(cause) = request.root_cause {
        problem.root_cause = Some(RootCause {
            summary: cause.summary.into_string(),
            category: cause.category,
            method: cause.method,
            recorded_by: user.to_owned(),
            recorded_at: now.to_owned(),
        });
    }
}
