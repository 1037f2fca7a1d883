//! SLA escalations of incidents, carried out at the incident tick as the service level's rules
//! queued them: raising the priority raises the urgency one step (the priority follows through
//! the matrix, as for any other change, and with it the SLA target), reassigning hands the
//! incident to the rule's group or person. Each is an ordinary change by the system, with its
//! audit entry giving the rule and the clock that called for it; an incident no longer open,
//! already at high urgency or whose priority a higher urgency would not raise, already with
//! that group, or a security incident (which stays with the security team), is left as it is,
//! and the reason recorded with the escalation.

use super::update::Changes;
use super::{audit, closure, find};
use crate::store::{self, Incident};
use crate::wire::number_of;
use itsm_domain::Label;
use itsm_domain::sla::{EscalationAction, TargetRecord, raised_urgency};
use itsm_http::sla::escalation::{
    Escalate, EscalationReport, Outcome, QueuedEscalation, assignment_changes, carry_out,
};
use itsm_http::{ApiError, Principal};
use itsm_store::Sql;

/// Carries out up to `limit` queued escalations of incidents.
pub async fn escalate_due(
    db: &impl Sql,
    now: &str,
    limit: u32,
) -> Result<EscalationReport, ApiError> {
    carry_out(db, TargetRecord::Incident, now, limit, &Incidents).await
}

struct Incidents;

impl Escalate for Incidents {
    async fn escalate(
        &self,
        db: &impl Sql,
        action: &QueuedEscalation,
        now: &str,
    ) -> Result<Outcome, ApiError> {
        let current = closure::settle(db, find(db, action.record_id).await?, now).await?;
        if !current.state.is_open() {
            return Ok(Outcome::no_longer_open(
                &number_of(current.id),
                current.state.as_str(),
            ));
        }
        let changes = match changes_for(action, &current)? {
            Ok(changes) => changes,
            Err(skipped) => return Ok(Outcome::Skipped(skipped)),
        };
        let system = Principal::system();
        let mut next = current.clone();
        changes.apply(db, &system, &mut next).await?;
        if next == current {
            return Ok(Outcome::Skipped("nothing to change".to_owned()));
        }
        // A higher urgency the matrix does not turn into a higher priority raises nothing.
        if action.action == EscalationAction::RaisePriority && next.priority == current.priority {
            return Ok(Outcome::Skipped(format!(
                "urgency {} would leave its priority {} under the matrix",
                next.urgency, current.priority
            )));
        }
        next.updated_at = now.to_owned();
        if !store::save_incident(db, &next, current.version).await? {
            return Err(ApiError::lost_race(&format!(
                "incident {}",
                number_of(current.id)
            )));
        }
        next.version = current.version + 1;
        let reason = Some(action.reason.as_str());
        audit(db, &system, "escalate", Some(&current), &next, reason, now).await?;
        Ok(Outcome::Applied(what_changed(&current, &next)))
    }
}

/// The change an action makes to the incident, or why it makes none.
fn changes_for(
    action: &QueuedEscalation,
    incident: &Incident,
) -> Result<Result<Changes, String>, ApiError> {
    let label = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| Label::parse(t).map_err(|m| ApiError::invalid_field(field, m)))
            .transpose()
    };
    Ok(match action.action {
        EscalationAction::RaisePriority => match raised_urgency(incident.urgency) {
            Some(urgency) => Ok(Changes::urgency(urgency)),
            None => Err("its urgency is already high".to_owned()),
        },
        EscalationAction::Reassign if incident.security => {
            Err("a security incident stays with the security team".to_owned())
        }
        EscalationAction::Reassign => {
            let group = label("assignment_group", &action.assignment_group)?;
            let assignee = label("assignee", &action.assignee)?;
            match (group, assignee) {
                (Some(group), None)
                    if incident.assignment_group.as_deref() == Some(group.as_str()) =>
                {
                    Err(format!("it is already with {}", group.as_str()))
                }
                // A group alone takes the incident into its queue, away from whoever had it.
                (Some(group), None) => Ok(Changes::assignment(Some(Some(group)), Some(None))),
                (group, assignee) => Ok(Changes::assignment(group.map(Some), assignee.map(Some))),
            }
        }
    })
}

/// What the escalation changed, as the tick's answer and the escalation's record say it:
/// "urgency medium → high, priority moderate → high".
fn what_changed(before: &Incident, after: &Incident) -> String {
    let mut changed = Vec::new();
    if before.urgency != after.urgency {
        changed.push(format!("urgency {} → {}", before.urgency, after.urgency));
        changed.push(format!("priority {} → {}", before.priority, after.priority));
    }
    changed.extend(assignment_changes(
        (&before.assignment_group, &after.assignment_group),
        (&before.assignee, &after.assignee),
    ));
    changed.join(", ")
}
