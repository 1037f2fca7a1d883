//! The complaint routes, one file per concern, and the steps they share: who may see a
//! complaint, finding it, answering with it, and the versioned write every change goes through.

pub mod create;
pub mod lifecycle;
pub mod read;
pub mod sla;

use crate::store::{Complaint, load_complaint, save_complaint};
use crate::wire::{ComplaintView, number_of};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::RecordKind;
use itsm_domain::access::{Process, Scope, Visibility, permits};
use itsm_domain::sla::TargetRecord;
use itsm_http::audit::{Change, record};
use itsm_http::auth::grants_of;
use itsm_http::sla::facts::facts_of;
use itsm_http::sla::summary;
use itsm_http::{ApiError, Principal, etag};
use itsm_store::{Sql, in_transaction};

/// Authorities of complaint handling, granted to roles by `itsm_domain::access`.
pub use itsm_domain::access::names::{
    COMPLAINT_CREATE as CREATE, COMPLAINT_HANDLE as HANDLE, COMPLAINT_READ as READ,
};

/// The scopes a complaint or a satisfaction rating lies in, for scoped grants: the process,
/// its customer and service.
pub fn scopes_for(customer: Option<&str>, service: Option<&str>) -> Vec<Scope> {
    let mut scopes = vec![Scope::process(Process::BusinessRelationship)];
    scopes.extend(customer.map(Scope::customer));
    scopes.extend(service.map(Scope::service));
    scopes
}

pub fn scopes_of(complaint: &Complaint) -> Vec<Scope> {
    scopes_for(complaint.customer.as_deref(), complaint.service.as_deref())
}

/// Whether the caller brought or recorded it: they always see it and answer for it.
pub fn is_party(principal: &Principal, complaint: &Complaint) -> bool {
    principal.user_id.is_some()
        && (principal.user == complaint.complainant || principal.user == complaint.created_by)
}

/// The complaint id from the path: the id (`42`) or the number (`CMP0000042`).
pub fn parse_id(text: &str) -> Result<i64, ApiError> {
    RecordKind::Complaint
        .parse_ref(text)
        .map_err(|_| ApiError::not_found(format_args!("complaint {text}")))
}

/// Finds a complaint the caller may read: one they brought, or one within their grants;
/// anything else is "not found".
pub async fn find_visible(
    db: &impl Sql,
    principal: &Principal,
    id: i64,
) -> Result<Complaint, ApiError> {
    let missing = || ApiError::not_found(format_args!("complaint {}", number_of(id)));
    let complaint = load_complaint(db, id).await?.ok_or_else(missing)?;
    if is_party(principal, &complaint) {
        return Ok(complaint);
    }
    // Whoever may read no complaint learns nothing either, not even which numbers exist.
    if principal.visibility(READ) == Visibility::Nothing {
        return Err(missing());
    }
    principal.require_visible(READ, &scopes_of(&complaint), number_of(id))?;
    Ok(complaint)
}

/// The complaint as JSON with its `ETag` (and `Location` when just created).
pub fn respond(complaint: &Complaint, status: StatusCode) -> Response {
    let location =
        (status == StatusCode::CREATED).then(|| format!("/api/v1/complaints/{}", complaint.id));
    etag::respond(
        &ComplaintView::new(complaint),
        complaint.version,
        status,
        location,
    )
}

/// What one change did, for the audit trail.
pub struct Audited<'a> {
    pub action: &'a str,
    pub reason: Option<&'a str>,
}

/// The shared write path: in one transaction, load the complaint the caller may see, check
/// `If-Match`, let `change` check the caller's standing and apply itself, save at the version
/// read, append the audit entry and rewrite where its clocks stand. A change that changes
/// nothing writes nothing.
pub async fn modify<D: Sql>(
    db: &D,
    principal: &Principal,
    id: i64,
    headers: &HeaderMap,
    audited: Audited<'_>,
    change: impl AsyncFnOnce(&D, &mut Complaint) -> Result<(), ApiError>,
) -> Result<Response, ApiError> {
    let required = etag::if_match(headers)?;
    let now = itsm_http::now();
    let saved = in_transaction(db, async |db| {
        let current = find_visible(db, principal, id).await?;
        etag::check(required.as_deref(), current.version, &number_of(id))?;
        let mut next = current.clone();
        change(db, &mut next).await?;
        if next == current {
            return Ok(current);
        }
        next.updated_at = now.clone();
        if !save_complaint(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the complaint"));
        }
        next.version = current.version + 1;
        let change = Change::new("complaint", id, audited.action)
            .before(&ComplaintView::new(&current))
            .after(&ComplaintView::new(&next))
            .reason(audited.reason);
        record(db, principal, &change, &now).await?;
        refresh_clocks(db, id, &now).await?;
        Ok(next)
    })
    .await?;
    Ok(respond(&saved, StatusCode::OK))
}

/// Rewrites where the complaint's SLA clocks stand (`sla_clock`), for the lists and the tick;
/// called in the transaction of every change to the complaint.
pub async fn refresh_clocks(db: &impl Sql, id: i64, now: &str) -> Result<(), ApiError> {
    if let Some(facts) = facts_of(db, TargetRecord::Complaint, id, now, true).await? {
        summary::refresh_after_write(db, &facts, now).await;
    }
    Ok(())
}

/// Someone a complaint may be given to: an active user holding `complaint.handle` for it.
pub async fn ensure_handler(
    db: &impl Sql,
    user: &str,
    complaint: &Complaint,
    now: &str,
) -> Result<(), ApiError> {
    match grants_of(db, user, now).await? {
        None => Err(ApiError::invalid_field(
            "assignee",
            format!("there is no active user {user}"),
        )),
        Some(grants) if !permits(&grants, HANDLE, &scopes_of(complaint)) => {
            Err(ApiError::invalid_field(
                "assignee",
                format!("{user} cannot handle this complaint: it needs the authority {HANDLE}"),
            ))
        }
        Some(_) => Ok(()),
    }
}
