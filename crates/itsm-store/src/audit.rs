//! The append-only audit trail: one entry per create, update, transition and approval, written by
//! the same transaction as the change it records (the table's triggers refuse UPDATE and DELETE).

use crate::{Sql, StoreError};

/// What changed, who changed it, and why.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub entity_type: &'a str,
    pub entity_id: i64,
    pub action: &'a str,
    pub actor: &'a str,
    pub occurred_at: &'a str,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
    pub reason: Option<&'a str>,
}

pub async fn insert_audit_entry(db: &impl Sql, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
    let json = |v: Option<&serde_json::Value>| v.map(serde_json::Value::to_string);
    db.execute(
        "INSERT INTO audit_entry (occurred_at, actor, entity_type, entity_id, action, before_json, after_json, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            entry.occurred_at.into(),
            entry.actor.into(),
            entry.entity_type.into(),
            entry.entity_id.into(),
            entry.action.into(),
            json(entry.before).into(),
            json(entry.after).into(),
            entry.reason.into(),
        ],
    )
    .await?;
    Ok(())
}
