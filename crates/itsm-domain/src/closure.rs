//! How a resolved record comes to be closed, and the rule that closes a resolution the customer
//! never answered: without it, unconfirmed resolutions would pile up as open work for ever.

use crate::text_enum::text_enum;
use chrono::{DateTime, Duration, Utc};

text_enum! {
    /// Who or what closed a resolved record; reports count confirmed fixes apart from silence.
    pub enum Closure {
        CallerConfirmed => "caller_confirmed",
        DeskClosed => "desk_closed",
        AutoClosed => "auto_closed",
    }
}

/// How long a resolution waits for the caller's answer before it closes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoClose {
    after_hours: Option<u32>,
}

impl AutoClose {
    /// Three days: long enough to span a weekend, short enough that queues stay honest.
    pub const DEFAULT_HOURS: u32 = 72;
    /// A year; anything longer is better said as "never".
    pub const MAX_HOURS: u32 = 24 * 366;

    /// `None` switches the rule off: resolutions wait for the caller or the desk.
    pub fn new(after_hours: Option<u32>) -> Result<Self, String> {
        match after_hours {
            Some(hours) if hours == 0 || hours > Self::MAX_HOURS => Err(format!(
                "must be between 1 and {} hours, or null to never close by itself",
                Self::MAX_HOURS
            )),
            _ => Ok(Self { after_hours }),
        }
    }

    pub const fn after_hours(self) -> Option<u32> {
        self.after_hours
    }

    /// When a resolution given at `resolved_at` closes itself, if it ever does.
    pub fn deadline(self, resolved_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.after_hours
            .map(|hours| resolved_at + Duration::hours(i64::from(hours)))
    }
}

impl Default for AutoClose {
    fn default() -> Self {
        Self {
            after_hours: Some(Self::DEFAULT_HOURS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use chrono::TimeZone;
    use proptest::prelude::*;
    use proptest::sample::select;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn a_resolution_closes_itself_after_the_configured_hours() {
        let rule = AutoClose::new(Some(3)).expect("valid");
        assert_eq!(rule.deadline(at(9)), Some(at(12)));
        assert_eq!(AutoClose::default().after_hours(), Some(72));
    }

    #[test]
    fn switched_off_it_never_closes() {
        let rule = AutoClose::new(None).expect("valid");
        assert_eq!(rule.deadline(at(9)), None);
    }

    #[test]
    fn zero_and_overlong_waits_are_refused() {
        assert!(AutoClose::new(Some(0)).is_err());
        assert!(AutoClose::new(Some(AutoClose::MAX_HOURS + 1)).is_err());
        assert!(AutoClose::new(Some(AutoClose::MAX_HOURS)).is_ok());
    }

    proptest! {
        #[test]
        fn closure_text_round_trips(closure in select(Closure::ALL)) {
            assert_text_encoding(closure, closure.as_str(), Closure::parse);
        }
    }
}
