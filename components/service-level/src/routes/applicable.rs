//! `GET /api/v1/slas/applicable`: which agreement and target govern a record of a given kind,
//! customer, service and priority (or catalogue entry) at a given time, and why — the choice
//! the clocks make, asked directly, so a desk or a customer can see it before a record exists.

use super::{READ, scope};
use crate::store::agreements::versions_in_force;
use crate::store::calendars::load_calendar;
use crate::wire::agreement::{Title, agreement_number};
use crate::wire::calendar::business_calendar;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use chrono::{DateTime, Utc};
use itsm_domain::incident::Priority;
use itsm_domain::parse_code;
use itsm_domain::sla::{Candidate, Subject, Target, TargetRecord, choose};
use itsm_http::time::parse_instant;
use itsm_http::{ApiError, Principal, QueryParams, Services};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// The governing agreement and target, or why there is none.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ApplicableAnswer {
    /// Whether an agreement in force covers the record.
    pub applies: bool,
    /// A plain sentence: which agreement applies and why, or that none does.
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Title>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// The calendar the target counts on: its own, else the agreement's service hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warn_at_percent: Option<u8>,
}

pub async fn applicable(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<ApplicableAnswer>, ApiError> {
    principal.require_in(READ, &scope())?;
    let query = QueryParams::parse(
        query,
        &["record", "customer", "service", "priority", "entry", "at"],
    )?;
    let record = query
        .parsed("record", TargetRecord::parse)?
        .ok_or_else(|| {
            ApiError::bad_field(
                "record",
                "say which kind of record: incident, request or complaint",
            )
        })?;
    let code = |name: &str| -> Result<Option<String>, ApiError> {
        query
            .get(name)
            .map(|c| parse_code(c).map_err(|m| ApiError::bad_field(name, m)))
            .transpose()
    };
    let (customer, service, entry) = (code("customer")?, code("service")?, code("entry")?);
    let priority = query.parsed("priority", Priority::parse)?;
    let at = match query.get("at") {
        Some(text) => parse_instant(text).map_err(|m| ApiError::bad_field("at", m))?,
        None => itsm_http::now(),
    };
    let instant: DateTime<Utc> = at
        .parse()
        .map_err(|_| ApiError::bad_field("at", "must be an RFC 3339 date and time"))?;
    let subject = Subject {
        record,
        customer: customer.as_deref(),
        service: service.as_deref(),
        priority,
        entry: entry.as_deref(),
    };
    let db = &*services.db;
    let mut zones = BTreeMap::new();
    let mut candidates = Vec::new();
    let mut versions = Vec::new();
    for (version, expired) in versions_in_force(db, &at).await? {
        if expired.as_ref().is_some_and(|e| e.at <= at) {
            continue;
        }
        let Some(calendar_code) = version.terms.calendar.clone() else {
            continue;
        };
        if !zones.contains_key(&calendar_code) {
            let Some(stored) = load_calendar(db, &calendar_code).await? else {
                continue;
            };
            zones.insert(
                calendar_code.clone(),
                business_calendar(&stored.zone, &stored.spec)?,
            );
        }
        let today = zones[&calendar_code].date_at(instant);
        let terms = &version.terms;
        if terms.valid_from.is_none_or(|first| today < first)
            || terms.valid_until.is_some_and(|last| today > last)
        {
            continue;
        }
        candidates.push(Candidate {
            name: format!(
                "{} version {}",
                agreement_number(version.agreement_id),
                version.number
            ),
            approved_at: version.approved.at.clone(),
            customers: terms.customers.clone(),
            services: terms.services.clone(),
            targets: terms.targets.clone(),
        });
        versions.push(version);
    }
    let Some(choice) = choose(&candidates, &subject) else {
        return Ok(Json(ApplicableAnswer {
            applies: false,
            reason: format!(
                "No agreement in force on {at} has a target for {}.",
                describe(&subject)
            ),
            agreement: None,
            version: None,
            title: None,
            target: None,
            calendar: None,
            warn_at_percent: None,
        }));
    };
    let version = &versions[choice.candidate];
    let target = version.terms.targets[choice.target].clone();
    Ok(Json(ApplicableAnswer {
        applies: true,
        reason: choice.reason,
        agreement: Some(agreement_number(version.agreement_id)),
        version: Some(version.number),
        title: Some(version.terms.title.clone()),
        calendar: target
            .calendar
            .clone()
            .or_else(|| version.terms.calendar.clone()),
        warn_at_percent: Some(
            target
                .warn_at_percent
                .unwrap_or_else(|| version.terms.warn_at()),
        ),
        target: Some(target),
    }))
}

/// The record asked about, in words: "high-priority incidents for customer acme and service mail".
fn describe(subject: &Subject<'_>) -> String {
    let mut words = Target {
        record: subject.record,
        priority: subject.priority,
        entry: subject.entry.map(str::to_owned),
        response_minutes: None,
        resolution_minutes: Some(1),
        warn_at_percent: None,
        calendar: None,
    }
    .describe()
    .trim_start_matches("all ")
    .to_owned();
    match (subject.customer, subject.service) {
        (Some(c), Some(s)) => words.push_str(&format!(" of customer {c} and service {s}")),
        (Some(c), None) => words.push_str(&format!(" of customer {c}")),
        (None, Some(s)) => words.push_str(&format!(" of service {s}")),
        (None, None) => {}
    }
    words
}
