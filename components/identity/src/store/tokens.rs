//! The `api_token` table: only each token's SHA-256 hash is kept, never the token.

use itsm_store::{Row, Sql, StoreError};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub label: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

const COLUMNS: &str = "token_id, user_id, label, created_at, expires_at, revoked_at, last_used_at";

impl Token {
    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get("token_id")?,
            user_id: row.get("user_id")?,
            label: row.get("label")?,
            created_at: row.get("created_at")?,
            expires_at: row.get("expires_at")?,
            revoked_at: row.get("revoked_at")?,
            last_used_at: row.get("last_used_at")?,
        })
    }
}

pub async fn insert_token(db: &impl Sql, token: &Token, hash: &str) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO api_token (user_id, token_hash, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        &[
            token.user_id.into(),
            hash.into(),
            token.label.as_str().into(),
            token.created_at.as_str().into(),
            token.expires_at.as_deref().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_token(db: &impl Sql, id: i64) -> Result<Option<Token>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM api_token WHERE token_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first().map(Token::from_row).transpose()
}

/// A user's tokens, newest first.
pub async fn list_tokens(db: &impl Sql, user_id: i64) -> Result<Vec<Token>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM api_token WHERE user_id = ? ORDER BY token_id DESC"),
            &[user_id.into()],
        )
        .await?;
    rows.iter().map(Token::from_row).collect()
}

/// Revokes a token that is not revoked yet; `false` if it already was.
pub async fn revoke_token(db: &impl Sql, id: i64, at: &str) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE api_token SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
            &[at.into(), id.into()],
        )
        .await?;
    Ok(changed == 1)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::test_db::{NOW, migrated};

    #[tokio::test]
    async fn tokens_are_stored_by_hash_listed_newest_first_and_revoked_once() {
        let db = migrated().await;
        db.execute_now(
            "INSERT INTO app_user (user_name, display_name, created_at) VALUES ('ann', 'Ann', ?)",
            &[NOW.into()],
        )
        .expect("user");
        let token = Token {
            id: 0,
            user_id: 1,
            label: "laptop".to_owned(),
            created_at: NOW.to_owned(),
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
        };
        let first = insert_token(&db, &token, "hash-1").await.expect("first");
        let second = insert_token(&db, &token, "hash-2").await.expect("second");
        let listed = list_tokens(&db, 1).await.expect("list");
        assert_eq!(
            listed.iter().map(|t| t.id).collect::<Vec<_>>(),
            [second, first]
        );
        assert!(revoke_token(&db, first, NOW).await.expect("revoke"));
        assert!(!revoke_token(&db, first, NOW).await.expect("again"));
        let stored = load_token(&db, first).await.expect("load").expect("exists");
        assert_eq!(stored.revoked_at.as_deref(), Some(NOW));
        assert!(
            insert_token(&db, &token, "hash-1").await.is_err(),
            "hashes are unique"
        );
    }
}
