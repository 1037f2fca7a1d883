//! Which record states run, pause or stop an SLA clock: a table per kind of record and metric,
//! configurable by the SLM team, with defaults that pause only for what the provider cannot
//! act on (the caller, a vendor, an approver). The response clock stops for good at the first
//! response; the resolution clock resumes when a resolved record is reopened.

use super::clock::{Change, Effect};
use super::target::TargetRecord;
use crate::text_enum::text_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

text_enum! {
    /// What a clock measures.
    pub enum Metric {
        /// From logging to the first response.
        Response => "response",
        /// From logging to the resolution (for requests, the fulfilment).
        Resolution => "resolution",
    }
}

text_enum! {
    /// What a state does to a clock, as a policy states it.
    pub enum ClockEffect {
        Run => "run",
        Pause => "pause",
        Stop => "stop",
    }
}

const INCIDENT_STATES: &[&str] = &[
    "new",
    "in_progress",
    "on_hold:awaiting_caller",
    "on_hold:awaiting_vendor",
    "on_hold:awaiting_problem",
    "on_hold:awaiting_change",
    "resolved",
    "closed",
    "cancelled",
];

const REQUEST_STATES: &[&str] = &[
    "awaiting_approval",
    "submitted",
    "assigned",
    "in_progress",
    "fulfilled",
    "closed",
    "rejected",
    "cancelled",
];

const COMPLAINT_STATES: &[&str] = &["received", "responded", "resolved", "closed", "withdrawn"];

/// The states no record leaves: every clock must stop in them, or a closed record's clock
/// would run for ever.
fn final_states(record: TargetRecord) -> &'static [&'static str] {
    match record {
        TargetRecord::Incident => &["closed", "cancelled"],
        TargetRecord::Request => &["closed", "rejected", "cancelled"],
        TargetRecord::Complaint => &["closed", "withdrawn"],
    }
}

/// The states a kind of record passes through, as policy keys: a held incident's key names
/// what it waits for (`on_hold:awaiting_caller`).
pub fn state_keys(record: TargetRecord) -> &'static [&'static str] {
    match record {
        TargetRecord::Incident => INCIDENT_STATES,
        TargetRecord::Request => REQUEST_STATES,
        TargetRecord::Complaint => COMPLAINT_STATES,
    }
}

/// The key of a state and, for held incidents, the reason it waits.
pub fn state_key(state: &str, hold_reason: Option<&str>) -> String {
    match hold_reason {
        Some(reason) => format!("{state}:{reason}"),
        None => state.to_owned(),
    }
}

/// One metric's table: every state of the record kind and its effect.
pub type MetricPolicy = BTreeMap<String, ClockEffect>;

/// A kind of record's clock policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockPolicy {
    /// Effect of each state on the response clock; it stops for good at its first stop.
    pub response: MetricPolicy,
    /// Effect of each state on the resolution clock; a stop followed by a run (a reopen)
    /// resumes it.
    pub resolution: MetricPolicy,
}

impl ClockPolicy {
    /// The defaults: the response clock runs until a record is first taken up; the resolution
    /// clock runs while the provider can act, pauses while the caller, a vendor or an approver
    /// must act, and stops at the resolution.
    pub fn default_for(record: TargetRecord) -> Self {
        use ClockEffect::{Pause, Run, Stop};
        let table = |pairs: &[(&str, ClockEffect)]| -> MetricPolicy {
            pairs.iter().map(|(k, e)| ((*k).to_owned(), *e)).collect()
        };
        match record {
            TargetRecord::Incident => Self {
                response: table(&[
                    ("new", Run),
                    ("in_progress", Stop),
                    ("on_hold:awaiting_caller", Stop),
                    ("on_hold:awaiting_vendor", Stop),
                    ("on_hold:awaiting_problem", Stop),
                    ("on_hold:awaiting_change", Stop),
                    ("resolved", Stop),
                    ("closed", Stop),
                    ("cancelled", Stop),
                ]),
                resolution: table(&[
                    ("new", Run),
                    ("in_progress", Run),
                    ("on_hold:awaiting_caller", Pause),
                    ("on_hold:awaiting_vendor", Pause),
                    ("on_hold:awaiting_problem", Run),
                    ("on_hold:awaiting_change", Run),
                    ("resolved", Stop),
                    ("closed", Stop),
                    ("cancelled", Stop),
                ]),
            },
            TargetRecord::Request => Self {
                response: table(&[
                    ("awaiting_approval", Pause),
                    ("submitted", Run),
                    ("assigned", Stop),
                    ("in_progress", Stop),
                    ("fulfilled", Stop),
                    ("closed", Stop),
                    ("rejected", Stop),
                    ("cancelled", Stop),
                ]),
                resolution: table(&[
                    ("awaiting_approval", Pause),
                    ("submitted", Run),
                    ("assigned", Run),
                    ("in_progress", Run),
                    ("fulfilled", Stop),
                    ("closed", Stop),
                    ("rejected", Stop),
                    ("cancelled", Stop),
                ]),
            },
            TargetRecord::Complaint => Self {
                response: table(&[
                    ("received", Run),
                    ("responded", Stop),
                    ("resolved", Stop),
                    ("closed", Stop),
                    ("withdrawn", Stop),
                ]),
                resolution: table(&[
                    ("received", Run),
                    ("responded", Run),
                    ("resolved", Stop),
                    ("closed", Stop),
                    ("withdrawn", Stop),
                ]),
            },
        }
    }

    /// Every state of the kind named once, no other, and each clock able to run and stop;
    /// the first fault as (field, message).
    pub fn check(&self, record: TargetRecord) -> Result<(), (String, String)> {
        let keys = state_keys(record);
        for (metric, table) in [
            ("response", &self.response),
            ("resolution", &self.resolution),
        ] {
            if let Some(unknown) = table.keys().find(|k| !keys.contains(&k.as_str())) {
                return Err((
                    format!("{metric}.{unknown}"),
                    format!(
                        "is not a state of a {record}; the states are {}",
                        keys.join(", ")
                    ),
                ));
            }
            if let Some(missing) = keys.iter().find(|k| !table.contains_key(**k)) {
                return Err((
                    format!("{metric}.{missing}"),
                    "give every state its effect".to_owned(),
                ));
            }
            if let Some(running) = final_states(record)
                .iter()
                .find(|k| table.get(**k) != Some(&ClockEffect::Stop))
            {
                return Err((
                    format!("{metric}.{running}"),
                    "a record never leaves this state: its clocks must stop".to_owned(),
                ));
            }
            for needed in [ClockEffect::Run, ClockEffect::Stop] {
                if !table.values().any(|e| *e == needed) {
                    return Err((
                        metric.to_owned(),
                        format!("some state must {needed} the clock"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn table(&self, metric: Metric) -> &MetricPolicy {
        match metric {
            Metric::Response => &self.response,
            Metric::Resolution => &self.resolution,
        }
    }
}

/// A clock policy from an instant on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PolicyVersion {
    pub since: DateTime<Utc>,
    pub policy: ClockPolicy,
}

/// The clock's changes over a record's state history (`(at, state key)`, oldest first, the
/// first being the state it was logged in), each state read under the policy in force then:
/// the defaults before the first of `versions`, and a new policy re-reading the state the
/// record is in when it takes effect, so a change of policy never reaches into the past. A
/// state a table lacks runs the clock, so a gap in a policy never hides time.
pub fn clock_changes(
    record: TargetRecord,
    metric: Metric,
    versions: &[PolicyVersion],
    history: &[(DateTime<Utc>, String)],
) -> Vec<Change> {
    let defaults = ClockPolicy::default_for(record);
    let policy_at = |t: DateTime<Utc>| {
        versions
            .iter()
            .rev()
            .find(|v| v.since <= t)
            .map_or(&defaults, |v| &v.policy)
    };
    let mut points: Vec<(DateTime<Utc>, &str)> = history
        .iter()
        .map(|(at, key)| (*at, key.as_str()))
        .collect();
    for version in versions {
        let current = history.iter().rev().find(|(at, _)| *at <= version.since);
        if let Some((_, key)) = current {
            points.push((version.since, key.as_str()));
        }
    }
    points.sort_by_key(|(at, _)| *at);
    let keys = state_keys(record);
    let mut stopped_for_good = false;
    points
        .into_iter()
        .map(|(at, key)| {
            let table = policy_at(at).table(metric);
            let effect = if stopped_for_good {
                Effect::Stop
            } else {
                match (table.get(key), keys.iter().find(|k| **k == key)) {
                    (Some(ClockEffect::Pause), Some(reason)) => Effect::Pause(reason),
                    (Some(ClockEffect::Stop), _) => Effect::Stop,
                    _ => Effect::Run,
                }
            };
            if metric == Metric::Response && effect == Effect::Stop {
                stopped_for_good = true;
            }
            Change { at, effect }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).expect("in range")
    }

    fn history(states: &[(i64, &str)]) -> Vec<(DateTime<Utc>, String)> {
        states
            .iter()
            .map(|(m, k)| (at(*m), (*k).to_owned()))
            .collect()
    }

    #[test]
    fn the_defaults_are_complete_and_valid() {
        for record in TargetRecord::ALL {
            assert_eq!(
                ClockPolicy::default_for(*record).check(*record),
                Ok(()),
                "{record}"
            );
        }
        for metric in Metric::ALL {
            assert_eq!(
                serde_json::to_value(metric).expect("json"),
                serde_json::json!(metric.as_str())
            );
        }
        for effect in ClockEffect::ALL {
            assert_eq!(
                serde_json::to_value(effect).expect("json"),
                serde_json::json!(effect.as_str())
            );
        }
    }

    #[test]
    fn a_policy_must_name_every_state_once_and_run_and_stop() {
        let record = TargetRecord::Incident;
        let mut policy = ClockPolicy::default_for(record);
        policy.resolution.remove("on_hold:awaiting_vendor");
        assert_eq!(
            policy.check(record).expect_err("incomplete").0,
            "resolution.on_hold:awaiting_vendor"
        );
        let mut policy = ClockPolicy::default_for(record);
        policy
            .response
            .insert("paused".to_owned(), ClockEffect::Pause);
        assert_eq!(
            policy.check(record).expect_err("unknown").0,
            "response.paused"
        );
        let mut policy = ClockPolicy::default_for(record);
        for effect in policy.resolution.values_mut() {
            if *effect == ClockEffect::Run {
                *effect = ClockEffect::Pause;
            }
        }
        assert_eq!(
            policy.check(record).expect_err("never runs").0,
            "resolution"
        );
    }

    #[test]
    fn a_new_policy_reads_the_current_state_from_when_it_takes_effect_and_never_before() {
        let mut pausing = ClockPolicy::default_for(TargetRecord::Incident);
        pausing
            .resolution
            .insert("on_hold:awaiting_problem".to_owned(), ClockEffect::Pause);
        let versions = [PolicyVersion {
            since: at(90),
            policy: pausing,
        }];
        let states = history(&[
            (0, "new"),
            (60, "on_hold:awaiting_problem"),
            (120, "in_progress"),
        ]);
        let changes = clock_changes(
            TargetRecord::Incident,
            Metric::Resolution,
            &versions,
            &states,
        );
        let seen: Vec<(DateTime<Utc>, Effect)> = changes.iter().map(|c| (c.at, c.effect)).collect();
        assert_eq!(
            seen,
            [
                (at(0), Effect::Run),
                (at(60), Effect::Run),
                (at(90), Effect::Pause("on_hold:awaiting_problem")),
                (at(120), Effect::Run),
            ]
        );
    }

    #[test]
    fn a_final_state_must_stop_every_clock() {
        let mut policy = ClockPolicy::default_for(TargetRecord::Request);
        policy
            .resolution
            .insert("rejected".to_owned(), ClockEffect::Run);
        assert_eq!(
            policy
                .check(TargetRecord::Request)
                .expect_err("runs for ever")
                .0,
            "resolution.rejected"
        );
    }

    #[test]
    fn the_response_clock_stops_for_good_and_the_resolution_clock_resumes_on_reopen() {
        let versions: Vec<PolicyVersion> = Vec::new();
        let states = history(&[
            (0, "new"),
            (30, "in_progress"),
            (60, "on_hold:awaiting_caller"),
            (90, "in_progress"),
            (120, "resolved"),
            (150, "in_progress"),
        ]);
        let effects = |metric| -> Vec<Effect> {
            clock_changes(TargetRecord::Incident, metric, &versions, &states)
                .iter()
                .map(|c| c.effect)
                .collect()
        };
        use Effect::{Pause, Run, Stop};
        assert_eq!(
            effects(Metric::Response),
            [Run, Stop, Stop, Stop, Stop, Stop]
        );
        assert_eq!(
            effects(Metric::Resolution),
            [Run, Run, Pause("on_hold:awaiting_caller"), Run, Stop, Run]
        );
    }
}
