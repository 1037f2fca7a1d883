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
use itsm_http::{ApiError, Principal};
use itsm_store::Sql;

pub async fn find_user(db: &impl Sql, user: &str) -> Result<User, ApiError> {
    load_user(db, &UserRef::parse(user))
        .await?
        .ok_or_else(|| ApiError::not_found(format_args!("user {user}")))
}

/// Whether the caller is this user.
pub fn is_self(principal: &Principal, user: &User) -> bool {
    principal.user_id == Some(user.id)
}

pub use itsm_http::etag::respond;

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
