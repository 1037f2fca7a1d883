//! `PUT /api/v1/problems/{id}/solution` and `POST …/solution/{approve,reject}`: investigators
//! propose a solution once the root cause is recorded; only the problem management team
//! (`problem.solution.approve`) decides it, and never on a proposal of their own. Approval
//! starts the fix.

use super::{APPROVE, Audited, INVESTIGATE, modify, parse_id, scopes_of};
use crate::store::problems::{Problem, Solution};
use crate::wire::{DecisionBody, SolutionRequest, problem_number};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::HeaderMap;
use itsm_domain::problem::{ProblemState, SolutionStatus};
use itsm_http::json::parse_optional_json;
use itsm_http::{ApiError, ApiJson, Principal, Services};

pub async fn propose(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SolutionRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let now = itsm_http::now();
    let audited = Audited {
        action: "propose_solution",
        reason: None,
    };
    modify(&*services.db, &principal, id, &headers, audited, async |_, problem| {
        principal.require_in(INVESTIGATE, &scopes_of(problem))?;
        ensure_investigating(problem, "propose a solution")?;
        if problem.root_cause.is_none() {
            return Err(ApiError::Conflict {
                detail: format!(
                    "record the root cause of {} (PATCH root_cause) before proposing a solution",
                    problem_number(problem.id)
                ),
            });
        }
        problem.solution = Some(Solution {
            description: request.description.into_string(),
            requires_change: request.requires_change,
            status: SolutionStatus::Proposed,
            proposed_by: principal.user.clone(),
            proposed_at: now.clone(),
            decided_by: None,
            decided_at: None,
            decision_reason: None,
        });
        Ok(())
    })
    .await
}

pub async fn decide(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, decision)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(ApiError::not_found(format_args!("the decision {decision}"))),
    };
    let body = parse_optional_json::<DecisionBody>(&body)?;
    let reason = body.reason.as_ref().map(|r| r.as_str().to_owned());
    if !approve && reason.is_none() {
        return Err(ApiError::invalid_field(
            "reason",
            "say why the solution is rejected",
        ));
    }
    let now = itsm_http::now();
    let audited = Audited {
        action: if approve {
            "approve_solution"
        } else {
            "reject_solution"
        },
        reason: reason.as_deref(),
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        audited,
        async |_, problem| {
            principal.require_in(APPROVE, &scopes_of(problem))?;
            ensure_investigating(problem, "decide its solution")?;
            let solution = awaiting_decision(problem, &principal)?;
            solution.status = if approve {
                SolutionStatus::Approved
            } else {
                SolutionStatus::Rejected
            };
            solution.decided_by = Some(principal.user.clone());
            solution.decided_at = Some(now.clone());
            solution.decision_reason = reason.clone();
            if approve {
                problem.state = ProblemState::FixInProgress;
            }
            Ok(())
        },
    )
    .await
}

/// Solutions are proposed and decided while the problem is under investigation.
fn ensure_investigating(problem: &Problem, what: &str) -> Result<(), ApiError> {
    if problem.state == ProblemState::Investigating {
        return Ok(());
    }
    Err(ApiError::Conflict {
        detail: format!(
            "{} is {}: only a problem under investigation can {what}",
            problem_number(problem.id),
            problem.state
        ),
    })
}

/// The proposal awaiting a decision, which its own author may not give.
fn awaiting_decision<'a>(
    problem: &'a mut Problem,
    principal: &Principal,
) -> Result<&'a mut Solution, ApiError> {
    let number = problem_number(problem.id);
    match problem.solution.as_mut() {
        Some(s) if s.status == SolutionStatus::Proposed => {
            if s.proposed_by == principal.user {
                return Err(ApiError::not_entitled(
                    "another member of the problem management team",
                    format!(
                        "{} proposed this solution and cannot approve or reject it too",
                        s.proposed_by
                    ),
                ));
            }
            Ok(s)
        }
        Some(s) => Err(ApiError::Conflict {
            detail: format!(
                "the solution of {number} is {} already; propose a new one first",
                s.status
            ),
        }),
        None => Err(ApiError::Conflict {
            detail: format!("{number} has no proposed solution to decide"),
        }),
    }
}
