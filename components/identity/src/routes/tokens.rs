//! `/api/v1/tokens`: API tokens. Everyone manages their own; `token.manage` covers other users'
//! (bots). A token is shown once, at creation; only its SHA-256 hash is stored.

use super::find_user;
use crate::store::tokens::{self, Token};
use crate::store::users::User;
use crate::views::NewTokenView;
use crate::wire::CreateTokenRequest;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use itsm_domain::FieldError;
use itsm_domain::access::names;
use itsm_http::audit::{Change, record};
use itsm_http::auth::hash_token;
use itsm_http::json::Items;
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services};
use itsm_store::{Sql, in_transaction};

/// Tokens start with this, so secret scanners and people recognise them.
const TOKEN_PREFIX: &str = "itsm_";

fn new_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(format!("no randomness: {e}")))?;
    Ok(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The user whose tokens are meant: the caller, or another one with `token.manage`.
async fn owner(db: &impl Sql, principal: &Principal, user: Option<&str>) -> Result<User, ApiError> {
    let user = match (user, principal.user_id) {
        (Some(user), _) => find_user(db, user).await?,
        (None, Some(id)) => find_user(db, &id.to_string()).await?,
        (None, None) => {
            return Err(ApiError::Unprocessable {
                detail: "user: the bootstrap administrator has no tokens of its own; name the user"
                    .to_owned(),
                errors: vec![FieldError::new("user", "name the user the token is for")],
            });
        }
    };
    if principal.user_id != Some(user.id) {
        principal.require(names::TOKEN_MANAGE)?;
    }
    Ok(user)
}

pub async fn create_token(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<CreateTokenRequest>,
) -> Result<Response, ApiError> {
    let now = itsm_http::now();
    let new = request.parse(&now)?;
    let secret = new_secret()?;
    let (token, user) = in_transaction(&*services.db, async |db| {
        let user = owner(db, &principal, new.user.as_deref()).await?;
        if user.deactivated_at.is_some() {
            return Err(ApiError::Conflict {
                detail: format!(
                    "{} is deactivated; reactivate the user first",
                    user.user_name
                ),
            });
        }
        let mut token = Token {
            id: 0,
            user_id: user.id,
            label: new.label.clone(),
            created_at: now.clone(),
            expires_at: Some(new.expires_at.clone()),
            revoked_at: None,
            last_used_at: None,
        };
        token.id = tokens::insert_token(db, &token, &hash_token(&secret)).await?;
        record(
            db,
            &principal,
            &Change::created("api_token", token.id, &token),
            &now,
        )
        .await?;
        Ok((token, user))
    })
    .await?;
    let body = NewTokenView {
        token,
        user: user.user_name,
        secret,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn list_tokens(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Items<Token>>, ApiError> {
    let query = QueryParams::parse(query, &["user"])?;
    let user = owner(&*services.db, &principal, query.get("user")).await?;
    Ok(Json(Items::new(
        tokens::list_tokens(&*services.db, user.id).await?,
    )))
}

/// Revoking is idempotent: a token already revoked is answered as it stands.
pub async fn revoke_token(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Token>, ApiError> {
    let now = itsm_http::now();
    let missing = || ApiError::not_found(format_args!("token {id}"));
    let token_id: i64 = id.parse().map_err(|_| missing())?;
    let token = in_transaction(&*services.db, async |db| {
        let before = tokens::load_token(db, token_id)
            .await?
            .ok_or_else(missing)?;
        if principal.user_id != Some(before.user_id) && !principal.may(names::TOKEN_MANAGE, &[]) {
            // Someone else's token: do not reveal that it exists.
            return Err(missing());
        }
        if !tokens::revoke_token(db, token_id, &now).await? {
            return Ok(before);
        }
        let after = tokens::load_token(db, token_id)
            .await?
            .ok_or_else(missing)?;
        let change = Change::new("api_token", token_id, "revoke")
            .before(&before)
            .after(&after);
        record(db, &principal, &change, &now).await?;
        Ok(after)
    })
    .await?;
    Ok(Json(token))
}
