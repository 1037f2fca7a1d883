//! The queue of escalation actions (`sla_escalation`) between the service level process, which
//! decides them when its tick records a warning or a breach, and the processes that own the
//! records, which carry them out at their own tick: each process writes only its own records,
//! with its own rules (an incident's priority follows its matrix, a request's assignee must be
//! able to work on it). A row is marked done in the transaction that acts on it, so however
//! often, or however concurrently, a tick runs, each action happens once.

use crate::ApiError;
use itsm_domain::sla::{EscalationAction, EscalationRule, TargetRecord};
use itsm_store::{Row, Sql, StoreError, in_transaction};

/// One action waiting for the record's process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedEscalation {
    pub id: i64,
    pub record_id: i64,
    pub record_number: String,
    pub action: EscalationAction,
    pub assignment_group: Option<String>,
    pub assignee: Option<String>,
    /// Why, as the record's audit entry gives it.
    pub reason: String,
}

/// What the record's process did with an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done, and what changed: "urgency medium → high, priority moderate → high".
    Applied(String),
    /// Not done, and why: "INC0000004 is already resolved".
    Skipped(String),
}

impl Outcome {
    /// Nothing done because the record is no longer being worked on: "INC0000004 is resolved".
    pub fn no_longer_open(number: &str, state: &str) -> Self {
        Self::Skipped(format!("{number} is {}", state.replace('_', " ")))
    }
}

/// What one tick did with the queue.
#[derive(Debug, Default)]
pub struct EscalationReport {
    /// Actions carried out: "INC0000042: reassigned to network-l2".
    pub escalated: Vec<String>,
    /// Actions not carried out, with why (a resolved record, a priority already at the top).
    pub escalations_skipped: Vec<String>,
    /// Records whose action failed on a fault of the store (the cause is logged); retried next
    /// call.
    pub escalations_failed: Vec<String>,
    /// More were queued than one call handles.
    pub remaining: bool,
}

/// The event, the rule and the record an action is queued for.
pub struct QueueEntry<'a> {
    pub event_id: i64,
    pub rule_index: usize,
    pub rule: &'a EscalationRule,
    pub record: TargetRecord,
    pub record_id: i64,
    pub record_number: &'a str,
    pub reason: &'a str,
}

/// Queues the action unless this rule already acted on this event; whether it was queued.
pub async fn queue(db: &impl Sql, entry: &QueueEntry<'_>, now: &str) -> Result<bool, StoreError> {
    let rule_index = i64::try_from(entry.rule_index).unwrap_or(i64::MAX);
    let inserted = db
        .execute(
            "INSERT INTO sla_escalation (event_id, rule_index, record_kind, record_id, record_number,
                action, assignment_group, assignee, reason, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (event_id, rule_index) DO NOTHING",
            &[
                entry.event_id.into(),
                rule_index.into(),
                entry.record.as_str().into(),
                entry.record_id.into(),
                entry.record_number.into(),
                entry.rule.action.as_str().into(),
                entry.rule.assignment_group.as_deref().into(),
                entry.rule.assignee.as_deref().into(),
                entry.reason.into(),
                now.into(),
            ],
        )
        .await?;
    Ok(inserted == 1)
}

const COLUMNS: &str =
    "escalation_id, record_id, record_number, action, assignment_group, assignee, reason";

fn from_row(row: &Row<'_>) -> Result<QueuedEscalation, StoreError> {
    Ok(QueuedEscalation {
        id: row.get("escalation_id")?,
        record_id: row.get("record_id")?,
        record_number: row.get("record_number")?,
        action: row.parsed("action", EscalationAction::parse)?,
        assignment_group: row.get("assignment_group")?,
        assignee: row.get("assignee")?,
        reason: row.get("reason")?,
    })
}

async fn pending(
    db: &impl Sql,
    record: TargetRecord,
    limit: u32,
) -> Result<Vec<QueuedEscalation>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM sla_escalation
                 WHERE record_kind = ? AND done_at IS NULL ORDER BY escalation_id LIMIT ?"
            ),
            &[record.as_str().into(), i64::from(limit).into()],
        )
        .await?;
    rows.iter().map(|row| from_row(&row)).collect()
}

/// The action, if it is still waiting: read inside the acting transaction, so a concurrent
/// tick that acted first leaves nothing to do.
async fn still_pending(db: &impl Sql, id: i64) -> Result<Option<QueuedEscalation>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM sla_escalation WHERE escalation_id = ? AND done_at IS NULL"
            ),
            &[id.into()],
        )
        .await?;
    rows.first().map(|row| from_row(&row)).transpose()
}

async fn mark_done(db: &impl Sql, id: i64, outcome: &Outcome, now: &str) -> Result<(), StoreError> {
    let (status, detail) = match outcome {
        Outcome::Applied(detail) => ("applied", detail),
        Outcome::Skipped(detail) => ("skipped", detail),
    };
    db.execute(
        "UPDATE sla_escalation SET done_at = ?, outcome = ?, detail = ? WHERE escalation_id = ?",
        &[now.into(), status.into(), detail.as_str().into(), id.into()],
    )
    .await?;
    Ok(())
}

/// What a process does to one of its own records for a queued action. (A trait rather than a
/// closure: the future of an async closure taking a borrowed connection cannot be shown to be
/// `Send` for every borrow, which the HTTP handlers need.)
#[allow(async_fn_in_trait)] // the components are single-threaded wasm; Send bounds add nothing
pub trait Escalate {
    /// Carries out `action` in the caller's transaction and answers what it did. Its checks
    /// come before its writes, since a refusal is recorded in the same transaction.
    async fn escalate(
        &self,
        db: &impl Sql,
        action: &QueuedEscalation,
        now: &str,
    ) -> Result<Outcome, ApiError>;
}

/// Carries out up to `limit` queued actions on `record`s, each in a transaction of its own with
/// the change it makes. A refusal `process` returns as an error a client would get (the record
/// gone, an assignee who cannot work on it) is recorded as skipped with its message, while a
/// fault of the store leaves the action queued for the next call.
pub async fn carry_out(
    db: &impl Sql,
    record: TargetRecord,
    now: &str,
    limit: u32,
    process: &impl Escalate,
) -> Result<EscalationReport, ApiError> {
    let queued = pending(db, record, limit + 1).await?;
    let mut report = EscalationReport {
        remaining: queued.len() > limit as usize,
        ..EscalationReport::default()
    };
    for waiting in queued.iter().take(limit as usize) {
        let done = in_transaction(db, async |db| {
            let Some(action) = still_pending(db, waiting.id).await? else {
                return Ok(None);
            };
            let outcome = match process.escalate(db, &action, now).await {
                Ok(outcome) => outcome,
                Err(refused) if refused.status().is_client_error() => {
                    Outcome::Skipped(refused.to_string())
                }
                Err(fault) => return Err(fault),
            };
            mark_done(db, action.id, &outcome, now).await?;
            Ok::<_, ApiError>(Some(outcome))
        })
        .await;
        let number = &waiting.record_number;
        match done {
            Ok(Some(Outcome::Applied(detail))) => {
                report.escalated.push(format!("{number}: {detail}"))
            }
            Ok(Some(Outcome::Skipped(why))) => {
                report.escalations_skipped.push(format!("{number}: {why}"));
            }
            Ok(None) => {}
            Err(fault) => {
                eprintln!("the escalation of {number} waits for the next tick: {fault}");
                report.escalations_failed.push(number.clone());
            }
        }
    }
    Ok(report)
}

/// The assignment changes of an escalation as its record says them: "assignment group desk →
/// network-l2", "assignee ann → nobody"; one per field that changed.
pub fn assignment_changes(
    group: (&Option<String>, &Option<String>),
    assignee: (&Option<String>, &Option<String>),
) -> Vec<String> {
    let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "nobody".to_owned());
    [("assignment group", group), ("assignee", assignee)]
        .into_iter()
        .filter(|(_, (before, after))| before != after)
        .map(|(field, (before, after))| format!("{field} {} → {}", shown(before), shown(after)))
        .collect()
}
