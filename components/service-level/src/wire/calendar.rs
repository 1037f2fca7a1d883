//! A business calendar on the wire: its week as "09:00-17:30" spans per weekday, its holidays and
//! exceptional working days, read into the domain's checked `BusinessCalendar` with every fault
//! named by its field.

use chrono::NaiveDate;
use itsm_domain::catalogue::Localized;
use itsm_domain::sla::{BusinessCalendar, CalendarError, Hours, MAX_HOLIDAY_NAME};
use itsm_domain::text::BoundedText;
use itsm_http::ApiError;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub type CalendarName = Localized<100>;
pub type HolidayName = BoundedText<MAX_HOLIDAY_NAME>;

/// Holidays one calendar may hold: decades of any country's.
const MAX_HOLIDAYS: usize = 3000;
/// Exceptional days one calendar may hold.
const MAX_WORKING_DAYS: usize = 1000;
/// Spans of working hours in one day.
const MAX_SPANS: usize = 8;

/// One day's working hours: spans such as `"09:00-12:30"`, `"13:30-17:30"`; `"00:00-24:00"`
/// is the whole day. No spans: not a working day.
pub type DayHours = Vec<String>;

/// Working hours for each weekday, in the calendar's time zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Week {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monday: DayHours,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tuesday: DayHours,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wednesday: DayHours,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thursday: DayHours,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub friday: DayHours,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saturday: DayHours,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sunday: DayHours,
}

impl Week {
    fn days(&self) -> [(&'static str, &DayHours); 7] {
        [
            ("monday", &self.monday),
            ("tuesday", &self.tuesday),
            ("wednesday", &self.wednesday),
            ("thursday", &self.thursday),
            ("friday", &self.friday),
            ("saturday", &self.saturday),
            ("sunday", &self.sunday),
        ]
    }
}

/// A day off: no working time, unless a working day of the same date says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayEntry {
    pub date: NaiveDate,
    pub name: HolidayName,
}

/// A day with hours of its own: a Saturday worked, a short day before a holiday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingDay {
    pub date: NaiveDate,
    pub hours: DayHours,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<HolidayName>,
}

/// A calendar as written with `PUT /api/v1/calendars/{code}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarRequest {
    pub name: CalendarName,
    /// An IANA time zone name, such as `Europe/London` or `Asia/Shanghai`.
    pub zone: String,
    pub week: Week,
    #[serde(default)]
    pub holidays: Vec<HolidayEntry>,
    #[serde(default)]
    pub working_days: Vec<WorkingDay>,
}

/// What is stored as the calendar's `spec` column, in date order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CalendarSpec {
    pub week: Week,
    pub holidays: Vec<HolidayEntry>,
    pub working_days: Vec<WorkingDay>,
}

impl CalendarRequest {
    /// The checked calendar and the spec to store, or the first fault, named by field.
    pub fn check(self) -> Result<(CalendarName, String, CalendarSpec), ApiError> {
        let mut spec = CalendarSpec {
            week: self.week,
            holidays: self.holidays,
            working_days: self.working_days,
        };
        spec.holidays.sort_by_key(|h| h.date);
        spec.working_days.sort_by_key(|d| d.date);
        business_calendar(&self.zone, &spec)?;
        Ok((self.name, self.zone, spec))
    }
}

/// The domain calendar `spec` describes in `zone`; every fault names its field.
pub fn business_calendar(zone: &str, spec: &CalendarSpec) -> Result<BusinessCalendar, ApiError> {
    let mut week: [Vec<Hours>; 7] = Default::default();
    for (slot, (day, spans)) in week.iter_mut().zip(spec.week.days()) {
        *slot = spans_of(spans, &format!("week.{day}"))?;
    }
    if spec.holidays.len() > MAX_HOLIDAYS {
        return Err(ApiError::invalid_field(
            "holidays",
            format!("at most {MAX_HOLIDAYS}"),
        ));
    }
    let mut holidays = BTreeSet::new();
    for (i, holiday) in spec.holidays.iter().enumerate() {
        if !holidays.insert(holiday.date) {
            return Err(ApiError::invalid_field(
                &format!("holidays[{i}].date"),
                format!("{} is listed twice", holiday.date),
            ));
        }
    }
    if spec.working_days.len() > MAX_WORKING_DAYS {
        return Err(ApiError::invalid_field(
            "working_days",
            format!("at most {MAX_WORKING_DAYS}"),
        ));
    }
    let mut special = BTreeMap::new();
    for (i, day) in spec.working_days.iter().enumerate() {
        let spans = spans_of(&day.hours, &format!("working_days[{i}].hours"))?;
        if special.insert(day.date, spans).is_some() {
            return Err(ApiError::invalid_field(
                &format!("working_days[{i}].date"),
                format!("{} is listed twice", day.date),
            ));
        }
    }
    BusinessCalendar::new(zone, week, holidays, special).map_err(|error| {
        let field = match &error {
            CalendarError::UnknownZone(_) => "zone".to_owned(),
            CalendarError::NoWorkingTime => "week".to_owned(),
            CalendarError::Inverted { day, .. } | CalendarError::Overlapping { day } => {
                field_of_day(spec, day)
            }
        };
        ApiError::invalid_field(&field, error.to_string())
    })
}

/// The field a domain error's day names: a weekday or an exceptional date.
fn field_of_day(spec: &CalendarSpec, day: &str) -> String {
    spec.working_days
        .iter()
        .position(|d| d.date.to_string() == day)
        .map_or_else(
            || format!("week.{day}"),
            |i| format!("working_days[{i}].hours"),
        )
}

/// One day's spans, read and checked; overlaps are the domain's to find.
fn spans_of(spans: &[String], field: &str) -> Result<Vec<Hours>, ApiError> {
    if spans.len() > MAX_SPANS {
        return Err(ApiError::invalid_field(
            field,
            format!("at most {MAX_SPANS} spans a day"),
        ));
    }
    spans
        .iter()
        .enumerate()
        .map(|(i, text)| {
            parse_span(text).map_err(|m| ApiError::invalid_field(&format!("{field}[{i}]"), m))
        })
        .collect()
}

/// `"09:00-17:30"` as minutes of the day; the end may be `24:00` and must come after the start.
fn parse_span(text: &str) -> Result<Hours, String> {
    let shape = || format!("{text:?} is not a span such as \"09:00-17:30\"");
    let (start, end) = text.split_once('-').ok_or_else(shape)?;
    let minute = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    let (start, end) = (
        minute(start).ok_or_else(shape)?,
        minute(end).ok_or_else(shape)?,
    );
    if start >= end {
        return Err(format!("{text:?} ends before it starts"));
    }
    Ok(Hours::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_minutes_of_the_day() {
        assert_eq!(parse_span("09:00-17:30"), Ok(Hours::new(540, 1050)));
        assert_eq!(parse_span("00:00-24:00"), Ok(Hours::new(0, 1440)));
        assert!(
            parse_span("17:00-09:00")
                .expect_err("refused")
                .contains("ends before it starts")
        );
        for bad in [
            "9-17",
            "09:00",
            "09:60-10:00",
            "24:30-24:45",
            "0900-1700",
            "aa:bb-cc:dd",
        ] {
            assert!(parse_span(bad).is_err(), "{bad}");
        }
    }

    fn request(week: Week) -> CalendarRequest {
        CalendarRequest {
            name: CalendarName::from_pairs(&[("en", "Office")]).expect("valid"),
            zone: "Europe/London".to_owned(),
            week,
            holidays: Vec::new(),
            working_days: Vec::new(),
        }
    }

    fn field(error: ApiError) -> String {
        match error {
            ApiError::Unprocessable { errors, .. } => errors[0].field.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_fault_names_its_field() {
        let office = Week {
            monday: vec!["09:00-17:00".to_owned()],
            ..Week::default()
        };
        assert!(request(office.clone()).check().is_ok());
        assert_eq!(
            field(request(Week::default()).check().expect_err("refused")),
            "week"
        );
        let mut zone = request(office.clone());
        zone.zone = "Europe/Atlantis".to_owned();
        assert_eq!(field(zone.check().expect_err("refused")), "zone");
        let overlapping = Week {
            tuesday: vec!["09:00-13:00".to_owned(), "12:00-17:00".to_owned()],
            ..office.clone()
        };
        assert_eq!(
            field(request(overlapping).check().expect_err("refused")),
            "week.tuesday"
        );
        let inverted = Week {
            friday: vec!["17:00-09:00".to_owned()],
            ..office.clone()
        };
        assert_eq!(
            field(request(inverted).check().expect_err("refused")),
            "week.friday[0]"
        );
        let mut special = request(office.clone());
        special.working_days = vec![WorkingDay {
            date: "2027-01-02".parse().expect("valid"),
            hours: vec!["10:00-12:00".to_owned(), "11:00-13:00".to_owned()],
            name: None,
        }];
        assert_eq!(
            field(special.check().expect_err("refused")),
            "working_days[0].hours"
        );
        let mut twice = request(office);
        let christmas = HolidayEntry {
            date: "2026-12-25".parse().expect("valid"),
            name: HolidayName::parse("Christmas").expect("valid"),
        };
        twice.holidays = vec![christmas.clone(), christmas];
        assert_eq!(
            field(twice.check().expect_err("refused")),
            "holidays[1].date"
        );
    }
}
