//! The `role_assignment` table: who holds which role, in which scope, granted by whom, when,
//! until when and why, when it must be re-evaluated, and when and why it was revoked.

use itsm_domain::access::{Scope, ScopeKind};
use itsm_store::{Row, Sql, StoreError, Value};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Assignment {
    pub id: i64,
    pub user_id: i64,
    pub user_name: String,
    pub role: String,
    pub scope: Option<Scope>,
    pub reason: String,
    pub granted_by: String,
    pub granted_at: String,
    pub valid_until: Option<String>,
    pub reevaluate_by: String,
    pub reevaluated_at: Option<String>,
    pub reevaluated_by: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
    #[serde(skip)]
    pub version: i64,
}

/// Where an assignment stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentState {
    Live,
    Expired,
    Revoked,
}

impl Assignment {
    pub fn state(&self, now: &str) -> AssignmentState {
        if self.revoked_at.is_some() {
            AssignmentState::Revoked
        } else if self
            .valid_until
            .as_deref()
            .is_some_and(|until| until <= now)
        {
            AssignmentState::Expired
        } else {
            AssignmentState::Live
        }
    }

    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        let scope = match row.parsed_opt("scope_kind", ScopeKind::parse)? {
            None => None,
            Some(kind) => Some(Scope {
                kind,
                key: row.get("scope_key")?,
            }),
        };
        Ok(Self {
            id: row.get("assignment_id")?,
            user_id: row.get("user_id")?,
            user_name: row.get("user_name")?,
            role: row.get("role")?,
            scope,
            reason: row.get("reason")?,
            granted_by: row.get("granted_by")?,
            granted_at: row.get("granted_at")?,
            valid_until: row.get("valid_until")?,
            reevaluate_by: row.get("reevaluate_by")?,
            reevaluated_at: row.get("reevaluated_at")?,
            reevaluated_by: row.get("reevaluated_by")?,
            revoked_at: row.get("revoked_at")?,
            revoked_by: row.get("revoked_by")?,
            revoke_reason: row.get("revoke_reason")?,
            version: row.get("version")?,
        })
    }
}

const SELECT: &str = "SELECT a.assignment_id, a.user_id, u.user_name, a.role, a.scope_kind, a.scope_key, a.reason,
    a.granted_by, a.granted_at, a.valid_until, a.reevaluate_by, a.reevaluated_at, a.reevaluated_by, a.revoked_at,
    a.revoked_by, a.revoke_reason, a.version
    FROM role_assignment a JOIN app_user u ON u.user_id = a.user_id";

pub async fn insert_assignment(db: &impl Sql, a: &Assignment) -> Result<i64, StoreError> {
    let (kind, key) = match &a.scope {
        Some(scope) => (Some(scope.kind.as_str()), Some(scope.key.as_str())),
        None => (None, None),
    };
    db.execute(
        "INSERT INTO role_assignment (user_id, role, scope_kind, scope_key, reason, granted_by, granted_at,
            valid_until, reevaluate_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            a.user_id.into(),
            a.role.as_str().into(),
            kind.into(),
            key.into(),
            a.reason.as_str().into(),
            a.granted_by.as_str().into(),
            a.granted_at.as_str().into(),
            a.valid_until.as_deref().into(),
            a.reevaluate_by.as_str().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_assignment(db: &impl Sql, id: i64) -> Result<Option<Assignment>, StoreError> {
    let rows = db
        .query(&format!("{SELECT} WHERE a.assignment_id = ?"), &[id.into()])
        .await?;
    rows.first().map(Assignment::from_row).transpose()
}

/// The assignment of this role and scope that is not revoked (it may have expired).
pub async fn unrevoked_assignment(
    db: &impl Sql,
    user_id: i64,
    role: &str,
    scope: Option<&Scope>,
) -> Result<Option<Assignment>, StoreError> {
    let rows = db
        .query(
            &format!(
                "{SELECT} WHERE a.user_id = ? AND a.role = ? AND coalesce(a.scope_kind, '') = ?
                   AND coalesce(a.scope_key, '') = ? AND a.revoked_at IS NULL"
            ),
            &[
                user_id.into(),
                role.into(),
                scope.map_or("", |s| s.kind.as_str()).into(),
                scope.map_or("", |s| s.key.as_str()).into(),
            ],
        )
        .await?;
    rows.first().map(Assignment::from_row).transpose()
}

/// Writes the revocation and re-evaluation fields if the version is unchanged.
pub async fn save_assignment(
    db: &impl Sql,
    a: &Assignment,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE role_assignment SET valid_until = ?, reevaluate_by = ?, reevaluated_at = ?, reevaluated_by = ?,
                revoked_at = ?, revoked_by = ?, revoke_reason = ?, version = version + 1
             WHERE assignment_id = ? AND version = ?",
            &[
                a.valid_until.as_deref().into(),
                a.reevaluate_by.as_str().into(),
                a.reevaluated_at.as_deref().into(),
                a.reevaluated_by.as_deref().into(),
                a.revoked_at.as_deref().into(),
                a.revoked_by.as_deref().into(),
                a.revoke_reason.as_deref().into(),
                a.id.into(),
                expected_version.into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Which assignments a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Not revoked and not expired.
    Live,
    /// Everything, revoked and expired included: the history.
    All,
}

#[derive(Debug, Clone)]
pub struct AssignmentFilter {
    pub which: Which,
    pub user_id: Option<i64>,
    pub role: Option<String>,
    pub scope: Option<Scope>,
    /// Live assignments whose re-evaluation is due before this time.
    pub reevaluation_due_before: Option<String>,
}

/// Assignments in id order; `after` continues past that id; fetches `limit + 1`.
pub async fn list_assignments(
    db: &impl Sql,
    filter: &AssignmentFilter,
    after: Option<i64>,
    limit: u32,
    now: &str,
) -> Result<Vec<Assignment>, StoreError> {
    let mut clauses = vec!["a.assignment_id > ?".to_owned()];
    let mut params: Vec<Value> = vec![after.unwrap_or(0).into()];
    if filter.which == Which::Live || filter.reevaluation_due_before.is_some() {
        clauses.push(
            "a.revoked_at IS NULL AND (a.valid_until IS NULL OR a.valid_until > ?)".to_owned(),
        );
        params.push(now.into());
    }
    if let Some(user_id) = filter.user_id {
        clauses.push("a.user_id = ?".to_owned());
        params.push(user_id.into());
    }
    if let Some(role) = &filter.role {
        clauses.push("a.role = ?".to_owned());
        params.push(role.into());
    }
    if let Some(scope) = &filter.scope {
        clauses.push("a.scope_kind = ? AND a.scope_key = ?".to_owned());
        params.extend([scope.kind.as_str().into(), scope.key.as_str().into()]);
    }
    if let Some(due) = &filter.reevaluation_due_before {
        clauses.push("a.reevaluate_by < ?".to_owned());
        params.push(due.into());
    }
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "{SELECT} WHERE {} ORDER BY a.assignment_id LIMIT ?",
                clauses.join(" AND ")
            ),
            &params,
        )
        .await?;
    rows.iter().map(Assignment::from_row).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::test_db::{NOW, migrated};
    use crate::store::users::{User, insert_user};

    async fn with_user() -> (itsm_store::native::NativeDb, i64) {
        let db = migrated().await;
        let id = insert_user(
            &db,
            &User {
                id: 0,
                user_name: "ann".to_owned(),
                display_name: "Ann".to_owned(),
                email: None,
                created_at: NOW.to_owned(),
                deactivated_at: None,
                version: 1,
            },
        )
        .await
        .expect("user");
        (db, id)
    }

    fn grant(user_id: i64, role: &str, scope: Option<Scope>, until: Option<&str>) -> Assignment {
        Assignment {
            id: 0,
            user_id,
            user_name: String::new(),
            role: role.to_owned(),
            scope,
            reason: "needed".to_owned(),
            granted_by: "root".to_owned(),
            granted_at: NOW.to_owned(),
            valid_until: until.map(str::to_owned),
            reevaluate_by: "2027-11-21T10:00:00.000Z".to_owned(),
            reevaluated_at: None,
            reevaluated_by: None,
            revoked_at: None,
            revoked_by: None,
            revoke_reason: None,
            version: 1,
        }
    }

    #[tokio::test]
    async fn live_lists_leave_out_revoked_and_expired_assignments_which_history_keeps() {
        let (db, user) = with_user().await;
        let scoped = Some(Scope::customer("acme"));
        let live = insert_assignment(&db, &grant(user, "customer", scoped.clone(), None))
            .await
            .expect("live");
        insert_assignment(
            &db,
            &grant(user, "slm", None, Some("2026-01-01T00:00:00.000Z")),
        )
        .await
        .expect("expired");
        let revoked = insert_assignment(&db, &grant(user, "hr", None, None))
            .await
            .expect("revoked");
        let mut hr = load_assignment(&db, revoked)
            .await
            .expect("load")
            .expect("hr");
        hr.revoked_at = Some(NOW.to_owned());
        hr.revoked_by = Some("root".to_owned());
        assert!(save_assignment(&db, &hr, 1).await.expect("revoke"));
        let mut filter = AssignmentFilter {
            which: Which::Live,
            user_id: Some(user),
            role: None,
            scope: None,
            reevaluation_due_before: None,
        };
        let shown = list_assignments(&db, &filter, None, 10, NOW)
            .await
            .expect("list");
        assert_eq!(shown.iter().map(|a| a.id).collect::<Vec<_>>(), [live]);
        assert_eq!(shown[0].scope, scoped);
        assert_eq!(shown[0].user_name, "ann");
        filter.which = Which::All;
        let all = list_assignments(&db, &filter, None, 10, NOW)
            .await
            .expect("all");
        let states: Vec<_> = all.iter().map(|a| a.state(NOW)).collect();
        assert_eq!(
            states,
            [
                AssignmentState::Live,
                AssignmentState::Expired,
                AssignmentState::Revoked
            ]
        );
        let found = unrevoked_assignment(&db, user, "customer", scoped.as_ref())
            .await
            .expect("find");
        assert_eq!(found.map(|a| a.id), Some(live));
        assert!(
            unrevoked_assignment(&db, user, "customer", None)
                .await
                .expect("find")
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_second_live_assignment_of_the_same_role_and_scope_is_refused_by_the_schema() {
        let (db, user) = with_user().await;
        insert_assignment(&db, &grant(user, "slm", None, None))
            .await
            .expect("first");
        assert!(
            insert_assignment(&db, &grant(user, "slm", None, None))
                .await
                .is_err()
        );
    }
}
