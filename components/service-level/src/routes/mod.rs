//! The service level routes and the steps they share: finding an agreement, showing it,
//! checking what its terms name, and the versioned write every change goes through.

pub mod agreements;
pub mod applicable;
pub mod calendars;
pub mod compliance;
pub mod events;
pub mod lifecycle;
pub mod policies;
pub mod tick;

use crate::store::agreements::{Agreement, load_agreement, save_agreement};
use crate::store::calendars::load_calendar;
use crate::wire::agreement::{AgreementView, Terms, agreement_number};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::RecordKind;
use itsm_domain::access::{Process, Scope};
use itsm_domain::sla::{allowed_agreement_actions, shown_state};
use itsm_http::audit::{Change, record};
use itsm_http::references::{ensure_active_user, ensure_customer_exists, ensure_service_open};
use itsm_http::time::day_of;
use itsm_http::{ApiError, Principal, etag};
use itsm_store::{Sql, in_transaction};

/// Authorities of the service level process, granted to roles by `itsm_domain::access`.
pub use itsm_domain::access::names::{SLA_READ as READ, SLA_WRITE as WRITE};

/// The scope service level authorities are checked in.
pub fn scope() -> [Scope; 1] {
    [Scope::process(Process::ServiceLevel)]
}

/// The agreement id from the path: the id (`42`) or the number (`SLA0000042`).
pub fn parse_id(text: &str) -> Result<i64, ApiError> {
    RecordKind::Agreement
        .parse_ref(text)
        .map_err(|_| ApiError::not_found(format_args!("agreement {text}")))
}

pub async fn find(db: &impl Sql, id: i64) -> Result<Agreement, ApiError> {
    load_agreement(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format_args!("agreement {}", agreement_number(id))))
}

/// The agreement as the API shows it, its state as of today.
pub fn view(a: &Agreement) -> AgreementView {
    let today = day_of(&itsm_http::now());
    let day = |d: &Option<String>| d.as_deref().and_then(|d| d.parse().ok());
    AgreementView {
        id: a.id,
        number: agreement_number(a.id),
        kind: a.kind,
        state: shown_state(
            a.state,
            day(&a.in_force_from),
            day(&a.in_force_until),
            today,
        ),
        allowed_actions: allowed_agreement_actions(a.state, a.in_force_version.is_some()),
        terms: a.terms.clone(),
        in_force_version: a.in_force_version,
        negotiated: a.negotiated.clone(),
        signed: a.signed.clone(),
        returned: a.returned.clone(),
        last_review: a.last_review.clone(),
        expired: a.expired.clone(),
        created_at: a.created_at.clone(),
        created_by: a.created_by.clone(),
        updated_at: a.updated_at.clone(),
        updated_by: a.updated_by.clone(),
    }
}

/// The agreement as JSON with its `ETag` (and `Location` when just created).
pub fn respond(a: &Agreement, status: StatusCode) -> Response {
    let location = (status == StatusCode::CREATED).then(|| format!("/api/v1/slas/{}", a.id));
    etag::respond(&view(a), a.version, status, location)
}

/// What the terms name must exist: customers, open services, catalogue entries not
/// withdrawn, calendars and supported SLAs. Only links `before` lacked are checked, so a
/// service retired since it was named does not block other edits.
pub async fn check_references(
    db: &impl Sql,
    before: Option<&Terms>,
    after: &Terms,
) -> Result<(), ApiError> {
    let added = |list: &[String], old: Option<&[String]>| -> Vec<(usize, String)> {
        list.iter()
            .enumerate()
            .filter(|(_, c)| !old.is_some_and(|o| o.contains(c)))
            .map(|(i, c)| (i, c.clone()))
            .collect()
    };
    for (i, code) in added(&after.customers, before.map(|b| &b.customers[..])) {
        ensure_customer_exists(db, &code, &format!("customers[{i}]")).await?;
    }
    for (i, code) in added(&after.services, before.map(|b| &b.services[..])) {
        ensure_service_open(db, &code, &format!("services[{i}]")).await?;
    }
    for (i, name) in added(
        &after.escalation_contacts,
        before.map(|b| &b.escalation_contacts[..]),
    ) {
        ensure_active_user(db, &name, &format!("escalation_contacts[{i}]")).await?;
    }
    for (i, rule) in after.escalation_rules.iter().enumerate() {
        let known = before.is_some_and(|b| {
            b.escalation_rules
                .iter()
                .any(|r| r.assignee == rule.assignee)
        });
        if let (Some(name), false) = (&rule.assignee, known) {
            ensure_active_user(db, name, &format!("escalation_rules[{i}].assignee")).await?;
        }
    }
    let target_entries = after
        .targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.entry.clone().map(|e| (format!("targets[{i}].entry"), e)));
    let entries = added(&after.entries, before.map(|b| &b.entries[..]))
        .into_iter()
        .map(|(i, code)| (format!("entries[{i}]"), code))
        .chain(target_entries);
    for (field, code) in entries {
        let rows = db
            .query(
                "SELECT withdrawn_at FROM catalogue_entry WHERE code = ?",
                &[code.as_str().into()],
            )
            .await?;
        let message = match rows.first() {
            None => format!("there is no catalogue entry {code}"),
            Some(row) if row.get::<Option<String>>("withdrawn_at")?.is_some() => {
                format!("catalogue entry {code} is withdrawn")
            }
            Some(_) => continue,
        };
        return Err(ApiError::invalid_field(&field, message));
    }
    for (code, field) in after.calendars() {
        if load_calendar(db, code).await?.is_none() {
            return Err(ApiError::invalid_field(
                &field,
                format!("there is no calendar {code}"),
            ));
        }
    }
    let supported: Vec<(usize, i64)> = after
        .supports
        .iter()
        .enumerate()
        .filter_map(|(i, n)| RecordKind::Agreement.parse_ref(n).ok().map(|id| (i, id)))
        .collect();
    let ids: Vec<i64> = supported.iter().map(|(_, id)| *id).collect();
    let found = crate::store::agreements::existing_slas(db, &ids).await?;
    if let Some((i, id)) = supported.iter().find(|(_, id)| !found.contains(id)) {
        return Err(ApiError::invalid_field(
            &format!("supports[{i}]"),
            format!("there is no SLA {}", agreement_number(*id)),
        ));
    }
    Ok(())
}

/// What one change did, for the audit trail.
pub struct Audited<'a> {
    pub action: &'a str,
    pub reason: Option<&'a str>,
    /// A decision on the terms (a signature, an approval): it must name the version read.
    pub decides: bool,
}

/// The shared write path: in one transaction, load the agreement, check `If-Match`, let
/// `change` check the caller's authority and apply itself (it may write versions), save at the
/// version read, and append the audit entry. A change that changes nothing writes nothing.
pub async fn modify<D: Sql>(
    db: &D,
    principal: &Principal,
    id: i64,
    headers: &HeaderMap,
    audited: Audited<'_>,
    change: impl AsyncFnOnce(&D, &mut Agreement) -> Result<(), ApiError>,
) -> Result<Response, ApiError> {
    principal.require_in(READ, &scope())?;
    let required = if audited.decides {
        Some(etag::if_match_required(headers, "agreement")?)
    } else {
        etag::if_match(headers)?
    };
    let now = itsm_http::now();
    in_transaction(db, async |db| {
        let current = find(db, id).await?;
        etag::check(required.as_deref(), current.version, &agreement_number(id))?;
        let mut next = current.clone();
        change(db, &mut next).await?;
        if next == current {
            return Ok(respond(&current, StatusCode::OK));
        }
        next.updated_at = now.clone();
        next.updated_by = principal.user.clone();
        if !save_agreement(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the agreement"));
        }
        next.version = current.version + 1;
        let change = Change::new("service_agreement", id, audited.action)
            .before(&current)
            .after(&next)
            .reason(audited.reason);
        record(db, principal, &change, &now).await?;
        Ok(respond(&next, StatusCode::OK))
    })
    .await
}
