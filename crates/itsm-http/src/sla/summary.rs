//! Where each record's clocks stand, kept in `sla_clock` for the lists that filter by it
//! ("breached", "at risk", "due before") and for the tick. Rewritten from the explained clocks in
//! the transaction of every write that moves them; a running clock's due and warning instants are
//! projections, so comparing them with the time of a query gives the standing then without
//! rewriting anything as time passes.

use super::clocks::{RecordFacts, RecordSla, record_sla};
use crate::ApiError;
use itsm_domain::sla::TargetRecord;
use itsm_store::{Sql, Value};

/// Recomputes the record's clocks and stores where they stand (and when they were computed);
/// returns them.
pub async fn refresh(db: &impl Sql, facts: &RecordFacts, now: &str) -> Result<RecordSla, ApiError> {
    store(db, facts, now, true).await
}

/// [`refresh`], replacing the record's rows or (for a record just logged) not.
async fn store(
    db: &impl Sql,
    facts: &RecordFacts,
    now: &str,
    replace: bool,
) -> Result<RecordSla, ApiError> {
    let sla = record_sla(db, facts).await?;
    let kind = facts.record.as_str();
    let id = facts.id;
    if replace {
        db.execute(
            "DELETE FROM sla_clock WHERE record_kind = ? AND record_id = ?",
            &[kind.into(), id.into()],
        )
        .await?;
    }
    db.execute(
        "INSERT INTO sla_record (record_kind, record_id, computed_at) VALUES (?, ?, ?)
         ON CONFLICT (record_kind, record_id) DO UPDATE SET computed_at = excluded.computed_at",
        &[kind.into(), id.into(), now.into()],
    )
    .await?;
    if !sla.applies {
        return Ok(sla);
    }
    // The seeds' default for complaints is stored under no agreement: "" and version 0.
    let agreement = sla.agreement.clone().unwrap_or_default();
    let version = sla.agreement_version.unwrap_or(0);
    for clock in &sla.clocks {
        db.execute(
            "INSERT INTO sla_clock (record_kind, record_id, metric, record_number, agreement, agreement_version,
                target_minutes, customer, service, running, standing, due_at, warn_at, stopped_at, computed_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &[
                kind.into(),
                id.into(),
                clock.metric.as_str().into(),
                facts.number.as_str().into(),
                agreement.as_str().into(),
                version.into(),
                clock.target_minutes.into(),
                facts.customer.as_deref().into(),
                facts.service.as_deref().into(),
                clock.running.into(),
                clock.standing.as_str().into(),
                clock.due_at.as_deref().into(),
                clock.warn_at.as_deref().into(),
                clock.stopped_at.as_deref().into(),
                now.into(),
            ],
        )
        .await?;
    }
    Ok(sla)
}

/// A list filter on the clocks: any of a record's clocks breached (or at risk) now, or due
/// before an instant.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SlaFilter {
    /// `breached` or `at_risk`.
    pub standing: Option<SlaStanding>,
    /// RFC 3339: a running clock falls due before then.
    pub due_before: Option<String>,
}

impl SlaFilter {
    /// `sla=breached|at_risk` and `sla_due_before=<instant>` of a list's query.
    pub fn from_query(query: &crate::QueryParams) -> Result<Self, ApiError> {
        Ok(Self {
            standing: query.parsed("sla", SlaStanding::parse)?,
            due_before: query.parsed("sla_due_before", crate::time::parse_instant)?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaStanding {
    Breached,
    AtRisk,
}

impl SlaStanding {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "breached" => Ok(Self::Breached),
            "at_risk" => Ok(Self::AtRisk),
            _ => Err("must be one of: breached, at_risk".to_owned()),
        }
    }
}

/// The SQL condition (with its values) keeping the records of `kind` whose id is in `id_column`
/// to those `filter` asks for, as of `now`; `None` when it asks nothing.
pub fn condition(
    kind: TargetRecord,
    id_column: &str,
    filter: &SlaFilter,
    now: &str,
) -> Option<(String, Vec<Value>)> {
    let mut parts = Vec::new();
    let mut values: Vec<Value> = vec![kind.as_str().into()];
    match filter.standing {
        Some(SlaStanding::Breached) => {
            parts.push("(c.standing = 'breached' OR (c.running = 1 AND c.due_at <= ?))");
            values.push(now.into());
        }
        Some(SlaStanding::AtRisk) => {
            // Paused clocks keep the standing they had when they paused.
            parts.push(
                "(c.standing = 'at_risk' OR (c.running = 1 AND c.warn_at <= ? AND c.due_at > ?))
                 AND NOT (c.running = 1 AND c.due_at <= ?)",
            );
            values.extend([now.into(), now.into(), now.into()]);
        }
        None => {}
    }
    if let Some(before) = &filter.due_before {
        parts.push("c.running = 1 AND c.due_at < ?");
        values.push(before.as_str().into());
    }
    if parts.is_empty() {
        return None;
    }
    Some((
        format!(
            "EXISTS (SELECT 1 FROM sla_clock c WHERE c.record_kind = ? AND c.record_id = {id_column} AND {})",
            parts.join(" AND ")
        ),
        values,
    ))
}

/// [`refresh`] for a write path: a failure to compute the clocks (a calendar stored before zones
/// were, say) is logged and leaves the write standing, since the record's own change must not
/// fail for the service level's sake; the tick computes the record again.
pub async fn refresh_after_write(db: &impl Sql, facts: &RecordFacts, now: &str) {
    if let Err(error) = refresh(db, facts, now).await {
        eprintln!(
            "the SLA clocks of {} were not stored: {error}",
            facts.number
        );
    }
}

/// [`refresh_after_write`] for a record just logged: its facts are known without reading them
/// back, and it has no rows to replace, which keeps the cost of logging a record low.
pub async fn store_after_logging(db: &impl Sql, facts: &RecordFacts, now: &str) {
    if let Err(error) = store(db, facts, now, false).await {
        eprintln!(
            "the SLA clocks of {} were not stored: {error}",
            facts.number
        );
    }
}
