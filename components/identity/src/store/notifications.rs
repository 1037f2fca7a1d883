//! The `user_notification` table: what a user is told when their roles change (ISO/IEC 20000-1
//! §5.3 asks that role changes be communicated). The channels of a later stage deliver them.

use itsm_store::{Row, Sql, StoreError};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<i64>,
    pub created_at: String,
    pub read_at: Option<String>,
}

/// A notification about to be stored for `user_id`.
pub struct NewNotification<'a> {
    pub user_id: i64,
    pub kind: &'a str,
    pub subject: String,
    pub body: String,
    pub entity_type: &'a str,
    pub entity_id: i64,
    pub created_at: &'a str,
}

pub async fn insert_notification(
    db: &impl Sql,
    n: &NewNotification<'_>,
) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO user_notification (user_id, kind, subject, body, entity_type, entity_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            n.user_id.into(),
            n.kind.into(),
            n.subject.as_str().into(),
            n.body.as_str().into(),
            n.entity_type.into(),
            n.entity_id.into(),
            n.created_at.into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

fn from_row(row: Row<'_>) -> Result<Notification, StoreError> {
    Ok(Notification {
        id: row.get("notification_id")?,
        kind: row.get("kind")?,
        subject: row.get("subject")?,
        body: row.get("body")?,
        entity_type: row.get("entity_type")?,
        entity_id: row.get("entity_id")?,
        created_at: row.get("created_at")?,
        read_at: row.get("read_at")?,
    })
}

/// A user's notifications, newest first; `before` continues below that id; fetches `limit + 1`.
pub async fn list_notifications(
    db: &impl Sql,
    user_id: i64,
    unread_only: bool,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<Notification>, StoreError> {
    let unread = if unread_only {
        "AND read_at IS NULL"
    } else {
        ""
    };
    let rows = db
        .query(
            &format!(
                "SELECT notification_id, kind, subject, body, entity_type, entity_id, created_at, read_at
                 FROM user_notification WHERE user_id = ? AND notification_id < ? {unread}
                 ORDER BY notification_id DESC LIMIT ?"
            ),
            &[
                user_id.into(),
                before.unwrap_or(i64::MAX).into(),
                i64::from(limit + 1).into(),
            ],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// Marks one of the user's own notifications read; `false` if it is not theirs.
pub async fn mark_read(db: &impl Sql, user_id: i64, id: i64, at: &str) -> Result<bool, StoreError> {
    let rows = db
        .query(
            "SELECT 1 AS found FROM user_notification WHERE notification_id = ? AND user_id = ?",
            &[id.into(), user_id.into()],
        )
        .await?;
    if rows.is_empty() {
        return Ok(false);
    }
    db.execute(
        "UPDATE user_notification SET read_at = coalesce(read_at, ?) WHERE notification_id = ?",
        &[at.into(), id.into()],
    )
    .await?;
    Ok(true)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::test_db::{NOW, migrated};

    #[tokio::test]
    async fn a_user_reads_only_their_own_notifications() {
        let db = migrated().await;
        for name in ["ann", "bob"] {
            db.execute_now(
                "INSERT INTO app_user (user_name, display_name, created_at) VALUES (?, ?, ?)",
                &[name.into(), name.into(), NOW.into()],
            )
            .expect("user");
        }
        let note = |user_id| NewNotification {
            user_id,
            kind: "role_granted",
            subject: "You now hold slm".to_owned(),
            body: "granted by root".to_owned(),
            entity_type: "role_assignment",
            entity_id: 1,
            created_at: NOW,
        };
        let anns = insert_notification(&db, &note(1)).await.expect("ann's");
        insert_notification(&db, &note(2)).await.expect("bob's");
        assert!(!mark_read(&db, 2, anns, NOW).await.expect("bob tries"));
        assert_eq!(
            list_notifications(&db, 1, true, None, 10)
                .await
                .expect("list")
                .len(),
            1
        );
        assert!(mark_read(&db, 1, anns, NOW).await.expect("ann reads"));
        assert!(
            list_notifications(&db, 1, true, None, 10)
                .await
                .expect("list")
                .is_empty()
        );
        assert_eq!(
            list_notifications(&db, 1, false, None, 10)
                .await
                .expect("list")
                .len(),
            1
        );
    }
}
