//! `POST /api/v1/slas/tick`: what falls due with time in service level management, done once
//! however often a scheduler calls (Spin's cron trigger, a Kubernetes CronJob, any timer).
//! Each clock past its warning threshold gets one warning, each clock past its target one breach
//! record awaiting its analysis; both go to the record's assignee and the agreement's escalation
//! contacts, and queue, in the same transaction, what the agreement's escalation rules call for
//! (raise the priority, reassign) for the record's own process to carry out at its tick. The
//! clock is read afresh before anything is sent, so a pause, a calendar change or a resolution
//! since the last write counts; the event table's unique key makes a second call, or two
//! concurrent ones, send nothing twice. A bounded batch per call; `remaining` says whether to
//! call again.

use crate::store::events::{
    DueClock, EscalationTerms, SlaEvent, assignee_of, due_clocks, escalation_terms, insert_event,
    is_security_incident, stale_records,
};
use axum::Json;
use axum::extract::{Extension, State};
use itsm_domain::RecordKind;
use itsm_domain::access::names::SCHEDULE_RUN;
use itsm_domain::sla::{
    EscalationRule, EscalationTrigger, Metric, Standing, TargetRecord, escalations_for,
    minutes_text,
};
use itsm_http::sla::clocks::ClockView;
use itsm_http::sla::escalation::{QueueEntry, queue};
use itsm_http::sla::facts::facts_of;
use itsm_http::sla::summary;
use itsm_http::{ApiError, Principal, Services};
use itsm_store::{Sql, in_transaction};
use schemars::JsonSchema;
use serde::Serialize;

/// Enough for a busy desk's minute, small enough for one request.
const BATCH: u32 = 100;

/// What one call of the tick did.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SlaTickResponse {
    /// Warnings sent by this call: "INC0000042 resolution".
    pub warnings: Vec<String>,
    /// Breaches recorded by this call.
    pub breaches: Vec<String>,
    /// Escalation actions this call queued for the records' processes, which carry them out at
    /// their own tick: "INC0000042 breach: reassign to network-l2".
    pub escalations_queued: Vec<String>,
    /// Records whose clocks this call computed (never computed, or computed before a calendar
    /// or a clock policy changed).
    pub recomputed: usize,
    /// Records whose clocks could not be computed (the cause is logged); retried next call.
    pub failed: Vec<String>,
    /// More were due than one call handles: call again.
    pub remaining: bool,
}

/// Each clock is handled in a transaction of its own, so a long batch never holds writers off
/// for long, and one unreadable record holds up nobody else's.
pub async fn tick(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<SlaTickResponse>, ApiError> {
    principal.require(SCHEDULE_RUN)?;
    let db = &*services.db;
    let now = itsm_http::now();
    let mut answer = SlaTickResponse {
        warnings: Vec::new(),
        breaches: Vec::new(),
        escalations_queued: Vec::new(),
        recomputed: 0,
        failed: Vec::new(),
        remaining: false,
    };
    let stale = stale_records(db, BATCH + 1).await?;
    answer.remaining |= stale.len() > BATCH as usize;
    for (kind, id) in stale.iter().take(BATCH as usize) {
        let Ok(record) = TargetRecord::parse(kind) else {
            continue;
        };
        let done = in_transaction(db, async |db| {
            if let Some(facts) = facts_of(db, record, *id, &now, true).await? {
                summary::refresh(db, &facts, &now).await?;
            }
            Ok::<_, ApiError>(())
        })
        .await;
        match done {
            Ok(()) => answer.recomputed += 1,
            Err(error) => failed(&mut answer, kind, *id, &error),
        }
    }
    let due = due_clocks(db, &now, BATCH + 1).await?;
    answer.remaining |= due.len() > BATCH as usize;
    for clock in due.iter().take(BATCH as usize) {
        let sent = in_transaction(db, async |db| {
            let Some((event, rules)) = event_for(db, clock, &now).await? else {
                return Ok(None);
            };
            let Some(event_id) = insert_event(db, &event).await? else {
                return Ok(None);
            };
            let queued = queue_escalations(db, event_id, &event, &rules, &now).await?;
            Ok::<_, ApiError>(Some((format!("{} {}", event.record, event.metric), queued)))
        })
        .await;
        match (sent, clock.kind) {
            (Ok(Some((done, queued))), kind) => {
                answer.escalations_queued.extend(queued);
                match kind {
                    "breach" => answer.breaches.push(done),
                    _ => answer.warnings.push(done),
                }
            }
            (Ok(None), _) => {}
            (Err(error), _) => failed(&mut answer, &clock.record_kind, clock.record_id, &error),
        }
    }
    Ok(Json(answer))
}

/// Queues, in the event's transaction, what the agreement's escalation rules call for, for the
/// record's own process to carry out at its tick; what was queued, as the answer lists it.
async fn queue_escalations(
    db: &impl Sql,
    event_id: i64,
    event: &SlaEvent,
    rules: &[EscalationRule],
    now: &str,
) -> Result<Vec<String>, ApiError> {
    let (Ok(on), Ok(metric), Ok(record)) = (
        EscalationTrigger::parse(&event.kind),
        Metric::parse(&event.metric),
        TargetRecord::parse(&event.record_kind),
    ) else {
        return Ok(Vec::new());
    };
    let reached = match on {
        EscalationTrigger::Warning => "reached its warning threshold",
        EscalationTrigger::Breach => "was breached",
    };
    let mut queued = Vec::new();
    for (rule_index, rule) in escalations_for(rules, on, metric, record) {
        let reason = format!(
            "escalation rule {} of {} version {}: the {} target of {} {reached} at {}",
            rule_index + 1,
            event.agreement.as_deref().unwrap_or_default(),
            event.agreement_version.unwrap_or_default(),
            metric,
            minutes_text(event.target_minutes),
            event.due_at,
        );
        let entry = QueueEntry {
            event_id,
            rule_index,
            rule,
            record,
            record_id: event.record_id,
            record_number: &event.record,
            reason: &reason,
        };
        if queue(db, &entry, now).await? {
            queued.push(format!(
                "{} {}: {}",
                event.record,
                event.kind,
                rule.describe()
            ));
        }
    }
    Ok(queued)
}

fn failed(answer: &mut SlaTickResponse, kind: &str, id: i64, error: &ApiError) {
    let number = match kind {
        "incident" => RecordKind::Incident.number_text(id),
        "complaint" => RecordKind::Complaint.number_text(id),
        _ => RecordKind::Request.number_text(id),
    };
    eprintln!("the SLA tick could not read {number}: {error}");
    if !answer.failed.contains(&number) {
        answer.failed.push(number);
    }
}

/// The event `clock` is due, read afresh, with the escalation rules of the agreement that
/// governs it; `None` when, read afresh, it is not due after all.
async fn event_for(
    db: &impl Sql,
    clock: &DueClock,
    now: &str,
) -> Result<Option<(SlaEvent, Vec<EscalationRule>)>, ApiError> {
    let Ok(kind) = TargetRecord::parse(&clock.record_kind) else {
        return Ok(None);
    };
    let Some(facts) = facts_of(db, kind, clock.record_id, now, true).await? else {
        return Ok(None);
    };
    let sla = summary::refresh(db, &facts, now).await?;
    let Some(view) = sla
        .clocks
        .iter()
        .find(|c| c.metric.as_str() == clock.metric)
    else {
        return Ok(None);
    };
    let Some(crossed) = crossed(clock.kind, view, now) else {
        return Ok(None);
    };
    let restricted =
        clock.record_kind == "incident" && is_security_incident(db, clock.record_id).await?;
    let terms = match (&sla.agreement, sla.agreement_version) {
        (Some(agreement), Some(version)) => match RecordKind::Agreement.parse_ref(agreement) {
            Ok(id) => escalation_terms(db, id, version).await?,
            Err(_) => EscalationTerms::default(),
        },
        _ => EscalationTerms::default(),
    };
    let recipients = recipients(db, clock, &terms.contacts, restricted).await?;
    let event = SlaEvent {
        id: 0,
        kind: clock.kind.to_owned(),
        record_kind: clock.record_kind.clone(),
        record_id: clock.record_id,
        record: facts.number.clone(),
        metric: clock.metric.clone(),
        agreement: sla.agreement.clone(),
        agreement_version: sla.agreement_version,
        target_minutes: view.target_minutes,
        customer: facts.customer.clone(),
        service: facts.service.clone(),
        due_at: crossed,
        recipients,
        explanation: view.explanation.clone(),
        created_at: now.to_owned(),
        restricted,
        analysis: None,
        escalations: Vec::new(),
    };
    Ok(Some((event, terms.rules)))
}

/// The instant crossed, if the clock read afresh is past it: the warning threshold of a clock
/// not met, or the target of a breached one.
fn crossed(kind: &str, view: &ClockView, now: &str) -> Option<String> {
    match kind {
        "breach" if view.standing == Standing::Breached => view.due_at.clone(),
        "warning" if view.standing != Standing::Met => {
            view.warn_at.clone().filter(|w| w.as_str() <= now)
        }
        _ => None,
    }
}

/// The record's assignee and, unless it is restricted (a security incident, which only the
/// security team and its reporter may see), the agreement's escalation contacts, each once.
async fn recipients(
    db: &impl Sql,
    clock: &DueClock,
    contacts: &[String],
    restricted: bool,
) -> Result<Vec<String>, ApiError> {
    let mut people: Vec<String> = assignee_of(db, &clock.record_kind, clock.record_id)
        .await?
        .into_iter()
        .collect();
    if restricted {
        return Ok(people);
    }
    for contact in contacts {
        if !people.contains(contact) {
            people.push(contact.clone());
        }
    }
    Ok(people)
}
