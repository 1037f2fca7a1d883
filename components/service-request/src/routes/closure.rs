//! Fulfilments that close themselves: a fulfilled request its requester neither confirmed nor
//! sent back by its stored deadline (`auto_close_at`, fixed at fulfilment from the setting then
//! in force) is closed as of that deadline, the same rule as for incidents. Reads show it closed
//! at once ([`view`]); the next write, or the tick route, stores the closure with an audit entry
//! by the system ([`settle`]).

use crate::store::approvals::ApprovalSlot;
use crate::store::requests::{self, ServiceRequest};
use crate::wire::{RequestView, number_of};
use itsm_domain::closure::Closure;
use itsm_domain::request::RequestState;
use itsm_http::audit::{Change, record};
use itsm_http::settings::is_due;
use itsm_http::{ApiError, Principal};
use itsm_store::Sql;

/// The deadline the request's fulfilment closed itself at, if it has by `now`.
pub fn overdue(request: &ServiceRequest, now: &str) -> Option<String> {
    let deadline = request.auto_close_at.as_deref();
    if request.state == RequestState::Fulfilled && is_due(deadline, now) {
        deadline.map(str::to_owned)
    } else {
        None
    }
}

/// The request as it stands at `now`: closed if its fulfilment has closed itself.
pub fn view(request: ServiceRequest, now: &str) -> ServiceRequest {
    match overdue(&request, now) {
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

/// Stores the closure of a request whose fulfilment has closed itself; any other request is
/// returned as it is. Call it inside the write's transaction.
pub async fn settle(
    db: &impl Sql,
    request: ServiceRequest,
    slots: &[ApprovalSlot],
    now: &str,
) -> Result<ServiceRequest, ApiError> {
    match overdue(&request, now) {
        Some(deadline) => close_by_rule(db, &request, slots, deadline, now).await,
        None => Ok(request),
    }
}

/// Writes the rule's closure and its audit entry, with the system as the actor.
pub async fn close_by_rule(
    db: &impl Sql,
    request: &ServiceRequest,
    slots: &[ApprovalSlot],
    deadline: String,
    now: &str,
) -> Result<ServiceRequest, ApiError> {
    let reason = format!(
        "the requester neither confirmed nor sent back the fulfilment by its deadline, {deadline}"
    );
    let mut closed = closed_at_deadline(request, deadline);
    closed.updated_at = now.to_owned();
    if !requests::save_request(db, &closed, request.version).await? {
        return Err(ApiError::lost_race(&format!(
            "service request {}",
            number_of(request.id)
        )));
    }
    closed.version = request.version + 1;
    let change = Change::new("service_request", request.id, "auto_close")
        .before(&RequestView::new(request, slots.to_vec()))
        .after(&RequestView::new(&closed, slots.to_vec()))
        .reason(reason.as_str());
    record(db, &Principal::system(), &change, now).await?;
    super::refresh_clocks(db, request.id, now).await?;
    Ok(closed)
}
