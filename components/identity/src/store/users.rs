//! The `app_user` table: people and bots who call the API.

use itsm_store::{Row, Sql, StoreError, Value};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct User {
    pub id: i64,
    pub user_name: String,
    pub display_name: String,
    pub email: Option<String>,
    pub created_at: String,
    pub deactivated_at: Option<String>,
    #[serde(skip)]
    pub version: i64,
}

const COLUMNS: &str =
    "user_id, user_name, display_name, email, created_at, deactivated_at, version";

impl User {
    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get("user_id")?,
            user_name: row.get("user_name")?,
            display_name: row.get("display_name")?,
            email: row.get("email")?,
            created_at: row.get("created_at")?,
            deactivated_at: row.get("deactivated_at")?,
            version: row.get("version")?,
        })
    }
}

/// A user named in a path: by id (`7`) or by user name (`ann`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Id(i64),
    Name(String),
}

impl UserRef {
    pub fn parse(text: &str) -> Self {
        text.parse()
            .map_or_else(|_| UserRef::Name(text.to_owned()), UserRef::Id)
    }
}

pub async fn insert_user(db: &impl Sql, user: &User) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO app_user (user_name, display_name, email, created_at) VALUES (?, ?, ?, ?)",
        &[
            user.user_name.as_str().into(),
            user.display_name.as_str().into(),
            user.email.as_deref().into(),
            user.created_at.as_str().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_user(db: &impl Sql, user: &UserRef) -> Result<Option<User>, StoreError> {
    let (condition, value): (&str, Value) = match user {
        UserRef::Id(id) => ("user_id = ?", (*id).into()),
        UserRef::Name(name) => ("user_name = ?", name.as_str().into()),
    };
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM app_user WHERE {condition}"),
            &[value],
        )
        .await?;
    rows.first().map(User::from_row).transpose()
}

/// Writes the mutable fields if the version is unchanged; `false` when another writer won.
pub async fn save_user(
    db: &impl Sql,
    user: &User,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE app_user SET display_name = ?, email = ?, deactivated_at = ?, version = version + 1
             WHERE user_id = ? AND version = ?",
            &[
                user.display_name.as_str().into(),
                user.email.as_deref().into(),
                user.deactivated_at.as_deref().into(),
                user.id.into(),
                expected_version.into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}

#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    /// Users holding this role now.
    pub role: Option<String>,
    pub active: Option<bool>,
}

/// Users in id order; `after` continues past that id; fetches `limit + 1`.
pub async fn list_users(
    db: &impl Sql,
    filter: &UserFilter,
    after: Option<i64>,
    limit: u32,
    now: &str,
) -> Result<Vec<User>, StoreError> {
    let mut clauses = vec!["user_id > ?".to_owned()];
    let mut params: Vec<Value> = vec![after.unwrap_or(0).into()];
    if let Some(role) = &filter.role {
        clauses.push(
            "EXISTS (SELECT 1 FROM role_assignment r WHERE r.user_id = app_user.user_id AND r.role = ?
                AND r.revoked_at IS NULL AND (r.valid_until IS NULL OR r.valid_until > ?))"
                .to_owned(),
        );
        params.extend([role.into(), now.into()]);
    }
    match filter.active {
        Some(true) => clauses.push("deactivated_at IS NULL".to_owned()),
        Some(false) => clauses.push("deactivated_at IS NOT NULL".to_owned()),
        None => {}
    }
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM app_user WHERE {} ORDER BY user_id LIMIT ?",
                clauses.join(" AND ")
            ),
            &params,
        )
        .await?;
    rows.iter().map(User::from_row).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::test_db::{NOW, migrated};

    fn user(name: &str) -> User {
        User {
            id: 0,
            user_name: name.to_owned(),
            display_name: name.to_uppercase(),
            email: None,
            created_at: NOW.to_owned(),
            deactivated_at: None,
            version: 1,
        }
    }

    #[tokio::test]
    async fn users_round_trip_by_id_and_name_and_list_by_filter() {
        let db = migrated().await;
        let ann = insert_user(&db, &user("ann")).await.expect("ann");
        insert_user(&db, &user("bob")).await.expect("bob");
        let by_name = load_user(&db, &UserRef::parse("ann")).await.expect("load");
        let by_id = load_user(&db, &UserRef::parse(&ann.to_string()))
            .await
            .expect("load");
        assert_eq!(by_name, by_id);
        let mut loaded = by_name.expect("ann exists");
        loaded.deactivated_at = Some(NOW.to_owned());
        assert!(save_user(&db, &loaded, 1).await.expect("save"));
        assert!(
            !save_user(&db, &loaded, 1).await.expect("stale"),
            "stale version"
        );
        let active = UserFilter {
            active: Some(true),
            ..UserFilter::default()
        };
        let listed = list_users(&db, &active, None, 10, NOW).await.expect("list");
        assert_eq!(
            listed
                .iter()
                .map(|u| u.user_name.as_str())
                .collect::<Vec<_>>(),
            ["bob"]
        );
        let page = list_users(&db, &UserFilter::default(), Some(ann), 10, NOW)
            .await
            .expect("after ann");
        assert_eq!(page.len(), 1);
    }
}
