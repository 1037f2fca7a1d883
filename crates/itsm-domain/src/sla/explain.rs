//! One clock, explained: the figures a reader needs (elapsed, remaining, due, when the warning
//! was or will be crossed, where it stands) and a plain sentence saying how they came about, so
//! nobody has to reconstruct a due time by hand.

use super::calendar::BusinessCalendar;
use super::clock::{Standing, Timeline, crossing, read};
use super::policy::Metric;
use super::wording::minutes_text;
use chrono::{DateTime, Duration, Utc};

/// What governs the clock, as the sentence names it.
#[derive(Debug, Clone, Copy)]
pub struct Governing<'a> {
    /// "SLA0000003 version 1".
    pub agreement: &'a str,
    /// "high-priority incidents".
    pub covers: &'a str,
    /// The calendar's code.
    pub calendar: &'a str,
}

/// A clock read at one instant, with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    pub target: Duration,
    pub elapsed: Duration,
    pub remaining: Duration,
    /// When the target falls (or fell) due: the breach instant once breached; while paused and
    /// not yet due, unknown.
    pub due: Option<DateTime<Utc>>,
    /// When the warning threshold is (or was) crossed, likewise.
    pub warn_at: Option<DateTime<Utc>>,
    pub standing: Standing,
    /// Whether the clock counts now.
    pub running: bool,
    pub sentence: String,
}

/// Reads `line` against `target` on `calendar` at `now` and says what it found.
pub fn explain(
    metric: Metric,
    line: &Timeline,
    calendar: &BusinessCalendar,
    target: Duration,
    warn_percent: u8,
    now: DateTime<Utc>,
    governing: &Governing<'_>,
) -> Explained {
    let reading = read(line, calendar, target, f64::from(warn_percent) / 100.0, now);
    let running = line
        .running
        .last()
        .is_some_and(|(_, until)| until.is_none());
    let due = crossing(line, calendar, target);
    // The threshold in whole seconds, rounded up as `read` compares it.
    let warn = Duration::seconds((target.num_seconds() * i64::from(warn_percent) + 99) / 100);
    let warn_at = crossing(line, calendar, warn);
    let local = |t: DateTime<Utc>| calendar.local_text(t);
    let name = match metric {
        Metric::Response => "Response",
        Metric::Resolution => "Resolution",
    };
    let pauses = match line.pauses.len() {
        0 => String::new(),
        n => {
            let mut reasons: Vec<&str> = line.pauses.iter().map(|p| p.reason).collect();
            reasons.dedup();
            format!(
                ", not counting {n} pause{} ({})",
                if n == 1 { "" } else { "s" },
                reasons.join(", ")
            )
        }
    };
    let over = minutes_text((reading.elapsed - target).num_minutes());
    let remaining = minutes_text(reading.remaining.num_minutes());
    let standing = match (reading.standing, running, line.stopped) {
        (Standing::Breached, _, Some(stopped)) => format!(
            "breached at {}, {over} over the target, and stopped at {}",
            due.map_or_else(|| "an unknown time".to_owned(), local),
            local(stopped)
        ),
        (Standing::Breached, _, None) => format!(
            "breached at {}, {over} over the target so far",
            due.map_or_else(|| "an unknown time".to_owned(), local)
        ),
        (_, _, Some(stopped)) => format!(
            "met: stopped at {} with {remaining} to spare",
            local(stopped)
        ),
        (standing, true, None) => {
            let risk = match (standing, warn_at) {
                (Standing::AtRisk, Some(w)) => {
                    format!(
                        "at risk since {} (past {warn_percent} % of the target); ",
                        local(w)
                    )
                }
                _ => String::new(),
            };
            format!(
                "{risk}{remaining} remain, due {} if it keeps running",
                due.map_or_else(|| "beyond the calendar's horizon".to_owned(), local)
            )
        }
        (standing, false, None) => {
            let since = line
                .pauses
                .last()
                .filter(|p| p.until.is_none())
                .map(|p| format!(" since {} ({})", local(p.from), p.reason))
                .unwrap_or_default();
            let risk = if standing == Standing::AtRisk {
                format!(", past {warn_percent} % of the target")
            } else {
                String::new()
            };
            format!("paused{since}{risk}; {remaining} remain, due when it runs again")
        }
    };
    let sentence = format!(
        "{name} target of {} for {} under {}, counted in working time of calendar {}: {} used since {}{pauses}; {standing}.",
        minutes_text(target.num_minutes()),
        governing.covers,
        governing.agreement,
        governing.calendar,
        minutes_text(reading.elapsed.num_minutes()),
        local(line.started),
    );
    Explained {
        target,
        elapsed: reading.elapsed,
        remaining: reading.remaining,
        due,
        warn_at,
        standing: reading.standing,
        running,
        sentence,
    }
}

#[cfg(test)]
mod tests {
    use super::super::calendar::Hours;
    use super::super::calendar::tests::{at, weekdays};
    use super::super::clock::{Change, Effect, timeline};
    use super::*;

    const GOVERNING: Governing<'static> = Governing {
        agreement: "SLA0000003 version 1",
        covers: "high-priority incidents",
        calendar: "uk-office",
    };

    fn office() -> BusinessCalendar {
        weekdays("Europe/London", &[Hours::new(540, 1050)])
    }

    #[test]
    fn a_running_clock_across_a_weekend_says_what_it_used_and_when_it_falls_due() {
        // Friday 16:00 to Monday 10:00: 90 minutes on Friday, 60 on Monday.
        let line = timeline(
            at("2027-01-08T16:00:00Z"),
            Effect::Run,
            &[],
            at("2027-01-11T10:00:00Z"),
        );
        let explained = explain(
            Metric::Resolution,
            &line,
            &office(),
            Duration::hours(4),
            75,
            at("2027-01-11T10:00:00Z"),
            &GOVERNING,
        );
        assert_eq!(explained.elapsed, Duration::minutes(150));
        assert_eq!(explained.due, Some(at("2027-01-11T11:30:00Z")));
        assert_eq!(explained.warn_at, Some(at("2027-01-11T10:30:00Z")));
        assert_eq!(explained.standing, Standing::OnTrack);
        assert_eq!(
            explained.sentence,
            "Resolution target of 4 h for high-priority incidents under SLA0000003 version 1, counted in \
             working time of calendar uk-office: 2 h 30 min used since 2027-01-08 16:00 GMT; 1 h 30 min \
             remain, due 2027-01-11 11:30 GMT if it keeps running."
        );
    }

    #[test]
    fn a_paused_clock_names_its_pause_and_a_breached_one_its_breach() {
        let started = at("2027-01-11T09:00:00Z");
        let changes = [Change {
            at: at("2027-01-11T10:00:00Z"),
            effect: Effect::Pause("on_hold:awaiting_caller"),
        }];
        let now = at("2027-01-11T15:00:00Z");
        let line = timeline(started, Effect::Run, &changes, now);
        let paused = explain(
            Metric::Resolution,
            &line,
            &office(),
            Duration::hours(2),
            75,
            now,
            &GOVERNING,
        );
        assert!(!paused.running);
        assert_eq!(paused.due, None);
        assert!(
            paused.sentence.ends_with(
                "1 h used since 2027-01-11 09:00 GMT, not counting 1 pause (on_hold:awaiting_caller); \
                 paused since 2027-01-11 10:00 GMT (on_hold:awaiting_caller); 1 h remain, due when it runs again."
            ),
            "{}",
            paused.sentence
        );
        let line = timeline(started, Effect::Run, &[], now);
        let breached = explain(
            Metric::Response,
            &line,
            &office(),
            Duration::hours(2),
            75,
            now,
            &GOVERNING,
        );
        assert_eq!(breached.standing, Standing::Breached);
        assert_eq!(breached.due, Some(at("2027-01-11T11:00:00Z")));
        assert!(
            breached
                .sentence
                .ends_with("breached at 2027-01-11 11:00 GMT, 4 h over the target so far."),
            "{}",
            breached.sentence
        );
    }

    #[test]
    fn a_stopped_clock_is_met_or_breached_for_good() {
        let started = at("2027-01-11T09:00:00Z");
        let stop = [Change {
            at: at("2027-01-11T10:00:00Z"),
            effect: Effect::Stop,
        }];
        let now = at("2027-01-12T09:00:00Z");
        let line = timeline(started, Effect::Run, &stop, now);
        let met = explain(
            Metric::Response,
            &line,
            &office(),
            Duration::hours(2),
            75,
            now,
            &GOVERNING,
        );
        assert_eq!(met.standing, Standing::Met);
        assert!(
            met.sentence
                .ends_with("met: stopped at 2027-01-11 10:00 GMT with 1 h to spare."),
            "{}",
            met.sentence
        );
        let late = explain(
            Metric::Response,
            &line,
            &office(),
            Duration::minutes(30),
            75,
            now,
            &GOVERNING,
        );
        assert_eq!(late.standing, Standing::Breached);
        assert!(
            late.sentence.ends_with("breached at 2027-01-11 09:30 GMT, 30 min over the target, and stopped at 2027-01-11 10:00 GMT."),
            "{}",
            late.sentence
        );
    }
}
