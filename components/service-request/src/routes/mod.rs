//! The service request routes, one file per concern, and the steps they share: who may see a
//! request, finding it, answering with it and its `ETag`, and the versioned write every change
//! goes through.

pub mod approvals;
pub mod closure;
pub mod escalate;
pub mod lifecycle;
pub mod order;
mod people;
pub mod read;
pub mod settings;
pub mod sla;
pub mod tasks;

use crate::store::approvals::{ApprovalSlot, slots_of};
use crate::store::requests::{self, ServiceRequest};
use crate::wire::{RequestView, number_of};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::RecordKind;
use itsm_domain::access::{Process, Scope, holds_role};
use itsm_domain::catalogue::Approver;
use itsm_domain::sla::TargetRecord;
use itsm_http::audit::{Change, record};
use itsm_http::sla::facts::facts_of;
use itsm_http::sla::summary;
use itsm_http::{ApiError, Principal, etag};
use itsm_store::{Sql, in_transaction};

/// Authorities of the service request process, granted to roles by `itsm_domain::access`.
pub use itsm_domain::access::names::{
    REQUEST_CREATE as CREATE, REQUEST_READ as READ, REQUEST_WRITE as WRITE,
};

/// The scopes a request lies in, for scoped grants: its service, the process and its customer.
pub fn scopes_for(service: &str, customer: Option<&str>) -> Vec<Scope> {
    let mut scopes = vec![
        Scope::service(service),
        Scope::process(Process::ServiceRequest),
    ];
    scopes.extend(customer.map(Scope::customer));
    scopes
}

pub fn scopes_of(request: &ServiceRequest) -> Vec<Scope> {
    scopes_for(&request.service, request.customer.as_deref())
}

/// Whether the caller may act as `approver` on this request. Approval is a person's decision,
/// so the break-glass token, which is no person, never approves.
pub fn qualifies(principal: &Principal, request: &ServiceRequest, approver: &Approver) -> bool {
    match approver {
        Approver::User(user) => user.as_str() == principal.user,
        Approver::Role(role) => holds_role(&principal.grants, *role, &scopes_of(request)),
    }
}

/// Readers: holders of `request.read` for it, the people it concerns, and its approvers.
fn may_read(principal: &Principal, request: &ServiceRequest, slots: &[ApprovalSlot]) -> bool {
    principal.may(READ, &scopes_of(request))
        || request.is_party(&principal.user)
        || slots
            .iter()
            .any(|s| qualifies(principal, request, &s.approver))
}

/// The request id from the path: the id (`42`) or the number (`REQ0000042`).
pub fn parse_id(text: &str) -> Result<i64, ApiError> {
    RecordKind::Request
        .parse_ref(text)
        .map_err(|_| ApiError::not_found(format_args!("service request {text}")))
}

/// Finds a request with its approval slots, as it stands now; one the caller may not read is
/// "not found", so the answer does not reveal that it exists.
pub async fn find_visible(
    db: &impl Sql,
    principal: &Principal,
    id: i64,
) -> Result<(ServiceRequest, Vec<ApprovalSlot>), ApiError> {
    let (request, slots) = load_visible(db, principal, id).await?;
    Ok((closure::view(request, &itsm_http::now()), slots))
}

/// [`find_visible`] as stored, before any closure that has fallen due.
async fn load_visible(
    db: &impl Sql,
    principal: &Principal,
    id: i64,
) -> Result<(ServiceRequest, Vec<ApprovalSlot>), ApiError> {
    let missing = || ApiError::not_found(format_args!("service request {}", number_of(id)));
    let request = requests::load_request(db, id).await?.ok_or_else(missing)?;
    let slots = slots_of(db, &[id]).await?;
    if !may_read(principal, &request, &slots) {
        return Err(missing());
    }
    Ok((request, slots))
}

/// The request as JSON with its `ETag` (and `Location` when just created).
pub fn respond(request: &ServiceRequest, slots: Vec<ApprovalSlot>, status: StatusCode) -> Response {
    let location =
        (status == StatusCode::CREATED).then(|| format!("/api/v1/requests/{}", request.id));
    etag::respond(
        &RequestView::new(request, slots),
        request.version,
        status,
        location,
    )
}

/// What one change did, for the audit trail.
pub struct Audited<'a> {
    pub action: &'a str,
    pub reason: Option<&'a str>,
}

/// The shared write path: in one transaction, load the request the caller may see, check
/// `If-Match`, store its closure first if its fulfilment has closed itself, let `change` check the caller's standing and apply itself (it may also write the
/// approval slots), save at the version read, and append the audit entry. A change that changes
/// nothing writes nothing.
pub async fn modify<D: Sql>(
    db: &D,
    principal: &Principal,
    id: i64,
    headers: &HeaderMap,
    audited: Audited<'_>,
    change: impl AsyncFnOnce(&D, &mut ServiceRequest, &mut Vec<ApprovalSlot>) -> Result<(), ApiError>,
) -> Result<Response, ApiError> {
    let required = etag::if_match(headers)?;
    let now = itsm_http::now();
    let (request, slots) = in_transaction(db, async |db| {
        let (stored, current_slots) = load_visible(db, principal, id).await?;
        etag::check(required.as_deref(), stored.version, &number_of(id))?;
        let current = closure::settle(db, stored, &current_slots, &now).await?;
        let mut next = current.clone();
        let mut next_slots = current_slots.clone();
        change(db, &mut next, &mut next_slots).await?;
        if next == current && next_slots == current_slots {
            return Ok((current, current_slots));
        }
        next.updated_at = now.clone();
        if !requests::save_request(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the service request"));
        }
        next.version = current.version + 1;
        let change = Change::new("service_request", id, audited.action)
            .before(&RequestView::new(&current, current_slots))
            .after(&RequestView::new(&next, next_slots.clone()))
            .reason(audited.reason);
        record(db, principal, &change, &now).await?;
        refresh_clocks(db, id, &now).await?;
        Ok((next, next_slots))
    })
    .await?;
    Ok(respond(&request, slots, StatusCode::OK))
}

/// Rewrites where the request's SLA clocks stand (`sla_clock`), for the lists and the tick;
/// called in the transaction of every change to the request itself.
pub async fn refresh_clocks(db: &impl Sql, id: i64, now: &str) -> Result<(), ApiError> {
    if let Some(facts) = facts_of(db, TargetRecord::Request, id, now, true).await? {
        summary::refresh_after_write(db, &facts, now).await;
    }
    Ok(())
}
