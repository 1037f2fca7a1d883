//! The identity routes, one file per resource, and the steps they share: finding a user,
//! answering with a record and its ETag, and telling a user that their roles changed.

pub mod assignments;
pub mod customers;
pub mod me;
pub mod roles;
pub mod tailoring;
pub mod tokens;
pub mod users;

use crate::store::notifications::{NewNotification, insert_notification};
use crate::store::users::{User, UserRef, load_user};
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use itsm_http::{ApiError, Principal, etag};
use itsm_store::Sql;
use serde::Serialize;

pub async fn find_user(db: &impl Sql, user: &str) -> Result<User, ApiError> {
    load_user(db, &UserRef::parse(user))
        .await?
        .ok_or_else(|| ApiError::not_found(format_args!("user {user}")))
}

/// Whether the caller is this user.
pub fn is_self(principal: &Principal, user: &User) -> bool {
    principal.user_id == Some(user.id)
}

/// A record as JSON with its `ETag`, and its `Location` when just created.
pub fn respond<T: Serialize>(
    record: &T,
    version: i64,
    status: StatusCode,
    location: Option<String>,
) -> Response {
    let mut response = (status, Json(record)).into_response();
    let headers = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&etag::etag(version)) {
        headers.insert(header::ETAG, tag);
    }
    if let Some(location) = location
        && let Ok(location) = HeaderValue::from_str(&location)
    {
        headers.insert(header::LOCATION, location);
    }
    response
}

/// Tells a user about a change to their roles.
pub async fn notify(
    db: &impl Sql,
    user_id: i64,
    kind: &str,
    subject: String,
    body: String,
    assignment_id: i64,
    now: &str,
) -> Result<(), ApiError> {
    insert_notification(
        db,
        &NewNotification {
            user_id,
            kind,
            subject,
            body,
            entity_type: "role_assignment",
            entity_id: assignment_id,
            created_at: now,
        },
    )
    .await?;
    Ok(())
}
