//! Role assignments: grant a role to a user (`POST /api/v1/users/{id}/roles`), list a user's
//! roles with or without history, list assignments across users (for the periodic
//! re-evaluation), revoke, re-evaluate, and each assignment's audit timeline. Every grant is
//! checked against the policy (no self-grants, scopes, reserved roles), told to its holder, and
//! recorded; a refused attempt is recorded too.

use super::{find_user, is_self, notify, respond};
use crate::store::assignments::{
    self, Assignment, AssignmentFilter, AssignmentState, Which, load_assignment,
    unrevoked_assignment,
};
use crate::store::customers::load_customer;
use crate::store::users::User;
use crate::wire::{GrantRequest, NewGrant, ReevaluateRequest, RevokeRequest};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::FieldError;
use itsm_domain::access::{self, Grant, Role, Scope, ScopeKind, names};
use itsm_http::audit::{Change, record};
use itsm_http::json::Items;
use itsm_http::references::service_state;
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services, etag};
use itsm_store::HistoryEntry;
use itsm_store::{Sql, in_transaction};
use serde::Serialize;

/// An assignment on the wire, with where it stands now.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "RoleAssignment")]
pub struct AssignmentResponse<'a> {
    #[serde(flatten)]
    assignment: &'a Assignment,
    state: AssignmentState,
}

fn view<'a>(assignment: &'a Assignment, now: &str) -> AssignmentResponse<'a> {
    AssignmentResponse {
        assignment,
        state: assignment.state(now),
    }
}

fn reply(assignment: &Assignment, status: StatusCode, now: &str) -> Response {
    let location = (status == StatusCode::CREATED)
        .then(|| format!("/api/v1/role-assignments/{}", assignment.id));
    respond(&view(assignment, now), assignment.version, status, location)
}

/// Whether the principal may grant (or revoke, or re-evaluate) this grant for that user.
fn check_may_grant(principal: &Principal, grantee: &User, grant: &Grant) -> Result<(), ApiError> {
    if principal.break_glass {
        return Ok(());
    }
    access::may_grant(
        &principal.grants,
        &principal.user,
        &grantee.user_name,
        grant,
    )
    .map_err(|refusal| ApiError::Forbidden {
        authority: names::ROLE_GRANT.to_owned(),
        detail: refusal.to_string(),
    })
}

pub async fn grant_role(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(user): Path<String>,
    ApiJson(request): ApiJson<GrantRequest>,
) -> Result<Response, ApiError> {
    let now = itsm_http::now();
    let attempt = serde_json::json!({ "user": user, "role": request.role, "scope": request.scope.as_ref().map(|s| format!("{}:{}", s.kind, s.key)) });
    let outcome = async {
        let new = request.parse(&now)?;
        in_transaction(&*services.db, async |db| {
            let grantee = find_user(db, &user).await?;
            check_may_grant(&principal, &grantee, &new.grant)?;
            grant(db, &principal, &grantee, &new, &now).await
        })
        .await
    }
    .await;
    match outcome {
        Ok(assignment) => Ok(reply(&assignment, StatusCode::CREATED, &now)),
        Err(error) => {
            record_refusal(&*services.db, &principal, &attempt, &error, &now).await;
            Err(error)
        }
    }
}

/// Stores a checked grant, closing an expired predecessor, then records it and tells the
/// holder; call inside a transaction after the granting right was checked.
pub async fn grant(
    db: &impl Sql,
    principal: &Principal,
    grantee: &User,
    new: &NewGrant,
    now: &str,
) -> Result<Assignment, ApiError> {
    let role = new.grant.role.as_str();
    let scope = new.grant.scope.as_ref();
    if let Some(scope) = scope {
        let exists = match scope.kind {
            ScopeKind::Customer => load_customer(db, &scope.key).await?.is_some(),
            // An owner may be named while the service is still being planned, or after it retired.
            ScopeKind::Service => service_state(db, &scope.key).await?.is_some(),
            ScopeKind::Process => true,
        };
        if !exists {
            return Err(unprocessable(
                "scope",
                format!("there is no {} {}", scope.kind, scope.key),
            ));
        }
    }
    if let Some(existing) = unrevoked_assignment(db, grantee.id, role, scope).await? {
        if existing.state(now) == AssignmentState::Live {
            return Err(ApiError::Conflict {
                detail: format!(
                    "{} already holds {} (assignment {}); re-evaluate or revoke that one",
                    grantee.user_name,
                    describe(&new.grant),
                    existing.id
                ),
            });
        }
        // An expired assignment is closed so the new one can take its place; both stay as history.
        close_expired(db, principal, existing, now).await?;
    }
    let mut assignment = Assignment {
        id: 0,
        user_id: grantee.id,
        user_name: grantee.user_name.clone(),
        role: role.to_owned(),
        scope: scope.cloned(),
        reason: new.reason.clone(),
        granted_by: principal.user.clone(),
        granted_at: now.to_owned(),
        valid_until: new.valid_until.clone(),
        reevaluate_by: new
            .reevaluate_by
            .clone()
            .unwrap_or_else(|| itsm_http::time::days_after(now, 365)),
        reevaluated_at: None,
        reevaluated_by: None,
        revoked_at: None,
        revoked_by: None,
        revoke_reason: None,
        version: 1,
    };
    assignment.id = assignments::insert_assignment(db, &assignment).await?;
    let change = Change::new("role_assignment", assignment.id, "grant")
        .after(&view(&assignment, now))
        .reason(new.reason.as_str());
    record(db, principal, &change, now).await?;
    let until = assignment
        .valid_until
        .as_deref()
        .map_or(String::new(), |u| format!(" It is valid until {u}."));
    notify(
        db,
        grantee.id,
        "role_granted",
        format!("You now hold the role {}", describe(&new.grant)),
        format!(
            "{} granted you {} on {now}: {}.{until} It is due for re-evaluation by {}.",
            principal.user,
            describe(&new.grant),
            new.reason,
            assignment.reevaluate_by
        ),
        assignment.id,
        now,
    )
    .await?;
    Ok(assignment)
}

async fn close_expired(
    db: &impl Sql,
    principal: &Principal,
    mut expired: Assignment,
    now: &str,
) -> Result<(), ApiError> {
    let version = expired.version;
    expired.revoked_at = Some(now.to_owned());
    expired.revoked_by = Some(principal.user.clone());
    expired.revoke_reason = Some("expired; replaced by a new grant".to_owned());
    if !assignments::save_assignment(db, &expired, version).await? {
        return Err(ApiError::lost_race("the assignment"));
    }
    Ok(())
}

/// A refused grant is evidence too (ISO/IEC 20000-1 asks for records of who tried what). A 403
/// is already recorded by the shared denial layer; unknown users are not an attempt on anyone.
async fn record_refusal(
    db: &impl Sql,
    principal: &Principal,
    attempt: &serde_json::Value,
    error: &ApiError,
    now: &str,
) {
    if !matches!(
        error,
        ApiError::Unprocessable { .. } | ApiError::Conflict { .. }
    ) {
        return;
    }
    let reason = error.to_string();
    let change = Change::new("user", principal.user_id.unwrap_or(0), "role.grant.refused")
        .after(attempt)
        .reason(reason.as_str());
    let recorded = in_transaction(db, async |db| record(db, principal, &change, now).await).await;
    if let Err(failure) = recorded {
        eprintln!("could not record a refused grant: {failure}");
    }
}

fn unprocessable(field: &str, message: String) -> ApiError {
    ApiError::Unprocessable {
        detail: format!("{field}: {message}"),
        errors: vec![FieldError::new(field, message)],
    }
}

/// `slm`, or `service_owner of service:mail`.
fn describe(grant: &Grant) -> String {
    match &grant.scope {
        Some(scope) => format!("{} of {scope}", grant.role),
        None => grant.role.to_string(),
    }
}

/// `GET /api/v1/users/{id}/roles[?include=history]`: the user's live assignments, or all of them.
pub async fn list_user_roles(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(user): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(query, &["include"])?;
    let which = match query.get("include") {
        None => Which::Live,
        Some("history") => Which::All,
        Some(_) => return Err(ApiError::bad_field("include", "must be history")),
    };
    let user = find_user(&*services.db, &user).await?;
    if !is_self(&principal, &user) {
        principal.require(names::USER_READ)?;
    }
    let filter = AssignmentFilter {
        which,
        user_id: Some(user.id),
        role: None,
        scope: None,
        reevaluation_due_before: None,
    };
    page_of(
        &services,
        &query,
        &filter,
        &format!("/api/v1/users/{}/roles", user.id),
    )
    .await
}

/// `GET /api/v1/role-assignments`: across users, by role, scope, or re-evaluation due date.
pub async fn list_assignments(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require(names::USER_READ)?;
    let query = QueryParams::parse(
        query,
        &[
            "role",
            "scope_kind",
            "scope_key",
            "include",
            "reevaluation_due_before",
        ],
    )?;
    let scope = match (query.get("scope_kind"), query.get("scope_key")) {
        (None, None) => None,
        (Some(kind), Some(key)) => Some(Scope {
            kind: ScopeKind::parse(kind).map_err(|m| ApiError::bad_field("scope_kind", m))?,
            key: key.to_owned(),
        }),
        _ => {
            return Err(ApiError::bad_field(
                "scope_key",
                "scope_kind and scope_key go together",
            ));
        }
    };
    let filter = AssignmentFilter {
        which: match query.get("include") {
            None => Which::Live,
            Some("history") => Which::All,
            Some(_) => return Err(ApiError::bad_field("include", "must be history")),
        },
        user_id: None,
        role: query.parsed("role", |t| Role::parse(t).map(|r| r.as_str().to_owned()))?,
        scope,
        reevaluation_due_before: query
            .parsed("reevaluation_due_before", itsm_http::time::parse_instant)?,
    };
    page_of(&services, &query, &filter, "/api/v1/role-assignments").await
}

async fn page_of(
    services: &Services,
    query: &QueryParams,
    filter: &AssignmentFilter,
    path: &str,
) -> Result<Response, ApiError> {
    let page = query.page()?;
    let now = itsm_http::now();
    let found =
        assignments::list_assignments(&*services.db, filter, page.after, page.limit, &now).await?;
    let views: Vec<AssignmentResponse> = found.iter().map(|a| view(a, &now)).collect();
    Ok(query.respond(path, page, views, |v| v.assignment.id))
}

pub async fn get_assignment(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let assignment = find_assignment(&*services.db, &principal, &id).await?;
    Ok(reply(&assignment, StatusCode::OK, &itsm_http::now()))
}

/// Finds an assignment the caller may read: their own, or any with `user.read`.
async fn find_assignment(
    db: &impl Sql,
    principal: &Principal,
    id: &str,
) -> Result<Assignment, ApiError> {
    let missing = || ApiError::not_found(format_args!("role assignment {id}"));
    let id: i64 = id.parse().map_err(|_| missing())?;
    let assignment = load_assignment(db, id).await?.ok_or_else(missing)?;
    if principal.user_id != Some(assignment.user_id) {
        principal.require(names::USER_READ)?;
    }
    Ok(assignment)
}

pub async fn assignment_history(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Items<HistoryEntry>>, ApiError> {
    let assignment = find_assignment(&*services.db, &principal, &id).await?;
    let entries =
        itsm_store::record_history(&*services.db, "role_assignment", assignment.id).await?;
    Ok(Json(Items::new(entries)))
}

/// `POST /api/v1/role-assignments/{id}/revoke`: anyone may give up a role of their own; revoking
/// someone else's needs the same right as granting it.
pub async fn revoke_assignment(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<RevokeRequest>,
) -> Result<Response, ApiError> {
    let reason = request.parse()?;
    change_assignment(
        &services,
        &principal,
        &id,
        &headers,
        "revoke",
        &reason,
        |a, now| {
            a.revoked_at = Some(now.to_owned());
            a.revoked_by = Some(principal.user.clone());
            a.revoke_reason = Some(reason.clone());
            None
        },
    )
    .await
}

/// `POST /api/v1/role-assignments/{id}/reevaluate`: confirms the assignment still fits and sets
/// when it is next due (a year on unless given).
pub async fn reevaluate_assignment(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ReevaluateRequest>,
) -> Result<Response, ApiError> {
    let now = itsm_http::now();
    let reevaluation = request.parse(&now)?;
    change_assignment(
        &services,
        &principal,
        &id,
        &headers,
        "reevaluate",
        &reevaluation.reason,
        |a, now| {
            a.reevaluated_at = Some(now.to_owned());
            a.reevaluated_by = Some(principal.user.clone());
            a.reevaluate_by = reevaluation
                .reevaluate_by
                .clone()
                .unwrap_or_else(|| itsm_http::time::days_after(now, 365));
            Some(())
        },
    )
    .await
}

/// The shared write path of revoke and re-evaluate: only live assignments change; the holder is
/// told; the change is audited. `change` returns `Some` when the action needs the granting right
/// even for one's own assignment.
#[allow(clippy::too_many_arguments)]
async fn change_assignment(
    services: &Services,
    principal: &Principal,
    id: &str,
    headers: &HeaderMap,
    action: &str,
    reason: &str,
    change: impl FnOnce(&mut Assignment, &str) -> Option<()>,
) -> Result<Response, ApiError> {
    let required = etag::if_match(headers)?;
    let now = itsm_http::now();
    let updated = in_transaction(&*services.db, async |db| {
        let current = find_assignment(db, principal, id).await?;
        etag::check(
            required.as_deref(),
            current.version,
            &format!("role assignment {id}"),
        )?;
        if current.state(&now) != AssignmentState::Live {
            return Err(ApiError::Conflict {
                detail: format!("role assignment {id} is not live any more"),
            });
        }
        let holder = find_user(db, &current.user_id.to_string()).await?;
        let grant = Grant::new(
            Role::parse(&current.role).map_err(ApiError::Internal)?,
            current.scope.clone(),
        )
        .map_err(|e| ApiError::Internal(e.to_string()))?;
        let mut next = current.clone();
        let needs_right_over_own = change(&mut next, &now).is_some();
        if needs_right_over_own || !is_self(principal, &holder) {
            check_may_grant(principal, &holder, &grant)?;
        }
        if !assignments::save_assignment(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the role assignment"));
        }
        next.version = current.version + 1;
        let audited = Change::new("role_assignment", next.id, action)
            .before(&view(&current, &now))
            .after(&view(&next, &now))
            .reason(reason);
        record(db, principal, &audited, &now).await?;
        let (kind, subject) = match action {
            "revoke" => (
                "role_revoked",
                format!("You no longer hold the role {}", describe(&grant)),
            ),
            _ => (
                "role_reevaluated",
                format!("Your role {} was re-evaluated", describe(&grant)),
            ),
        };
        let body = format!(
            "{} on {now}: {reason}. Next re-evaluation by {}.",
            principal.user, next.reevaluate_by
        );
        notify(db, holder.id, kind, subject, body, next.id, &now).await?;
        Ok(next)
    })
    .await?;
    Ok(reply(&updated, StatusCode::OK, &now))
}
