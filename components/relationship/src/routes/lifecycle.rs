//! `POST /api/v1/complaints/{id}/{action}`: the steps of a complaint. The handlers (holders of
//! `complaint.handle`) assign it, respond and give the result [002 §4.3.2][004-1 §3.1]; the
//! customer who brought it accepts the result (`close`), sends it back (`reopen`, saying why)
//! or takes it back (`withdraw`), and a handler may do these on the customer's word.

use super::{Audited, HANDLE, ensure_handler, is_party, modify, parse_id, scopes_of};
use crate::store::Complaint;
use crate::wire::ComplaintActionBody;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::HeaderMap;
use itsm_domain::complaint::{ComplaintAction, next_complaint_state};
use itsm_http::json::parse_optional_json;
use itsm_http::{ApiError, Principal, Services};
use itsm_store::Sql;

pub async fn act(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let action = ComplaintAction::parse(&action)
        .map_err(|_| ApiError::not_found(format_args!("the action {action}")))?;
    let body = parse_optional_json::<ComplaintActionBody>(&body)?;
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
        async |db, complaint| {
            authorize(&principal, complaint, action)?;
            body.check(action, complaint.kind)?;
            complaint.state = next_complaint_state(complaint.state, action)?;
            apply(db, complaint, action, &body, &now).await
        },
    )
    .await
}

/// The handlers take every step; the customer who brought it answers the result or takes it
/// back.
fn authorize(
    principal: &Principal,
    complaint: &Complaint,
    action: ComplaintAction,
) -> Result<(), ApiError> {
    let customers_step = matches!(
        action,
        ComplaintAction::Close | ComplaintAction::Reopen | ComplaintAction::Withdraw
    );
    if customers_step && is_party(principal, complaint) {
        return Ok(());
    }
    principal.require_in(HANDLE, &scopes_of(complaint))
}

async fn apply(
    db: &impl Sql,
    complaint: &mut Complaint,
    action: ComplaintAction,
    body: &ComplaintActionBody,
    now: &str,
) -> Result<(), ApiError> {
    let text = |t: Option<&str>| t.map(str::to_owned);
    match action {
        ComplaintAction::Assign => {
            if let Some(assignee) = &body.assignee {
                ensure_handler(db, assignee.as_str(), complaint, now).await?;
                complaint.assignee = Some(assignee.as_str().to_owned());
            }
        }
        ComplaintAction::Respond => {
            complaint.response = text(body.response.as_ref().map(|r| r.as_str()));
            complaint.responded_at = Some(now.to_owned());
        }
        ComplaintAction::Resolve => {
            complaint.result = text(body.result.as_ref().map(|r| r.as_str()));
            complaint.finding = body.finding;
            complaint.resolved_at = Some(now.to_owned());
            // The result answers the customer too.
            complaint.responded_at.get_or_insert_with(|| now.to_owned());
        }
        ComplaintAction::Close => complaint.closed_at = Some(now.to_owned()),
        // The result did not satisfy: the audit trail keeps it; a new one is owed.
        ComplaintAction::Reopen => {
            complaint.reopen_count += 1;
            complaint.result = None;
            complaint.finding = None;
            complaint.resolved_at = None;
        }
        ComplaintAction::Withdraw => {
            complaint.withdraw_reason = text(body.reason.as_ref().map(|r| r.as_str()));
            complaint.closed_at = Some(now.to_owned());
        }
    }
    Ok(())
}
