//! The channels component's SQL: which chat account or e-mail address is which project user, and
//! which requests were already handled.

use itsm_store::{Sql, StoreError};
use schemars::JsonSchema;
use serde::Serialize;

/// A chat account linked to a project user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ChatIdentity {
    /// `slack` or `teams`.
    pub platform: String,
    /// The Slack workspace (team id) or Teams tenant.
    pub workspace: String,
    /// The platform's user id (Slack `U…`; Teams: the Entra object id, or the Teams id `29:…`).
    pub external_id: String,
    /// The project user the account acts as.
    pub user: String,
    pub linked_by: String,
    pub linked_at: String,
}

/// The project user a chat account acts as, if it is linked to an active one.
pub async fn linked_user(
    db: &impl Sql,
    platform: &str,
    workspace: &str,
    external_id: &str,
) -> Result<Option<String>, StoreError> {
    let rows = db
        .query(
            "SELECT c.user_name FROM chat_identity c JOIN app_user u ON u.user_name = c.user_name
             WHERE c.platform = ? AND c.workspace = ? AND c.external_id = ? AND u.deactivated_at IS NULL",
            &[platform.into(), workspace.into(), external_id.into()],
        )
        .await?;
    rows.first().map(|row| row.get("user_name")).transpose()
}

/// The active users whose e-mail address is `address` (lower-case): one, to act as them.
pub async fn users_with_email(db: &impl Sql, address: &str) -> Result<Vec<String>, StoreError> {
    let rows = db
        .query(
            "SELECT user_name FROM app_user WHERE lower(email) = ? AND deactivated_at IS NULL
             ORDER BY user_name LIMIT 2",
            &[address.into()],
        )
        .await?;
    rows.iter().map(|row| row.get("user_name")).collect()
}

/// Links (or re-links) a chat account; whether it was linked before.
pub async fn save_identity(db: &impl Sql, identity: &ChatIdentity) -> Result<bool, StoreError> {
    let existed = load_identity(
        db,
        &identity.platform,
        &identity.workspace,
        &identity.external_id,
    )
    .await?
    .is_some();
    db.execute(
        "INSERT INTO chat_identity (platform, workspace, external_id, user_name, linked_by, linked_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (platform, workspace, external_id) DO UPDATE SET
            user_name = excluded.user_name, linked_by = excluded.linked_by, linked_at = excluded.linked_at",
        &[
            identity.platform.as_str().into(),
            identity.workspace.as_str().into(),
            identity.external_id.as_str().into(),
            identity.user.as_str().into(),
            identity.linked_by.as_str().into(),
            identity.linked_at.as_str().into(),
        ],
    )
    .await?;
    Ok(existed)
}

pub async fn load_identity(
    db: &impl Sql,
    platform: &str,
    workspace: &str,
    external_id: &str,
) -> Result<Option<ChatIdentity>, StoreError> {
    let rows = db
        .query(
            "SELECT platform, workspace, external_id, user_name, linked_by, linked_at FROM chat_identity
             WHERE platform = ? AND workspace = ? AND external_id = ?",
            &[platform.into(), workspace.into(), external_id.into()],
        )
        .await?;
    rows.first().map(|row| from_row(&row)).transpose()
}

/// Every linked account, by platform, workspace and user.
pub async fn list_identities(db: &impl Sql) -> Result<Vec<ChatIdentity>, StoreError> {
    let rows = db
        .query(
            "SELECT platform, workspace, external_id, user_name, linked_by, linked_at FROM chat_identity
             ORDER BY platform, workspace, user_name, external_id",
            &[],
        )
        .await?;
    rows.iter().map(|row| from_row(&row)).collect()
}

pub async fn delete_identity(
    db: &impl Sql,
    platform: &str,
    workspace: &str,
    external_id: &str,
) -> Result<bool, StoreError> {
    let removed = db
        .execute(
            "DELETE FROM chat_identity WHERE platform = ? AND workspace = ? AND external_id = ?",
            &[platform.into(), workspace.into(), external_id.into()],
        )
        .await?;
    Ok(removed == 1)
}

/// What became of a chat request's first copy, when this is not the first.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    First,
    /// Still being handled: its answer is not known yet.
    InHand,
    Answered(serde_json::Value),
}

/// Records a request's arrival, unless it was seen before; prunes what the platform received
/// before `forget_before`; takes over a first copy still unanswered since before
/// `in_hand_before`. Call inside a transaction.
pub async fn arrive(
    db: &impl Sql,
    platform: &str,
    body_hash: &str,
    now: &str,
    forget_before: &str,
    in_hand_before: &str,
) -> Result<Seen, StoreError> {
    prune(db, platform, forget_before).await?;
    let inserted = db
        .execute(
            "INSERT OR IGNORE INTO chat_request (body_hash, platform, received_at) VALUES (?, ?, ?)",
            &[body_hash.into(), platform.into(), now.into()],
        )
        .await?;
    if inserted == 1 {
        return Ok(Seen::First);
    }
    // A first copy whose handling died (its instance stopped) is taken over after a while, so
    // the request is not answered "in hand" for ever.
    let taken_over = db
        .execute(
            "UPDATE chat_request SET received_at = ? WHERE body_hash = ? AND answer IS NULL AND received_at < ?",
            &[now.into(), body_hash.into(), in_hand_before.into()],
        )
        .await?;
    if taken_over == 1 {
        return Ok(Seen::First);
    }
    let answer = stored_answer(db, body_hash).await?;
    Ok(answer.map_or(Seen::InHand, Seen::Answered))
}

/// Binds a one-time signature (its hash) to the message it came with: whether it was unused or
/// already bound to that same message (a retry), not to another. Call inside a transaction.
pub async fn bind_signature(
    db: &impl Sql,
    platform: &str,
    signature_hash: &str,
    message_key: &str,
    now: &str,
    forget_before: &str,
) -> Result<bool, StoreError> {
    prune(db, platform, forget_before).await?;
    db.execute(
        "INSERT OR IGNORE INTO chat_request (body_hash, platform, received_at, answer) VALUES (?, ?, ?, ?)",
        &[
            signature_hash.into(),
            platform.into(),
            now.into(),
            serde_json::Value::String(message_key.to_owned()).to_string().into(),
        ],
    )
    .await?;
    let bound = stored_answer(db, signature_hash).await?;
    Ok(bound.as_ref().and_then(|v| v.as_str()) == Some(message_key))
}

/// Forgets what the platform received before `before`.
async fn prune(db: &impl Sql, platform: &str, before: &str) -> Result<(), StoreError> {
    db.execute(
        "DELETE FROM chat_request WHERE platform = ? AND received_at < ?",
        &[platform.into(), before.into()],
    )
    .await?;
    Ok(())
}

/// The answer kept for a request, if one is.
async fn stored_answer(db: &impl Sql, hash: &str) -> Result<Option<serde_json::Value>, StoreError> {
    let rows = db
        .query(
            "SELECT answer FROM chat_request WHERE body_hash = ?",
            &[hash.into()],
        )
        .await?;
    match rows.first() {
        Some(row) => row.json_opt("answer"),
        None => Ok(None),
    }
}

/// Forgets a request whose handling failed, so a retry is handled afresh.
pub async fn forget(db: &impl Sql, body_hash: &str) -> Result<(), StoreError> {
    db.execute(
        "DELETE FROM chat_request WHERE body_hash = ? AND answer IS NULL",
        &[body_hash.into()],
    )
    .await?;
    Ok(())
}

/// Keeps the answer given to a request, for its retries.
pub async fn answered(
    db: &impl Sql,
    body_hash: &str,
    answer: &serde_json::Value,
) -> Result<(), StoreError> {
    db.execute(
        "UPDATE chat_request SET answer = ? WHERE body_hash = ?",
        &[answer.to_string().into(), body_hash.into()],
    )
    .await?;
    Ok(())
}

fn from_row(row: &itsm_store::Row<'_>) -> Result<ChatIdentity, StoreError> {
    Ok(ChatIdentity {
        platform: row.get("platform")?,
        workspace: row.get("workspace")?,
        external_id: row.get("external_id")?,
        user: row.get("user_name")?,
        linked_by: row.get("linked_by")?,
        linked_at: row.get("linked_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use itsm_store::native::NativeDb;

    const NOW: &str = "2027-01-11T09:00:00.000Z";

    async fn db() -> NativeDb {
        let db = NativeDb::migrated(NOW).await.expect("migrated db");
        for (name, deactivated) in [("ann", None), ("old", Some(NOW))] {
            db.execute(
                "INSERT INTO app_user (user_name, display_name, created_at, deactivated_at) VALUES (?, ?, ?, ?)",
                &[name.into(), name.into(), NOW.into(), deactivated.into()],
            )
            .await
            .expect("user");
        }
        db
    }

    fn identity(external_id: &str, user: &str) -> ChatIdentity {
        ChatIdentity {
            platform: "slack".to_owned(),
            workspace: "T1".to_owned(),
            external_id: external_id.to_owned(),
            user: user.to_owned(),
            linked_by: "admin".to_owned(),
            linked_at: NOW.to_owned(),
        }
    }

    #[tokio::test]
    async fn linked_accounts_act_as_their_active_user_only() {
        let db = db().await;
        assert!(
            !save_identity(&db, &identity("U1", "ann"))
                .await
                .expect("linked")
        );
        assert!(
            save_identity(&db, &identity("U1", "ann"))
                .await
                .expect("re-linked")
        );
        save_identity(&db, &identity("U2", "old"))
            .await
            .expect("linked");
        assert_eq!(
            linked_user(&db, "slack", "T1", "U1")
                .await
                .expect("read")
                .as_deref(),
            Some("ann")
        );
        assert_eq!(
            linked_user(&db, "slack", "T2", "U1").await.expect("read"),
            None,
            "another workspace"
        );
        assert_eq!(
            linked_user(&db, "slack", "T1", "U2").await.expect("read"),
            None,
            "deactivated"
        );
        assert_eq!(list_identities(&db).await.expect("list").len(), 2);
        assert!(
            delete_identity(&db, "slack", "T1", "U1")
                .await
                .expect("deleted")
        );
        assert!(
            !delete_identity(&db, "slack", "T1", "U1")
                .await
                .expect("gone")
        );
        let unknown_user = save_identity(&db, &identity("U3", "nobody")).await;
        assert!(unknown_user.is_err(), "the user must exist");
    }

    #[tokio::test]
    async fn a_repeated_request_gets_the_first_ones_answer_until_it_is_forgotten() {
        let db = db().await;
        let (early, long_ago) = ("2027-01-11T08:50:00.000Z", "2027-01-11T08:00:00.000Z");
        let seen = |hash: &'static str, now: &'static str, forget: &'static str| {
            let db = &db;
            async move {
                arrive(db, "slack", hash, now, forget, long_ago)
                    .await
                    .expect("arrived")
            }
        };
        assert_eq!(seen("h1", NOW, early).await, Seen::First);
        assert_eq!(seen("h1", NOW, early).await, Seen::InHand);
        let answer = serde_json::json!({"text": "done"});
        answered(&db, "h1", &answer).await.expect("kept");
        assert_eq!(seen("h1", NOW, early).await, Seen::Answered(answer));
        let later = "2027-01-11T09:20:00.000Z";
        assert_eq!(
            seen("h1", later, "2027-01-11T09:10:00.000Z").await,
            Seen::First
        );
        assert_eq!(seen("h2", NOW, NOW).await, Seen::First);
        forget(&db, "h2").await.expect("forgotten");
        assert_eq!(seen("h2", NOW, NOW).await, Seen::First, "afresh");
        // Another platform's rows are its own to prune.
        assert_eq!(
            arrive(&db, "email", "h3", NOW, early, long_ago)
                .await
                .expect("email"),
            Seen::First
        );
        assert_eq!(seen("h4", later, later).await, Seen::First);
        assert_eq!(
            arrive(&db, "email", "h3", later, early, long_ago)
                .await
                .expect("kept"),
            Seen::InHand
        );
    }

    #[tokio::test]
    async fn a_first_copy_left_in_hand_is_taken_over_after_a_while() {
        let db = db().await;
        let early = "2027-01-11T08:00:00.000Z";
        assert_eq!(
            arrive(&db, "email", "m1", NOW, early, early)
                .await
                .expect("first"),
            Seen::First
        );
        let soon = "2027-01-11T09:01:00.000Z";
        assert_eq!(
            arrive(&db, "email", "m1", soon, early, NOW)
                .await
                .expect("in hand"),
            Seen::InHand
        );
        let later = "2027-01-11T09:10:00.000Z";
        assert_eq!(
            arrive(&db, "email", "m1", later, early, "2027-01-11T09:05:00.000Z")
                .await
                .expect("taken over"),
            Seen::First
        );
    }

    #[tokio::test]
    async fn a_signature_is_good_for_one_message_and_its_retries() {
        let db = db().await;
        let early = "2027-01-11T08:00:00.000Z";
        let bind = |key: &'static str| {
            let db = &db;
            async move {
                bind_signature(db, "email-signature", "s1", key, NOW, early)
                    .await
                    .expect("bound")
            }
        };
        assert!(bind("message-a").await);
        assert!(
            bind("message-a").await,
            "Mailgun's retry of the same message"
        );
        assert!(
            !bind("message-b").await,
            "another message under a captured signature"
        );
    }
}
