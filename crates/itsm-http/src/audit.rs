//! The audit entry of one change by the calling principal, so every component records who did
//! what, holding which roles, in the same shape. Call it inside the change's transaction.

use crate::{ApiError, Principal};
use itsm_store::{AuditEntry, Sql, insert_audit_entry};

/// What one audited change is about.
pub struct Change<'a> {
    pub entity_type: &'a str,
    pub entity_id: i64,
    pub action: &'a str,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
    pub reason: Option<&'a str>,
}

pub async fn record(
    db: &impl Sql,
    principal: &Principal,
    change: &Change<'_>,
    now: &str,
) -> Result<(), ApiError> {
    insert_audit_entry(
        db,
        &AuditEntry {
            entity_type: change.entity_type,
            entity_id: change.entity_id,
            action: change.action,
            actor: &principal.user,
            actor_roles: &principal.roles_text(),
            occurred_at: now,
            before: change.before,
            after: change.after,
            reason: change.reason,
        },
    )
    .await?;
    Ok(())
}
