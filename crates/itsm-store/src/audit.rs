//! The append-only, tamper-evident audit trail: one entry per create, update, transition and
//! approval, written by the same transaction as the change it records (the table's triggers
//! refuse UPDATE and DELETE), each entry chained to the one before by a SHA-256 hash.

use crate::{Row, Sql, StoreError, Value};
use sha2::{Digest, Sha256};

/// The link before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What changed, who changed it (with the roles they held), and why.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub entity_type: &'a str,
    pub entity_id: i64,
    pub action: &'a str,
    pub actor: &'a str,
    pub actor_roles: &'a str,
    pub occurred_at: &'a str,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
    pub reason: Option<&'a str>,
}

/// An entry as stored, which is what the hash covers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct StoredAuditEntry {
    pub audit_id: i64,
    pub occurred_at: String,
    pub actor: String,
    pub actor_roles: Option<String>,
    pub entity_type: String,
    pub entity_id: i64,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: Option<String>,
    pub entry_hash: Option<String>,
}

/// The columns [`StoredAuditEntry::from_row`] reads, for queries elsewhere.
pub const AUDIT_COLUMNS: &str = "audit_id, occurred_at, actor, actor_roles, entity_type, entity_id, action, before_json, after_json, reason, prev_hash, entry_hash";

impl StoredAuditEntry {
    pub fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            audit_id: row.get("audit_id")?,
            occurred_at: row.get("occurred_at")?,
            actor: row.get("actor")?,
            actor_roles: row.get("actor_roles")?,
            entity_type: row.get("entity_type")?,
            entity_id: row.get("entity_id")?,
            action: row.get("action")?,
            before_json: row.get("before_json")?,
            after_json: row.get("after_json")?,
            reason: row.get("reason")?,
            prev_hash: row.get("prev_hash")?,
            entry_hash: row.get("entry_hash")?,
        })
    }

    /// The hash this entry should carry: over every stored field and the link to the one before.
    /// A JSON array of the fields is an unambiguous encoding (no field can run into the next).
    pub fn expected_hash(&self) -> String {
        let content = serde_json::json!([
            self.audit_id,
            self.occurred_at,
            self.actor,
            self.actor_roles,
            self.entity_type,
            self.entity_id,
            self.action,
            self.before_json,
            self.after_json,
            self.reason,
            self.prev_hash,
        ]);
        hex::encode(Sha256::digest(content.to_string().as_bytes()))
    }
}

/// Appends one entry, linked to the last one, and returns its id. Call it inside the
/// transaction of the change it records: the transaction holds the write lock, so no other
/// writer can append between reading the last link and writing this one (and the explicit id
/// would collide if one tried).
pub async fn insert_audit_entry(db: &impl Sql, entry: &AuditEntry<'_>) -> Result<i64, StoreError> {
    let last = db
        .query(
            "SELECT audit_id, entry_hash FROM audit_entry ORDER BY audit_id DESC LIMIT 1",
            &[],
        )
        .await?;
    let (last_id, prev_hash) = match last.first() {
        Some(row) => (
            row.get::<i64>("audit_id")?,
            row.get::<Option<String>>("entry_hash")?
                .unwrap_or_else(|| GENESIS_HASH.to_owned()),
        ),
        None => (0, GENESIS_HASH.to_owned()),
    };
    let json = |v: Option<&serde_json::Value>| v.map(serde_json::Value::to_string);
    let mut stored = StoredAuditEntry {
        audit_id: last_id + 1,
        occurred_at: entry.occurred_at.to_owned(),
        actor: entry.actor.to_owned(),
        actor_roles: Some(entry.actor_roles.to_owned()),
        entity_type: entry.entity_type.to_owned(),
        entity_id: entry.entity_id,
        action: entry.action.to_owned(),
        before_json: json(entry.before),
        after_json: json(entry.after),
        reason: entry.reason.map(str::to_owned),
        prev_hash: Some(prev_hash),
        entry_hash: None,
    };
    stored.entry_hash = Some(stored.expected_hash());
    let values: Vec<Value> = vec![
        stored.audit_id.into(),
        stored.occurred_at.clone().into(),
        stored.actor.clone().into(),
        stored.actor_roles.clone().into(),
        stored.entity_type.clone().into(),
        stored.entity_id.into(),
        stored.action.clone().into(),
        stored.before_json.clone().into(),
        stored.after_json.clone().into(),
        stored.reason.clone().into(),
        stored.prev_hash.clone().into(),
        stored.entry_hash.clone().into(),
    ];
    db.execute(
        &format!(
            "INSERT INTO audit_entry ({AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        &values,
    )
    .await?;
    Ok(stored.audit_id)
}

/// One entry of a record's timeline, with the JSON snapshots decoded.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct HistoryEntry {
    pub audit_id: i64,
    pub occurred_at: String,
    pub actor: String,
    pub actor_roles: Option<String>,
    pub action: String,
    pub reason: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl From<StoredAuditEntry> for HistoryEntry {
    fn from(entry: StoredAuditEntry) -> Self {
        let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Self {
            audit_id: entry.audit_id,
            occurred_at: entry.occurred_at,
            actor: entry.actor,
            actor_roles: entry.actor_roles,
            action: entry.action,
            reason: entry.reason,
            before: json(entry.before_json),
            after: json(entry.after_json),
        }
    }
}

/// A record's timeline, oldest first: what every `GET /api/v1/<records>/{id}/history` answers.
pub async fn record_history(
    db: &impl Sql,
    entity_type: &str,
    entity_id: i64,
) -> Result<Vec<HistoryEntry>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_entry WHERE entity_type = ? AND entity_id = ? ORDER BY audit_id"
            ),
            &[entity_type.into(), entity_id.into()],
        )
        .await?;
    rows.iter()
        .map(|row| StoredAuditEntry::from_row(&row).map(HistoryEntry::from))
        .collect()
}

/// Why a link of the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BrokenLink {
    /// The entry's content no longer matches its own hash: it was altered.
    ContentAltered,
    /// The entry does not point at the entry before it: one was removed, inserted or re-hashed.
    LinkMismatch,
    /// An entry after the chain began carries no hash.
    HashMissing,
    /// Ids are not consecutive: an entry was removed.
    Gap,
}

/// How far verification got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Entries checked.
    pub checked: u64,
    /// Entries written before the chain existed (no hash), which cannot be verified.
    pub unchained: u64,
    /// The last good entry and its hash: record it outside the system to anchor later checks.
    pub head_id: i64,
    pub head_hash: String,
    /// The first broken entry, if any; verification stops there.
    pub first_broken: Option<(i64, BrokenLink)>,
}

/// Walks the whole chain in pages, oldest first, and reports the first broken link.
pub async fn verify_audit_chain(db: &impl Sql) -> Result<ChainReport, StoreError> {
    const PAGE: i64 = 500;
    let mut report = ChainReport {
        checked: 0,
        unchained: 0,
        head_id: 0,
        head_hash: GENESIS_HASH.to_owned(),
        first_broken: None,
    };
    let mut chain_started = false;
    loop {
        let rows = db
            .query(
                &format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_entry WHERE audit_id > ? ORDER BY audit_id LIMIT ?"
                ),
                &[report.head_id.into(), PAGE.into()],
            )
            .await?;
        if rows.is_empty() {
            return Ok(report);
        }
        for row in rows.iter() {
            let entry = StoredAuditEntry::from_row(&row)?;
            if let Some(broken) = check_link(&entry, &report, chain_started) {
                report.first_broken = Some((entry.audit_id, broken));
                return Ok(report);
            }
            report.checked += 1;
            report.head_id = entry.audit_id;
            match entry.entry_hash {
                Some(hash) => {
                    chain_started = true;
                    report.head_hash = hash;
                }
                None => report.unchained += 1,
            }
        }
    }
}

fn check_link(
    entry: &StoredAuditEntry,
    before: &ChainReport,
    chain_started: bool,
) -> Option<BrokenLink> {
    if entry.audit_id != before.head_id + 1 {
        return Some(BrokenLink::Gap);
    }
    let Some(hash) = &entry.entry_hash else {
        return chain_started.then_some(BrokenLink::HashMissing);
    };
    if entry.prev_hash.as_deref() != Some(before.head_hash.as_str()) {
        return Some(BrokenLink::LinkMismatch);
    }
    (entry.expected_hash() != *hash).then_some(BrokenLink::ContentAltered)
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use super::*;
    use crate::native::NativeDb;

    const NOW: &str = "2026-11-21T10:00:00.000Z";

    async fn db_with_entries(count: i64) -> NativeDb {
        let db = NativeDb::in_memory().expect("db");
        crate::apply_migrations(&db, NOW).await.expect("migrations");
        let after = serde_json::json!({ "state": "new" });
        for id in 1..=count {
            insert_audit_entry(
                &db,
                &AuditEntry {
                    entity_type: "incident",
                    entity_id: id,
                    action: "create",
                    actor: "ann",
                    actor_roles: "service_desk",
                    occurred_at: NOW,
                    before: None,
                    after: Some(&after),
                    reason: None,
                },
            )
            .await
            .expect("insert");
        }
        db
    }

    fn tamper(db: &NativeDb, sql: &str) {
        db.execute_now("DROP TRIGGER audit_entry_is_append_only_update", &[])
            .expect("drop trigger");
        db.execute_now("DROP TRIGGER audit_entry_is_append_only_delete", &[])
            .expect("drop trigger");
        db.execute_now(sql, &[]).expect("tamper");
    }

    #[tokio::test]
    async fn an_untouched_chain_verifies_across_pages() {
        let db = db_with_entries(1_203).await;
        let report = verify_audit_chain(&db).await.expect("verify");
        assert_eq!(report.checked, 1_203);
        assert_eq!(report.head_id, 1_203);
        assert_eq!(report.first_broken, None);
        assert_ne!(report.head_hash, GENESIS_HASH);
    }

    #[tokio::test]
    async fn each_kind_of_tampering_is_reported_at_its_entry() {
        let cases = [
            (
                "UPDATE audit_entry SET actor = 'mallory' WHERE audit_id = 3",
                3,
                BrokenLink::ContentAltered,
            ),
            (
                "DELETE FROM audit_entry WHERE audit_id = 3",
                4,
                BrokenLink::Gap,
            ),
            (
                "DELETE FROM audit_entry WHERE audit_id = 5",
                // Removing the last entry is invisible to the chain itself; an anchor catches it.
                0,
                BrokenLink::Gap,
            ),
            (
                "UPDATE audit_entry SET entry_hash = NULL, prev_hash = NULL WHERE audit_id = 2",
                2,
                BrokenLink::HashMissing,
            ),
            (
                "UPDATE audit_entry SET prev_hash = entry_hash WHERE audit_id = 4",
                4,
                BrokenLink::LinkMismatch,
            ),
        ];
        for (sql, broken_at, kind) in cases {
            let db = db_with_entries(5).await;
            tamper(&db, sql);
            let report = verify_audit_chain(&db).await.expect("verify");
            if broken_at == 0 {
                assert_eq!(report.first_broken, None, "{sql}");
                assert_eq!(report.head_id, 4, "{sql}");
            } else {
                assert_eq!(report.first_broken, Some((broken_at, kind)), "{sql}");
            }
        }
    }

    #[tokio::test]
    async fn the_triggers_still_refuse_updates_and_deletes() {
        let db = db_with_entries(1).await;
        assert!(
            db.execute_now("UPDATE audit_entry SET actor = 'x'", &[])
                .is_err()
        );
        assert!(db.execute_now("DELETE FROM audit_entry", &[]).is_err());
    }
}
