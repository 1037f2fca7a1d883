//! Which agreement and target govern a record: of the SLA versions in force when the record was
//! logged (approved by then, within their validity in their calendar's zone, not ended by then),
//! the most specific covering it, by the domain's `choose`. Shared by the service level process,
//! which answers the question directly, and every process whose records have clocks.

use super::calendar_spec::{CalendarSpec, stored_calendar};
use crate::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use itsm_domain::RecordKind;
use itsm_domain::complaint::{DEFAULT_RESPONSE_MINUTES, DEFAULT_RESULT_MINUTES};
use itsm_domain::sla::{
    BusinessCalendar, Candidate, DEFAULT_WARN_AT_PERCENT, Subject, Target, TargetRecord, ZoneRules,
    choose,
};
use itsm_store::Sql;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The calendar the migrations seed, counting every minute; the service level process refuses
/// to change it.
pub const ROUND_THE_CLOCK: &str = "always";

/// What the choice reads of a version's terms; the service level process writes the whole.
#[derive(Debug, Deserialize)]
struct InForceTerms {
    title: serde_json::Value,
    #[serde(default)]
    customers: Vec<String>,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    entries: Vec<String>,
    #[serde(default)]
    targets: Vec<Target>,
    calendar: Option<String>,
    warn_at_percent: Option<u8>,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
}

/// The governing target, with everything a clock needs.
#[derive(Debug, Clone)]
pub struct GoverningTarget {
    /// SLA0000003.
    pub agreement: String,
    pub version: i64,
    /// The agreement's title, by language.
    pub title: serde_json::Value,
    pub target: Target,
    /// The calendar the target counts on: its own, else the agreement's service hours.
    pub calendar_code: String,
    pub calendar: BusinessCalendar,
    pub warn_at_percent: u8,
    /// Why this agreement and target, in a sentence.
    pub reason: String,
}

impl GoverningTarget {
    /// Whether an agreement sets the target, rather than the seeds' default for complaints.
    pub fn is_agreed(&self) -> bool {
        !self.agreement.is_empty()
    }
}

/// A business calendar by code, checked; `None` when there is no such calendar.
pub async fn load_business_calendar(
    db: &impl Sql,
    code: &str,
) -> Result<Option<BusinessCalendar>, ApiError> {
    let rows = db
        .query(
            "SELECT spec, zone_rules FROM business_calendar WHERE code = ?",
            &[code.into()],
        )
        .await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let spec: CalendarSpec = row.json("spec")?;
    let rules: Option<ZoneRules> = row.json_opt("zone_rules")?;
    let rules = rules.ok_or_else(|| {
        ApiError::Internal(format!(
            "calendar {code} has no compiled zone: save it again"
        ))
    })?;
    stored_calendar(rules, &spec).map(Some)
}

/// The agreement and target governing `subject` as of `at`, or why there is none.
pub async fn governing(
    db: &impl Sql,
    subject: &Subject<'_>,
    at: DateTime<Utc>,
) -> Result<Result<GoverningTarget, String>, ApiError> {
    let at_text = crate::time::format_instant(at);
    let rows = db
        .query(
            "SELECT v.agreement_id, v.version_number, v.terms, v.approved_at, a.expired
             FROM service_agreement_version v
             JOIN service_agreement a ON a.agreement_id = v.agreement_id
             WHERE a.kind = 'sla' AND v.approved_at <= ?
               AND (a.expired IS NULL OR json_extract(a.expired, '$.at') > ?)
             ORDER BY v.agreement_id, v.version_number DESC",
            &[at_text.as_str().into(), at_text.as_str().into()],
        )
        .await?;
    let mut calendars: BTreeMap<String, Option<BusinessCalendar>> = BTreeMap::new();
    let mut candidates = Vec::new();
    let mut found = Vec::new();
    // Per agreement, the newest version approved by then whose validity covers the day: a
    // revision that starts later leaves the version before it in force until then.
    let mut decided: Option<i64> = None;
    for row in rows.iter() {
        let agreement_id: i64 = row.get("agreement_id")?;
        if decided == Some(agreement_id) {
            continue;
        }
        let expired: Option<serde_json::Value> = row.json_opt("expired")?;
        let ended_at = expired
            .as_ref()
            .and_then(|e| e["at"].as_str())
            .map(str::to_owned);
        if ended_at.is_some_and(|ended| ended <= at_text) {
            continue;
        }
        let terms: InForceTerms = row.json("terms")?;
        let Some(code) = terms.calendar.clone() else {
            continue;
        };
        if !calendars.contains_key(&code) {
            let calendar = load_business_calendar(db, &code).await?;
            calendars.insert(code.clone(), calendar);
        }
        let Some(Some(calendar)) = calendars.get(&code) else {
            continue;
        };
        let today = calendar.date_at(at);
        if terms.valid_from.is_none_or(|first| today < first)
            || terms.valid_until.is_some_and(|last| today > last)
        {
            continue;
        }
        decided = Some(agreement_id);
        let agreement = RecordKind::Agreement.number_text(agreement_id);
        let version: i64 = row.get("version_number")?;
        candidates.push(Candidate {
            name: format!("{agreement} version {version}"),
            approved_at: row.get("approved_at")?,
            customers: terms.customers.clone(),
            services: terms.services.clone(),
            entries: terms.entries.clone(),
            targets: terms.targets.clone(),
        });
        found.push((agreement, version, terms));
    }
    let Some(choice) = choose(&candidates, subject) else {
        return Ok(Err(format!(
            "No agreement in force on {at_text} has a target for {}.",
            describe(subject)
        )));
    };
    let (agreement, version, terms) = found.swap_remove(choice.candidate);
    let target = terms.targets[choice.target].clone();
    let calendar_code = target
        .calendar
        .clone()
        .or(terms.calendar)
        .unwrap_or_default();
    let calendar = match calendars.get(&calendar_code) {
        Some(Some(calendar)) => calendar.clone(),
        _ => load_business_calendar(db, &calendar_code)
            .await?
            .ok_or_else(|| ApiError::Internal(format!("calendar {calendar_code} is gone")))?,
    };
    Ok(Ok(GoverningTarget {
        agreement,
        version,
        title: terms.title,
        warn_at_percent: target
            .warn_at_percent
            .or(terms.warn_at_percent)
            .unwrap_or(DEFAULT_WARN_AT_PERCENT),
        target,
        calendar_code,
        calendar,
        reason: choice.reason,
    }))
}

/// The seeds' target for complaints and feedback where no agreement in force sets one: a
/// response within 24 hours and a result within 72, counted round the clock [002 §4.3.2]. No
/// agreement governs it, so its `agreement` is empty (see [`GoverningTarget::is_agreed`]).
pub async fn complaint_default(db: &impl Sql, why_none: &str) -> Result<GoverningTarget, ApiError> {
    let calendar = load_business_calendar(db, ROUND_THE_CLOCK)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("calendar {ROUND_THE_CLOCK} is gone")))?;
    Ok(GoverningTarget {
        agreement: String::new(),
        version: 0,
        title: serde_json::Value::Null,
        target: Target {
            record: TargetRecord::Complaint,
            priority: None,
            entry: None,
            response_minutes: Some(DEFAULT_RESPONSE_MINUTES),
            resolution_minutes: Some(DEFAULT_RESULT_MINUTES),
            warn_at_percent: None,
            calendar: Some(ROUND_THE_CLOCK.to_owned()),
        },
        calendar_code: ROUND_THE_CLOCK.to_owned(),
        calendar,
        warn_at_percent: DEFAULT_WARN_AT_PERCENT,
        reason: format!(
            "{why_none} The seeds' default applies: a response within 24 hours and a result within 72, counted round the clock (seed 002 §4.3.2)."
        ),
    })
}

/// The record asked about, in words: "high-priority incidents of customer acme and service mail".
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
