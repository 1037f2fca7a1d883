//! `POST /api/v1/incidents/{id}/{action}`: the state machine's transitions as explicit routes
//! (start, hold, resume, resolve, close, reopen, cancel; and the caller's confirm or reject of a
//! resolution). The domain decides whether the action is allowed from the current state; this
//! file applies its effects on the record.

use super::{Edit, Gate, modify, parse_id};
use crate::store::Incident;
use crate::wire::{Transition, TransitionRequest};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::HeaderMap;
use itsm_domain::access::Process;
use itsm_domain::closure::Closure;
use itsm_domain::incident::{Action, IncidentState, counts_as_reopen, next_state};
use itsm_http::json::parse_optional_json;
use itsm_http::settings::{auto_close, deadline_from};
use itsm_http::{ApiError, Principal, Services};

pub async fn transition_incident(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let action = Action::parse(&action).map_err(|_| ApiError::NotFound {
        detail: format!("{action} is not an incident action: use start, hold, resume, resolve, close, reopen, cancel, confirm or reject"),
    })?;
    // Actions without fields may be posted with an empty body.
    let request: TransitionRequest = parse_optional_json(&body)?;
    let (transition, reason) = Transition::parse(action, request)?;
    let now = itsm_http::now();
    // Confirming or rejecting a resolution is the caller's word; everything else the desk's.
    let gate = match action {
        Action::Confirm | Action::Reject => Gate::Caller,
        _ => Gate::Handle,
    };
    let edit = Edit {
        action: action.as_str(),
        gate,
        reason: reason.as_ref().map(|r| r.as_str()),
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        edit,
        async |db, incident| {
            // The deadline a resolution closes itself by is fixed now, from today's setting.
            let deadline = match action {
                Action::Resolve => deadline_from(auto_close(db, Process::Incident).await?, &now),
                _ => None,
            };
            apply(incident, action, &transition, &now, deadline)
        },
    )
    .await
}

/// Moves the incident to its next state and records what the transition carries.
pub(super) fn apply(
    incident: &mut Incident,
    action: Action,
    transition: &Transition,
    now: &str,
    auto_close_at: Option<String>,
) -> Result<(), ApiError> {
    let from = incident.state;
    incident.state = next_state(from, action)?;
    if incident.state != IncidentState::Resolved {
        incident.auto_close_at = None;
    }
    if incident.state != IncidentState::OnHold {
        incident.hold_reason = None;
    }
    // The first move out of `new` by someone working on it is the response.
    if from == IncidentState::New
        && matches!(action, Action::Start | Action::Hold | Action::Resolve)
        && incident.responded_at.is_none()
    {
        incident.responded_at = Some(now.to_owned());
    }
    if counts_as_reopen(action) {
        incident.reopen_count += 1;
    }
    match transition {
        Transition::Start | Transition::Resume => {}
        Transition::Hold(reason) => incident.hold_reason = Some(*reason),
        Transition::Resolve { code, notes } => {
            incident.resolution_code = Some(*code);
            incident.resolution_notes = Some(notes.as_str().to_owned());
            incident.resolved_at = Some(now.to_owned());
            incident.auto_close_at = auto_close_at;
        }
        Transition::Close | Transition::Confirm => {
            incident.closed_at = Some(now.to_owned());
            incident.closure = Some(if action == Action::Confirm {
                Closure::CallerConfirmed
            } else {
                Closure::DeskClosed
            });
        }
        Transition::Reopen | Transition::Reject => {
            incident.resolution_code = None;
            incident.resolution_notes = None;
            incident.resolved_at = None;
        }
        Transition::Cancel(reason) => {
            incident.cancel_reason = Some(reason.as_str().to_owned());
            incident.closed_at = Some(now.to_owned());
        }
    }
    Ok(())
}
