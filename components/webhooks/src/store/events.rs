//! The event sources as the tick reads them: audit entries of the records that raise events,
//! and SLA warnings and breaches, each after the cursor the last tick left.

use itsm_domain::webhook::watched_entity_types;
use itsm_store::{Row, Sql, StoreError};
use serde_json::{Value, json};

/// One audit entry of a watched record.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub audit_id: i64,
    pub occurred_at: String,
    pub actor: String,
    pub entity_type: String,
    pub entity_id: i64,
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// One SLA warning or breach, as the API shows it, with the facts a subscription filters on.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaRow {
    pub event_id: i64,
    /// About a security incident: read past, never delivered.
    pub restricted: bool,
    pub kind: String,
    pub record: String,
    pub customer: Option<String>,
    pub created_at: String,
    pub object: Value,
}

pub const AUDIT: &str = "audit";
pub const SLA: &str = "sla";

/// How far the ticks have read a source.
pub async fn cursor(db: &impl Sql, source: &str) -> Result<i64, StoreError> {
    let rows = db
        .query(
            "SELECT last_id FROM webhook_cursor WHERE source = ?",
            &[source.into()],
        )
        .await?;
    match rows.first() {
        Some(row) => row.get("last_id"),
        None => Ok(0),
    }
}

pub async fn set_cursor(db: &impl Sql, source: &str, last_id: i64) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO webhook_cursor (source, last_id) VALUES (?, ?)
         ON CONFLICT (source) DO UPDATE SET last_id = excluded.last_id",
        &[source.into(), last_id.into()],
    )
    .await?;
    Ok(())
}

/// The newest id of each source, to skip what nobody subscribes to.
pub async fn newest_ids(db: &impl Sql) -> Result<(i64, i64), StoreError> {
    let rows = db
        .query(
            "SELECT (SELECT COALESCE(MAX(audit_id), 0) FROM audit_entry) AS audit,
                    (SELECT COALESCE(MAX(event_id), 0) FROM sla_event) AS sla",
            &[],
        )
        .await?;
    match rows.first() {
        Some(row) => Ok((row.get("audit")?, row.get("sla")?)),
        None => Ok((0, 0)),
    }
}

/// Up to `limit` entries of watched records after `after`, oldest first.
pub async fn audit_after(
    db: &impl Sql,
    after: i64,
    limit: u32,
) -> Result<Vec<AuditRow>, StoreError> {
    let watched: Vec<String> = watched_entity_types().map(|t| format!("'{t}'")).collect();
    let rows = db
        .query(
            &format!(
                "SELECT audit_id, occurred_at, actor, entity_type, entity_id, action, before_json, after_json
                 FROM audit_entry WHERE audit_id > ? AND entity_type IN ({})
                 ORDER BY audit_id LIMIT ?",
                watched.join(", ")
            ),
            &[after.into(), i64::from(limit).into()],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(AuditRow {
                audit_id: row.get("audit_id")?,
                occurred_at: row.get("occurred_at")?,
                actor: row.get("actor")?,
                entity_type: row.get("entity_type")?,
                entity_id: row.get("entity_id")?,
                action: row.get("action")?,
                before: row.json_opt("before_json")?,
                after: row.json_opt("after_json")?,
            })
        })
        .collect()
}

/// Up to `limit` SLA events after `after`, oldest first.
pub async fn sla_events_after(
    db: &impl Sql,
    after: i64,
    limit: u32,
) -> Result<Vec<SlaRow>, StoreError> {
    let rows = db
        .query(
            "SELECT event_id, kind, record_kind, record_number, metric, agreement, agreement_version,
                target_minutes, customer, service, due_at, recipients, explanation, created_at, restricted
             FROM sla_event WHERE event_id > ? ORDER BY event_id LIMIT ?",
            &[after.into(), i64::from(limit).into()],
        )
        .await?;
    rows.iter().map(|row| sla_row(&row)).collect()
}

fn sla_row(row: &Row<'_>) -> Result<SlaRow, StoreError> {
    let event_id: i64 = row.get("event_id")?;
    let agreement: String = row.get("agreement")?;
    let customer: Option<String> = row.get("customer")?;
    let object = json!({
        "event": event_id,
        "kind": row.get::<String>("kind")?,
        "record_kind": row.get::<String>("record_kind")?,
        "record": row.get::<String>("record_number")?,
        "metric": row.get::<String>("metric")?,
        "agreement": (!agreement.is_empty()).then_some(agreement),
        "agreement_version": row.get::<Option<i64>>("agreement_version")?.filter(|v| *v > 0),
        "target_minutes": row.get::<i64>("target_minutes")?,
        "customer": customer,
        "service": row.get::<Option<String>>("service")?,
        "due_at": row.get::<String>("due_at")?,
        "recipients": row.json::<Value>("recipients")?,
        "explanation": row.get::<String>("explanation")?,
        "created_at": row.get::<String>("created_at")?,
    });
    Ok(SlaRow {
        event_id,
        restricted: row.get("restricted")?,
        kind: row.get("kind")?,
        record: row.get("record_number")?,
        customer,
        created_at: row.get("created_at")?,
        object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db::{NOW, db};
    use itsm_store::{AuditEntry, insert_audit_entry};

    #[tokio::test]
    async fn only_watched_records_entries_are_read_after_the_cursor() {
        let db = db().await;
        let start = cursor(&db, AUDIT).await.expect("cursor");
        let incident = json!({"number": "INC0000001", "state": "new"});
        for (entity_type, action) in [
            ("incident", "create"),
            ("user", "create"),
            ("complaint", "create"),
        ] {
            insert_audit_entry(
                &db,
                &AuditEntry {
                    entity_type,
                    entity_id: 1,
                    action,
                    actor: "desk",
                    actor_roles: "service_desk",
                    occurred_at: NOW,
                    before: None,
                    after: Some(&incident),
                    reason: None,
                },
            )
            .await
            .expect("entry");
        }
        let read = audit_after(&db, start, 10).await.expect("read");
        let types: Vec<&str> = read.iter().map(|r| r.entity_type.as_str()).collect();
        assert_eq!(types, ["incident", "complaint"]);
        assert_eq!(read[0].after.as_ref(), Some(&incident));
        assert_eq!(audit_after(&db, start, 1).await.expect("one").len(), 1);
        set_cursor(&db, AUDIT, read[1].audit_id)
            .await
            .expect("cursor");
        assert_eq!(cursor(&db, AUDIT).await.expect("cursor"), read[1].audit_id);
        assert!(
            audit_after(&db, read[1].audit_id, 10)
                .await
                .expect("none")
                .is_empty()
        );
        assert_eq!(newest_ids(&db).await.expect("newest").0, read[1].audit_id);
    }

    #[tokio::test]
    async fn sla_events_read_as_the_api_shows_them_and_security_ones_marked() {
        let db = db().await;
        for (id, record, restricted) in [(1, "INC0000001", false), (2, "INC0000002", true)] {
            db.execute(
                "INSERT INTO sla_event (kind, record_kind, record_id, record_number, metric, agreement, agreement_version,
                    target_minutes, customer, service, due_at, recipients, explanation, created_at, restricted)
                 VALUES ('breach', 'incident', ?, ?, 'resolution', 'SLA0000001', 1, 480, 'acme', NULL,
                    '2027-01-11T17:00:00.000Z', '[\"desk\"]', 'late', ?, ?)",
                &[i64::from(id).into(), record.into(), NOW.into(), restricted.into()],
            )
            .await
            .expect("event");
        }
        let read = sla_events_after(&db, 0, 10).await.expect("read");
        assert_eq!(read.len(), 2);
        assert!(!read[0].restricted && read[1].restricted);
        assert_eq!(read[0].record, "INC0000001");
        assert_eq!(read[0].customer.as_deref(), Some("acme"));
        assert_eq!(read[0].object["metric"], "resolution");
        assert_eq!(read[0].object["recipients"], json!(["desk"]));
    }
}
