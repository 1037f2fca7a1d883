//! A calendar as written with `PUT /api/v1/calendars/{code}`, checked into the stored spec.

use itsm_domain::sla::ZoneRules;
use itsm_http::ApiError;
use itsm_http::sla::calendar_spec::{
    CalendarName, CalendarSpec, HolidayEntry, Week, WorkingDay, business_calendar,
};
use schemars::JsonSchema;
use serde::Deserialize;

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

/// A calendar request, checked: what to store.
pub struct CheckedCalendar {
    pub name: CalendarName,
    pub zone: String,
    pub spec: CalendarSpec,
    pub zone_rules: ZoneRules,
}

impl CalendarRequest {
    /// The checked calendar, its zone compiled, or the first fault, named by field.
    pub fn check(self) -> Result<CheckedCalendar, ApiError> {
        let mut spec = CalendarSpec {
            week: self.week,
            holidays: self.holidays,
            working_days: self.working_days,
        };
        spec.holidays.sort_by_key(|h| h.date);
        spec.working_days.sort_by_key(|d| d.date);
        let calendar = business_calendar(&self.zone, &spec)?;
        Ok(CheckedCalendar {
            name: self.name,
            zone: self.zone,
            spec,
            zone_rules: calendar.zone_rules().clone(),
        })
    }
}
