//! The incidents a problem causes: `record_link` rows made from the problem's side (relation
//! `causes`), read together with what the incident records say about them now.

use itsm_domain::RecordKind;
use itsm_domain::link::{Relation, TargetKind};
use itsm_store::{Row, Sql, StoreError, Value};
use schemars::JsonSchema;
use serde::Serialize;

const SOURCE: &str = "problem";

/// What the problem process reads of an incident: enough to show it and to decide who may see it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct IncidentSummary {
    #[serde(skip)]
    pub id: i64,
    pub number: String,
    pub short_description: String,
    pub state: String,
    pub priority: String,
    pub service: Option<String>,
    #[serde(skip)]
    pub customer: Option<String>,
    #[serde(skip)]
    pub security: bool,
    #[serde(skip)]
    pub created_by: String,
    #[serde(skip)]
    pub caller: String,
    pub created_at: String,
}

/// One incident linked to a problem.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LinkedIncident {
    pub link_id: i64,
    #[serde(flatten)]
    pub incident: IncidentSummary,
    pub linked_at: String,
    /// `system` when the recurrence check linked it.
    pub linked_by: String,
    /// The known error it matched when it was logged (KE0000001), if that is how it came.
    pub matched_known_error: Option<String>,
}

const INCIDENT_COLUMNS: &str = "i.incident_id, i.short_description, i.state, i.priority, i.service,
    i.customer, i.security, i.created_by, i.caller, i.created_at";

fn summary_from_row(row: &Row<'_>) -> Result<IncidentSummary, StoreError> {
    let id: i64 = row.get("incident_id")?;
    Ok(IncidentSummary {
        id,
        number: RecordKind::Incident.number_text(id),
        short_description: row.get("short_description")?,
        state: row.get("state")?,
        priority: row.get("priority")?,
        service: row.get("service")?,
        customer: row.get("customer")?,
        security: row.get("security")?,
        created_by: row.get("created_by")?,
        caller: row.get("caller")?,
        created_at: row.get("created_at")?,
    })
}

pub async fn load_incident(db: &impl Sql, id: i64) -> Result<Option<IncidentSummary>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {INCIDENT_COLUMNS} FROM incident i WHERE i.incident_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first().map(|row| summary_from_row(&row)).transpose()
}

/// Links the incident numbered `number` to the problem; `None` when it is linked already.
pub async fn link_incident(
    db: &impl Sql,
    problem_id: i64,
    number: &str,
    by: &str,
    now: &str,
) -> Result<Option<i64>, StoreError> {
    let added = db
        .execute(
            "INSERT INTO record_link (source_kind, source_id, relation, target_kind, target, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            &[
                SOURCE.into(),
                problem_id.into(),
                Relation::Causes.as_str().into(),
                TargetKind::Incident.as_str().into(),
                number.into(),
                now.into(),
                by.into(),
            ],
        )
        .await?;
    if added == 0 {
        return Ok(None);
    }
    db.last_insert_rowid().await.map(Some)
}

/// Removes the link, and the incident's match against this problem's known errors, so a false
/// match no longer counts as a recurrence; `false` if they were not linked.
pub async fn unlink_incident(
    db: &impl Sql,
    problem_id: i64,
    incident_id: i64,
) -> Result<bool, StoreError> {
    let removed = db
        .execute(
            "DELETE FROM record_link
             WHERE source_kind = ? AND source_id = ? AND relation = ? AND target_kind = ? AND target = ?",
            &[
                SOURCE.into(),
                problem_id.into(),
                Relation::Causes.as_str().into(),
                TargetKind::Incident.as_str().into(),
                RecordKind::Incident.number_text(incident_id).into(),
            ],
        )
        .await?;
    db.execute(
        "DELETE FROM known_error_match WHERE incident_id = ?
            AND known_error_id IN (SELECT known_error_id FROM known_error WHERE problem_id = ?)",
        &[incident_id.into(), problem_id.into()],
    )
    .await?;
    Ok(removed == 1)
}

/// The problem's incidents, in the order they were linked.
pub async fn linked_incidents(
    db: &impl Sql,
    problem_id: i64,
) -> Result<Vec<LinkedIncident>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT l.link_id, l.created_at AS linked_at, l.created_by AS linked_by, {INCIDENT_COLUMNS},
                    (SELECT MIN(m.known_error_id) FROM known_error_match m JOIN known_error k USING (known_error_id)
                     WHERE m.incident_id = i.incident_id AND k.problem_id = l.source_id) AS matched
                 FROM record_link l JOIN incident i ON i.incident_id = CAST(SUBSTR(l.target, 4) AS INTEGER)
                 WHERE l.source_kind = ? AND l.source_id = ? AND l.relation = ? AND l.target_kind = ?
                 ORDER BY l.link_id"
            ),
            &[
                SOURCE.into(),
                problem_id.into(),
                Relation::Causes.as_str().into(),
                TargetKind::Incident.as_str().into(),
            ],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let matched: Option<i64> = row.get("matched")?;
            Ok(LinkedIncident {
                link_id: row.get("link_id")?,
                incident: summary_from_row(&row)?,
                linked_at: row.get("linked_at")?,
                linked_by: row.get("linked_by")?,
                matched_known_error: matched.map(|id| RecordKind::KnownError.number_text(id)),
            })
        })
        .collect()
}

/// How many incidents each of these problems causes; security incidents, which only the security
/// team sees, are not counted.
pub async fn incident_counts(
    db: &impl Sql,
    problem_ids: &[i64],
) -> Result<Vec<(i64, i64)>, StoreError> {
    let marks = itsm_store::placeholders(problem_ids.len());
    let mut params: Vec<Value> = vec![SOURCE.into(), Relation::Causes.as_str().into()];
    params.extend(problem_ids.iter().map(|&id| Value::from(id)));
    let rows = db
        .query(
            &format!(
                "SELECT l.source_id, COUNT(*) AS linked
                 FROM record_link l JOIN incident i ON i.incident_id = CAST(SUBSTR(l.target, 4) AS INTEGER)
                 WHERE l.source_kind = ? AND l.relation = ? AND l.target_kind = 'incident' AND i.security = 0
                    AND l.source_id IN ({marks})
                 GROUP BY l.source_id"
            ),
            &params,
        )
        .await?;
    rows.iter()
        .map(|row| Ok((row.get("source_id")?, row.get("linked")?)))
        .collect()
}
