//! Monitoring alerts into incidents: `POST /api/v1/incidents/alerts/alertmanager` (Prometheus
//! Alertmanager's webhook receiver) and `POST /api/v1/incidents/alerts` (any other monitor). An
//! alert that fires with no open incident of its own opens one, rated and placed by the
//! process's alert mapping (`GET`/`PUT …/alerts/mapping`); firing again while that incident is
//! open updates it rather than opening another, so Alertmanager's repeats and retries make no
//! duplicates; clearing resolves it, or leaves a work note when the mapping or the caller's
//! authority says not to. The caller is the monitor's account (a token holding
//! `incident.create`, and `incident.write` to resolve); Alertmanager sends it as its
//! `http_config.authorization` credentials.

use super::create::{log_incident, scopes};
use super::transition::apply;
use super::{CONFIGURE, CREATE, Edit, Gate, READ, authorize, change_in, find, is_party};
use crate::store::{self, AlertKey, NewAlert, NoteKind};
use crate::wire::{NewIncident, Transition, number_of};
use crate::wire_alert::{
    ALERTMANAGER, Alert, AlertIntakeResponse, AlertmanagerNotification, GenericAlerts, IgnoredAlert,
};
use axum::Json;
use axum::extract::{Extension, State};
use itsm_domain::access::{Process, Scope, Visibility};
use itsm_domain::incident::{Action, AlertMapping, Channel, next_state};
use itsm_domain::{BoundedText, Code, Description, Label, ShortDescription};
use itsm_http::audit::{Change, record};
use itsm_http::references::{ensure_customer_exists, ensure_service_open};
use itsm_http::settings::{auto_close, deadline_from, read_setting, store_setting};
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::{Sql, in_transaction};

/// The `process_setting` the mapping is kept in.
const MAPPING: &str = "alert_mapping";

pub async fn alertmanager(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(notification): ApiJson<AlertmanagerNotification>,
) -> Result<Json<AlertIntakeResponse>, ApiError> {
    let truncated_alerts = notification.truncated_alerts;
    let alerts = notification
        .alerts()
        .map_err(|(field, message)| ApiError::invalid_field(&field, message))?;
    let mut answer = intake(&*services.db, &principal, ALERTMANAGER, &alerts).await?;
    answer.truncated_alerts = truncated_alerts;
    Ok(Json(answer))
}

pub async fn generic(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(body): ApiJson<GenericAlerts>,
) -> Result<Json<AlertIntakeResponse>, ApiError> {
    let source = Code::parse(&body.source).map_err(|m| ApiError::invalid_field("source", m))?;
    let alerts = body
        .alerts()
        .map_err(|(field, message)| ApiError::invalid_field(&field, message))?;
    intake(&*services.db, &principal, source.as_str(), &alerts)
        .await
        .map(Json)
}

pub async fn get_mapping(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<AlertMapping>, ApiError> {
    principal.require_anywhere(READ)?;
    Ok(Json(mapping(&*services.db).await?))
}

/// The process owner's decision, like the other settings of the process; audited.
pub async fn put_mapping(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(next): ApiJson<AlertMapping>,
) -> Result<Json<AlertMapping>, ApiError> {
    principal.require_in(CONFIGURE, &[Scope::process(Process::Incident)])?;
    next.check()
        .map_err(|(field, message)| ApiError::invalid_field(&field, message))?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let before = mapping(db).await?;
        store_setting(db, Process::Incident, MAPPING, &next, &principal.user, &now).await?;
        let change = Change::new("incident_settings", 0, "alert_mapping")
            .before(&before)
            .after(&next);
        record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(Json(next))
}

async fn mapping(db: &impl Sql) -> Result<AlertMapping, ApiError> {
    Ok(read_setting(db, Process::Incident, MAPPING)
        .await?
        .unwrap_or_default())
}

/// What was done with one alert.
enum Handled {
    Opened(String),
    Updated(String),
    Resolved(String),
    Noted(String),
    Ignored(String),
}

/// Each alert in a transaction of its own, so one the caller may not act on leaves the others
/// handled; a fault of the store fails the call, and the monitor's retry finds what was done.
async fn intake(
    db: &impl Sql,
    principal: &Principal,
    source: &str,
    alerts: &[Alert],
) -> Result<AlertIntakeResponse, ApiError> {
    if principal.visibility(CREATE) == Visibility::Nothing {
        return Err(ApiError::forbidden(CREATE));
    }
    let mapping = mapping(db).await?;
    let now = itsm_http::now();
    let mut answer = AlertIntakeResponse::default();
    for alert in alerts {
        let done = in_transaction(db, async |db| {
            handle(db, principal, source, alert, &mapping, &now).await
        })
        .await;
        let ignored = |reason: String| IgnoredAlert {
            fingerprint: alert.fingerprint.clone(),
            reason,
        };
        match done {
            Ok(Handled::Opened(number)) => answer.opened.push(number),
            Ok(Handled::Updated(number)) => answer.updated.push(number),
            Ok(Handled::Resolved(number)) => answer.resolved.push(number),
            Ok(Handled::Noted(number)) => answer.noted.push(number),
            Ok(Handled::Ignored(reason)) => answer.ignored.push(ignored(reason)),
            Err(refused) if refused.status().is_client_error() => {
                answer.ignored.push(ignored(refused.to_string()));
            }
            Err(fault) => return Err(fault),
        }
    }
    Ok(answer)
}

async fn handle(
    db: &impl Sql,
    principal: &Principal,
    source: &str,
    alert: &Alert,
    mapping: &AlertMapping,
    now: &str,
) -> Result<Handled, ApiError> {
    let key = AlertKey {
        source,
        received_by: &principal.user,
        fingerprint: &alert.fingerprint,
    };
    let known = store::latest_alert(db, key).await?;
    match (alert.firing, known) {
        (true, Some(known)) if known.incident_open => {
            store::notified(db, known.alert_id, &alert.labels, None, now).await?;
            if !known.firing {
                let at = alert.started_at.as_deref().unwrap_or(now);
                let body = format!("The monitoring alert fired again at {at}.");
                work_note(db, principal, known.incident_id, &body, now).await?;
            }
            Ok(Handled::Updated(number_of(known.incident_id)))
        }
        // A late or repeated copy of an episode whose incident was closed meanwhile.
        (true, Some(known)) if known.starts_at.is_some() && known.starts_at == alert.started_at => {
            Ok(Handled::Ignored(format!(
                "{} was closed while this episode of the alert fired; the next episode opens a new incident",
                number_of(known.incident_id)
            )))
        }
        (true, _) => open_incident(db, principal, key, alert, mapping, now).await,
        (false, Some(known)) if known.incident_open && known.firing => {
            let at = alert.cleared_at.as_deref().unwrap_or(now);
            store::notified(db, known.alert_id, &alert.labels, Some(at), now).await?;
            cleared(db, principal, known.incident_id, mapping, at, now).await
        }
        (false, Some(known)) if known.incident_open => {
            Ok(Handled::Ignored("it had already cleared".to_owned()))
        }
        (false, _) => Ok(Handled::Ignored("it has no open incident".to_owned())),
    }
}

/// Opens the alert's incident, placed by the mapping; a label naming no live service or
/// customer, or an unusable name, is said in the description rather than refusing the alert.
async fn open_incident(
    db: &impl Sql,
    principal: &Principal,
    key: AlertKey<'_>,
    alert: &Alert,
    mapping: &AlertMapping,
    now: &str,
) -> Result<Handled, ApiError> {
    let facts = mapping.facts(&alert.labels);
    let mut unused = Vec::new();
    let service = match facts.service {
        Some(code) => match ensure_service_open(db, code, "service").await {
            Ok(()) => Label::parse(code).ok(),
            Err(e) if e.status().is_client_error() => {
                unused.push(format!("{}={code}: {e}", mapping.service_label));
                None
            }
            Err(fault) => return Err(fault),
        },
        None => None,
    };
    let customer = match facts.customer {
        Some(code) => match ensure_customer_exists(db, code, "customer").await {
            Ok(()) => Some(code.to_owned()),
            Err(e) if e.status().is_client_error() => {
                unused.push(format!("{}={code}: {e}", mapping.customer_label));
                None
            }
            Err(fault) => return Err(fault),
        },
        None => None,
    };
    let customer = principal.customer_for(CREATE, customer.as_deref())?;
    principal.require_in(CREATE, &scopes(customer.as_deref(), service.as_ref()))?;
    let label = |name: &str, value: Option<&str>, unused: &mut Vec<String>| {
        let value = value?;
        Label::parse(value)
            .map_err(|m| unused.push(format!("{name}={value}: {m}")))
            .ok()
    };
    let configuration_item = label(
        &mapping.configuration_item_label,
        facts.configuration_item,
        &mut unused,
    );
    let assignment_group = label(
        &mapping.assignment_group_label,
        facts.assignment_group,
        &mut unused,
    );
    let short_description: ShortDescription = fitted(&printable(&alert.summary))
        .or_else(|| fitted(&format!("Monitoring alert {}", alert.fingerprint)))
        .ok_or_else(|| ApiError::Internal("an alert title that fits nothing".to_owned()))?;
    let new = NewIncident {
        short_description,
        description: fitted(&printable(&describe(key.source, alert, &unused))),
        impact: facts.rating.impact,
        urgency: facts.rating.urgency,
        category: None,
        caller: Label::parse(&principal.user).map_err(|m| ApiError::invalid_field("caller", m))?,
        channel: Channel::Monitoring,
        assignment_group,
        assignee: None,
        configuration_item,
        service,
        customer: customer.as_deref().and_then(|c| Label::parse(c).ok()),
        security: false,
    };
    let incident = log_incident(db, principal, &new, customer, now).await?;
    let opened = NewAlert {
        key,
        incident_id: incident.id,
        labels: &alert.labels,
        starts_at: alert.started_at.as_deref(),
    };
    store::insert_alert(db, &opened, now).await?;
    Ok(Handled::Opened(number_of(incident.id)))
}

/// The incident's description: the alert's own, then where it came from and its labels.
fn describe(source: &str, alert: &Alert, unused: &[String]) -> String {
    let mut parts: Vec<String> = alert.description.iter().cloned().collect();
    if alert.summary.chars().count() > ShortDescription::MAX_CHARS {
        parts.push(format!("Summary: {}", alert.summary));
    }
    let labels: Vec<String> = alert
        .labels
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    parts.push(format!(
        "Alert {} from {source}{}. Labels: {}.",
        alert.fingerprint,
        alert
            .started_at
            .as_deref()
            .map(|at| format!(", firing since {at}"))
            .unwrap_or_default(),
        labels.join(", ")
    ));
    if let Some(link) = &alert.link {
        parts.push(link.clone());
    }
    if !unused.is_empty() {
        parts.push(format!("Labels not applied: {}.", unused.join("; ")));
    }
    parts.join("\n\n")
}

/// A monitor's text with the control characters no record takes (all but line breaks and
/// tabs) shown as spaces, so a stray escape code does not cost the whole text.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// `text` as a bounded text, shortened with a visible "…" when longer (a summary too long for
/// the title is repeated whole in the description); `None` when it has nothing printable.
fn fitted<const MAX: usize>(text: &str) -> Option<BoundedText<MAX>> {
    BoundedText::<MAX>::parse(text).ok().or_else(|| {
        let cut: String = text.chars().take(MAX - 1).collect();
        BoundedText::<MAX>::parse(&format!("{}…", cut.trim_end())).ok()
    })
}

/// Resolves the incident whose alert cleared, when the mapping says so, the caller may and
/// its state allows; otherwise a work note says it cleared.
async fn cleared(
    db: &impl Sql,
    principal: &Principal,
    incident_id: i64,
    mapping: &AlertMapping,
    at: &str,
    now: &str,
) -> Result<Handled, ApiError> {
    let incident = find(db, incident_id).await?;
    let number = number_of(incident_id);
    let handles = authorize(principal, &incident, Gate::Handle).is_ok();
    // Only the account that raised the incident, or one that handles it, writes to it.
    if !handles && !is_party(principal, &incident) {
        return Ok(Handled::Ignored(format!(
            "the account may not act on {number}"
        )));
    }
    let why_open = if !mapping.resolve_when_cleared {
        Some("the alert mapping leaves cleared alerts' incidents open")
    } else if !handles {
        Some("the monitor's account may not resolve incidents")
    } else if next_state(incident.state, Action::Resolve).is_err() {
        Some("its state does not allow resolving")
    } else {
        None
    };
    if let Some(why) = why_open {
        let body = format!("The monitoring alert cleared at {at}; the incident stays open: {why}.");
        work_note(db, principal, incident_id, &body, now).await?;
        return Ok(Handled::Noted(number));
    }
    let notes = Description::parse(&format!("The monitoring alert cleared at {at}."))
        .map_err(|m| ApiError::Internal(format!("resolution notes: {m}")))?;
    let transition = Transition::Resolve {
        code: mapping.resolution_code,
        notes,
    };
    let deadline = deadline_from(auto_close(db, Process::Incident).await?, now);
    let edit = Edit {
        action: "resolve",
        gate: Gate::Handle,
        reason: None,
    };
    change_in(
        db,
        principal,
        incident_id,
        None,
        edit,
        now,
        async |_, incident| apply(incident, Action::Resolve, &transition, now, deadline),
    )
    .await?;
    Ok(Handled::Resolved(number))
}

async fn work_note(
    db: &impl Sql,
    principal: &Principal,
    incident_id: i64,
    body: &str,
    now: &str,
) -> Result<(), ApiError> {
    let note = store::insert_note(
        db,
        incident_id,
        NoteKind::WorkNote,
        body,
        &principal.user,
        now,
    )
    .await?;
    let change = Change::new("incident", incident_id, NoteKind::WorkNote.as_str()).after(&note);
    record(db, principal, &change, now).await?;
    Ok(())
}
