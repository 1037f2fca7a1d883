//! Bearer-token authentication, the first thing every route runs, and the caller's grants, which
//! every authorisation decision reads. Tokens are stored only as SHA-256 hashes; the
//! `bootstrap_token` Spin variable (a secret) authenticates a break-glass administrator so a fresh
//! install is usable at once. The policy itself (which role holds which authority, in which
//! scope) lives in `itsm_domain::access`; [`Principal`] applies it.

use crate::ApiError;
use crate::relay::{RELAY_SECRET, relayed_user};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use itsm_domain::access::{self, Grant, Role, Scope, ScopeKind, Visibility};
use itsm_store::{AuditEntry, Db, Sql, Variables, Vars, in_transaction, insert_audit_entry};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The user name the bootstrap token authenticates as.
pub const BOOTSTRAP_USER: &str = "bootstrap-admin";

/// The actor of what the processes' own rules do when their time comes (a resolution closing
/// itself), so the audit trail never credits a person who merely looked or ran the scheduler.
pub const SYSTEM_USER: &str = "system";

/// Names no stored user may take, so the audit trail's actors stay unambiguous.
pub const RESERVED_USERS: &[&str] = &[BOOTSTRAP_USER, SYSTEM_USER, UNAUTHENTICATED_USER];

/// The actor of what callers who could not prove who they are did (a chat request with a bad
/// signature), so the audit trail never credits anyone for it.
pub const UNAUTHENTICATED_USER: &str = "unauthenticated";

/// Who is calling, with the grants they hold now.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub user: String,
    /// `None` for the bootstrap administrator, who is not a stored user.
    pub user_id: Option<i64>,
    pub grants: Vec<Grant>,
    /// The bootstrap token: every authority, for setting up the first users and for recovery.
    /// Everything it does is audited under [`BOOTSTRAP_USER`].
    pub break_glass: bool,
}

impl Principal {
    pub fn bootstrap() -> Self {
        Self {
            user: BOOTSTRAP_USER.to_owned(),
            user_id: None,
            grants: Vec::new(),
            break_glass: true,
        }
    }

    /// The processes' own time-driven rules: no grants, no token, never a person.
    pub fn system() -> Self {
        Self {
            user: SYSTEM_USER.to_owned(),
            user_id: None,
            grants: Vec::new(),
            break_glass: false,
        }
    }

    /// Whether the caller holds `authority` for a record in `context` (its customer, service,
    /// process); an empty context asks for the authority outside any scope.
    pub fn may(&self, authority: &str, context: &[Scope]) -> bool {
        self.break_glass || access::permits(&self.grants, authority, context)
    }

    /// Checks one authority outside any scope, such as `user.write`; a 403 names it.
    pub fn require(&self, authority: &str) -> Result<(), ApiError> {
        self.require_in(authority, &[])
    }

    /// Checks one authority for a record in `context`; a 403 names it and the scope.
    pub fn require_in(&self, authority: &str, context: &[Scope]) -> Result<(), ApiError> {
        if self.may(authority, context) {
            return Ok(());
        }
        let mut error = ApiError::forbidden(authority);
        if let ApiError::Forbidden { detail, .. } = &mut error
            && !context.is_empty()
            && self.holds_anywhere(authority)
        {
            let scopes: Vec<String> = context.iter().map(Scope::to_string).collect();
            detail.push_str(&format!(" for {}", scopes.join(", ")));
        }
        Err(error)
    }

    /// Checks that the caller holds `authority` in some scope at least, for reads whose
    /// records are shared by every scope (the published catalogue, the service portfolio).
    pub fn require_anywhere(&self, authority: &str) -> Result<(), ApiError> {
        if self.holds_anywhere(authority) {
            Ok(())
        } else {
            Err(ApiError::forbidden(authority))
        }
    }

    /// Checks `authority` for one record; a caller who holds the authority only in other scopes
    /// (a customer contact looking at another customer's record) gets 404, so the answer does
    /// not reveal that the record exists.
    pub fn require_visible(
        &self,
        authority: &str,
        context: &[Scope],
        what: impl std::fmt::Display,
    ) -> Result<(), ApiError> {
        match self.require_in(authority, context) {
            Err(_) if matches!(self.visibility(authority), Visibility::Only(_)) => {
                Err(ApiError::not_found(what))
            }
            other => other,
        }
    }

    /// Which records of `authority` the caller may see: all, only some scopes, or none.
    pub fn visibility(&self, authority: &str) -> Visibility {
        if self.break_glass {
            Visibility::All
        } else {
            access::visibility(&self.grants, authority)
        }
    }

    /// The customer codes the caller may see records of, or `None` when not limited. A grant
    /// scoped to the authority's own process (a process manager's) reaches all its records.
    pub fn visible_customers(&self, authority: &str) -> Result<Option<Vec<String>>, ApiError> {
        let own_process = access::authority(authority).map(|a| Scope::process(a.process));
        match self.visibility(authority) {
            Visibility::All => Ok(None),
            Visibility::Only(scopes) if own_process.is_some_and(|p| scopes.contains(&p)) => {
                Ok(None)
            }
            Visibility::Only(scopes) => Ok(Some(
                scopes
                    .into_iter()
                    .filter(|s| s.kind == ScopeKind::Customer)
                    .map(|s| s.key)
                    .collect(),
            )),
            Visibility::Nothing => Err(ApiError::forbidden(authority)),
        }
    }

    /// The customer a new record is for: as `given`, or, for a caller who holds `authority` only
    /// for some customers (a contact), the one they belong to. Whether the caller may act for
    /// that customer is still for `require_in` to say.
    pub fn customer_for(
        &self,
        authority: &str,
        given: Option<&str>,
    ) -> Result<Option<String>, ApiError> {
        match (given, self.visible_customers(authority)?) {
            (given, None) => Ok(given.map(str::to_owned)),
            (Some(given), Some(_)) => Ok(Some(given.to_owned())),
            (None, Some(mut own)) if own.len() == 1 => Ok(own.pop()),
            (None, Some(own)) => Err(ApiError::invalid_field(
                "customer",
                format!("say which customer this is for: one of {}", own.join(", ")),
            )),
        }
    }

    fn holds_anywhere(&self, authority: &str) -> bool {
        !matches!(self.visibility(authority), Visibility::Nothing)
    }

    /// The grants as recorded with each audit entry, e.g. `service_desk, customer:acme`.
    pub fn roles_text(&self) -> String {
        if self.break_glass {
            return "bootstrap (all authorities)".to_owned();
        }
        if self.user == SYSTEM_USER && self.user_id.is_none() {
            return "system (a rule that fell due)".to_owned();
        }
        self.grants
            .iter()
            .map(|g| match &g.scope {
                Some(scope) => format!("{}:{}", g.role, scope.key),
                None => g.role.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// What authentication needs: the database and the variables.
#[derive(Clone)]
pub struct AuthState {
    pub db: Arc<Db>,
    pub vars: Arc<Vars>,
}

/// Middleware: authenticates the request and stores the [`Principal`] in its extensions.
pub async fn require_auth(
    State(state): State<AuthState>,
    mut request: Request,
    next: Next,
) -> Response {
    let header = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match authenticate(&*state.db, &*state.vars, header.as_deref(), &crate::now()).await {
        Ok(principal) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}

pub async fn authenticate(
    db: &impl Sql,
    vars: &impl Variables,
    authorization: Option<&str>,
    now: &str,
) -> Result<Principal, ApiError> {
    let header = authorization.ok_or_else(|| unauthorized("send Authorization: Bearer <token>"))?;
    if let Some(credential) = header.strip_prefix("Relay ") {
        return relayed(db, vars, credential, now).await;
    }
    let token = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauthorized("the Authorization header must be Bearer <token>"))?;
    let hash = hash_token(token);
    if is_bootstrap_token(vars, &hash).await? {
        return Ok(Principal::bootstrap());
    }
    let rows = db
        .query(
            "SELECT t.token_id, t.expires_at, t.revoked_at, u.user_id, u.user_name, u.deactivated_at,
                    (SELECT group_concat(r.role || ':' || coalesce(r.scope_kind, '') || ':' || coalesce(r.scope_key, ''), ',')
                     FROM role_assignment r
                     WHERE r.user_id = u.user_id AND r.revoked_at IS NULL
                       AND (r.valid_until IS NULL OR r.valid_until > ?)) AS grants
             FROM api_token t JOIN app_user u ON u.user_id = t.user_id
             WHERE t.token_hash = ?",
            &[now.into(), hash.into()],
        )
        .await?;
    let row = rows
        .first()
        .ok_or_else(|| unauthorized("the token is not valid"))?;
    let token_id: i64 = row.get("token_id")?;
    let user: String = row.get("user_name")?;
    let refusal = if row.get::<Option<String>>("revoked_at")?.is_some() {
        Some("the token has been revoked")
    } else if row
        .get::<Option<String>>("expires_at")?
        .is_some_and(|at| at.as_str() <= now)
    {
        Some("the token has expired")
    } else if row.get::<Option<String>>("deactivated_at")?.is_some() {
        Some("the user has been deactivated")
    } else {
        None
    };
    if let Some(reason) = refusal {
        record_refused_token(db, token_id, &user, reason, now).await?;
        return Err(unauthorized(reason));
    }
    record_use(db, token_id, now).await?;
    let grants: Option<String> = row.get("grants")?;
    Ok(Principal {
        user,
        user_id: Some(row.get("user_id")?),
        grants: grants.as_deref().map(parse_grants).unwrap_or_default(),
        break_glass: false,
    })
}

/// A call relayed for an active user (see [`crate::relay`]), with that user's live grants.
async fn relayed(
    db: &impl Sql,
    vars: &impl Variables,
    credential: &str,
    now: &str,
) -> Result<Principal, ApiError> {
    let secret = vars.get(RELAY_SECRET).await?.unwrap_or_default();
    let now_unix = crate::time::unix_seconds(now)?;
    let user = relayed_user(&secret, credential, now_unix).map_err(unauthorized)?;
    let (user_id, grants) = active_user(db, &user, now)
        .await?
        .ok_or_else(|| unauthorized("the relayed user is not an active user"))?;
    Ok(Principal {
        user,
        user_id: Some(user_id),
        grants,
        break_glass: false,
    })
}

/// The live grants of an active user other than the caller, to check that someone named for a
/// task can do it; `None` when there is no such active user.
pub async fn grants_of(
    db: &impl Sql,
    user_name: &str,
    now: &str,
) -> Result<Option<Vec<Grant>>, ApiError> {
    Ok(active_user(db, user_name, now)
        .await?
        .map(|(_, grants)| grants))
}

/// An active user's id and live grants; `None` when there is no such active user.
async fn active_user(
    db: &impl Sql,
    user_name: &str,
    now: &str,
) -> Result<Option<(i64, Vec<Grant>)>, ApiError> {
    let rows = db
        .query(
            "SELECT u.user_id, (SELECT group_concat(r.role || ':' || coalesce(r.scope_kind, '') || ':' || coalesce(r.scope_key, ''), ',')
                     FROM role_assignment r
                     WHERE r.user_id = u.user_id AND r.revoked_at IS NULL
                       AND (r.valid_until IS NULL OR r.valid_until > ?)) AS grants
             FROM app_user u WHERE u.user_name = ? AND u.deactivated_at IS NULL",
            &[now.into(), user_name.into()],
        )
        .await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let grants: Option<String> = row.get("grants")?;
    Ok(Some((
        row.get("user_id")?,
        grants.as_deref().map(parse_grants).unwrap_or_default(),
    )))
}

fn unauthorized(detail: &str) -> ApiError {
    ApiError::Unauthorized {
        detail: detail.to_owned(),
    }
}

/// Reads `role:kind:key` triples, in a stable order (SQLite does not promise one). A role this
/// build no longer knows grants nothing.
fn parse_grants(text: &str) -> Vec<Grant> {
    let mut grants: Vec<Grant> = text
        .split(',')
        .filter_map(|triple| {
            let mut parts = triple.splitn(3, ':');
            let role = Role::parse(parts.next()?).ok()?;
            let scope = match (parts.next()?, parts.next()?) {
                ("", _) => None,
                (kind, key) => Some(Scope {
                    kind: ScopeKind::parse(kind).ok()?,
                    key: key.to_owned(),
                }),
            };
            Grant::new(role, scope).ok()
        })
        .collect();
    grants.sort_by(|a, b| {
        (
            a.role.as_str(),
            a.scope.as_ref().map(|s| (s.kind.as_str(), &s.key)),
        )
            .cmp(&(
                b.role.as_str(),
                b.scope.as_ref().map(|s| (s.kind.as_str(), &s.key)),
            ))
    });
    grants
}

async fn is_bootstrap_token(vars: &impl Variables, presented_hash: &str) -> Result<bool, ApiError> {
    let Some(bootstrap) = vars.get("bootstrap_token").await? else {
        return Ok(false);
    };
    // Compare hashes in constant time, so timing reveals nothing about the secret.
    Ok(hash_token(&bootstrap)
        .as_bytes()
        .ct_eq(presented_hash.as_bytes())
        .into())
}

/// A revoked or expired token, or one of a deactivated user, is evidence worth keeping: someone
/// holds a credential they should no longer use.
async fn record_refused_token(
    db: &impl Sql,
    token_id: i64,
    user: &str,
    reason: &str,
    now: &str,
) -> Result<(), ApiError> {
    in_transaction(db, async |db| {
        insert_audit_entry(
            db,
            &AuditEntry {
                entity_type: "api_token",
                entity_id: token_id,
                action: "token.refused",
                actor: user,
                actor_roles: "",
                occurred_at: now,
                before: None,
                after: None,
                reason: Some(reason),
            },
        )
        .await
    })
    .await?;
    Ok(())
}

/// Records when a token was last used, at most once a minute, so authentication is not a write
/// on every request.
async fn record_use(db: &impl Sql, token_id: i64, now: &str) -> Result<(), ApiError> {
    let a_minute_ago = chrono::DateTime::parse_from_rfc3339(now)
        .map(|t| {
            (t - chrono::Duration::minutes(1)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        })
        .unwrap_or_else(|_| now.to_owned());
    db.execute(
        "UPDATE api_token SET last_used_at = ? WHERE token_id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
        &[now.into(), token_id.into(), a_minute_ago.into()],
    )
    .await?;
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use itsm_domain::access::names;
    use itsm_store::native::{MapVariables, NativeDb};
    use std::collections::HashMap;

    const NOW: &str = "2026-11-21T10:00:00.000Z";

    async fn db_with_token(token: &str, expires_at: Option<&str>, revoked: bool) -> NativeDb {
        let db = NativeDb::migrated(NOW).await.expect("migrated db");
        db.execute_now(
            "INSERT INTO app_user (user_name, display_name, created_at) VALUES ('ann', 'Ann', ?)",
            &[NOW.into()],
        )
        .expect("user");
        for (role, kind, key, until) in [
            ("service_desk", None, None, None),
            ("customer", Some("customer"), Some("acme"), None),
            (
                "change_manager",
                None,
                None,
                Some("2026-01-01T00:00:00.000Z"),
            ),
        ] {
            db.execute_now(
                "INSERT INTO role_assignment (user_id, role, scope_kind, scope_key, reason, granted_by, granted_at, reevaluate_by, valid_until)
                 VALUES (1, ?, ?, ?, 'test', 'root', ?, ?, ?)",
                &[role.into(), kind.into(), key.into(), NOW.into(), NOW.into(), until.into()],
            )
            .expect("grant");
        }
        db.execute_now(
            "INSERT INTO api_token (user_id, token_hash, label, created_at, expires_at, revoked_at) VALUES (1, ?, 'cli', ?, ?, ?)",
            &[hash_token(token).into(), NOW.into(), expires_at.into(), revoked.then_some(NOW).into()],
        )
        .expect("token");
        db
    }

    fn vars(bootstrap: Option<&str>) -> MapVariables {
        MapVariables(
            bootstrap
                .map(|b| HashMap::from([("bootstrap_token".to_owned(), b.to_owned())]))
                .unwrap_or_default(),
        )
    }

    #[tokio::test]
    async fn a_stored_token_authenticates_its_user_with_live_grants_and_records_use() {
        let db = db_with_token("t0ken", None, false).await;
        let p = authenticate(&db, &vars(None), Some("Bearer t0ken"), NOW)
            .await
            .expect("valid");
        assert_eq!(p.user, "ann");
        assert_eq!(p.roles_text(), "customer:acme, service_desk");
        let rows = db
            .query_now("SELECT last_used_at FROM api_token", &[])
            .expect("read");
        assert_eq!(
            rows.first()
                .expect("row")
                .get::<Option<String>>("last_used_at")
                .expect("col")
                .as_deref(),
            Some(NOW)
        );
        assert!(p.require(names::INCIDENT_WRITE).is_ok());
        // The expired change_manager grant gives nothing.
        let err = p.require(names::CHANGE_APPROVE).expect_err("expired grant");
        assert!(
            matches!(err, ApiError::Forbidden { ref authority, .. } if authority == "change.approve")
        );
    }

    #[tokio::test]
    async fn scoped_grants_answer_404_outside_their_scope_and_403_to_strangers() {
        let customer = Principal {
            user: "cat".to_owned(),
            user_id: Some(2),
            grants: vec![Grant::new(Role::Customer, Some(Scope::customer("acme"))).expect("grant")],
            break_glass: false,
        };
        assert!(
            customer
                .require_visible(names::INCIDENT_READ, &[Scope::customer("acme")], "INC1")
                .is_ok()
        );
        assert!(matches!(
            customer.require_visible(names::INCIDENT_READ, &[Scope::customer("globex")], "INC1"),
            Err(ApiError::NotFound { .. })
        ));
        assert_eq!(
            customer
                .visible_customers(names::INCIDENT_READ)
                .expect("some"),
            Some(vec!["acme".to_owned()])
        );
        assert!(matches!(
            customer.require_visible(names::INCIDENT_WRITE, &[Scope::customer("acme")], "INC1"),
            Err(ApiError::Forbidden { .. })
        ));
        let auditor = Principal {
            grants: vec![Grant::new(Role::ExternalAuditor, None).expect("grant")],
            ..customer
        };
        assert_eq!(
            auditor
                .visible_customers(names::INCIDENT_READ)
                .expect("all"),
            None
        );
    }

    #[tokio::test]
    async fn missing_unknown_revoked_and_expired_tokens_are_refused() {
        let db = db_with_token("t0ken", Some("2026-01-01T00:00:00.000Z"), false).await;
        for header in [
            None,
            Some("Basic abc"),
            Some("Bearer nope"),
            Some("Bearer t0ken"),
        ] {
            let err = authenticate(&db, &vars(None), header, NOW)
                .await
                .expect_err("refused");
            assert!(
                matches!(err, ApiError::Unauthorized { .. }),
                "{header:?}: {err:?}"
            );
        }
        let db = db_with_token("t0ken", None, true).await;
        let err = authenticate(&db, &vars(None), Some("Bearer t0ken"), NOW)
            .await
            .expect_err("revoked");
        assert!(err.to_string().contains("revoked"));
        let audit = db
            .query_now("SELECT actor, action, reason FROM audit_entry", &[])
            .expect("audit");
        let row = audit.first().expect("the refusal is recorded");
        assert_eq!(row.get::<String>("actor").expect("actor"), "ann");
        assert_eq!(
            row.get::<String>("action").expect("action"),
            "token.refused"
        );
    }

    #[tokio::test]
    async fn the_bootstrap_token_is_a_break_glass_administrator() {
        let db = db_with_token("t0ken", None, false).await;
        let p = authenticate(&db, &vars(Some("boot")), Some("Bearer boot"), NOW)
            .await
            .expect("bootstrap");
        assert_eq!(p.user, BOOTSTRAP_USER);
        assert!(p.break_glass);
        assert!(p.require(names::SLA_APPROVE).is_ok());
    }

    #[tokio::test]
    async fn a_relayed_call_is_its_users_with_their_live_grants_and_nothing_forged_passes() {
        let db = db_with_token("t0ken", None, false).await;
        let secret = "a relay secret of at least thirty-two characters";
        let vars = MapVariables(HashMap::from([(
            crate::relay::RELAY_SECRET.to_owned(),
            secret.to_owned(),
        )]));
        let unix = chrono::DateTime::parse_from_rfc3339(NOW)
            .expect("now")
            .timestamp();
        let header = crate::relay::relay_header(secret, "ann", unix);
        let p = authenticate(&db, &vars, Some(&header), NOW)
            .await
            .expect("relayed");
        assert_eq!(p.user, "ann");
        assert_eq!(p.roles_text(), "customer:acme, service_desk");
        assert!(!p.break_glass);
        let forged = crate::relay::relay_header(
            "not the deployment's secret, though long enough",
            "ann",
            unix,
        );
        assert!(authenticate(&db, &vars, Some(&forged), NOW).await.is_err());
        let nobody = crate::relay::relay_header(secret, "zed", unix);
        assert!(authenticate(&db, &vars, Some(&nobody), NOW).await.is_err());
        let unset = authenticate(&db, &MapVariables(HashMap::new()), Some(&header), NOW).await;
        assert!(unset.is_err(), "no relays where no secret is set");
    }
}
