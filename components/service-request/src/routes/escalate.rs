//! SLA escalations of service requests, carried out at the request tick as the service level's
//! rules queued them: raising the priority moves it one step up (and with it the SLA target),
//! reassigning to a person assigns the request to them as the `assign` action would (they must
//! be able to fulfil it), and reassigning to a group alone returns the request to that group's
//! queue, unassigned. Each is a change by the system with its audit entry giving the rule and
//! the clock that called for it; a request delivered, closed, or still awaiting approval for a
//! reassignment is left as it is, and the reason recorded with the escalation.

use super::closure::settle;
use super::people::ensure_worker;
use super::{refresh_clocks, scopes_of};
use crate::store::approvals::slots_of;
use crate::store::requests::{self, ServiceRequest};
use crate::wire::{RequestView, number_of};
use itsm_domain::request::{RequestAction, RequestState, next_request_state};
use itsm_domain::sla::{EscalationAction, TargetRecord, raised_priority};
use itsm_http::audit::{Change, record};
use itsm_http::sla::escalation::{
    Escalate, EscalationReport, Outcome, QueuedEscalation, assignment_changes, carry_out,
};
use itsm_http::{ApiError, Principal};
use itsm_store::Sql;

/// Carries out up to `limit` queued escalations of requests.
pub async fn escalate_due(
    db: &impl Sql,
    now: &str,
    limit: u32,
) -> Result<EscalationReport, ApiError> {
    carry_out(db, TargetRecord::Request, now, limit, &Requests).await
}

struct Requests;

impl Escalate for Requests {
    async fn escalate(
        &self,
        db: &impl Sql,
        action: &QueuedEscalation,
        now: &str,
    ) -> Result<Outcome, ApiError> {
        let id = action.record_id;
        let stored = requests::load_request(db, id).await?.ok_or_else(|| {
            ApiError::not_found(format_args!("service request {}", number_of(id)))
        })?;
        let slots = slots_of(db, &[id]).await?;
        let current = settle(db, stored, &slots, now).await?;
        if current.state.is_terminal() || current.state == RequestState::Fulfilled {
            return Ok(Outcome::no_longer_open(
                &number_of(id),
                current.state.as_str(),
            ));
        }
        let mut next = current.clone();
        if let Err(skipped) = change(db, action, &mut next, now).await? {
            return Ok(Outcome::Skipped(skipped));
        }
        next.updated_at = now.to_owned();
        if !requests::save_request(db, &next, current.version).await? {
            return Err(ApiError::lost_race(&format!(
                "service request {}",
                number_of(id)
            )));
        }
        next.version = current.version + 1;
        let change = Change::new("service_request", id, "escalate")
            .before(&RequestView::new(&current, slots.clone()))
            .after(&RequestView::new(&next, slots))
            .reason(Some(action.reason.as_str()));
        record(db, &Principal::system(), &change, now).await?;
        refresh_clocks(db, id, now).await?;
        Ok(Outcome::Applied(what_changed(&current, &next)))
    }
}

/// Makes the action's change to `request`, or says why it makes none; checks only, no writes.
async fn change(
    db: &impl Sql,
    action: &QueuedEscalation,
    request: &mut ServiceRequest,
    now: &str,
) -> Result<Result<(), String>, ApiError> {
    match action.action {
        EscalationAction::RaisePriority => match raised_priority(request.priority) {
            Some(priority) => request.priority = priority,
            None => return Ok(Err("its priority is already critical".to_owned())),
        },
        EscalationAction::Reassign => match (&action.assignee, &action.assignment_group) {
            (Some(assignee), group) => {
                let same_person = request.assignee.as_deref() == Some(assignee.as_str());
                let same_group = group
                    .as_ref()
                    .is_none_or(|g| request.assignment_group.as_deref() == Some(g.as_str()));
                if same_person && same_group {
                    return Ok(Err(format!("it is already assigned to {assignee}")));
                }
                if !same_person {
                    let Ok(state) = next_request_state(request.state, RequestAction::Assign) else {
                        return Ok(Err(format!(
                            "a request {} cannot be assigned",
                            request.state.as_str().replace('_', " ")
                        )));
                    };
                    ensure_worker(db, assignee, &scopes_of(request), "assignee", now).await?;
                    if request.assignee.is_some() {
                        request.reassignment_count += 1;
                    }
                    request.assignee = Some(assignee.clone());
                    request.state = state;
                }
                if let Some(group) = group {
                    request.assignment_group = Some(group.clone());
                }
            }
            (None, Some(group)) => {
                if request.assignment_group.as_deref() == Some(group.as_str()) {
                    return Ok(Err(format!("it is already with {group}")));
                }
                request.assignment_group = Some(group.clone());
                // Back in the new group's queue, away from whoever had it.
                if request.assignee.take().is_some() {
                    request.reassignment_count += 1;
                }
                if matches!(
                    request.state,
                    RequestState::Assigned | RequestState::InProgress
                ) {
                    request.state = RequestState::Submitted;
                }
            }
            (None, None) => return Ok(Err("the rule names nobody".to_owned())),
        },
    }
    Ok(Ok(()))
}

/// What the escalation changed: "priority moderate → high".
fn what_changed(before: &ServiceRequest, after: &ServiceRequest) -> String {
    let mut changed = Vec::new();
    if before.priority != after.priority {
        changed.push(format!("priority {} → {}", before.priority, after.priority));
    }
    changed.extend(assignment_changes(
        (&before.assignment_group, &after.assignment_group),
        (&before.assignee, &after.assignee),
    ));
    if before.state != after.state {
        changed.push(format!("state {} → {}", before.state, after.state));
    }
    changed.join(", ")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::requests::tests::order;
    use crate::store::test_db::{NOW, db};
    use itsm_domain::incident::Priority;

    fn queued(
        action: EscalationAction,
        group: Option<&str>,
        assignee: Option<&str>,
    ) -> QueuedEscalation {
        QueuedEscalation {
            id: 1,
            record_id: 1,
            record_number: "REQ0000001".to_owned(),
            action,
            assignment_group: group.map(str::to_owned),
            assignee: assignee.map(str::to_owned),
            reason: "escalation rule 1 of SLA0000001 version 1".to_owned(),
        }
    }

    fn in_progress_with(group: &str, assignee: &str) -> ServiceRequest {
        ServiceRequest {
            state: RequestState::InProgress,
            assignment_group: Some(group.to_owned()),
            assignee: Some(assignee.to_owned()),
            ..order("ann", "desktop-om")
        }
    }

    #[tokio::test]
    async fn a_reassignment_to_whoever_has_it_still_moves_it_to_the_rules_group() {
        let db = db().await;
        let rule = queued(EscalationAction::Reassign, Some("desktop-l2"), Some("sam"));
        let mut request = in_progress_with("desk", "sam");
        let done = change(&db, &rule, &mut request, NOW)
            .await
            .expect("no fault");
        assert_eq!(done, Ok(()));
        assert_eq!(request.assignment_group.as_deref(), Some("desktop-l2"));
        assert_eq!(
            (
                request.state,
                request.reassignment_count,
                request.assignee.as_deref()
            ),
            (RequestState::InProgress, 0, Some("sam")),
            "the person keeps the work they started"
        );
        let again = change(&db, &rule, &mut request, NOW)
            .await
            .expect("no fault");
        assert_eq!(again, Err("it is already assigned to sam".to_owned()));
    }

    #[tokio::test]
    async fn a_group_alone_takes_the_request_back_into_its_queue() {
        let db = db().await;
        let rule = queued(EscalationAction::Reassign, Some("desktop-l2"), None);
        let mut request = in_progress_with("desk", "sam");
        assert_eq!(
            change(&db, &rule, &mut request, NOW)
                .await
                .expect("no fault"),
            Ok(())
        );
        assert_eq!(
            (
                request.state,
                request.assignee.as_deref(),
                request.reassignment_count
            ),
            (RequestState::Submitted, None, 1)
        );
        let before = in_progress_with("desk", "sam");
        assert_eq!(
            what_changed(&before, &request),
            "assignment group desk → desktop-l2, assignee sam → nobody, state in_progress → submitted"
        );
    }

    #[tokio::test]
    async fn raising_a_priority_stops_at_critical() {
        let db = db().await;
        let rule = queued(EscalationAction::RaisePriority, None, None);
        let mut request = in_progress_with("desk", "sam");
        request.priority = Priority::High;
        assert_eq!(
            change(&db, &rule, &mut request, NOW)
                .await
                .expect("no fault"),
            Ok(())
        );
        assert_eq!(request.priority, Priority::Critical);
        let top = change(&db, &rule, &mut request, NOW)
            .await
            .expect("no fault");
        assert_eq!(top, Err("its priority is already critical".to_owned()));
    }
}
