//! Bearer-token authentication, the first thing every route runs. Tokens are stored only as
//! SHA-256 hashes; the `bootstrap_token` Spin variable (a secret) authenticates as an
//! administrator so a fresh install is usable at once. Authorisation goes through
//! [`Principal::require`], the seam the role model plugs into.

use crate::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use itsm_store::{Db, Sql, Variables, Vars};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The administrator role: holds every authority.
pub const ADMIN_ROLE: &str = "admin";
/// The user name the bootstrap token authenticates as.
pub const BOOTSTRAP_USER: &str = "bootstrap-admin";

/// Who is calling, with their roles.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub user: String,
    pub roles: Vec<String>,
}

impl Principal {
    /// Checks one authority, such as `incident.write`. Until the role model lands, the admin role
    /// holds every authority and other roles none; a 403 names what was missing.
    pub fn require(&self, authority: &str) -> Result<(), ApiError> {
        if self.roles.iter().any(|r| r == ADMIN_ROLE) {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                authority: authority.to_owned(),
            })
        }
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
    let unauthorized = |detail: &str| ApiError::Unauthorized {
        detail: detail.to_owned(),
    };
    let header = authorization.ok_or_else(|| unauthorized("send Authorization: Bearer <token>"))?;
    let token = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauthorized("the Authorization header must be Bearer <token>"))?;
    let hash = hash_token(token);
    if is_bootstrap_token(vars, &hash).await? {
        return Ok(Principal {
            user: BOOTSTRAP_USER.to_owned(),
            roles: vec![ADMIN_ROLE.to_owned()],
        });
    }
    let rows = db
        .query(
            "SELECT t.token_id, t.expires_at, t.revoked_at, u.user_name,
                    (SELECT group_concat(r.role, ',') FROM user_role r WHERE r.user_id = u.user_id) AS roles
             FROM api_token t JOIN app_user u ON u.user_id = t.user_id
             WHERE t.token_hash = ?",
            &[hash.into()],
        )
        .await?;
    let row = rows
        .first()
        .ok_or_else(|| unauthorized("the token is not valid"))?;
    if row.get::<Option<String>>("revoked_at")?.is_some() {
        return Err(unauthorized("the token has been revoked"));
    }
    if row
        .get::<Option<String>>("expires_at")?
        .is_some_and(|at| at.as_str() <= now)
    {
        return Err(unauthorized("the token has expired"));
    }
    let token_id: i64 = row.get("token_id")?;
    record_use(db, token_id, now).await?;
    let roles: Option<String> = row.get("roles")?;
    Ok(Principal {
        user: row.get("user_name")?,
        roles: roles
            .map(|r| r.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
    })
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
    use itsm_store::native::{MapVariables, NativeDb};
    use std::collections::HashMap;

    const NOW: &str = "2026-11-21T10:00:00.000Z";

    async fn db_with_token(token: &str, expires_at: Option<&str>, revoked: bool) -> NativeDb {
        let db = NativeDb::in_memory().expect("db");
        itsm_store::apply_migrations(&db, NOW)
            .await
            .expect("migrations");
        db.execute_now(
            "INSERT INTO app_user (user_name, display_name, created_at) VALUES ('ann', 'Ann', ?)",
            &[NOW.into()],
        )
        .expect("user");
        db.execute_now(
            "INSERT INTO user_role (user_id, role) VALUES (1, 'service_desk_agent')",
            &[],
        )
        .expect("role");
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
    async fn a_stored_token_authenticates_its_user_with_roles_and_records_use() {
        let db = db_with_token("t0ken", None, false).await;
        let p = authenticate(&db, &vars(None), Some("Bearer t0ken"), NOW)
            .await
            .expect("valid");
        assert_eq!(p.user, "ann");
        assert_eq!(p.roles, vec!["service_desk_agent"]);
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
        assert!(matches!(
            p.require("incident.write"),
            Err(ApiError::Forbidden { .. })
        ));
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
    }

    #[tokio::test]
    async fn the_bootstrap_token_is_an_administrator() {
        let db = db_with_token("t0ken", None, false).await;
        let p = authenticate(&db, &vars(Some("boot")), Some("Bearer boot"), NOW)
            .await
            .expect("bootstrap");
        assert_eq!(p.user, BOOTSTRAP_USER);
        assert!(p.require("anything").is_ok());
    }
}
