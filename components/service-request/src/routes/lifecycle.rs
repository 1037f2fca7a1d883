//! `POST /api/v1/requests/{id}/{action}`: the fulfilment lifecycle. The service desk assigns,
//! starts and fulfils (once every task is finished); the requester, or the person it is for,
//! confirms the fulfilment or sends it back; either side may cancel before delivery.

use super::people::ensure_worker;
use super::{Audited, WRITE, modify, parse_id, scopes_of};
use crate::store::requests::ServiceRequest;
use crate::store::tasks::{cancel_open_tasks, open_task_numbers};
use crate::wire::{ActionInput, RequestActionBody, number_of};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::HeaderMap;
use itsm_domain::access::Process;
use itsm_domain::closure::Closure;
use itsm_domain::request::{RequestAction, next_request_state};
use itsm_http::json::parse_optional_json;
use itsm_http::settings::{auto_close, deadline_from};
use itsm_http::{ApiError, Principal, Services};
use itsm_store::Sql;

pub async fn act_on_request(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let action = RequestAction::parse(&action)
        .map_err(|_| ApiError::not_found(format_args!("the action {action}")))?;
    let input = parse_optional_json::<RequestActionBody>(&body)?.input_for(action)?;
    let reason = match &input {
        ActionInput::Reopen { reason } | ActionInput::Cancel { reason } => Some(reason.as_str()),
        // The requester's feedback on a confirmed fulfilment stays with its audit entry.
        ActionInput::Confirm { notes } => notes.as_ref().map(|n| n.as_str()),
        _ => None,
    };
    let audited = Audited {
        action: action.as_str(),
        reason,
    };
    let now = itsm_http::now();
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        audited,
        async |db, request, _| {
            check_standing(&principal, request, action)?;
            request.state = next_request_state(request.state, action)?;
            apply(db, request, &input, &now).await
        },
    )
    .await
}

/// The service desk works a request; the requester verifies it; either may cancel it.
fn check_standing(
    principal: &Principal,
    request: &ServiceRequest,
    action: RequestAction,
) -> Result<(), ApiError> {
    let requester = request.is_party(&principal.user);
    let staff = || principal.require_in(WRITE, &scopes_of(request));
    match action {
        RequestAction::Assign | RequestAction::Start | RequestAction::Fulfil => staff(),
        RequestAction::Confirm | RequestAction::Reopen if requester => Ok(()),
        RequestAction::Confirm | RequestAction::Reopen => Err(ApiError::not_entitled(
            "requester",
            format!(
                "only {} (who ordered {}) or {} (whom it is for) may {action} it",
                request.requested_by,
                number_of(request.id),
                request.requested_for
            ),
        )),
        // The break-glass administrator may clear out an order nobody else can.
        RequestAction::Cancel if requester || principal.break_glass => Ok(()),
        RequestAction::Cancel => staff(),
    }
}

async fn apply(
    db: &impl Sql,
    request: &mut ServiceRequest,
    input: &ActionInput,
    now: &str,
) -> Result<(), ApiError> {
    match input {
        ActionInput::Assign {
            assignee,
            assignment_group,
        } => {
            ensure_worker(db, assignee.as_str(), &scopes_of(request), "assignee", now).await?;
            if request
                .assignee
                .as_deref()
                .is_some_and(|a| a != assignee.as_str())
            {
                request.reassignment_count += 1;
            }
            request.assignee = Some(assignee.as_str().to_owned());
            if let Some(group) = assignment_group {
                request.assignment_group = Some(group.as_str().to_owned());
            }
        }
        ActionInput::Start => {}
        ActionInput::Fulfil { notes } => {
            let open = open_task_numbers(db, request.id).await?;
            if !open.is_empty() {
                let numbers: Vec<String> = open.iter().map(i64::to_string).collect();
                return Err(ApiError::Conflict {
                    detail: format!(
                        "finish or cancel its open tasks first: {}",
                        numbers.join(", ")
                    ),
                });
            }
            request.fulfilment_notes = Some(notes.as_str().to_owned());
            request.fulfilled_at = Some(now.to_owned());
            // The deadline it closes itself by is fixed now, from today's setting.
            let rule = auto_close(db, Process::ServiceRequest).await?;
            request.auto_close_at = deadline_from(rule, now);
        }
        ActionInput::Confirm { .. } => {
            request.closed_at = Some(now.to_owned());
            request.closure = Some(Closure::CallerConfirmed);
            request.auto_close_at = None;
        }
        ActionInput::Cancel { reason } => {
            request.closed_at = Some(now.to_owned());
            request.cancel_reason = Some(reason.as_str().to_owned());
            // Work on a cancelled request stops with it, for the same reason.
            cancel_open_tasks(db, request.id, reason.as_str(), now).await?;
        }
        ActionInput::Reopen { .. } => {
            request.reopen_count += 1;
            request.fulfilled_at = None;
            request.auto_close_at = None;
        }
    }
    Ok(())
}
