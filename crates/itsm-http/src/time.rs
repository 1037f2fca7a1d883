//! Instants on the wire: RFC 3339 in, RFC 3339 UTC with milliseconds out, so stored times
//! compare correctly as text whatever offset a client sent.

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};

/// Reads an RFC 3339 instant and normalises it to UTC milliseconds.
pub fn parse_instant(text: &str) -> Result<String, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| format_instant(t.with_timezone(&Utc)))
        .map_err(|_| "must be an RFC 3339 date and time, such as 2027-01-31T17:00:00Z".to_owned())
}

/// An instant that must lie after `now`.
pub fn parse_future_instant(text: &str, now: &str) -> Result<String, String> {
    let instant = parse_instant(text)?;
    if instant.as_str() <= now {
        return Err("must be in the future".to_owned());
    }
    Ok(instant)
}

/// Unix seconds of an instant this API wrote (`now()`).
pub fn unix_seconds(instant: &str) -> Result<i64, crate::ApiError> {
    DateTime::parse_from_rfc3339(instant)
        .map(|t| t.timestamp())
        .map_err(|_| crate::ApiError::Internal(format!("unreadable instant {instant}")))
}

pub fn format_instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The calendar day (UTC) of `now` (as returned by [`crate::now`]).
pub fn day_of(now: &str) -> NaiveDate {
    DateTime::parse_from_rfc3339(now)
        .map(|t| t.with_timezone(&Utc).date_naive())
        .unwrap_or_else(|_| Utc::now().date_naive())
}

/// `now` (as returned by [`crate::now`]) moved by `days`.
pub fn days_after(now: &str, days: i64) -> String {
    DateTime::parse_from_rfc3339(now)
        .map(|t| format_instant(t.with_timezone(&Utc) + Duration::days(days)))
        .unwrap_or_else(|_| now.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_of_an_instant_is_its_utc_date() {
        assert_eq!(
            day_of("2026-11-21T23:59:59.999Z"),
            NaiveDate::from_ymd_opt(2026, 11, 21).expect("date")
        );
    }

    #[test]
    fn instants_are_normalised_to_utc_and_checked_against_now() {
        assert_eq!(
            parse_instant("2027-01-31T18:00:00+01:00").expect("valid"),
            "2027-01-31T17:00:00.000Z"
        );
        assert!(parse_instant("31/01/2027").is_err());
        let now = "2026-11-21T10:00:00.000Z";
        assert!(parse_future_instant("2026-11-21T09:59:59Z", now).is_err());
        assert!(parse_future_instant("2026-11-21T10:00:01Z", now).is_ok());
        assert_eq!(days_after(now, 365), "2027-11-21T10:00:00.000Z");
    }
}
