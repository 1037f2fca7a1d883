//! A record's SLA clocks, explained: the governing agreement and target, the calendar, when each
//! clock started, every pause with its reason, elapsed and remaining working time, the due time,
//! where it stands, and a sentence saying how the figure came about. Computed from stored facts
//! (the record, its audit trail, the agreement versions, the calendar and the clock policy) at
//! the moment of reading, so nothing drifts and no daemon keeps it up to date.

use super::governing::{complaint_default, governing};
use super::policy::clock_policies;
use crate::ApiError;
use crate::time::format_instant;
use chrono::{DateTime, Duration, Utc};
use itsm_domain::incident::Priority;
use itsm_domain::sla::{
    Effect, Governing, Metric, Standing, Subject, Target, TargetRecord, clock_changes, explain,
    timeline,
};
use itsm_store::Sql;
use schemars::JsonSchema;
use serde::Serialize;

/// What a record's clocks are computed from.
#[derive(Debug, Clone)]
pub struct RecordFacts {
    pub record: TargetRecord,
    pub id: i64,
    /// INC0000042.
    pub number: String,
    /// When it was logged (RFC 3339), where its clocks start.
    pub logged_at: String,
    pub customer: Option<String>,
    pub service: Option<String>,
    pub priority: Option<Priority>,
    pub entry: Option<String>,
    /// The record's state keys over time, oldest first, the first being the state it was
    /// logged in (see `itsm_domain::sla::state_key` and [`record_states`]).
    pub states: Vec<(DateTime<Utc>, String)>,
    /// When a resolution that nobody answered closed itself (the deadline, RFC 3339): the
    /// record reads closed from then on, whenever the closure was stored.
    pub closed_itself_at: Option<String>,
    /// Whether the reader is staff: customers are not told which other agreements exist or
    /// what an agreement is called.
    pub staff: bool,
}

/// The record's state keys from its audit trail, oldest first, repeats dropped: the state (and
/// hold reason) of each entry that snapshots the whole record — its creation, and every entry
/// whose `after` carries the record's own number. Entries about its parts (a request's tasks,
/// which have states of their own) are not the record's state. Only those entries are read.
pub async fn record_states(
    db: &impl Sql,
    entity_type: &str,
    entity_id: i64,
    number: &str,
) -> Result<Vec<(DateTime<Utc>, String)>, ApiError> {
    let rows = db
        .query(
            "SELECT occurred_at,
                    json_extract(after_json, '$.state') AS state,
                    json_extract(after_json, '$.hold_reason') AS hold_reason
             FROM audit_entry
             WHERE entity_type = ? AND entity_id = ? AND json_extract(after_json, '$.state') IS NOT NULL
               AND (action = 'create' OR json_extract(after_json, '$.number') = ?)
             ORDER BY audit_id",
            &[entity_type.into(), entity_id.into(), number.into()],
        )
        .await?;
    let mut states: Vec<(DateTime<Utc>, String)> = Vec::new();
    for row in rows.iter() {
        let state: String = row.get("state")?;
        let hold_reason: Option<String> = row.get("hold_reason")?;
        let key = itsm_domain::sla::state_key(&state, hold_reason.as_deref());
        let occurred_at: String = row.get("occurred_at")?;
        let Ok(at) = occurred_at.parse::<DateTime<Utc>>() else {
            continue;
        };
        if states.last().is_none_or(|(_, last)| *last != key) {
            states.push((at, key));
        }
    }
    Ok(states)
}

/// A pause of a clock.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PauseView {
    pub from: String,
    /// `null` while it lasts.
    pub until: Option<String>,
    /// The state that paused it, such as `on_hold:awaiting_caller`.
    pub reason: String,
}

/// One clock of the record.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ClockView {
    pub metric: Metric,
    pub target_minutes: i64,
    pub warn_at_percent: u8,
    pub started_at: String,
    /// Working minutes counted so far.
    pub elapsed_minutes: i64,
    /// Working minutes left; zero once breached.
    pub remaining_minutes: i64,
    /// When the target falls due if the clock keeps running, or fell due once breached;
    /// `null` while paused short of it.
    pub due_at: Option<String>,
    /// When the warning threshold is or was crossed, likewise.
    pub warn_at: Option<String>,
    /// Whether the clock counts now.
    pub running: bool,
    pub stopped_at: Option<String>,
    pub standing: Standing,
    pub pauses: Vec<PauseView>,
    /// How the figures came about, in a sentence.
    pub explanation: String,
}

/// A record's clocks as `GET /api/v1/<records>/{id}/sla` answers.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RecordSla {
    pub record: String,
    /// Whether a target governs the record: an agreement's, or for complaints and feedback
    /// the seeds' default (then `agreement` is `null`).
    pub applies: bool,
    /// Why this agreement and target apply, or why none does.
    pub reason: String,
    pub agreement: Option<String>,
    pub agreement_version: Option<i64>,
    pub agreement_title: Option<serde_json::Value>,
    pub target: Option<Target>,
    pub calendar: Option<String>,
    /// Whether the SLM team set the clock policy (else the defaults apply).
    pub policy_configured: bool,
    /// One per metric the target sets: response, resolution.
    pub clocks: Vec<ClockView>,
}

/// The record's clocks, now.
pub async fn record_sla(db: &impl Sql, facts: &RecordFacts) -> Result<RecordSla, ApiError> {
    let now = Utc::now();
    let logged_at: DateTime<Utc> = facts
        .logged_at
        .parse()
        .map_err(|_| ApiError::Internal(format!("stored instant {}", facts.logged_at)))?;
    let subject = Subject {
        record: facts.record,
        customer: facts.customer.as_deref(),
        service: facts.service.as_deref(),
        priority: facts.priority,
        entry: facts.entry.as_deref(),
    };
    let policies = clock_policies(db, facts.record).await?;
    let policy_configured = !policies.is_empty();
    let governing = match governing(db, &subject, logged_at).await? {
        Ok(governing) => governing,
        Err(reason) if facts.record == TargetRecord::Complaint => {
            complaint_default(db, &reason).await?
        }
        Err(reason) => {
            return Ok(RecordSla {
                record: facts.number.clone(),
                applies: false,
                reason,
                agreement: None,
                agreement_version: None,
                agreement_title: None,
                target: None,
                calendar: None,
                policy_configured,
                clocks: Vec::new(),
            });
        }
    };
    let states = settled_states(facts)?;
    let name = if governing.is_agreed() {
        format!("{} version {}", governing.agreement, governing.version)
    } else {
        "the seeds' default (002 §4.3.2)".to_owned()
    };
    let covers = governing.target.describe();
    let named = Governing {
        agreement: &name,
        covers: &covers,
        calendar: &governing.calendar_code,
    };
    let mut clocks = Vec::new();
    for (metric, minutes) in [
        (Metric::Response, governing.target.response_minutes),
        (Metric::Resolution, governing.target.resolution_minutes),
    ] {
        let Some(minutes) = minutes else { continue };
        let changes = clock_changes(facts.record, metric, &policies, &states);
        let initial = changes.first().map_or(Effect::Run, |c| c.effect);
        let line = timeline(logged_at, initial, &changes, now);
        let explained = explain(
            metric,
            &line,
            &governing.calendar,
            Duration::minutes(i64::from(minutes)),
            governing.warn_at_percent,
            now,
            &named,
        );
        clocks.push(ClockView {
            metric,
            target_minutes: i64::from(minutes),
            warn_at_percent: governing.warn_at_percent,
            started_at: format_instant(line.started),
            elapsed_minutes: explained.elapsed.num_minutes(),
            remaining_minutes: explained.remaining.num_minutes(),
            due_at: explained.due.map(format_instant),
            warn_at: explained.warn_at.map(format_instant),
            running: explained.running,
            stopped_at: line.stopped.map(format_instant),
            standing: explained.standing,
            pauses: line
                .pauses
                .iter()
                .map(|p| PauseView {
                    from: format_instant(p.from),
                    until: p.until.map(format_instant),
                    reason: p.reason.to_owned(),
                })
                .collect(),
            explanation: explained.sentence,
        });
    }
    // Customers learn which agreement governs their record, not which others exist or what
    // an agreement made with several customers is called.
    let agreed = governing.is_agreed();
    let (reason, title) = if facts.staff || !agreed {
        (governing.reason, agreed.then_some(governing.title))
    } else {
        (format!("{name} governs this record."), None)
    };
    Ok(RecordSla {
        record: facts.number.clone(),
        applies: true,
        reason,
        agreement: agreed.then_some(governing.agreement),
        agreement_version: agreed.then_some(governing.version),
        agreement_title: title,
        target: Some(governing.target),
        calendar: Some(governing.calendar_code),
        policy_configured,
        clocks,
    })
}

/// The states with a closure that fell due dated at its deadline: the record reads closed from
/// then, however much later the closure was stored.
fn settled_states(facts: &RecordFacts) -> Result<Vec<(DateTime<Utc>, String)>, ApiError> {
    let mut states = facts.states.clone();
    if let Some(deadline) = &facts.closed_itself_at {
        let deadline: DateTime<Utc> = deadline
            .parse()
            .map_err(|_| ApiError::Internal(format!("stored instant {deadline}")))?;
        states.retain(|(at, _)| *at < deadline);
        states.push((deadline, "closed".to_owned()));
    }
    Ok(states)
}
