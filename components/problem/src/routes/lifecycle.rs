//! `POST /api/v1/problems/{id}/{action}`: start the investigation, resolve once the approved fix
//! is in (its changes implemented when it needs them), close, reopen when the incidents come
//! back, or cancel. Ending a problem retires its active known errors.

use super::{Audited, INVESTIGATE, modify, parse_id, scopes_of};
use crate::store::changes::{TrackedChange, changes_of};
use crate::store::known_errors::retire_all_of;
use crate::store::problems::Problem;
use crate::wire::{ProblemActionBody, problem_number};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::HeaderMap;
use itsm_domain::problem::{ProblemAction, next_problem_state};
use itsm_http::audit::{Change, record};
use itsm_http::json::parse_optional_json;
use itsm_http::{ApiError, Principal, Services};
use itsm_store::Sql;

pub async fn act_on_problem(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let action = ProblemAction::parse(&action)
        .map_err(|_| ApiError::not_found(format_args!("the action {action}")))?;
    let body = parse_optional_json::<ProblemActionBody>(&body)?;
    body.check(action)?;
    let audited = Audited {
        action: action.as_str(),
        reason: body.reason.as_ref().map(|r| r.as_str()),
    };
    let now = itsm_http::now();
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        audited,
        async |db, problem| {
            principal.require_in(INVESTIGATE, &scopes_of(problem))?;
            problem.state = next_problem_state(problem.state, action)?;
            apply(db, &principal, problem, action, &body, &now).await
        },
    )
    .await
}

async fn apply(
    db: &impl Sql,
    principal: &Principal,
    problem: &mut Problem,
    action: ProblemAction,
    body: &ProblemActionBody,
    now: &str,
) -> Result<(), ApiError> {
    let reason = body.reason.as_ref().map(|r| r.as_str().to_owned());
    match action {
        ProblemAction::Start => {}
        ProblemAction::Resolve => {
            ensure_fix_delivered(db, problem).await?;
            problem.resolved_at = Some(now.to_owned());
            problem.resolution_notes = body
                .notes
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .or_else(|| problem.solution.as_ref().map(|s| s.description.clone()));
            let why = format!("{} was resolved", problem_number(problem.id));
            retire_known_errors(db, principal, problem.id, &why, now).await?;
        }
        ProblemAction::Close => problem.closed_at = Some(now.to_owned()),
        // The fix did not hold: a new solution must be found and approved.
        ProblemAction::Reopen => {
            problem.reopen_count += 1;
            problem.solution = None;
            problem.resolved_at = None;
            problem.resolution_notes = None;
        }
        ProblemAction::Cancel => {
            ensure_no_open_change(db, problem).await?;
            problem.closed_at = Some(now.to_owned());
            problem.cancel_reason = reason.clone();
            let why = format!("{} was cancelled", problem_number(problem.id));
            retire_known_errors(db, principal, problem.id, &why, now).await?;
        }
    }
    Ok(())
}

/// Retires the problem's active known errors, each with its own audit entry.
async fn retire_known_errors(
    db: &impl Sql,
    principal: &Principal,
    problem_id: i64,
    why: &str,
    now: &str,
) -> Result<(), ApiError> {
    for id in retire_all_of(db, problem_id, why, now).await? {
        let change = Change::new("known_error", id, "retire").reason(why);
        record(db, principal, &change, now).await?;
    }
    Ok(())
}

/// A problem is not cancelled from under a change still on its way: change management must
/// turn it down first, so no change is left open for a fix nobody wants.
async fn ensure_no_open_change(db: &impl Sql, problem: &Problem) -> Result<(), ApiError> {
    let open: Vec<String> = changes_of(db, &[problem.id])
        .await?
        .into_iter()
        .filter(|c| c.is_open())
        .map(|c| c.number)
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    Err(ApiError::Conflict {
        detail: format!(
            "{} has changes still open ({}); have them rejected or cancelled first",
            problem_number(problem.id),
            open.join(", ")
        ),
    })
}

/// A fix that goes in through change management is delivered once a change raised for it is
/// implemented and none is still under way. Only changes raised since the current solution was
/// approved count: after a reopen, the earlier fix's change proves nothing.
async fn ensure_fix_delivered(db: &impl Sql, problem: &Problem) -> Result<(), ApiError> {
    let approved_at = problem
        .solution
        .as_ref()
        .and_then(|s| s.decided_at.clone())
        .unwrap_or_default();
    let changes: Vec<TrackedChange> = changes_of(db, &[problem.id])
        .await?
        .into_iter()
        .filter(|c| c.created_at >= approved_at)
        .collect();
    let open: Vec<&str> = changes
        .iter()
        .filter(|c| c.is_open())
        .map(|c| c.number.as_str())
        .collect();
    if !open.is_empty() {
        return Err(ApiError::Conflict {
            detail: format!(
                "{} still waits for {} to be implemented",
                problem_number(problem.id),
                open.join(", ")
            ),
        });
    }
    let needs_change = problem.solution.as_ref().is_some_and(|s| s.requires_change);
    if needs_change && !changes.iter().any(|c| c.is_implemented()) {
        return Err(ApiError::Conflict {
            detail: format!(
                "the approved solution of {} goes in through a change: raise one (POST …/changes) and have it implemented first",
                problem_number(problem.id)
            ),
        });
    }
    Ok(())
}
