//! The incident routes, one file per action, and the steps they share: finding the incident,
//! answering with it and its ETag, and recording each change in the audit trail.

pub mod create;
pub mod get;
pub mod history;
pub mod list;
pub mod notes;
pub mod priority_matrix;
pub mod transition;
pub mod update;

use crate::store::{self, Incident};
use crate::wire::{IncidentResponse, number_of};
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use itsm_domain::RecordKind;
use itsm_domain::access::{Scope, Visibility};
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, Principal, etag};
use itsm_store::{Sql, in_transaction};

/// Authorities of the incident process, granted to roles by `itsm_domain::access`.
pub use itsm_domain::access::names::{
    INCIDENT_CREATE as CREATE, INCIDENT_READ as READ, INCIDENT_WRITE as WRITE,
    PROCESS_CONFIGURE as CONFIGURE,
};

/// The scopes an incident lies in, for scoped grants: its customer and its service.
pub fn scopes_of(incident: &Incident) -> Vec<Scope> {
    let mut scopes = Vec::new();
    if let Some(customer) = &incident.customer {
        scopes.push(Scope::customer(customer));
    }
    if let Some(service) = &incident.service {
        scopes.push(Scope::service(service));
    }
    scopes
}

/// Finds an incident the caller may read; another customer's incident is "not found".
pub async fn find_visible(
    db: &impl Sql,
    principal: &Principal,
    id: i64,
) -> Result<Incident, ApiError> {
    if principal.visibility(READ) == Visibility::Nothing {
        return Err(ApiError::forbidden(READ));
    }
    let incident = find(db, id).await?;
    principal.require_visible(READ, &scopes_of(&incident), number_of(id))?;
    Ok(incident)
}

/// The incident id from the path, which may be the id (`42`) or the number (`INC0000042`).
pub fn parse_id(text: &str) -> Result<i64, ApiError> {
    RecordKind::Incident
        .parse_ref(text)
        .map_err(|_| ApiError::not_found(format_args!("incident {text}")))
}

pub async fn find(db: &impl Sql, id: i64) -> Result<Incident, ApiError> {
    store::load_incident(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format_args!("incident {}", number_of(id))))
}

/// The incident as JSON with its `ETag` (and `Location` when just created).
pub fn respond(incident: &Incident, status: StatusCode) -> Response {
    let mut response = (status, Json(IncidentResponse::new(incident))).into_response();
    let headers = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&etag::etag(incident.version)) {
        headers.insert(header::ETAG, tag);
    }
    if status == StatusCode::CREATED
        && let Ok(location) = HeaderValue::from_str(&format!("/api/v1/incidents/{}", incident.id))
    {
        headers.insert(header::LOCATION, location);
    }
    response
}

/// Appends the audit entry of one change; call it inside the change's transaction.
pub async fn audit(
    db: &impl Sql,
    principal: &Principal,
    action: &str,
    before: Option<&Incident>,
    after: &Incident,
    reason: Option<&str>,
    now: &str,
) -> Result<(), ApiError> {
    let mut change = Change::new("incident", after.id, action)
        .after(&IncidentResponse::new(after))
        .reason(reason);
    if let Some(before) = before {
        change = change.before(&IncidentResponse::new(before));
    }
    record(db, principal, &change, now).await
}

/// The shared write path: in one transaction, load the incident, check `If-Match`, apply the
/// change, save it only if the version is unchanged, and append the audit entry. A change that
/// changes nothing writes nothing.
pub async fn modify<D: Sql>(
    db: &D,
    principal: &Principal,
    id: i64,
    headers: &HeaderMap,
    action: &str,
    reason: Option<&str>,
    change: impl AsyncFnOnce(&D, &mut Incident) -> Result<(), ApiError>,
) -> Result<Response, ApiError> {
    principal.require(WRITE)?;
    let required = etag::if_match(headers)?;
    let now = itsm_http::now();
    let updated = in_transaction(db, async |db| {
        let current = find(db, id).await?;
        etag::check(required.as_deref(), current.version, &number_of(id))?;
        let mut next = current.clone();
        change(db, &mut next).await?;
        if next == current {
            return Ok(current);
        }
        next.updated_at = now.clone();
        if !store::save_incident(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the incident"));
        }
        next.version = current.version + 1;
        audit(db, principal, action, Some(&current), &next, reason, &now).await?;
        Ok(next)
    })
    .await?;
    Ok(respond(&updated, StatusCode::OK))
}
