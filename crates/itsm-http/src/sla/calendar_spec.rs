//! A business calendar as stored and shown: its week as "09:00-17:30" spans per weekday, its
//! holidays and exceptional working days, read into the domain's checked `BusinessCalendar` with
//! every fault named by its field. Shared, because every process whose records have SLA clocks
//! reads calendars; the service level process writes them.

use crate::ApiError;
use chrono::{Datelike, NaiveDate};
use itsm_domain::catalogue::Localized;
use itsm_domain::sla::{BusinessCalendar, CalendarError, Hours, MAX_HOLIDAY_NAME, ZoneRules};
use itsm_domain::text::BoundedText;
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

/// What is stored as the calendar's `spec` column, in date order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CalendarSpec {
    pub week: Week,
    pub holidays: Vec<HolidayEntry>,
    pub working_days: Vec<WorkingDay>,
}

/// The domain calendar `spec` describes in `zone`, the zone compiled from the IANA database;
/// every fault names its field. For saving a calendar: reading one goes through
/// [`stored_calendar`].
pub fn business_calendar(zone: &str, spec: &CalendarSpec) -> Result<BusinessCalendar, ApiError> {
    let rules = ZoneRules::compile(zone).ok_or_else(|| {
        ApiError::invalid_field(
            "zone",
            CalendarError::UnknownZone(zone.to_owned()).to_string(),
        )
    })?;
    stored_calendar(rules, spec)
}

/// The domain calendar of a stored `spec` in its compiled zone, without the IANA database.
pub fn stored_calendar(
    rules: ZoneRules,
    spec: &CalendarSpec,
) -> Result<BusinessCalendar, ApiError> {
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
    let out_of_range = |date: NaiveDate| !(1970..=9999).contains(&date.year());
    let mut holidays = BTreeSet::new();
    for (i, holiday) in spec.holidays.iter().enumerate() {
        if out_of_range(holiday.date) {
            return Err(ApiError::invalid_field(
                &format!("holidays[{i}].date"),
                "must lie between the years 1970 and 9999",
            ));
        }
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
        if out_of_range(day.date) {
            return Err(ApiError::invalid_field(
                &format!("working_days[{i}].date"),
                "must lie between the years 1970 and 9999",
            ));
        }
        let spans = spans_of(&day.hours, &format!("working_days[{i}].hours"))?;
        if special.insert(day.date, spans).is_some() {
            return Err(ApiError::invalid_field(
                &format!("working_days[{i}].date"),
                format!("{} is listed twice", day.date),
            ));
        }
    }
    BusinessCalendar::with_rules(rules, week, holidays, special).map_err(|error| {
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

    fn spec(week: Week) -> CalendarSpec {
        CalendarSpec {
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
        let london = |spec: &CalendarSpec| business_calendar("Europe/London", spec);
        let office = Week {
            monday: vec!["09:00-17:00".to_owned()],
            ..Week::default()
        };
        assert!(london(&spec(office.clone())).is_ok());
        assert_eq!(
            field(london(&spec(Week::default())).expect_err("refused")),
            "week"
        );
        assert_eq!(
            field(
                business_calendar("Europe/Atlantis", &spec(office.clone())).expect_err("refused")
            ),
            "zone"
        );
        let overlapping = Week {
            tuesday: vec!["09:00-13:00".to_owned(), "12:00-17:00".to_owned()],
            ..office.clone()
        };
        assert_eq!(
            field(london(&spec(overlapping)).expect_err("refused")),
            "week.tuesday"
        );
        let inverted = Week {
            friday: vec!["17:00-09:00".to_owned()],
            ..office.clone()
        };
        assert_eq!(
            field(london(&spec(inverted)).expect_err("refused")),
            "week.friday[0]"
        );
        let mut special = spec(office.clone());
        special.working_days = vec![WorkingDay {
            date: "2027-01-02".parse().expect("valid"),
            hours: vec!["10:00-12:00".to_owned(), "11:00-13:00".to_owned()],
            name: None,
        }];
        assert_eq!(
            field(london(&special).expect_err("refused")),
            "working_days[0].hours"
        );
        let mut twice = spec(office);
        let christmas = HolidayEntry {
            date: "2026-12-25".parse().expect("valid"),
            name: HolidayName::parse("Christmas").expect("valid"),
        };
        twice.holidays = vec![christmas.clone(), christmas];
        assert_eq!(
            field(london(&twice).expect_err("refused")),
            "holidays[1].date"
        );
    }
}
