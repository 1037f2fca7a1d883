//! Resolutions that close themselves: a resolved incident the caller neither confirmed nor
//! rejected within the configured time is closed as of that deadline. No daemon does this.
//! Reads show the incident as it stands ([`as_it_stands`]); the next write, or the tick route,
//! stores the closure with an audit entry by the system ([`settle`]).

use super::{audit, number_of};
use crate::store::{self, Incident};
use itsm_domain::access::Process;
use itsm_domain::closure::{AutoClose, Closure};
use itsm_domain::incident::IncidentState;
use itsm_http::settings::auto_close;
use itsm_http::{ApiError, Principal};
use itsm_store::Sql;

/// When the incident's resolution closed itself, if it has by `now`.
pub fn overdue_since(incident: &Incident, rule: AutoClose, now: &str) -> Option<String> {
    if incident.state != IncidentState::Resolved {
        return None;
    }
    itsm_http::settings::overdue_since(incident.resolved_at.as_deref(), rule, now)
}

/// The incident closed by the rule at `deadline`.
fn closed_at_deadline(incident: &Incident, deadline: String) -> Incident {
    Incident {
        state: IncidentState::Closed,
        closure: Some(Closure::AutoClosed),
        closed_at: Some(deadline),
        ..incident.clone()
    }
}

/// The incident as it stands at `now`: closed if its resolution has closed itself, even if
/// that is not stored yet.
pub async fn as_it_stands(
    db: &impl Sql,
    incident: Incident,
    now: &str,
) -> Result<Incident, ApiError> {
    if incident.state != IncidentState::Resolved {
        return Ok(incident);
    }
    let rule = auto_close(db, Process::Incident).await?;
    Ok(view(incident, rule, now))
}

/// [`as_it_stands`] with the rule already read, for lists.
pub fn view(incident: Incident, rule: AutoClose, now: &str) -> Incident {
    match overdue_since(&incident, rule, now) {
        Some(deadline) => closed_at_deadline(&incident, deadline),
        None => incident,
    }
}

/// Stores the closure of an incident whose resolution has closed itself, with the system as its
/// actor; any other incident is returned as it is. Call it inside the write's transaction.
pub async fn settle(db: &impl Sql, incident: Incident, now: &str) -> Result<Incident, ApiError> {
    if incident.state != IncidentState::Resolved {
        return Ok(incident);
    }
    let rule = auto_close(db, Process::Incident).await?;
    match overdue_since(&incident, rule, now) {
        Some(deadline) => close_by_rule(db, &incident, rule, deadline, now).await,
        None => Ok(incident),
    }
}

/// Writes the rule's closure and its audit entry.
pub async fn close_by_rule(
    db: &impl Sql,
    incident: &Incident,
    rule: AutoClose,
    deadline: String,
    now: &str,
) -> Result<Incident, ApiError> {
    let mut closed = closed_at_deadline(incident, deadline);
    closed.updated_at = now.to_owned();
    if !store::save_incident(db, &closed, incident.version).await? {
        return Err(ApiError::lost_race(&format!(
            "incident {}",
            number_of(incident.id)
        )));
    }
    closed.version = incident.version + 1;
    let reason = format!(
        "the caller neither confirmed nor rejected the resolution within {} hours",
        rule.after_hours().unwrap_or_default()
    );
    let system = Principal::system();
    audit(
        db,
        &system,
        "auto_close",
        Some(incident),
        &closed,
        Some(&reason),
        now,
    )
    .await?;
    Ok(closed)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::tests::sample;

    fn resolved_at(at: &str) -> Incident {
        Incident {
            state: IncidentState::Resolved,
            resolved_at: Some(at.to_owned()),
            ..sample("Printer jam", "desk")
        }
    }

    #[test]
    fn a_resolution_past_its_deadline_shows_as_closed_at_the_deadline() {
        let rule = AutoClose::new(Some(72)).expect("valid");
        let incident = resolved_at("2026-11-18T09:00:00.000Z");
        let before = view(incident.clone(), rule, "2026-11-21T08:59:59.999Z");
        assert_eq!(before, incident);
        let after = view(incident, rule, "2026-11-21T09:00:00.000Z");
        assert_eq!(after.state, IncidentState::Closed);
        assert_eq!(after.closure, Some(Closure::AutoClosed));
        assert_eq!(after.closed_at.as_deref(), Some("2026-11-21T09:00:00.000Z"));
    }

    #[test]
    fn without_the_rule_or_a_resolution_nothing_closes() {
        let never = AutoClose::new(None).expect("valid");
        let incident = resolved_at("2020-01-01T00:00:00.000Z");
        assert_eq!(
            view(incident.clone(), never, "2026-11-21T09:00:00.000Z"),
            incident
        );
        let open = sample("Printer jam", "desk");
        assert_eq!(
            view(
                open.clone(),
                AutoClose::default(),
                "2030-01-01T00:00:00.000Z"
            ),
            open
        );
    }
}
