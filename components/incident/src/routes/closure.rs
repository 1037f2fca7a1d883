//! Resolutions that close themselves: a resolved incident the caller neither confirmed nor
//! rejected by its stored deadline (`auto_close_at`, fixed at resolution from the setting then
//! in force) is closed as of that deadline. No daemon does this. Reads show the incident as it
//! stands ([`view`]); the next write, or the tick route, stores the closure with an audit entry
//! by the system ([`settle`]).

use super::{audit, number_of};
use crate::store::{self, Incident};
use itsm_domain::closure::Closure;
use itsm_domain::incident::IncidentState;
use itsm_http::settings::is_due;
use itsm_http::{ApiError, Principal};
use itsm_store::Sql;

/// The deadline the incident's resolution closed itself at, if it has by `now`.
pub fn overdue_since(incident: &Incident, now: &str) -> Option<String> {
    let deadline = incident.auto_close_at.as_deref();
    if incident.state == IncidentState::Resolved && is_due(deadline, now) {
        deadline.map(str::to_owned)
    } else {
        None
    }
}

/// The incident as it stands at `now`: closed if its resolution has closed itself, even if
/// that is not stored yet.
pub fn view(incident: Incident, now: &str) -> Incident {
    match overdue_since(&incident, now) {
        Some(deadline) => closed_at_deadline(&incident, deadline),
        None => incident,
    }
}

fn closed_at_deadline(incident: &Incident, deadline: String) -> Incident {
    Incident {
        state: IncidentState::Closed,
        closure: Some(Closure::AutoClosed),
        closed_at: Some(deadline),
        ..incident.clone()
    }
}

/// Stores the closure of an incident whose resolution has closed itself, with the system as its
/// actor; any other incident is returned as it is. Call it inside the write's transaction.
pub async fn settle(db: &impl Sql, incident: Incident, now: &str) -> Result<Incident, ApiError> {
    match overdue_since(&incident, now) {
        Some(deadline) => close_by_rule(db, &incident, deadline, now).await,
        None => Ok(incident),
    }
}

/// Writes the rule's closure and its audit entry.
pub async fn close_by_rule(
    db: &impl Sql,
    incident: &Incident,
    deadline: String,
    now: &str,
) -> Result<Incident, ApiError> {
    let reason = format!(
        "the caller neither confirmed nor rejected the resolution by its deadline, {deadline}"
    );
    let mut closed = closed_at_deadline(incident, deadline);
    closed.updated_at = now.to_owned();
    if !store::save_incident(db, &closed, incident.version).await? {
        return Err(ApiError::lost_race(&format!(
            "incident {}",
            number_of(incident.id)
        )));
    }
    closed.version = incident.version + 1;
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

    fn resolved(deadline: Option<&str>) -> Incident {
        Incident {
            state: IncidentState::Resolved,
            resolved_at: Some("2026-11-18T09:00:00.000Z".to_owned()),
            auto_close_at: deadline.map(str::to_owned),
            ..sample("Printer jam", "desk")
        }
    }

    #[test]
    fn a_resolution_past_its_deadline_shows_as_closed_at_the_deadline() {
        let incident = resolved(Some("2026-11-21T09:00:00.000Z"));
        let before = view(incident.clone(), "2026-11-21T08:59:59.999Z");
        assert_eq!(before, incident);
        let after = view(incident, "2026-11-21T09:00:00.000Z");
        assert_eq!(after.state, IncidentState::Closed);
        assert_eq!(after.closure, Some(Closure::AutoClosed));
        assert_eq!(after.closed_at.as_deref(), Some("2026-11-21T09:00:00.000Z"));
    }

    #[test]
    fn without_a_deadline_or_a_resolution_nothing_closes() {
        let never = resolved(None);
        assert_eq!(view(never.clone(), "2030-01-01T00:00:00.000Z"), never);
        let open = Incident {
            auto_close_at: Some("2020-01-01T00:00:00.000Z".to_owned()),
            ..sample("Printer jam", "desk")
        };
        assert_eq!(view(open.clone(), "2030-01-01T00:00:00.000Z"), open);
    }
}
