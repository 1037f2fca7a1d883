//! `/api/v1/channels/identities`: which chat account acts as which project user. A linked account
//! acts with all of the user's authorities, as a token of theirs would, so linking and unlinking
//! take what issuing someone else's token takes (`token.manage`); reading the links needs
//! `user.read`.

use crate::store::{ChatIdentity, delete_identity, list_identities, load_identity, save_identity};
use crate::wire::{LinkRequest, check_chat_id, normal_chat_id};
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use itsm_domain::access::names::{TOKEN_MANAGE, USER_READ};
use itsm_http::audit::{Change, record};
use itsm_http::json::Items;
use itsm_http::references::ensure_active_user;
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::in_transaction;

const PLATFORMS: &[&str] = &["slack", "teams"];

type AccountPath = Path<(String, String, String)>;

/// The account a path names, checked, its ids as they are stored.
fn checked(
    (platform, workspace, external_id): (String, String, String),
) -> Result<(String, String, String), ApiError> {
    if !PLATFORMS.contains(&platform.as_str()) {
        return Err(ApiError::not_found(format_args!(
            "chat platform {platform}"
        )));
    }
    check_chat_id("workspace", &workspace).map_err(|m| ApiError::bad_field("workspace", m))?;
    check_chat_id("external_id", &external_id)
        .map_err(|m| ApiError::bad_field("external_id", m))?;
    let workspace = normal_chat_id(&workspace);
    let external_id = normal_chat_id(&external_id);
    Ok((platform, workspace, external_id))
}

pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<Items<ChatIdentity>>, ApiError> {
    principal.require(USER_READ)?;
    Ok(Json(Items::new(list_identities(&*services.db).await?)))
}

/// Links the account to the user, replacing any earlier link: 201 when new, 200 when replaced.
pub async fn link(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(account): AccountPath,
    ApiJson(request): ApiJson<LinkRequest>,
) -> Result<Response, ApiError> {
    principal.require(TOKEN_MANAGE)?;
    let (platform, workspace, external_id) = checked(account)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        ensure_active_user(db, request.user.as_str(), "user").await?;
        let before = load_identity(db, &platform, &workspace, &external_id).await?;
        let identity = ChatIdentity {
            platform: platform.clone(),
            workspace: workspace.clone(),
            external_id: external_id.clone(),
            user: request.user.as_str().to_owned(),
            linked_by: principal.user.clone(),
            linked_at: now.clone(),
        };
        let replaced = save_identity(db, &identity).await?;
        let mut change = Change::new("chat_identity", 0, "link").after(&identity);
        if let Some(before) = &before {
            change = change.before(before);
        }
        record(db, &principal, &change, &now).await?;
        let status = if replaced {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        Ok((status, Json(identity)).into_response())
    })
    .await
}

pub async fn unlink(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(account): AccountPath,
) -> Result<Response, ApiError> {
    principal.require(TOKEN_MANAGE)?;
    let (platform, workspace, external_id) = checked(account)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let Some(before) = load_identity(db, &platform, &workspace, &external_id).await? else {
            return Err(ApiError::not_found(format_args!(
                "a link of {platform} account {workspace}/{external_id}"
            )));
        };
        delete_identity(db, &platform, &workspace, &external_id).await?;
        record(
            db,
            &principal,
            &Change::new("chat_identity", 0, "unlink").before(&before),
            &now,
        )
        .await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}
