//! `/api/v1/me`: the caller's own view: who they are, what they hold, whether they may do a
//! given thing (so a user interface or chat bot can offer only what will work), and the
//! notifications about their roles.

use crate::store::notifications::{list_notifications, mark_read};
use crate::views::{
    AllScopes, HeldAuthority, HeldScopes, MeView, NotificationRead, PermissionAnswer,
};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use itsm_domain::access::{AUTHORITIES, Process, Scope, Visibility, authority};
use itsm_http::{ApiError, Principal, QueryParams, Services};

pub async fn get_me(Extension(principal): Extension<Principal>) -> Json<MeView> {
    let authorities = AUTHORITIES
        .iter()
        .filter_map(|a| {
            let scopes = match principal.visibility(a.name) {
                Visibility::All => HeldScopes::All(AllScopes::All),
                Visibility::Only(scopes) => HeldScopes::Only(scopes),
                Visibility::Nothing => return None,
            };
            Some(HeldAuthority {
                authority: a.name,
                scopes,
            })
        })
        .collect();
    Json(MeView {
        user: principal.user.clone(),
        user_id: principal.user_id,
        break_glass: principal.break_glass,
        grants: principal.grants.clone(),
        authorities,
    })
}

/// `GET /api/v1/me/permissions/{authority}?customer=&service=&process=`: whether the caller holds
/// the authority for a record in that context.
pub async fn check_permission(
    Extension(principal): Extension<Principal>,
    Path(name): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<PermissionAnswer>, ApiError> {
    let definition =
        authority(&name).ok_or_else(|| ApiError::not_found(format_args!("authority {name}")))?;
    let query = QueryParams::parse(query, &["customer", "service", "process"])?;
    let mut context = Vec::new();
    if let Some(customer) = query.get("customer") {
        context.push(Scope::customer(customer));
    }
    if let Some(service) = query.get("service") {
        context.push(Scope::service(service));
    }
    if let Some(process) = query.parsed("process", Process::parse)? {
        context.push(Scope::process(process));
    }
    Ok(Json(PermissionAnswer {
        authority: definition.name,
        allowed: principal.may(definition.name, &context),
        context,
    }))
}

pub async fn list_my_notifications(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(query, &["unread"])?;
    let unread = query.flag("unread")?.unwrap_or(false);
    let page = query.page()?;
    let user_id = principal.user_id.unwrap_or(0);
    let found = list_notifications(&*services.db, user_id, unread, page.after, page.limit).await?;
    Ok(query.respond("/api/v1/me/notifications", page, found, |n| n.id))
}

pub async fn read_notification(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<NotificationRead>, ApiError> {
    let missing = || ApiError::not_found(format_args!("notification {id}"));
    let notification_id: i64 = id.parse().map_err(|_| missing())?;
    let user_id = principal.user_id.ok_or_else(missing)?;
    if !mark_read(&*services.db, user_id, notification_id, &itsm_http::now()).await? {
        return Err(missing());
    }
    Ok(Json(NotificationRead {
        id: notification_id,
        read: true,
    }))
}
