//! A time zone's UTC offsets over time, compiled once from the IANA database and then read
//! without it. A calendar's zone is compiled when the calendar is saved and stored with it, so
//! the components that only read calendars (every process with SLA clocks) carry a few
//! kilobytes of transitions instead of the whole database (a megabyte of wasm).

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// From `from` (Unix seconds) on, until the next transition, local time is UTC + `offset`
/// seconds, called `abbreviation` ("GMT", "BST").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub from: i64,
    pub offset: i32,
    pub abbreviation: String,
}

/// A zone's offsets from 1970 to 2100, the first transition standing for everything before it
/// and the last for everything after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneRules {
    /// The IANA name, such as Europe/London.
    pub name: String,
    pub transitions: Vec<Transition>,
}

/// The span compiled: 1970-01-01 to 2100-01-01.
const FIRST: i64 = 0;
const LAST: i64 = 4_102_444_800;
/// Offsets are sampled daily and each change found to the second; no zone of the IANA database
/// changes twice within a day in this span (the property test below compares every zone it
/// samples with the database at random instants).
const STEP: i64 = 86_400;

impl ZoneRules {
    /// Compiles the zone `name` from the IANA database; `None` for a name it does not know.
    pub fn compile(name: &str) -> Option<Self> {
        let zone: Tz = name.parse().ok()?;
        let at = |unix: i64| {
            let local = zone.from_utc_datetime(
                &DateTime::from_timestamp(unix, 0)
                    .unwrap_or_default()
                    .naive_utc(),
            );
            (
                local.offset().fix().local_minus_utc(),
                local.format("%Z").to_string(),
            )
        };
        let (offset, abbreviation) = at(FIRST);
        let mut transitions = vec![Transition {
            from: FIRST,
            offset,
            abbreviation,
        }];
        let mut probe = FIRST;
        while probe < LAST {
            let next = probe + STEP;
            let current = transitions
                .last()
                .map(|t| (t.offset, t.abbreviation.clone()));
            if Some(at(next)) != current {
                // The first second of the new offset, within (probe, next].
                let (mut low, mut high) = (probe, next);
                while high - low > 1 {
                    let middle = low + (high - low) / 2;
                    if Some(at(middle)) == current {
                        low = middle;
                    } else {
                        high = middle;
                    }
                }
                let (offset, abbreviation) = at(high);
                transitions.push(Transition {
                    from: high,
                    offset,
                    abbreviation,
                });
            }
            probe = next;
        }
        Some(Self {
            name: name.to_owned(),
            transitions,
        })
    }

    /// The transition in force at `unix`.
    fn at(&self, unix: i64) -> Option<&Transition> {
        let index = self.transitions.partition_point(|t| t.from <= unix);
        self.transitions.get(index.saturating_sub(1))
    }

    /// The UTC offset in seconds at `unix`.
    pub fn offset_at(&self, unix: i64) -> i64 {
        self.at(unix).map_or(0, |t| i64::from(t.offset))
    }

    /// `[from, to)` cut where the offset changes: `(start, end, offset)` spans.
    pub fn segments(&self, from: i64, to: i64) -> Vec<(i64, i64, i64)> {
        let mut segments = Vec::new();
        let (mut start, mut offset) = (from, self.offset_at(from));
        for t in self
            .transitions
            .iter()
            .filter(|t| t.from > from && t.from < to)
        {
            if i64::from(t.offset) != offset {
                segments.push((start, t.from, offset));
                start = t.from;
                offset = i64::from(t.offset);
            }
        }
        segments.push((start, to, offset));
        segments
    }

    /// `at` in local time, as people read it: "2026-12-29 11:30 GMT".
    pub fn local_text(&self, at: DateTime<Utc>) -> String {
        let unix = at.timestamp();
        let local = at + chrono::Duration::seconds(self.offset_at(unix));
        let abbreviation = self.at(unix).map_or("UTC", |t| t.abbreviation.as_str());
        format!("{} {abbreviation}", local.format("%Y-%m-%d %H:%M"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unknown_names_do_not_compile() {
        assert!(ZoneRules::compile("Europe/Atlantis").is_none());
        let utc = ZoneRules::compile("UTC").expect("UTC");
        assert_eq!(utc.transitions.len(), 1);
    }

    #[test]
    fn london_changes_twice_a_year_and_names_its_offsets() {
        let london = ZoneRules::compile("Europe/London").expect("London");
        let summer = DateTime::parse_from_rfc3339("2027-03-28T01:00:00Z")
            .expect("instant")
            .timestamp();
        assert_eq!(london.offset_at(summer - 1), 0);
        assert_eq!(london.offset_at(summer), 3600);
        let t = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .expect("instant")
                .with_timezone(&Utc)
        };
        assert_eq!(
            london.local_text(t("2027-03-29T09:00:00Z")),
            "2027-03-29 10:00 BST"
        );
        assert_eq!(
            london.local_text(t("2027-01-11T09:00:00Z")),
            "2027-01-11 09:00 GMT"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The compiled table agrees with the IANA database at any instant, offset and name.
        #[test]
        fn the_table_agrees_with_the_database(
            zone in prop::sample::select(&[
                "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Shanghai",
                "America/Sao_Paulo", "Pacific/Apia", "Asia/Kolkata", "America/St_Johns",
            ][..]),
            unix in 0i64..4_102_444_800,
        ) {
            let rules = super::super::calendar::tests::rules(zone);
            let tz: Tz = zone.parse().expect("a zone");
            let instant = DateTime::from_timestamp(unix, 0).expect("in range");
            let expected = tz.from_utc_datetime(&instant.naive_utc());
            prop_assert_eq!(rules.offset_at(unix), i64::from(expected.offset().fix().local_minus_utc()));
            prop_assert_eq!(
                rules.local_text(instant),
                expected.format("%Y-%m-%d %H:%M %Z").to_string()
            );
        }
    }
}
