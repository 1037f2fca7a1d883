//! The audit entry of one change by the calling principal, so every component records who did
//! what, holding which roles, in the same shape. Call it inside the change's transaction.

use crate::{ApiError, Principal};
use itsm_store::{AuditEntry, Sql, insert_audit_entry};
use serde::Serialize;
use serde_json::Value;

/// What one audited change is about: the record before and after, as the API shows it.
pub struct Change<'a> {
    entity_type: &'a str,
    entity_id: i64,
    action: &'a str,
    before: Option<Value>,
    after: Option<Value>,
    reason: Option<&'a str>,
}

impl<'a> Change<'a> {
    pub fn new(entity_type: &'a str, entity_id: i64, action: &'a str) -> Self {
        Self {
            entity_type,
            entity_id,
            action,
            before: None,
            after: None,
            reason: None,
        }
    }

    /// A record just created.
    pub fn created<T: Serialize + ?Sized>(
        entity_type: &'a str,
        entity_id: i64,
        record: &T,
    ) -> Self {
        Self::new(entity_type, entity_id, "create").after(record)
    }

    pub fn before<T: Serialize + ?Sized>(mut self, record: &T) -> Self {
        self.before = Some(snapshot(record));
        self
    }

    pub fn after<T: Serialize + ?Sized>(mut self, record: &T) -> Self {
        self.after = Some(snapshot(record));
        self
    }

    pub fn reason(mut self, reason: impl Into<Option<&'a str>>) -> Self {
        self.reason = reason.into();
        self
    }
}

/// The records here are plain data whose serialization cannot fail.
fn snapshot<T: Serialize + ?Sized>(record: &T) -> Value {
    serde_json::to_value(record).unwrap_or_default()
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
            before: change.before.as_ref(),
            after: change.after.as_ref(),
            reason: change.reason,
        },
    )
    .await?;
    Ok(())
}
