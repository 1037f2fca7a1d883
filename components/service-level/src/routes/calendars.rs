//! `/api/v1/calendars`: the business calendars clocks count on — written whole with `PUT`,
//! holidays imported from an iCalendar file, and two questions answered for any calendar: how
//! much working time lies between two instants, and when an amount of it runs out.

use super::{READ, WRITE, scope};
use crate::store::calendars::{
    StoredCalendar, insert_calendar, list_calendars, load_calendar, save_calendar,
};
use crate::wire::calendar::CalendarRequest;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, Utc};
use http::{HeaderMap, StatusCode, header};
use itsm_domain::Code;
use itsm_domain::sla::{holidays_from_ics, minutes_text};
use itsm_http::audit::{Change, record};
use itsm_http::json::Items;
use itsm_http::sla::calendar_spec::{HolidayEntry, HolidayName, stored_calendar};
use itsm_http::sla::governing::ROUND_THE_CLOCK;
use itsm_http::time::{format_instant, parse_instant};
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services, etag};
use itsm_store::{Sql, in_transaction};
use schemars::JsonSchema;
use serde::Serialize;

pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<Items<StoredCalendar>>, ApiError> {
    principal.require_in(READ, &scope())?;
    Ok(Json(Items::new(list_calendars(&*services.db).await?)))
}

pub async fn get_calendar(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    principal.require_in(READ, &scope())?;
    let calendar = find(&*services.db, &code).await?;
    Ok(etag::respond(
        &calendar,
        calendar.version,
        StatusCode::OK,
        None,
    ))
}

async fn find(db: &impl Sql, code: &str) -> Result<StoredCalendar, ApiError> {
    load_calendar(db, code)
        .await?
        .ok_or_else(|| ApiError::not_found(format_args!("calendar {code}")))
}

/// Creates the calendar, or replaces it whole (`If-Match` guards against lost updates).
/// Clocks read calendars as they are now, so a holiday added moves the due times it touches.
pub async fn put_calendar(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<CalendarRequest>,
) -> Result<Response, ApiError> {
    let code = Code::parse(&code).map_err(|message| ApiError::bad_field("code", message))?;
    principal.require_in(WRITE, &scope())?;
    ensure_not_built_in(code.as_str())?;
    let checked = request.check()?;
    let required = etag::if_match(&headers)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        match load_calendar(db, code.as_str()).await? {
            None => {
                let mut calendar = StoredCalendar {
                    id: 0,
                    code: code.to_string(),
                    name: checked.name,
                    zone: checked.zone,
                    spec: checked.spec,
                    zone_rules: checked.zone_rules,
                    version: 1,
                    created_at: now.clone(),
                    created_by: principal.user.clone(),
                    updated_at: now.clone(),
                    updated_by: principal.user.clone(),
                };
                calendar.id = insert_calendar(db, &calendar).await?;
                let change = Change::created("business_calendar", calendar.id, &calendar);
                record(db, &principal, &change, &now).await?;
                let location = format!("/api/v1/calendars/{code}");
                Ok(etag::respond(
                    &calendar,
                    1,
                    StatusCode::CREATED,
                    Some(location),
                ))
            }
            Some(current) => {
                etag::check(
                    required.as_deref(),
                    current.version,
                    &format!("calendar {code}"),
                )?;
                let mut next = current.clone();
                next.name = checked.name;
                next.zone = checked.zone;
                next.spec = checked.spec;
                next.zone_rules = checked.zone_rules;
                save(db, &principal, current, next, "update", &now).await
            }
        }
    })
    .await
}

/// Writes `next` over `current` with its audit entry; nothing when nothing changed.
async fn save(
    db: &impl Sql,
    principal: &Principal,
    current: StoredCalendar,
    mut next: StoredCalendar,
    action: &str,
    now: &str,
) -> Result<Response, ApiError> {
    if next == current {
        return Ok(etag::respond(
            &current,
            current.version,
            StatusCode::OK,
            None,
        ));
    }
    next.updated_at = now.to_owned();
    next.updated_by = principal.user.clone();
    if !save_calendar(db, &next, current.version).await? {
        return Err(ApiError::lost_race("the calendar"));
    }
    next.version = current.version + 1;
    let change = Change::new("business_calendar", current.id, action)
        .before(&current)
        .after(&next);
    record(db, principal, &change, now).await?;
    Ok(etag::respond(&next, next.version, StatusCode::OK, None))
}

/// `POST /api/v1/calendars/{code}/holidays` with an iCalendar file (`text/calendar`): its
/// all-day events become holidays. Dates the calendar already has keep their name; a file
/// that cannot be read whole changes nothing.
pub async fn import_holidays(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    principal.require_in(WRITE, &scope())?;
    ensure_not_built_in(&code)?;
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media_type.as_deref() != Some("text/calendar") {
        return Err(ApiError::UnsupportedMediaType {
            detail: "send the iCalendar file as text/calendar".to_owned(),
        });
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::invalid_field("file", "an iCalendar file is UTF-8 text"))?;
    let imported =
        holidays_from_ics(text).map_err(|e| ApiError::invalid_field("file", e.to_string()))?;
    let required = etag::if_match(&headers)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let current = find(db, &code).await?;
        etag::check(
            required.as_deref(),
            current.version,
            &format!("calendar {code}"),
        )?;
        let mut next = current.clone();
        for holiday in imported {
            if next.spec.holidays.iter().any(|h| h.date == holiday.date) {
                continue;
            }
            let name = HolidayName::parse(&holiday.name)
                .map_err(|m| ApiError::invalid_field("file", format!("{}: {m}", holiday.date)))?;
            next.spec.holidays.push(HolidayEntry {
                date: holiday.date,
                name,
            });
        }
        next.spec.holidays.sort_by_key(|h| h.date);
        stored_calendar(next.zone_rules.clone(), &next.spec).map_err(|_| {
            ApiError::invalid_field("file", "the calendar would hold too many holidays")
        })?;
        save(db, &principal, current, next, "import_holidays", &now).await
    })
    .await
}

/// Working time between two instants, in a calendar.
#[derive(Debug, Serialize, JsonSchema)]
pub struct WorkingTime {
    pub calendar: String,
    pub from: String,
    pub to: String,
    pub minutes: i64,
    /// The figure in words: "2 h 30 min of working time".
    pub text: String,
}

pub async fn working_time(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<WorkingTime>, ApiError> {
    principal.require_in(READ, &scope())?;
    let query = QueryParams::parse(query, &["from", "to"])?;
    let (from, to) = (instant(&query, "from")?, instant(&query, "to")?);
    if to < from {
        return Err(ApiError::bad_field("to", "must not come before from"));
    }
    if to - from > Duration::days(3 * 366) {
        return Err(ApiError::bad_field("to", "at most three years after from"));
    }
    let stored = find(&*services.db, &code).await?;
    let calendar = stored_calendar(stored.zone_rules.clone(), &stored.spec)?;
    let minutes = calendar.between(from, to).num_minutes();
    Ok(Json(WorkingTime {
        calendar: stored.code,
        from: format_instant(from),
        to: format_instant(to),
        minutes,
        text: format!("{} of working time", minutes_text(minutes)),
    }))
}

/// When an amount of working time, counted from an instant, runs out.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DueTime {
    pub calendar: String,
    pub from: String,
    pub minutes: i64,
    pub due: String,
    /// The due instant's local date and time in the calendar's zone.
    pub local_due: String,
}

pub async fn due(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<DueTime>, ApiError> {
    principal.require_in(READ, &scope())?;
    let query = QueryParams::parse(query, &["from", "minutes"])?;
    let from = instant(&query, "from")?;
    let minutes = query
        .parsed("minutes", |m| {
            m.parse::<u32>()
                .ok()
                .filter(|m| (1..=itsm_domain::sla::MAX_TARGET_MINUTES).contains(m))
                .ok_or_else(|| "a whole number of minutes from 1 to a year's".to_owned())
        })?
        .ok_or_else(|| ApiError::bad_field("minutes", "is required"))?;
    let stored = find(&*services.db, &code).await?;
    let calendar = stored_calendar(stored.zone_rules.clone(), &stored.spec)?;
    let due = calendar
        .add(from, Duration::minutes(i64::from(minutes)))
        .ok_or_else(|| ApiError::Conflict {
            detail: format!(
                "calendar {} has too little working time in the next three years for {minutes} minutes",
                stored.code
            ),
        })?;
    Ok(Json(DueTime {
        calendar: stored.code,
        from: format_instant(from),
        minutes: i64::from(minutes),
        due: format_instant(due),
        local_due: calendar.local_text(due),
    }))
}

fn instant(query: &QueryParams, name: &str) -> Result<DateTime<Utc>, ApiError> {
    let text = query
        .get(name)
        .ok_or_else(|| ApiError::bad_field(name, "is required"))?;
    let instant: DateTime<Utc> = parse_instant(text)
        .and_then(|t| t.parse().map_err(|_| String::new()))
        .map_err(|m: String| ApiError::bad_field(name, m))?;
    // Calendars look up to three years ahead; a far-off year is a typing error, not a question.
    if !(1970..=2200).contains(&instant.year()) {
        return Err(ApiError::bad_field(
            name,
            "must lie between the years 1970 and 2200",
        ));
    }
    Ok(instant)
}

/// The seeded `always` calendar counts every minute: targets that never wait for office hours
/// and the seeds' default complaint target rely on it, so nobody edits it.
fn ensure_not_built_in(code: &str) -> Result<(), ApiError> {
    if code == ROUND_THE_CLOCK {
        return Err(ApiError::Conflict {
            detail: format!(
                "calendar {ROUND_THE_CLOCK} is built in and counts every minute; define a calendar of your own"
            ),
        });
    }
    Ok(())
}
