//! `GET /api/v1/slas/applicable`: which agreement and target govern a record of a given kind,
//! customer, service and priority (or catalogue entry) at a given time, and why — the choice
//! the clocks make, asked directly, so a desk can see it before a record exists.

use super::{READ, scope};
use crate::wire::agreement::Title;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use chrono::{DateTime, Utc};
use itsm_domain::incident::Priority;
use itsm_domain::parse_code;
use itsm_domain::sla::{Subject, Target, TargetRecord};
use itsm_http::sla::governing::{complaint_default, governing};
use itsm_http::time::parse_instant;
use itsm_http::{ApiError, Principal, QueryParams, Services};
use schemars::JsonSchema;
use serde::Serialize;

/// The governing agreement and target, or why there is none.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ApplicableAnswer {
    /// Whether a target governs such a record: an agreement's in force, or for complaints the
    /// seeds' default (24 h response, 72 h result, round the clock; `agreement` left out).
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
    // Codes in the query are checked as everywhere (`QueryParams::parsed` names the field).
    let code = |name: &str| query.parsed(name, parse_code);
    let (customer, service, entry) = (code("customer")?, code("service")?, code("entry")?);
    let at: DateTime<Utc> = match query.get("at") {
        Some(text) => parse_instant(text)
            .and_then(|t| t.parse().map_err(|_| String::new()))
            .map_err(|m| ApiError::bad_field("at", m))?,
        None => Utc::now(),
    };
    let subject = Subject {
        record,
        customer: customer.as_deref(),
        service: service.as_deref(),
        priority: query.parsed("priority", Priority::parse)?,
        entry: entry.as_deref(),
    };
    let db = &*services.db;
    let found = match governing(db, &subject, at).await? {
        Err(reason) if record == TargetRecord::Complaint => {
            Ok(complaint_default(db, &reason).await?)
        }
        found => found,
    };
    let answer = match found {
        Err(reason) => ApplicableAnswer {
            applies: false,
            reason,
            agreement: None,
            version: None,
            title: None,
            target: None,
            calendar: None,
            warn_at_percent: None,
        },
        Ok(governing) => ApplicableAnswer {
            applies: true,
            agreement: governing.is_agreed().then(|| governing.agreement.clone()),
            version: governing.is_agreed().then_some(governing.version),
            reason: governing.reason,
            title: serde_json::from_value(governing.title).ok(),
            target: Some(governing.target),
            calendar: Some(governing.calendar_code),
            warn_at_percent: Some(governing.warn_at_percent),
        },
    };
    Ok(Json(answer))
}
