//! Links from incidents to other records, and the links other records make to an incident, in
//! the shared `record_link` table (rows whose source is an incident are this process's).

use itsm_domain::link::{Relation, TargetKind};
use itsm_store::{Row, Sql, StoreError};
use schemars::JsonSchema;
use serde::Serialize;

const SOURCE: &str = "incident";

/// A link as seen from one incident: its own (`outgoing`) or another record's pointing at it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Link {
    pub id: i64,
    /// Read "this incident <relation> <target>"; for links made by the other record, the
    /// inverse name (`duplicated_by`, `causes`, `resolves`, `affected_by`, `related_to`).
    pub relation: String,
    pub target_kind: TargetKind,
    pub target: String,
    /// False when the link was made from the other record (it is removed there).
    pub outgoing: bool,
    pub created_at: String,
    pub created_by: String,
}

/// A new link from incident `source_id`; `None` when the same link exists already.
pub async fn insert_link(
    db: &impl Sql,
    source_id: i64,
    relation: Relation,
    target_kind: TargetKind,
    target: &str,
    by: &str,
    now: &str,
) -> Result<Option<i64>, StoreError> {
    let added = db
        .execute(
            "INSERT INTO record_link (source_kind, source_id, relation, target_kind, target, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            &[
                SOURCE.into(),
                source_id.into(),
                relation.as_str().into(),
                target_kind.as_str().into(),
                target.into(),
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

/// Removes one of the incident's own links; `false` if it has no such link.
pub async fn delete_link(db: &impl Sql, source_id: i64, link_id: i64) -> Result<bool, StoreError> {
    let removed = db
        .execute(
            "DELETE FROM record_link WHERE link_id = ? AND source_kind = ? AND source_id = ?",
            &[link_id.into(), SOURCE.into(), source_id.into()],
        )
        .await?;
    Ok(removed == 1)
}

/// The incident's own links and those pointing at it (by its `number`), oldest first.
pub async fn list_links(db: &impl Sql, id: i64, number: &str) -> Result<Vec<Link>, StoreError> {
    let rows = db
        .query(
            "SELECT link_id, relation, target_kind, target, created_at, created_by, 1 AS outgoing
             FROM record_link WHERE source_kind = ? AND source_id = ?
             UNION ALL
             SELECT link_id, relation, source_kind AS target_kind, source_id AS target, created_at, created_by, 0
             FROM record_link WHERE target_kind = ? AND target = ?
             ORDER BY link_id",
            &[SOURCE.into(), id.into(), SOURCE.into(), number.into()],
        )
        .await?;
    rows.iter().map(|row| link_from_row(&row)).collect()
}

fn link_from_row(row: &Row<'_>) -> Result<Link, StoreError> {
    let outgoing: bool = row.get("outgoing")?;
    let relation = row.parsed("relation", Relation::parse)?;
    let target_kind = row.parsed("target_kind", TargetKind::parse)?;
    let target = if outgoing {
        row.get("target")?
    } else {
        // The other record is the source: show its number, not its bare id.
        let id: i64 = row.get("target")?;
        match target_kind.record_kind() {
            Some(kind) => kind.number_text(id),
            None => id.to_string(),
        }
    };
    Ok(Link {
        id: row.get("link_id")?,
        relation: if outgoing {
            relation.as_str().to_owned()
        } else {
            relation.inverse().to_owned()
        },
        target_kind,
        target,
        outgoing,
        created_at: row.get("created_at")?,
        created_by: row.get("created_by")?,
    })
}

/// What incident `id` is recorded as a duplicate of, if anything.
pub async fn duplicate_of(db: &impl Sql, id: i64) -> Result<Option<String>, StoreError> {
    let rows = db
        .query(
            "SELECT target FROM record_link
             WHERE source_kind = ? AND source_id = ? AND relation = ? AND target_kind = ?",
            &[
                SOURCE.into(),
                id.into(),
                Relation::DuplicateOf.as_str().into(),
                SOURCE.into(),
            ],
        )
        .await?;
    rows.first().map(|row| row.get("target")).transpose()
}

/// The ids of the incidents recorded as duplicates of the incident numbered `number`.
pub async fn duplicates_of(db: &impl Sql, number: &str) -> Result<Vec<i64>, StoreError> {
    let rows = db
        .query(
            "SELECT source_id FROM record_link
             WHERE source_kind = ? AND relation = ? AND target_kind = ? AND target = ?
             ORDER BY source_id",
            &[
                SOURCE.into(),
                Relation::DuplicateOf.as_str().into(),
                SOURCE.into(),
                number.into(),
            ],
        )
        .await?;
    rows.iter().map(|row| row.get("source_id")).collect()
}

/// Whether incident `from` is, through a chain of `caused_by` links between incidents, caused
/// by the incident numbered `to`; linking `to` as caused by `from` would then close a loop.
pub async fn causes_reach(db: &impl Sql, from: i64, to: &str) -> Result<bool, StoreError> {
    let rows = db
        .query(
            "WITH RECURSIVE cause(id, number) AS (
                 SELECT source_id, target FROM record_link
                 WHERE source_kind = 'incident' AND source_id = ? AND relation = 'caused_by' AND target_kind = 'incident'
                 UNION
                 SELECT l.source_id, l.target FROM record_link l
                 JOIN cause c ON l.source_id = CAST(SUBSTR(c.number, 4) AS INTEGER)
                 WHERE l.source_kind = 'incident' AND l.relation = 'caused_by' AND l.target_kind = 'incident'
             )
             SELECT 1 AS found FROM cause WHERE number = ? LIMIT 1",
            &[from.into(), to.into()],
        )
        .await?;
    Ok(!rows.is_empty())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::insert_incident;
    use super::super::tests::{NOW, db, sample};
    use super::*;

    #[tokio::test]
    async fn links_are_seen_from_both_ends_and_stored_once() {
        let db = db().await;
        for n in 1..=2 {
            insert_incident(&db, &sample(&format!("n{n}"), "g"))
                .await
                .expect("insert");
        }
        let link = |relation, kind, target: &'static str| {
            let db = &db;
            async move {
                insert_link(db, 2, relation, kind, target, "ann", NOW)
                    .await
                    .expect("link")
            }
        };
        assert!(
            link(Relation::DuplicateOf, TargetKind::Incident, "INC0000001")
                .await
                .is_some()
        );
        assert!(
            link(Relation::DuplicateOf, TargetKind::Incident, "INC0000001")
                .await
                .is_none()
        );
        assert!(
            link(Relation::Affects, TargetKind::Service, "email")
                .await
                .is_some()
        );
        let own = list_links(&db, 2, "INC0000002").await.expect("list");
        let seen: Vec<(&str, &str, bool)> = own
            .iter()
            .map(|l| (l.relation.as_str(), l.target.as_str(), l.outgoing))
            .collect();
        assert_eq!(
            seen,
            [
                ("duplicate_of", "INC0000001", true),
                ("affects", "email", true)
            ]
        );
        let other = list_links(&db, 1, "INC0000001").await.expect("list");
        let seen: Vec<(&str, &str, bool)> = other
            .iter()
            .map(|l| (l.relation.as_str(), l.target.as_str(), l.outgoing))
            .collect();
        assert_eq!(seen, [("duplicated_by", "INC0000002", false)]);
        assert_eq!(
            duplicate_of(&db, 2).await.expect("read").as_deref(),
            Some("INC0000001")
        );
        assert_eq!(duplicate_of(&db, 1).await.expect("read"), None);
        assert_eq!(duplicates_of(&db, "INC0000001").await.expect("read"), [2]);
        assert!(
            duplicates_of(&db, "INC0000002")
                .await
                .expect("read")
                .is_empty()
        );
        // Only the source removes a link.
        assert!(!delete_link(&db, 1, own[0].id).await.expect("delete"));
        assert!(delete_link(&db, 2, own[0].id).await.expect("delete"));
        assert!(
            list_links(&db, 1, "INC0000001")
                .await
                .expect("list")
                .is_empty()
        );
    }

    #[tokio::test]
    async fn cause_chains_are_followed_to_find_loops() {
        let db = db().await;
        for n in 1..=4 {
            insert_incident(&db, &sample(&format!("n{n}"), "g"))
                .await
                .expect("insert");
        }
        // 1 caused by 2, 2 caused by 3.
        for (from, to) in [(1, "INC0000002"), (2, "INC0000003")] {
            insert_link(
                &db,
                from,
                Relation::CausedBy,
                TargetKind::Incident,
                to,
                "ann",
                NOW,
            )
            .await
            .expect("link");
        }
        assert!(causes_reach(&db, 1, "INC0000003").await.expect("query"));
        assert!(causes_reach(&db, 1, "INC0000002").await.expect("query"));
        assert!(!causes_reach(&db, 3, "INC0000001").await.expect("query"));
        assert!(!causes_reach(&db, 1, "INC0000004").await.expect("query"));
    }
}
