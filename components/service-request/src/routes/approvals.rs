//! `POST /api/v1/requests/{id}/approve` and `/reject`: an approver's decision. The caller must
//! be an approver still awaited (named, or holding a named role for the request's service or
//! customer), may not decide their own order, and decides once; the item's rule then approves
//! the order into the queue, rejects it, or leaves it waiting for the others.

use super::{Audited, modify, parse_id, qualifies};
use crate::store::approvals::{self, ApprovalSlot};
use crate::store::requests::ServiceRequest;
use crate::wire::{DecisionBody, number_of};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::HeaderMap;
use itsm_domain::access::Role;
use itsm_domain::catalogue::Approver;
use itsm_domain::request::{
    ApprovalOutcome, Decision, RequestState, allowed_request_actions, approval_outcome, slot_for,
};
use itsm_http::json::parse_optional_json;
use itsm_http::{ApiError, Principal, Services};
use itsm_store::Sql;

pub async fn approve_request(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    decide(
        &services,
        &principal,
        &id,
        &headers,
        Decision::Approved,
        &body,
    )
    .await
}

pub async fn reject_request(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    decide(
        &services,
        &principal,
        &id,
        &headers,
        Decision::Rejected,
        &body,
    )
    .await
}

async fn decide(
    services: &Services,
    principal: &Principal,
    id: &str,
    headers: &HeaderMap,
    decision: Decision,
    body: &[u8],
) -> Result<Response, ApiError> {
    let id = parse_id(id)?;
    let body: DecisionBody = parse_optional_json(body)?;
    let reason = body.reason.as_ref().map(|r| r.as_str().to_owned());
    if decision == Decision::Rejected && reason.is_none() {
        return Err(ApiError::invalid_field("reason", "say why it is rejected"));
    }
    let now = itsm_http::now();
    let action = match decision {
        Decision::Approved => "approve",
        Decision::Rejected => "reject",
    };
    let audited = Audited {
        action,
        reason: reason.as_deref(),
    };
    modify(
        &*services.db,
        principal,
        id,
        headers,
        audited,
        async |db, request, slots| {
            let slot = awaited_slot(principal, request, slots, action)?;
            slots[slot] = slots[slot].decided(decision, reason.clone(), &principal.user, &now);
            record_decision(db, request.id, slot, &slots[slot]).await?;
            apply_outcome(request, slots, &now)
        },
    )
    .await
}

/// The slot the caller's decision fills, or why they may not decide.
fn awaited_slot(
    principal: &Principal,
    request: &ServiceRequest,
    slots: &[ApprovalSlot],
    action: &str,
) -> Result<usize, ApiError> {
    let number = number_of(request.id);
    if request.state != RequestState::AwaitingApproval {
        return Err(ApiError::invalid_transition(
            &format!(
                "cannot {action} a service request that is {}",
                request.state
            ),
            &allowed_request_actions(request.state),
        ));
    }
    if request.is_party(&principal.user) {
        return Err(ApiError::not_entitled(
            "approver",
            format!("{number} is ordered by or for you; someone else must decide it"),
        ));
    }
    if let Some(earlier) = slots
        .iter()
        .find(|s| s.decided_by.as_deref() == Some(principal.user.as_str()))
    {
        let decided = earlier.decision.map_or("decided", |d| d.as_str());
        return Err(ApiError::Conflict {
            detail: format!("you have already {decided} {number}; each approver decides once"),
        });
    }
    let approvers: Vec<Approver> = slots.iter().map(|s| s.approver.clone()).collect();
    let decisions: Vec<Option<Decision>> = slots.iter().map(|s| s.decision).collect();
    let holds = |role: Role| qualifies(principal, request, &Approver::Role(role));
    slot_for(&approvers, &decisions, &principal.user, holds).ok_or_else(|| {
        ApiError::not_entitled(
            "approver",
            format!(
                "{number} awaits a decision by {}; you are not one of them",
                awaited(slots)
            ),
        )
    })
}

/// The approvers still awaited, as a reader would say them.
fn awaited(slots: &[ApprovalSlot]) -> String {
    let names: Vec<String> = slots
        .iter()
        .filter(|s| s.decision.is_none())
        .map(|s| match &s.approver {
            Approver::Role(role) => format!("a holder of the role {role}"),
            Approver::User(user) => format!("user {user}"),
        })
        .collect();
    names.join(" or ")
}

async fn record_decision(
    db: &impl Sql,
    request_id: i64,
    slot: usize,
    decided: &ApprovalSlot,
) -> Result<(), ApiError> {
    if approvals::decide(db, request_id, slot, decided).await? {
        Ok(())
    } else {
        Err(ApiError::lost_race("the approval"))
    }
}

/// Moves the request on once the rule has an outcome.
fn apply_outcome(
    request: &mut ServiceRequest,
    slots: &[ApprovalSlot],
    now: &str,
) -> Result<(), ApiError> {
    let decisions: Vec<Option<Decision>> = slots.iter().map(|s| s.decision).collect();
    let rule = request.approval_rule.ok_or_else(|| {
        ApiError::Internal(format!(
            "{} has approval slots but no rule",
            number_of(request.id)
        ))
    })?;
    match approval_outcome(rule, &decisions) {
        ApprovalOutcome::Pending => {}
        ApprovalOutcome::Approved => {
            request.state = RequestState::Submitted;
            request.approved_at = Some(now.to_owned());
        }
        ApprovalOutcome::Rejected => {
            request.state = RequestState::Rejected;
            request.closed_at = Some(now.to_owned());
        }
    }
    Ok(())
}
