//! `sla_event`: each warning and breach the tick found, once per clock and kind (the table's
//! unique key is what makes the tick idempotent), and the analysis each breach needs; and the
//! `sla_clock` rows the tick and the compliance figures read.

use itsm_domain::sla::EscalationRule;
use itsm_store::{Row, Sql, StoreError, Value, to_json};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why a target was missed and what is done about it (seed 001 §6.1.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Analysis {
    pub cause: String,
    pub explanation: String,
    pub corrective_action: String,
    pub by: String,
    pub at: String,
}

/// An escalation action the event queued, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EscalationView {
    /// The rule's position in the agreement version's `escalation_rules`, from 1.
    pub rule: i64,
    /// `raise_priority` or `reassign`.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// `pending` until the record's process has acted at its tick, then `applied` or `skipped`.
    pub status: String,
    /// What was changed, or why nothing was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<String>,
}

/// One warning or breach.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SlaEvent {
    pub id: i64,
    /// `warning` or `breach`.
    pub kind: String,
    /// `incident`, `request` or `complaint`.
    pub record_kind: String,
    #[serde(skip)]
    pub record_id: i64,
    pub record: String,
    pub metric: String,
    /// `null` for a complaint under the seeds' default target (no agreement sets one).
    pub agreement: Option<String>,
    pub agreement_version: Option<i64>,
    pub target_minutes: i64,
    pub customer: Option<String>,
    pub service: Option<String>,
    /// The instant crossed: the warning threshold, or the target.
    pub due_at: String,
    /// Who was told.
    pub recipients: Vec<String>,
    /// The clock's sentence when the event was found.
    pub explanation: String,
    pub created_at: String,
    /// A security incident's: shown only to its recipients.
    #[serde(skip)]
    pub restricted: bool,
    /// Breaches: why the target was missed; `null` until analysed.
    pub analysis: Option<Analysis>,
    /// What the agreement's escalation rules had done to the record, in the rules' order.
    pub escalations: Vec<EscalationView>,
}

const COLUMNS: &str =
    "event_id, kind, record_kind, record_id, record_number, metric,
    NULLIF(agreement, '') AS agreement, NULLIF(agreement_version, 0) AS agreement_version,
    target_minutes, customer, service, due_at, recipients, explanation, created_at, restricted, analysis,
    (SELECT json_group_array(json_object('rule', rule_index + 1, 'action', action,
            'assignment_group', assignment_group, 'assignee', assignee,
            'status', COALESCE(outcome, 'pending'), 'detail', detail, 'done_at', done_at))
     FROM sla_escalation x WHERE x.event_id = sla_event.event_id) AS escalations";

impl SlaEvent {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get("event_id")?,
            kind: row.get("kind")?,
            record_kind: row.get("record_kind")?,
            record_id: row.get("record_id")?,
            record: row.get("record_number")?,
            metric: row.get("metric")?,
            agreement: row.get("agreement")?,
            agreement_version: row.get("agreement_version")?,
            target_minutes: row.get("target_minutes")?,
            customer: row.get("customer")?,
            service: row.get("service")?,
            due_at: row.get("due_at")?,
            recipients: row.json("recipients")?,
            explanation: row.get("explanation")?,
            created_at: row.get("created_at")?,
            restricted: row.get("restricted")?,
            analysis: row.json_opt("analysis")?,
            escalations: {
                let mut queued: Vec<EscalationView> = row.json("escalations")?;
                queued.sort_by_key(|e| e.rule);
                queued
            },
        })
    }
}

/// Stores the event unless its clock already has one of its kind; its id when it was stored.
pub async fn insert_event(db: &impl Sql, e: &SlaEvent) -> Result<Option<i64>, StoreError> {
    let inserted = db
        .execute(
            "INSERT INTO sla_event (kind, record_kind, record_id, record_number, metric, agreement, agreement_version,
                target_minutes, customer, service, due_at, recipients, explanation, created_at, restricted)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (record_kind, record_id, metric, kind) DO NOTHING",
            &[
                e.kind.as_str().into(),
                e.record_kind.as_str().into(),
                e.record_id.into(),
                e.record.as_str().into(),
                e.metric.as_str().into(),
                e.agreement.as_deref().unwrap_or_default().into(),
                e.agreement_version.unwrap_or_default().into(),
                e.target_minutes.into(),
                e.customer.as_deref().into(),
                e.service.as_deref().into(),
                e.due_at.as_str().into(),
                to_json(&e.recipients)?.into(),
                e.explanation.as_str().into(),
                e.created_at.as_str().into(),
                e.restricted.into(),
            ],
        )
        .await?;
    if inserted == 1 {
        db.last_insert_rowid().await.map(Some)
    } else {
        Ok(None)
    }
}

pub async fn load_event(db: &impl Sql, id: i64) -> Result<Option<SlaEvent>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM sla_event WHERE event_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first().map(|row| SlaEvent::from_row(&row)).transpose()
}

pub async fn save_analysis(db: &impl Sql, id: i64, analysis: &Analysis) -> Result<(), StoreError> {
    db.execute(
        "UPDATE sla_event SET analysis = ? WHERE event_id = ?",
        &[to_json(analysis)?.into(), id.into()],
    )
    .await
    .map(|_| ())
}

#[derive(Debug, Default)]
pub struct EventFilter {
    pub kind: Option<String>,
    pub record: Option<String>,
    pub recipient: Option<String>,
    /// Who reads: they see the events sent to them, and with `all` every event that is not
    /// restricted.
    pub reader: String,
    pub all: bool,
    /// Breaches only: whether analysed.
    pub analysed: Option<bool>,
}

/// Newest first; `after` continues below that id.
pub async fn list_events(
    db: &impl Sql,
    filter: &EventFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<SlaEvent>, StoreError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if let Some(kind) = &filter.kind {
        clauses.push("kind = ?".to_owned());
        values.push(kind.as_str().into());
    }
    if let Some(record) = &filter.record {
        clauses.push("record_number = ?".to_owned());
        values.push(record.as_str().into());
    }
    if let Some(user) = &filter.recipient {
        clauses.push("EXISTS (SELECT 1 FROM json_each(recipients) WHERE value = ?)".to_owned());
        values.push(user.as_str().into());
    }
    if filter.all {
        clauses.push(
            "(restricted = 0 OR EXISTS (SELECT 1 FROM json_each(recipients) WHERE value = ?))"
                .to_owned(),
        );
    } else {
        clauses.push("EXISTS (SELECT 1 FROM json_each(recipients) WHERE value = ?)".to_owned());
    }
    values.push(filter.reader.as_str().into());
    match filter.analysed {
        Some(true) => clauses.push("analysis IS NOT NULL".to_owned()),
        Some(false) => clauses.push("kind = 'breach' AND analysis IS NULL".to_owned()),
        None => {}
    }
    if let Some(after) = after {
        clauses.push("event_id < ?".to_owned());
        values.push(after.into());
    }
    values.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM sla_event {} ORDER BY event_id DESC LIMIT ?",
                itsm_store::where_clause(&clauses)
            ),
            &values,
        )
        .await?;
    rows.iter().map(|row| SlaEvent::from_row(&row)).collect()
}

/// A clock the tick must look at: one past its warning threshold or its target with no event
/// of that kind yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueClock {
    pub record_kind: String,
    pub record_id: i64,
    pub metric: String,
    pub kind: &'static str,
}

/// How far back the tick looks for clocks that stopped after their target without a breach
/// record (the tick had not run since): a month, so its query stays bounded.
const LOOK_BACK_DAYS: i64 = 31;

/// Clocks due a warning (past the threshold and not met: running, or paused at risk) or a
/// breach record (running past the target, or stopped after it within the look-back), with no
/// such event yet; earliest first, at most `limit`.
pub async fn due_clocks(db: &impl Sql, now: &str, limit: u32) -> Result<Vec<DueClock>, StoreError> {
    let since = itsm_http::time::days_after(now, -LOOK_BACK_DAYS);
    let rows = db
        .query(
            "SELECT record_kind, record_id, metric, kind FROM (
                 SELECT c.record_kind, c.record_id, c.metric, 'breach' AS kind, c.due_at AS crossed
                 FROM sla_clock c
                 WHERE ((c.running = 1 AND c.due_at <= ?)
                        OR (c.standing = 'breached' AND c.stopped_at >= ?))
                   AND NOT EXISTS (SELECT 1 FROM sla_event e WHERE e.record_kind = c.record_kind
                       AND e.record_id = c.record_id AND e.metric = c.metric AND e.kind = 'breach')
                 UNION ALL
                 SELECT c.record_kind, c.record_id, c.metric, 'warning', c.warn_at
                 FROM sla_clock c
                 WHERE ((c.running = 1 AND c.warn_at <= ?) OR (c.running = 0 AND c.standing = 'at_risk'))
                   AND NOT EXISTS (SELECT 1 FROM sla_event e WHERE e.record_kind = c.record_kind
                       AND e.record_id = c.record_id AND e.metric = c.metric AND e.kind = 'warning'))
             ORDER BY crossed LIMIT ?",
            &[now.into(), since.as_str().into(), now.into(), i64::from(limit).into()],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.get("kind")?;
            Ok(DueClock {
                record_kind: row.get("record_kind")?,
                record_id: row.get("record_id")?,
                metric: row.get("metric")?,
                kind: if kind == "breach" {
                    "breach"
                } else {
                    "warning"
                },
            })
        })
        .collect()
}

/// Open records whose clocks were never computed, or computed before the last change of a
/// calendar or a clock policy: the tick computes them again. At most `limit`.
pub async fn stale_records(db: &impl Sql, limit: u32) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = db
        .query(
            "WITH changed AS (
                 SELECT MAX(at) AS at FROM (
                     SELECT MAX(updated_at) AS at FROM business_calendar
                     UNION ALL
                     SELECT MAX(updated_at) FROM process_setting WHERE process = 'service_level'))
             SELECT 'incident' AS record_kind, i.incident_id AS record_id FROM incident i
             LEFT JOIN sla_record m ON m.record_kind = 'incident' AND m.record_id = i.incident_id
             WHERE i.state NOT IN ('closed', 'cancelled')
               AND (m.computed_at IS NULL OR m.computed_at < (SELECT at FROM changed))
             UNION ALL
             SELECT 'request', r.request_id FROM service_request r
             LEFT JOIN sla_record m ON m.record_kind = 'request' AND m.record_id = r.request_id
             WHERE r.state NOT IN ('closed', 'rejected', 'cancelled')
               AND (m.computed_at IS NULL OR m.computed_at < (SELECT at FROM changed))
             UNION ALL
             SELECT 'complaint', c.complaint_id FROM complaint c
             LEFT JOIN sla_record m ON m.record_kind = 'complaint' AND m.record_id = c.complaint_id
             WHERE c.state NOT IN ('resolved', 'closed', 'withdrawn')
               AND (m.computed_at IS NULL OR m.computed_at < (SELECT at FROM changed))
             LIMIT ?",
            &[i64::from(limit).into()],
        )
        .await?;
    rows.iter()
        .map(|row| Ok((row.get("record_kind")?, row.get("record_id")?)))
        .collect()
}

/// Whether an incident is a security incident, whose events go to its assignee alone.
pub async fn is_security_incident(db: &impl Sql, id: i64) -> Result<bool, StoreError> {
    let rows = db
        .query(
            "SELECT security FROM incident WHERE incident_id = ?",
            &[id.into()],
        )
        .await?;
    match rows.first() {
        Some(row) => row.get("security"),
        None => Ok(false),
    }
}

/// What an agreement version says is done when its clocks reach a warning or a target.
#[derive(Debug, Default)]
pub struct EscalationTerms {
    /// Who is told, besides the record's assignee.
    pub contacts: Vec<String>,
    /// What is done to the record.
    pub rules: Vec<EscalationRule>,
}

/// The escalation contacts and rules an agreement version names.
pub async fn escalation_terms(
    db: &impl Sql,
    agreement_id: i64,
    version: i64,
) -> Result<EscalationTerms, StoreError> {
    let rows = db
        .query(
            "SELECT json_extract(terms, '$.escalation_contacts') AS contacts,
                    json_extract(terms, '$.escalation_rules') AS rules
             FROM service_agreement_version WHERE agreement_id = ? AND version_number = ?",
            &[agreement_id.into(), version.into()],
        )
        .await?;
    match rows.first() {
        Some(row) => Ok(EscalationTerms {
            contacts: row.json_opt("contacts")?.unwrap_or_default(),
            rules: row.json_opt("rules")?.unwrap_or_default(),
        }),
        None => Ok(EscalationTerms::default()),
    }
}

/// A record's assignee, if it has one.
pub async fn assignee_of(
    db: &impl Sql,
    record_kind: &str,
    id: i64,
) -> Result<Option<String>, StoreError> {
    let sql = match record_kind {
        "incident" => "SELECT assignee FROM incident WHERE incident_id = ?",
        "request" => "SELECT assignee FROM service_request WHERE request_id = ?",
        "complaint" => "SELECT assignee FROM complaint WHERE complaint_id = ?",
        _ => return Ok(None),
    };
    let rows = db.query(sql, &[id.into()]).await?;
    match rows.first() {
        Some(row) => row.get("assignee"),
        None => Ok(None),
    }
}

/// Counted clocks for the compliance figures: stopped within `[from, to)`, met or breached,
/// grouped by agreement, service and customer.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ComplianceRow {
    /// `null` for complaints under the seeds' default target (no agreement sets one).
    pub agreement: Option<String>,
    pub service: Option<String>,
    pub customer: Option<String>,
    pub metric: String,
    pub met: i64,
    pub breached: i64,
}

pub async fn compliance(
    db: &impl Sql,
    from: &str,
    to: &str,
    agreement: Option<&str>,
    customer: Option<&str>,
    service: Option<&str>,
) -> Result<Vec<ComplianceRow>, StoreError> {
    let mut clauses = vec!["stopped_at >= ?".to_owned(), "stopped_at < ?".to_owned()];
    let mut values: Vec<Value> = vec![from.into(), to.into()];
    for (column, value) in [
        ("agreement", agreement),
        ("customer", customer),
        ("service", service),
    ] {
        if let Some(value) = value {
            clauses.push(format!("{column} = ?"));
            values.push(value.into());
        }
    }
    let rows = db
        .query(
            &format!(
                "SELECT NULLIF(agreement, '') AS agreement, service, customer, metric,
                        SUM(CASE WHEN standing = 'met' THEN 1 ELSE 0 END) AS met,
                        SUM(CASE WHEN standing = 'breached' THEN 1 ELSE 0 END) AS breached
                 FROM sla_clock {}
                 GROUP BY agreement, service, customer, metric
                 ORDER BY agreement, service, customer, metric",
                itsm_store::where_clause(&clauses)
            ),
            &values,
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ComplianceRow {
                agreement: row.get("agreement")?,
                service: row.get("service")?,
                customer: row.get("customer")?,
                metric: row.get("metric")?,
                met: row.get("met")?,
                breached: row.get("breached")?,
            })
        })
        .collect()
}
