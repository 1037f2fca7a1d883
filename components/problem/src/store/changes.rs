//! Change requests raised from problems: a `requested` row in the change process's table, linked
//! from the problem (`resolved_by`), and read back with the state change management gives it.

use itsm_domain::RecordKind;
use itsm_domain::link::{Relation, TargetKind};
use itsm_store::{Sql, StoreError, Value};
use schemars::JsonSchema;
use serde::Serialize;

/// A change request as a problem tracks it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TrackedChange {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub problem_id: i64,
    pub number: String,
    pub title: String,
    /// As change management has it now: requested, assessed, approved, scheduled, implemented,
    /// closed, rejected or cancelled.
    pub state: String,
    pub requested_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl TrackedChange {
    /// Still on its way: neither implemented nor turned down.
    pub fn is_open(&self) -> bool {
        !matches!(
            self.state.as_str(),
            "implemented" | "closed" | "rejected" | "cancelled"
        )
    }

    /// Carried out.
    pub fn is_implemented(&self) -> bool {
        matches!(self.state.as_str(), "implemented" | "closed")
    }
}

/// What a problem asks change management for.
pub struct NewChange<'a> {
    pub problem_id: i64,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub service: &'a str,
    pub requested_by: &'a str,
    pub now: &'a str,
}

/// Raises the change (state `requested`) and links it from the problem; returns its id.
pub async fn raise_change(db: &impl Sql, change: &NewChange<'_>) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO change_request (title, description, service_code, state, requested_by, problem_id, created_at, updated_at)
         VALUES (?, ?, ?, 'requested', ?, ?, ?, ?)",
        &[
            change.title.into(),
            change.description.into(),
            change.service.into(),
            change.requested_by.into(),
            change.problem_id.into(),
            change.now.into(),
            change.now.into(),
        ],
    )
    .await?;
    let id = db.last_insert_rowid().await?;
    db.execute(
        "INSERT INTO record_link (source_kind, source_id, relation, target_kind, target, created_at, created_by)
         VALUES ('problem', ?, ?, ?, ?, ?, ?)",
        &[
            change.problem_id.into(),
            Relation::ResolvedBy.as_str().into(),
            TargetKind::Change.as_str().into(),
            RecordKind::Change.number_text(id).into(),
            change.now.into(),
            change.requested_by.into(),
        ],
    )
    .await?;
    Ok(id)
}

/// The changes raised from these problems, oldest first.
pub async fn changes_of(
    db: &impl Sql,
    problem_ids: &[i64],
) -> Result<Vec<TrackedChange>, StoreError> {
    let marks = itsm_store::placeholders(problem_ids.len());
    let params: Vec<Value> = problem_ids.iter().map(|&id| id.into()).collect();
    let rows = db
        .query(
            &format!(
                "SELECT change_id, problem_id, title, state, requested_by, created_at, updated_at
                 FROM change_request WHERE problem_id IN ({marks}) ORDER BY change_id"
            ),
            &params,
        )
        .await?;
    rows.iter()
        .map(|row| {
            let id: i64 = row.get("change_id")?;
            Ok(TrackedChange {
                id,
                problem_id: row.get("problem_id")?,
                number: RecordKind::Change.number_text(id),
                title: row.get("title")?,
                state: row.get("state")?,
                requested_by: row.get("requested_by")?,
                created_at: row.get("created_at")?,
                updated_at: row.get("updated_at")?,
            })
        })
        .collect()
}
