//! Fulfilments that close themselves: a fulfilled request its requester neither confirmed nor
//! sent back within the process's setting is closed as of that deadline, the same rule as for
//! incidents. Reads show it closed at once ([`view`]); the next write, or the tick route, stores
//! the closure with an audit entry by the system ([`settle`]).

use crate::store::approvals::ApprovalSlot;
use crate::store::requests::{self, ServiceRequest};
use crate::wire::{RequestView, number_of};
use itsm_domain::access::Process;
use itsm_domain::closure::{AutoClose, Closure};
use itsm_domain::request::RequestState;
use itsm_http::audit::{Change, record};
use itsm_http::settings::{auto_close, overdue_since};
use itsm_http::{ApiError, Principal};
use itsm_store::Sql;

/// When the request's fulfilment closed itself, if it has by `now`.
pub fn overdue(request: &ServiceRequest, rule: AutoClose, now: &str) -> Option<String> {
    if request.state != RequestState::Fulfilled {
        return None;
    }
    overdue_since(request.fulfilled_at.as_deref(), rule, now)
}

/// The request as it stands at `now`: closed if its fulfilment has closed itself.
pub fn view(request: ServiceRequest, rule: AutoClose, now: &str) -> ServiceRequest {
    match overdue(&request, rule, now) {
        Some(deadline) => closed_at_deadline(&request, deadline),
        None => request,
    }
}

fn closed_at_deadline(request: &ServiceRequest, deadline: String) -> ServiceRequest {
    ServiceRequest {
        state: RequestState::Closed,
        closure: Some(Closure::AutoClosed),
        closed_at: Some(deadline),
        ..request.clone()
    }
}

/// [`view`] with the process's rule read from the store.
pub async fn as_it_stands(
    db: &impl Sql,
    request: ServiceRequest,
    now: &str,
) -> Result<ServiceRequest, ApiError> {
    if request.state != RequestState::Fulfilled {
        return Ok(request);
    }
    let rule = auto_close(db, Process::ServiceRequest).await?;
    Ok(view(request, rule, now))
}

/// Stores the closure of a request whose fulfilment has closed itself; any other request is
/// returned as it is. Call it inside the write's transaction.
pub async fn settle(
    db: &impl Sql,
    request: ServiceRequest,
    slots: &[ApprovalSlot],
    now: &str,
) -> Result<ServiceRequest, ApiError> {
    if request.state != RequestState::Fulfilled {
        return Ok(request);
    }
    let rule = auto_close(db, Process::ServiceRequest).await?;
    match overdue(&request, rule, now) {
        Some(deadline) => close_by_rule(db, &request, slots, rule, deadline, now).await,
        None => Ok(request),
    }
}

/// Writes the rule's closure and its audit entry, with the system as the actor.
pub async fn close_by_rule(
    db: &impl Sql,
    request: &ServiceRequest,
    slots: &[ApprovalSlot],
    rule: AutoClose,
    deadline: String,
    now: &str,
) -> Result<ServiceRequest, ApiError> {
    let mut closed = closed_at_deadline(request, deadline);
    closed.updated_at = now.to_owned();
    if !requests::save_request(db, &closed, request.version).await? {
        return Err(ApiError::lost_race(&format!(
            "service request {}",
            number_of(request.id)
        )));
    }
    closed.version = request.version + 1;
    let reason = format!(
        "the requester neither confirmed nor sent back the fulfilment within {} hours",
        rule.after_hours().unwrap_or_default()
    );
    let change = Change::new("service_request", request.id, "auto_close")
        .before(&RequestView::new(request, slots.to_vec()))
        .after(&RequestView::new(&closed, slots.to_vec()))
        .reason(reason.as_str());
    record(db, &Principal::system(), &change, now).await?;
    Ok(closed)
}
