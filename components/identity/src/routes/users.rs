//! `/api/v1/users`: list, create, read and update users (deactivating one stops their tokens).

use super::{find_user, is_self, respond};
use crate::store::users::{self, User, UserFilter};
use crate::wire::{CreateUserRequest, NewUser, UpdateUserRequest};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::access::{Role, names};
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services, etag};
use itsm_store::{Sql, in_transaction};

pub async fn list_users(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require(names::USER_READ)?;
    let query = QueryParams::parse(query, &["role", "active"])?;
    let filter = UserFilter {
        role: query.parsed("role", |t| Role::parse(t).map(|r| r.as_str().to_owned()))?,
        active: query.flag("active")?,
    };
    let page = query.page()?;
    let now = itsm_http::now();
    let found = users::list_users(&*services.db, &filter, page.after, page.limit, &now).await?;
    Ok(query.respond("/api/v1/users", page, found, |u| u.id))
}

pub async fn create_user(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<CreateUserRequest>,
) -> Result<Response, ApiError> {
    principal.require(names::USER_WRITE)?;
    let new = request.parse()?;
    let now = itsm_http::now();
    let user = in_transaction(&*services.db, async |db| {
        add_user(db, &principal, &new, &now).await
    })
    .await?;
    let location = format!("/api/v1/users/{}", user.id);
    Ok(respond(
        &user,
        user.version,
        StatusCode::CREATED,
        Some(location),
    ))
}

/// Stores a new user (refusing a taken name) and records it; call inside a transaction.
pub async fn add_user(
    db: &impl Sql,
    principal: &Principal,
    new: &NewUser,
    now: &str,
) -> Result<User, ApiError> {
    if users::load_user(db, &users::UserRef::Name(new.user_name.clone()))
        .await?
        .is_some()
    {
        return Err(ApiError::Conflict {
            detail: format!("the user name {} is taken", new.user_name),
        });
    }
    let mut user = User {
        id: 0,
        user_name: new.user_name.clone(),
        display_name: new.display_name.clone(),
        email: new.email.clone(),
        created_at: now.to_owned(),
        deactivated_at: None,
        version: 1,
    };
    user.id = users::insert_user(db, &user).await?;
    record(db, principal, &Change::created("user", user.id, &user), now).await?;
    Ok(user)
}

pub async fn get_user(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(user): Path<String>,
) -> Result<Response, ApiError> {
    let user = find_user(&*services.db, &user).await?;
    if !is_self(&principal, &user) {
        principal.require(names::USER_READ)?;
    }
    Ok(respond(&user, user.version, StatusCode::OK, None))
}

pub async fn update_user(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(user): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UpdateUserRequest>,
) -> Result<Response, ApiError> {
    principal.require(names::USER_WRITE)?;
    let required = etag::if_match(&headers)?;
    let changes = request.parse()?;
    let now = itsm_http::now();
    let updated = in_transaction(&*services.db, async |db| {
        let current = find_user(db, &user).await?;
        etag::check(
            required.as_deref(),
            current.version,
            &format!("user {user}"),
        )?;
        if changes.active == Some(false) && is_self(&principal, &current) {
            return Err(ApiError::invalid_field(
                "active",
                "you cannot deactivate yourself",
            ));
        }
        let mut next = current.clone();
        if let Some(name) = &changes.display_name {
            next.display_name = name.clone();
        }
        if let Some(email) = &changes.email {
            next.email = email.clone();
        }
        match (changes.active, &current.deactivated_at) {
            (Some(false), None) => next.deactivated_at = Some(now.clone()),
            (Some(true), Some(_)) => next.deactivated_at = None,
            _ => {}
        }
        if next == current {
            return Ok(current);
        }
        if !users::save_user(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the user"));
        }
        next.version = current.version + 1;
        let action = match (&current.deactivated_at, &next.deactivated_at) {
            (None, Some(_)) => "deactivate",
            (Some(_), None) => "reactivate",
            _ => "update",
        };
        let change = Change::new("user", next.id, action)
            .before(&current)
            .after(&next);
        record(db, &principal, &change, &now).await?;
        Ok(next)
    })
    .await?;
    Ok(respond(&updated, updated.version, StatusCode::OK, None))
}
