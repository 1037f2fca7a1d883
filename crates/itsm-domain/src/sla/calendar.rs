//! A business calendar: working hours per weekday in an IANA time zone, holidays, and
//! exceptional days with hours of their own. It answers the two questions every SLA clock asks,
//! exactly and across daylight-saving changes: how much working time lies between two instants,
//! and when a given amount of working time, counted from an instant, runs out.
//!
//! The rule, which the tests check minute by minute: an instant is working time when its local
//! date's hours (the exceptional day's, else none on a holiday, else its weekday's) contain its
//! local time of day.

use super::zone::ZoneRules;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// Working hours within one day, as minutes since local midnight: `start` included, `end`
/// excluded; `end` may be 1440 (midnight at the end of the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hours {
    pub start: u16,
    pub end: u16,
}

impl Hours {
    pub const fn new(start: u16, end: u16) -> Self {
        Self { start, end }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    #[error("{0:?} is not an IANA time zone name such as Europe/London or Asia/Shanghai")]
    UnknownZone(String),
    #[error("{day}: hours {start}–{end} must start before they end, within 00:00–24:00")]
    Inverted { day: String, start: u16, end: u16 },
    #[error("{day}: hours overlap")]
    Overlapping { day: String },
    #[error("the calendar has no working time in any week")]
    NoWorkingTime,
}

/// A checked business calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    zone: ZoneRules,
    /// Monday first.
    week: [Vec<Hours>; 7],
    holidays: BTreeSet<NaiveDate>,
    /// Days with hours of their own (a Saturday worked, a short day), holidays or not.
    special: BTreeMap<NaiveDate, Vec<Hours>>,
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// How far [`BusinessCalendar::add`] looks ahead before deciding the time never runs out.
const HORIZON_DAYS: i64 = 3 * 366;

impl BusinessCalendar {
    /// A calendar in the IANA zone `zone`, compiled from the database (see [`ZoneRules`]).
    pub fn new(
        zone: &str,
        week: [Vec<Hours>; 7],
        holidays: BTreeSet<NaiveDate>,
        special: BTreeMap<NaiveDate, Vec<Hours>>,
    ) -> Result<Self, CalendarError> {
        let rules =
            ZoneRules::compile(zone).ok_or_else(|| CalendarError::UnknownZone(zone.to_owned()))?;
        Self::with_rules(rules, week, holidays, special)
    }

    /// A calendar in a zone compiled before (as stored with the calendar), without the IANA
    /// database.
    pub fn with_rules(
        zone: ZoneRules,
        week: [Vec<Hours>; 7],
        holidays: BTreeSet<NaiveDate>,
        special: BTreeMap<NaiveDate, Vec<Hours>>,
    ) -> Result<Self, CalendarError> {
        let mut week = week;
        for (day, hours) in WEEKDAYS.iter().zip(week.iter_mut()) {
            check_day(day, hours)?;
        }
        let mut special = special;
        for (date, hours) in &mut special {
            check_day(&date.to_string(), hours)?;
        }
        if week.iter().all(Vec::is_empty) {
            return Err(CalendarError::NoWorkingTime);
        }
        Ok(Self {
            zone,
            week,
            holidays,
            special,
        })
    }

    /// The hours of a local date.
    fn hours_on(&self, date: NaiveDate) -> &[Hours] {
        if let Some(hours) = self.special.get(&date) {
            return hours;
        }
        if self.holidays.contains(&date) {
            return &[];
        }
        &self.week[date.weekday().num_days_from_monday() as usize]
    }

    /// The calendar date at `at` in the calendar's zone: the day validity periods speak of.
    pub fn date_at(&self, at: DateTime<Utc>) -> NaiveDate {
        self.local_date(at.timestamp())
    }

    /// The zone, compiled, for storing with the calendar.
    pub fn zone_rules(&self) -> &ZoneRules {
        &self.zone
    }

    /// `at` as the calendar's people read it: "2026-12-29 11:30 GMT".
    pub fn local_text(&self, at: DateTime<Utc>) -> String {
        self.zone.local_text(at)
    }

    /// The rule itself, for one instant.
    pub fn is_working(&self, at: DateTime<Utc>) -> bool {
        let local = (at + Duration::seconds(self.zone.offset_at(at.timestamp()))).naive_utc();
        let seconds = i64::from(local.num_seconds_from_midnight());
        self.hours_on(local.date())
            .iter()
            .any(|h| i64::from(h.start) * 60 <= seconds && seconds < i64::from(h.end) * 60)
    }

    /// Working time in `[from, to)`; zero when `to` is not after `from`.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let (from, to) = (from.timestamp(), to.timestamp());
        if to <= from {
            return Duration::zero();
        }
        let seconds: i64 = self
            .working_spans(from, to)
            .iter()
            .map(|(a, b)| b - a)
            .sum();
        Duration::seconds(seconds)
    }

    /// The instant at which `amount` of working time counted from `from` has passed: `from`
    /// itself for nothing, else the moment within working time that completes it. `None` when
    /// it never does within three years (a calendar of holidays only).
    pub fn add(&self, from: DateTime<Utc>, amount: Duration) -> Option<DateTime<Utc>> {
        let mut left = amount.num_seconds();
        if left <= 0 {
            return Some(from);
        }
        let mut start = from.timestamp();
        // A week at a time keeps each step small whatever the amount.
        for _ in 0..HORIZON_DAYS / 7 {
            let end = start + 7 * 86_400;
            for (a, b) in self.working_spans(start, end) {
                if b - a >= left {
                    return DateTime::from_timestamp(a + left, 0);
                }
                left -= b - a;
            }
            start = end;
        }
        None
    }

    /// The working time in `[from, to)` (Unix seconds) as ordered, disjoint spans.
    fn working_spans(&self, from: i64, to: i64) -> Vec<(i64, i64)> {
        let segments = self.zone.segments(from - 2 * 86_400, to + 2 * 86_400);
        let first = self.local_date(from) - chrono::Days::new(1);
        let last = self.local_date(to) + chrono::Days::new(1);
        let mut spans: Vec<(i64, i64)> = Vec::new();
        for date in first.iter_days().take_while(|d| *d <= last) {
            let midnight = date
                .and_hms_opt(0, 0, 0)
                .map_or(0, |m| m.and_utc().timestamp());
            for hours in self.hours_on(date) {
                for &(a, b, offset) in &segments {
                    // With a constant offset, local = UTC + offset.
                    let start = (midnight + i64::from(hours.start) * 60 - offset)
                        .max(a)
                        .max(from);
                    let end = (midnight + i64::from(hours.end) * 60 - offset)
                        .min(b)
                        .min(to);
                    if start < end {
                        spans.push((start, end));
                    }
                }
            }
        }
        spans.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
        for (a, b) in spans {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        merged
    }

    fn local_date(&self, unix: i64) -> NaiveDate {
        DateTime::from_timestamp(unix + self.zone.offset_at(unix), 0)
            .unwrap_or_default()
            .date_naive()
    }
}

/// One day's hours sorted, each inside the day, none overlapping.
fn check_day(day: &str, hours: &mut [Hours]) -> Result<(), CalendarError> {
    hours.sort_unstable();
    for h in hours.iter() {
        if h.start >= h.end || h.end > 1440 {
            return Err(CalendarError::Inverted {
                day: day.to_owned(),
                start: h.start,
                end: h.end,
            });
        }
    }
    if hours.windows(2).any(|w| w[1].start < w[0].end) {
        return Err(CalendarError::Overlapping {
            day: day.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("an instant")
            .with_timezone(&Utc)
    }

    /// The zone compiled once per test run: compiling takes a moment, and the property tests
    /// build calendars by the hundred.
    pub fn rules(zone: &str) -> ZoneRules {
        static CACHE: std::sync::OnceLock<std::sync::Mutex<BTreeMap<String, ZoneRules>>> =
            std::sync::OnceLock::new();
        let mut cache = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(zone.to_owned())
            .or_insert_with(|| ZoneRules::compile(zone).expect("a zone"))
            .clone()
    }

    /// The same hours Monday to Friday, nothing at weekends.
    pub fn weekdays(zone: &str, day: &[Hours]) -> BusinessCalendar {
        BusinessCalendar::with_rules(
            rules(zone),
            std::array::from_fn(|i| if i < 5 { day.to_vec() } else { Vec::new() }),
            BTreeSet::new(),
            BTreeMap::new(),
        )
        .expect("a calendar")
    }

    fn office(zone: &str) -> BusinessCalendar {
        weekdays(
            zone,
            &[Hours::new(9 * 60, 12 * 60), Hours::new(13 * 60, 17 * 60)],
        )
    }

    #[test]
    fn a_weekend_is_skipped_and_lunch_does_not_count() {
        let london = office("Europe/London");
        // Friday 16:00 to Monday 10:00 (GMT): one hour on Friday, one on Monday.
        let span = london.between(at("2026-11-20T16:00:00Z"), at("2026-11-23T10:00:00Z"));
        assert_eq!(span, Duration::hours(2));
        assert_eq!(
            london.add(at("2026-11-20T16:00:00Z"), Duration::hours(2)),
            Some(at("2026-11-23T10:00:00Z"))
        );
        assert_eq!(
            london.add(at("2026-11-23T11:30:00Z"), Duration::hours(1)),
            Some(at("2026-11-23T13:30:00Z"))
        );
    }

    #[test]
    fn the_working_day_moves_with_daylight_saving_time() {
        let london = office("Europe/London");
        // On Monday 30 March 2026 (BST, UTC+1) work starts at 08:00 UTC.
        assert!(!london.is_working(at("2026-03-30T07:59:00Z")));
        assert!(london.is_working(at("2026-03-30T08:00:00Z")));
        // Friday 27 March 16:30 GMT to Monday 30 March 09:30 BST: 30 + 30 minutes.
        assert_eq!(
            london.between(at("2026-03-27T16:30:00Z"), at("2026-03-30T08:30:00Z")),
            Duration::minutes(60)
        );
    }

    #[test]
    fn holidays_close_a_day_and_special_days_open_one() {
        let day = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").expect("a date");
        let nine_to_five = vec![Hours::new(540, 1020)];
        let calendar = BusinessCalendar::with_rules(
            rules("Asia/Shanghai"),
            std::array::from_fn(|i| {
                if i < 5 {
                    nine_to_five.clone()
                } else {
                    Vec::new()
                }
            }),
            [day("2026-10-01")].into(),
            [(day("2026-10-10"), vec![Hours::new(540, 720)])].into(),
        )
        .expect("a calendar");
        // Thursday 1 October is a holiday; Saturday 10 October is worked in the morning.
        assert_eq!(
            calendar.between(at("2026-09-30T16:00:00Z"), at("2026-10-01T16:00:00Z")),
            Duration::zero()
        );
        assert_eq!(
            calendar.between(at("2026-10-09T16:00:00Z"), at("2026-10-10T16:00:00Z")),
            Duration::hours(3)
        );
    }

    #[test]
    fn bad_calendars_say_what_is_wrong() {
        let none = || std::array::from_fn(|_| Vec::new());
        let with = |hours: Vec<Hours>| -> [Vec<Hours>; 7] {
            std::array::from_fn(|i| if i == 0 { hours.clone() } else { Vec::new() })
        };
        let make =
            |zone: &str, week| BusinessCalendar::new(zone, week, BTreeSet::new(), BTreeMap::new());
        assert_eq!(
            make("Mars/Olympus", with(vec![Hours::new(0, 60)])),
            Err(CalendarError::UnknownZone("Mars/Olympus".to_owned()))
        );
        assert_eq!(make("UTC", none()), Err(CalendarError::NoWorkingTime));
        assert!(matches!(
            make("UTC", with(vec![Hours::new(600, 540)])),
            Err(CalendarError::Inverted { .. })
        ));
        assert!(matches!(
            make(
                "UTC",
                with(vec![Hours::new(540, 720), Hours::new(700, 800)])
            ),
            Err(CalendarError::Overlapping { .. })
        ));
        assert!(make("UTC", with(vec![Hours::new(0, 1440)])).is_ok());
    }

    /// Days around the daylight-saving changes of the zones below, in 2026.
    const CHANGES: &[&str] = &[
        "2026-03-08",
        "2026-03-29",
        "2026-04-05",
        "2026-10-04",
        "2026-10-25",
        "2026-11-01",
    ];
    const ZONES: &[&str] = &[
        "Europe/London",
        "America/New_York",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Asia/Shanghai",
        "America/Sao_Paulo",
    ];

    fn day_hours() -> impl Strategy<Value = Vec<Hours>> {
        prop::collection::vec((0u16..1440, 1u16..600), 0..3).prop_map(|raw| {
            // Non-overlapping by construction: each starts after the previous ends.
            let mut hours = Vec::new();
            let mut floor = 0u16;
            for (start, length) in raw {
                let start = floor.max(start);
                let end = (start + length).min(1440);
                if start < end {
                    hours.push(Hours::new(start, end));
                    floor = end + 1;
                }
                if floor >= 1440 {
                    break;
                }
            }
            hours
        })
    }

    fn calendar() -> impl Strategy<Value = (BusinessCalendar, DateTime<Utc>)> {
        (
            prop::sample::select(ZONES),
            prop::collection::vec(day_hours(), 7),
            prop::sample::select(CHANGES),
            -4i64..4,
            prop::collection::vec((-6i64..8, any::<bool>(), day_hours()), 0..4),
        )
            .prop_filter_map(
                "a week with working time",
                |(zone, week, change, shift, days)| {
                    let base = NaiveDate::parse_from_str(change, "%Y-%m-%d").ok()?;
                    let base = base.checked_add_signed(Duration::days(shift))?;
                    let mut holidays = BTreeSet::new();
                    let mut special = BTreeMap::new();
                    for (offset, is_holiday, hours) in days {
                        let date = base.checked_add_signed(Duration::days(offset))?;
                        if is_holiday {
                            holidays.insert(date);
                        } else {
                            special.insert(date, hours);
                        }
                    }
                    let week: [Vec<Hours>; 7] = week.try_into().ok()?;
                    let calendar =
                        BusinessCalendar::with_rules(rules(zone), week, holidays, special).ok()?;
                    let start = base.and_hms_opt(0, 0, 0)?.and_utc() - Duration::days(1);
                    Some((calendar, start))
                },
            )
    }

    /// The rule applied minute by minute: the reference the fast path must equal.
    fn brute_force(
        calendar: &BusinessCalendar,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Duration {
        let mut minutes = 0;
        let mut t = from;
        while t < to {
            if calendar.is_working(t) {
                minutes += 1;
            }
            t += Duration::minutes(1);
        }
        Duration::minutes(minutes)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn working_time_equals_the_minute_by_minute_count(
            (calendar, start) in calendar(),
            from_minutes in 0i64..(3 * 1440),
            length in 0i64..(4 * 1440),
        ) {
            let from = start + Duration::minutes(from_minutes);
            let to = from + Duration::minutes(length);
            prop_assert_eq!(calendar.between(from, to), brute_force(&calendar, from, to));
        }

        #[test]
        fn adding_working_time_lands_where_it_is_used_up(
            (calendar, start) in calendar(),
            from_minutes in 0i64..(3 * 1440),
            wanted in 0i64..(3 * 1440),
        ) {
            let from = start + Duration::minutes(from_minutes);
            let amount = Duration::minutes(wanted);
            let Some(due) = calendar.add(from, amount) else {
                // Only a calendar too sparse to give the amount within the horizon has no answer
                // (a minute a week gives 157 minutes in three years).
                let horizon = from + Duration::days(HORIZON_DAYS);
                prop_assert!(calendar.between(from, horizon) < amount);
                return Ok(());
            };
            prop_assert_eq!(calendar.between(from, due), amount);
            if wanted > 0 {
                // The last minute counted is working time: nothing idle is added at the end.
                prop_assert!(calendar.is_working(due - Duration::minutes(1)));
            } else {
                prop_assert_eq!(due, from);
            }
        }
    }
}
