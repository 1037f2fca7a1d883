//! The incident routes, one file per action, and the steps they share: finding the incident,
//! answering with it and its ETag, and recording each change in the audit trail.

pub mod alerts;
pub mod closure;
pub mod create;
pub mod escalate;
pub mod get;
pub mod history;
pub mod links;
pub mod list;
pub mod major;
pub mod notes;
pub mod priority_matrix;
pub mod settings;
pub mod sla;
pub mod tick;
pub mod transition;
pub mod update;

use crate::store::{self, Incident};
use crate::wire::{IncidentResponse, number_of};
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use itsm_domain::RecordKind;
use itsm_domain::access::{Process, Scope, Visibility};
use itsm_domain::sla::{TargetRecord, state_key};
use itsm_http::audit::{Change, record};
use itsm_http::incident_access::IncidentAccess;
use itsm_http::sla::clocks::RecordFacts;
use itsm_http::sla::facts::facts_of;
use itsm_http::sla::summary;
use itsm_http::{ApiError, Principal, etag};
use itsm_store::{Sql, in_transaction};

/// Authorities of the incident process, granted to roles by `itsm_domain::access`.
pub use itsm_domain::access::names::{
    INCIDENT_CREATE as CREATE, INCIDENT_MAJOR as MAJOR, INCIDENT_READ as READ,
    INCIDENT_SECURITY as SECURITY, INCIDENT_WRITE as WRITE, PROCESS_CONFIGURE as CONFIGURE,
};

/// Who may make a change to an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The support teams (`incident.write`); for a security incident, the security team.
    Handle,
    /// The incident's caller (see [`answers_for_caller`]): confirming or rejecting its resolution.
    Caller,
    /// Whoever runs major incidents (`incident.major` for the incident process).
    Major,
    /// The support teams, or a member of the major incident's emergency team.
    Communicate,
}

/// Whether the caller is one of the incident's parties: whoever reported it or the caller it
/// names. Tokens that are not a person (the bootstrap token, the system) never are.
pub fn is_party(principal: &Principal, incident: &Incident) -> bool {
    access_of(incident).is_party(principal)
}

/// The facts that decide who may read the incident, in the form every process shares.
fn access_of(incident: &Incident) -> IncidentAccess<'_> {
    IncidentAccess {
        service: incident.service.as_deref(),
        customer: incident.customer.as_deref(),
        security: incident.security,
        reporter: &incident.created_by,
        caller: &incident.caller,
    }
}

/// Whether the caller answers for the incident's caller: the user named as its caller, or whoever
/// reported it when they do not handle incidents themselves (a contact reporting for a colleague).
/// A desk agent who recorded a call is not the caller: the desk closes instead.
pub fn answers_for_caller(principal: &Principal, incident: &Incident) -> bool {
    principal.user_id.is_some()
        && (principal.user == incident.caller
            || (principal.user == incident.created_by && !handles(principal, incident)))
}

/// Whether the caller may read the incident's work notes: the support teams without a customer
/// scope; for a security incident, only the security team (its reporter sees comments only).
pub fn sees_work_notes(principal: &Principal, incident: &Incident) -> bool {
    if incident.security {
        principal.may(SECURITY, &[])
    } else {
        principal.visibility(READ) == Visibility::All
    }
}

/// The authority, and the scopes it is checked in, of those who handle this incident: the
/// support teams, or for a security incident the security team.
fn handling(incident: &Incident) -> (&'static str, Vec<Scope>) {
    if incident.security {
        (SECURITY, Vec::new())
    } else {
        (WRITE, scopes_of(incident))
    }
}

fn handles(principal: &Principal, incident: &Incident) -> bool {
    let (authority, scopes) = handling(incident);
    principal.may(authority, &scopes)
}

/// A security incident exists only for the security team and its parties; to anyone else it
/// is "not found", so its existence does not leak.
fn ensure_security_visible(principal: &Principal, incident: &Incident) -> Result<(), ApiError> {
    if access_of(incident).hides_security_from(principal) {
        return Err(ApiError::not_found(format_args!(
            "incident {}",
            number_of(incident.id)
        )));
    }
    Ok(())
}

/// Checks that the caller may read this incident; to a caller who may read only other
/// customers' incidents, or who may not see this security incident, it is "not found".
fn ensure_readable(principal: &Principal, incident: &Incident) -> Result<(), ApiError> {
    ensure_security_visible(principal, incident)?;
    if incident.security {
        return Ok(());
    }
    principal.require_visible(READ, &scopes_of(incident), number_of(incident.id))
}

/// Checks that the caller may make a change of this kind to this incident.
pub fn authorize(principal: &Principal, incident: &Incident, gate: Gate) -> Result<(), ApiError> {
    // Whoever may not read an incident learns nothing from a refusal either: another customer's
    // incident is "not found", whatever the change asked for. Its parties and its emergency
    // team may act on it without reading every incident.
    if is_party(principal, incident) || on_emergency_team(principal, incident) {
        ensure_security_visible(principal, incident)?;
    } else {
        ensure_readable(principal, incident)?;
    }
    let handle = || {
        let (authority, scopes) = handling(incident);
        principal.require_in(authority, &scopes)
    };
    match gate {
        Gate::Handle => handle(),
        Gate::Caller if answers_for_caller(principal, incident) => Ok(()),
        Gate::Caller => Err(ApiError::not_entitled(
            "caller",
            format!(
                "only the caller ({}) confirms or rejects the resolution; the support teams close or reopen it",
                incident.caller
            ),
        )),
        Gate::Major => principal.require_in(MAJOR, &[Scope::process(Process::Incident)]),
        Gate::Communicate if on_emergency_team(principal, incident) => Ok(()),
        Gate::Communicate => handle(),
    }
}

fn on_emergency_team(principal: &Principal, incident: &Incident) -> bool {
    incident.major
        && principal.user_id.is_some()
        && incident
            .major_incident
            .as_ref()
            .is_some_and(|m| m.emergency_team.contains(&principal.user))
}

/// The scopes an incident lies in, for scoped grants: the incident process, its customer and
/// its service.
pub fn scopes_of(incident: &Incident) -> Vec<Scope> {
    access_of(incident).scopes()
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
    ensure_readable(principal, &incident)?;
    Ok(closure::view(incident, &itsm_http::now()))
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
    record(db, principal, &change, now).await?;
    match before {
        None => summary::store_after_logging(db, &logged_facts(after)?, now).await,
        Some(before) if moves_clocks(before, after) => refresh_clocks(db, after.id, now).await?,
        Some(_) => {}
    }
    Ok(())
}

/// A newly logged incident's clock facts, from the record in hand.
fn logged_facts(incident: &Incident) -> Result<RecordFacts, ApiError> {
    let logged_at = incident
        .created_at
        .parse()
        .map_err(|_| ApiError::Internal(format!("created_at {}", incident.created_at)))?;
    let state = state_key(
        incident.state.as_str(),
        incident.hold_reason.map(|r| r.as_str()),
    );
    Ok(RecordFacts {
        record: TargetRecord::Incident,
        id: incident.id,
        number: number_of(incident.id),
        logged_at: incident.created_at.clone(),
        customer: incident.customer.clone(),
        service: incident.service.clone(),
        priority: Some(incident.priority),
        entry: None,
        states: vec![(logged_at, state)],
        closed_itself_at: None,
        staff: true,
    })
}

/// Whether a change moves the incident's SLA clocks: its state, what it waits for, or what
/// chooses its target.
fn moves_clocks(before: &Incident, after: &Incident) -> bool {
    before.state != after.state
        || before.hold_reason != after.hold_reason
        || before.priority != after.priority
        || before.customer != after.customer
        || before.service != after.service
}

/// Rewrites where the incident's clocks stand (`sla_clock`), for the lists and the tick.
async fn refresh_clocks(db: &impl Sql, id: i64, now: &str) -> Result<(), ApiError> {
    if let Some(facts) = facts_of(db, TargetRecord::Incident, id, now, true).await? {
        summary::refresh_after_write(db, &facts, now).await;
    }
    Ok(())
}

/// One change to an incident: what it is called in the audit trail, who may make it, and why.
pub struct Edit<'a> {
    pub action: &'a str,
    pub gate: Gate,
    pub reason: Option<&'a str>,
}

/// The shared write path: in one transaction, load the incident, check who may change it and
/// `If-Match`, close it first if its resolution has closed itself, apply the change, save it
/// only if the version is unchanged, and append the audit entry. A change that changes nothing
/// writes nothing.
pub async fn modify<D: Sql>(
    db: &D,
    principal: &Principal,
    id: i64,
    headers: &HeaderMap,
    edit: Edit<'_>,
    change: impl AsyncFnOnce(&D, &mut Incident) -> Result<(), ApiError>,
) -> Result<Response, ApiError> {
    let required = etag::if_match(headers)?;
    let now = itsm_http::now();
    let updated = in_transaction(db, async |db| {
        change_in(db, principal, id, required.as_deref(), edit, &now, change).await
    })
    .await?;
    Ok(respond(&updated, StatusCode::OK))
}

/// [`modify`]'s work inside the caller's transaction, for changes that come with others (an
/// alert that clears resolves its incident with the alert's own record).
pub async fn change_in<D: Sql>(
    db: &D,
    principal: &Principal,
    id: i64,
    required: Option<&[String]>,
    edit: Edit<'_>,
    now: &str,
    change: impl AsyncFnOnce(&D, &mut Incident) -> Result<(), ApiError>,
) -> Result<Incident, ApiError> {
    let stored = find(db, id).await?;
    authorize(principal, &stored, edit.gate)?;
    etag::check(required, stored.version, &number_of(id))?;
    let current = closure::settle(db, stored, now).await?;
    let mut next = current.clone();
    change(db, &mut next).await?;
    if next == current {
        return Ok(current);
    }
    next.updated_at = now.to_owned();
    if !store::save_incident(db, &next, current.version).await? {
        return Err(ApiError::lost_race("the incident"));
    }
    next.version = current.version + 1;
    audit(
        db,
        principal,
        edit.action,
        Some(&current),
        &next,
        edit.reason,
        now,
    )
    .await?;
    Ok(next)
}
