//! The SLA clock, pure: from a record's state history and a policy saying which states pause
//! the clock and which stop it, when the clock ran; from that, a business calendar and a target,
//! how much working time has elapsed, what remains, when it falls due, and whether the target
//! was met, is at risk or was breached.
//!
//! Nothing is stored but the history, so a target changed mid-flight is simply read against the
//! same history: paused time is never lost, and a reopened record's clock resumes from what it
//! had used.

use super::calendar::BusinessCalendar;
use crate::text_enum::text_enum;
use chrono::{DateTime, Duration, Utc};

/// What a state does to the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Run,
    /// Paused, for this reason (awaiting the caller, a vendor, …).
    Pause(&'static str),
    Stop,
}

/// One change of the record's state, as the policy reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub at: DateTime<Utc>,
    pub effect: Effect,
}

/// A pause, with its reason; `until` is `None` while it lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
    pub reason: &'static str,
}

/// When the clock ran and paused, from its start to `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub started: DateTime<Utc>,
    /// `[from, until)`; the last has no end while the clock runs.
    pub running: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    pub pauses: Vec<Pause>,
    /// When it last stopped, if it is stopped now.
    pub stopped: Option<DateTime<Utc>>,
}

/// Reads the history up to `now`: the clock starts at `started` (which may lie before the first
/// change: a retroactive start) in the effect of the state then in force, and follows each
/// change in time order. A stop followed by a run (a reopen) resumes it.
pub fn timeline(
    started: DateTime<Utc>,
    initial: Effect,
    changes: &[Change],
    now: DateTime<Utc>,
) -> Timeline {
    let mut ordered: Vec<Change> = changes.to_vec();
    ordered.sort_by_key(|c| c.at);
    let mut line = Timeline {
        started,
        running: Vec::new(),
        pauses: Vec::new(),
        stopped: None,
    };
    let mut effect = initial;
    let mut since = started;
    for change in ordered
        .into_iter()
        .filter(|c| c.at >= started && c.at <= now)
    {
        if change.effect == effect {
            continue;
        }
        close(&mut line, effect, since, change.at);
        effect = change.effect;
        since = change.at;
    }
    match effect {
        Effect::Run => line.running.push((since, None)),
        Effect::Pause(reason) => line.pauses.push(Pause {
            from: since,
            until: None,
            reason,
        }),
        Effect::Stop => line.stopped = Some(since),
    }
    line
}

fn close(line: &mut Timeline, effect: Effect, from: DateTime<Utc>, until: DateTime<Utc>) {
    if from >= until {
        return;
    }
    match effect {
        Effect::Run => line.running.push((from, Some(until))),
        Effect::Pause(reason) => line.pauses.push(Pause {
            from,
            until: Some(until),
            reason,
        }),
        Effect::Stop => {}
    }
}

text_enum! {
    /// Where a clock stands against its target.
    pub enum Standing {
        /// Running or paused, under the warning threshold.
        OnTrack => "on_track",
        /// Running or paused, past the warning threshold, not yet due.
        AtRisk => "at_risk",
        /// Used more than its target.
        Breached => "breached",
        /// Stopped within its target.
        Met => "met",
    }
}

/// A clock read at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub elapsed: Duration,
    /// Zero once breached.
    pub remaining: Duration,
    /// When the target runs out if the clock keeps running: `None` while paused or stopped
    /// (the due time moves with every pause), or when it never does within the calendar's
    /// horizon.
    pub due: Option<DateTime<Utc>>,
    pub standing: Standing,
}

/// Reads the clock at `now` against `target` (business time on `calendar`), warning once
/// `warn_at` of the target is used (for example 0.75).
pub fn read(
    line: &Timeline,
    calendar: &BusinessCalendar,
    target: Duration,
    warn_at: f64,
    now: DateTime<Utc>,
) -> Reading {
    let elapsed = line
        .running
        .iter()
        .map(|(from, until)| {
            let until = until.map_or(now, |u| u.min(now));
            calendar.between(*from, until)
        })
        .fold(Duration::zero(), |sum, d| sum + d);
    let remaining = (target - elapsed).max(Duration::zero());
    let running_now = line
        .running
        .last()
        .is_some_and(|(_, until)| until.is_none());
    let due = if running_now {
        calendar.add(now, remaining)
    } else {
        None
    };
    let standing = if elapsed > target {
        Standing::Breached
    } else if line.stopped.is_some() {
        Standing::Met
    } else if exceeds_share(elapsed, target, warn_at) {
        Standing::AtRisk
    } else {
        Standing::OnTrack
    };
    Reading {
        elapsed,
        remaining,
        due,
        standing,
    }
}

/// The instant at which the clock had run `amount` of working time: within a closed running
/// span when it got that far, projected along the open span when it runs now; `None` when it
/// did not get that far and is paused or stopped (or never does within the calendar's horizon).
/// This is when a target fell or falls due, and when its warning threshold was or will be
/// crossed.
pub fn crossing(
    line: &Timeline,
    calendar: &BusinessCalendar,
    amount: Duration,
) -> Option<DateTime<Utc>> {
    let mut left = amount;
    for (from, until) in &line.running {
        match until {
            Some(until) => {
                let worked = calendar.between(*from, *until);
                if worked >= left {
                    return calendar.add(*from, left);
                }
                left -= worked;
            }
            None => return calendar.add(*from, left),
        }
    }
    None
}

/// Whether `elapsed` is at least `share` of `target`, in whole seconds.
fn exceeds_share(elapsed: Duration, target: Duration, share: f64) -> bool {
    #[allow(clippy::cast_precision_loss)]
    let threshold = target.num_seconds() as f64 * share;
    #[allow(clippy::cast_precision_loss)]
    let used = elapsed.num_seconds() as f64;
    used >= threshold
}

#[cfg(test)]
mod tests {
    use super::super::calendar::Hours;
    use super::super::calendar::tests::{at, weekdays};
    use super::*;
    use proptest::prelude::*;

    fn nine_to_five(zone: &str) -> BusinessCalendar {
        weekdays(zone, &[Hours::new(540, 1020)])
    }

    fn change(at_text: &str, effect: Effect) -> Change {
        Change {
            at: at(at_text),
            effect,
        }
    }

    #[test]
    fn a_pause_does_not_count_and_a_changed_target_keeps_it() {
        let calendar = nine_to_five("UTC");
        // Opened Monday 09:00, waiting for the caller 10:00–14:00, resolved Tuesday 10:00.
        let line = timeline(
            at("2026-11-23T09:00:00Z"),
            Effect::Run,
            &[
                change("2026-11-23T10:00:00Z", Effect::Pause("awaiting_caller")),
                change("2026-11-23T14:00:00Z", Effect::Run),
                change("2026-11-24T10:00:00Z", Effect::Stop),
            ],
            at("2026-11-25T12:00:00Z"),
        );
        assert_eq!(line.pauses.len(), 1);
        let now = at("2026-11-25T12:00:00Z");
        let eight_hours = read(&line, &calendar, Duration::hours(8), 0.75, now);
        // 1 h Monday morning, 3 h Monday afternoon, 1 h Tuesday.
        assert_eq!(eight_hours.elapsed, Duration::hours(5));
        assert_eq!(eight_hours.standing, Standing::Met);
        // The target lowered afterwards reads the same history: breached, pause still out.
        let four_hours = read(&line, &calendar, Duration::hours(4), 0.75, now);
        assert_eq!(
            (four_hours.elapsed, four_hours.standing),
            (Duration::hours(5), Standing::Breached)
        );
    }

    #[test]
    fn a_reopened_record_resumes_from_what_it_had_used() {
        let calendar = nine_to_five("UTC");
        let line = timeline(
            at("2026-11-23T09:00:00Z"),
            Effect::Run,
            &[
                change("2026-11-23T11:00:00Z", Effect::Stop),
                change("2026-11-24T09:00:00Z", Effect::Run),
            ],
            at("2026-11-24T10:00:00Z"),
        );
        let reading = read(
            &line,
            &calendar,
            Duration::hours(4),
            0.75,
            at("2026-11-24T10:00:00Z"),
        );
        assert_eq!(reading.elapsed, Duration::hours(3));
        assert_eq!(reading.standing, Standing::AtRisk);
        assert_eq!(reading.due, Some(at("2026-11-24T11:00:00Z")));
        // Started retroactively an hour before the record was logged, it used an hour more.
        let earlier = timeline(
            at("2026-11-23T08:00:00Z"),
            Effect::Run,
            &[],
            at("2026-11-23T09:30:00Z"),
        );
        let reading = read(
            &earlier,
            &calendar,
            Duration::hours(1),
            0.75,
            at("2026-11-23T09:30:00Z"),
        );
        assert_eq!(
            reading.elapsed,
            Duration::minutes(30),
            "before 09:00 is not working time"
        );
    }

    fn effect() -> impl Strategy<Value = Effect> {
        prop_oneof![
            Just(Effect::Run),
            Just(Effect::Pause("awaiting_caller")),
            Just(Effect::Pause("awaiting_vendor")),
            Just(Effect::Stop),
        ]
    }

    /// Whether the clock runs during the minute starting at `t`, by walking the history the
    /// slow way.
    fn runs_at(
        started: DateTime<Utc>,
        initial: Effect,
        changes: &[Change],
        t: DateTime<Utc>,
    ) -> bool {
        if t < started {
            return false;
        }
        let mut effect = initial;
        let mut ordered = changes.to_vec();
        ordered.sort_by_key(|c| c.at);
        for change in ordered {
            if change.at <= t && change.at >= started {
                effect = change.effect;
            }
        }
        effect == Effect::Run
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn elapsed_time_equals_the_minute_by_minute_count(
            zone in prop::sample::select(&["Europe/London", "America/New_York", "Australia/Lord_Howe"][..]),
            initial in effect(),
            steps in prop::collection::vec((0i64..(4 * 1440), effect()), 0..8),
            now_minutes in 0i64..(5 * 1440),
            target_minutes in 1i64..(2 * 1440),
        ) {
            let calendar = nine_to_five(zone);
            // Around the European change to summer time (29 March 2026).
            let started = at("2026-03-27T06:00:00Z");
            let changes: Vec<Change> = steps
                .iter()
                .map(|(m, e)| Change { at: started + Duration::minutes(*m), effect: *e })
                .collect();
            let now = started + Duration::minutes(now_minutes);
            let line = timeline(started, initial, &changes, now);
            let target = Duration::minutes(target_minutes);
            let reading = read(&line, &calendar, target, 0.75, now);
            let mut minutes = 0;
            let mut t = started;
            while t < now {
                if runs_at(started, initial, &changes, t) && calendar.is_working(t) {
                    minutes += 1;
                }
                t += Duration::minutes(1);
            }
            prop_assert_eq!(reading.elapsed, Duration::minutes(minutes));
            prop_assert_eq!(reading.remaining, (target - reading.elapsed).max(Duration::zero()));
            let stopped = line.stopped.is_some();
            let expected = if reading.elapsed > target {
                Standing::Breached
            } else if stopped {
                Standing::Met
            } else if reading.elapsed.num_seconds() * 4 >= target.num_seconds() * 3 {
                Standing::AtRisk
            } else {
                Standing::OnTrack
            };
            prop_assert_eq!(reading.standing, expected);
            // While running, the due time is where the rest of the target is used up.
            if let Some(due) = reading.due {
                prop_assert!(runs_at(started, initial, &changes, now));
                prop_assert_eq!(calendar.between(now, due), reading.remaining);
            }
        }

        #[test]
        fn the_crossing_is_where_the_minute_by_minute_count_reaches_the_amount(
            zone in prop::sample::select(&["Europe/London", "America/New_York", "Australia/Lord_Howe"][..]),
            initial in effect(),
            steps in prop::collection::vec((0i64..(4 * 1440), effect()), 0..8),
            now_minutes in 0i64..(5 * 1440),
            amount_minutes in 1i64..(2 * 480),
        ) {
            let calendar = nine_to_five(zone);
            let started = at("2026-03-27T06:00:00Z");
            let changes: Vec<Change> = steps
                .iter()
                .map(|(m, e)| Change { at: started + Duration::minutes(*m), effect: *e })
                .collect();
            let now = started + Duration::minutes(now_minutes);
            let line = timeline(started, initial, &changes, now);
            // After `now` the history is unknown: the clock keeps the effect it has at `now`.
            let running_after_now = runs_at(started, initial, &changes, now);
            let mut expected = None;
            let mut count = 0;
            let mut t = started;
            while t < now + Duration::days(30) {
                let running = if t < now { runs_at(started, initial, &changes, t) } else { running_after_now };
                if running && calendar.is_working(t) {
                    count += 1;
                    if count == amount_minutes {
                        expected = Some(t + Duration::minutes(1));
                        break;
                    }
                }
                if t >= now && !running_after_now {
                    break;
                }
                t += Duration::minutes(1);
            }
            prop_assert_eq!(crossing(&line, &calendar, Duration::minutes(amount_minutes)), expected);
        }
    }
}
