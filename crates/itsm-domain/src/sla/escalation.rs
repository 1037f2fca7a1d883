//! Escalation rules: what an agreement has done to a record, besides telling people, when one of
//! its clocks reaches the warning threshold or the target: raise the record's priority, or hand
//! it to another group or person. The rules are part of the agreed terms (seed 001 §6.1.6 item
//! 11, "the escalation and notification procedures"); the SLA tick queues what they call for and
//! each record's own process carries it out, so every process writes only its own records.

use super::policy::Metric;
use super::target::{ListFault, TargetRecord};
use crate::Label;
use crate::code::parse_code;
use crate::incident::{Priority, Urgency};
use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};

/// Rules one agreement may carry.
pub const MAX_ESCALATION_RULES: usize = 20;

text_enum! {
    /// What a clock reached.
    pub enum EscalationTrigger {
        /// Its warning threshold (the clock is at risk).
        Warning => "warning",
        /// Its target (breached).
        Breach => "breach",
    }
}

text_enum! {
    /// What a rule does to the record.
    pub enum EscalationAction {
        /// One step up: an incident's urgency (its priority follows through the impact ×
        /// urgency matrix, so priority stays derived by one rule), a request's priority.
        RaisePriority => "raise_priority",
        /// To the named group, person, or both; naming a group alone returns the record to
        /// that group's queue, unassigned.
        Reassign => "reassign",
    }
}

/// One rule: when a clock of the records it covers reaches `on`, do `action`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationRule {
    pub on: EscalationTrigger,
    /// Only this clock; both when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<Metric>,
    /// Only records of this kind (`incident` or `request`); both when left out. Complaints
    /// have no priority or queue to act on: their warnings and breaches go to the escalation
    /// contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<TargetRecord>,
    pub action: EscalationAction,
    /// `reassign`: the group to hand the record to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_group: Option<String>,
    /// `reassign`: the person (user name) to hand the record to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
}

impl EscalationRule {
    /// Whether the rule acts when a `record`'s `metric` clock reaches `on`.
    pub fn covers(&self, on: EscalationTrigger, metric: Metric, record: TargetRecord) -> bool {
        self.on == on
            && self.metric.is_none_or(|m| m == metric)
            && self.record.is_none_or(|r| r == record)
            && record != TargetRecord::Complaint
    }

    /// What the rule does, as a log line says it: "reassign to network-l2 / sam".
    pub fn describe(&self) -> String {
        match self.action {
            EscalationAction::RaisePriority => "raise priority".to_owned(),
            EscalationAction::Reassign => {
                let to: Vec<&str> = [&self.assignment_group, &self.assignee]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                format!("reassign to {}", to.join(" / "))
            }
        }
    }
}

/// The rules that act on one event, with their positions (which make each act once per event).
pub fn escalations_for(
    rules: &[EscalationRule],
    on: EscalationTrigger,
    metric: Metric,
    record: TargetRecord,
) -> Vec<(usize, &EscalationRule)> {
    rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule.covers(on, metric, record))
        .collect()
}

/// Checks a whole rule list: a reassignment names somebody, a priority rise names nobody,
/// names well formed, complaints not acted on, and no rule twice.
pub fn check_escalation_rules(rules: &[EscalationRule]) -> Result<(), ListFault> {
    if rules.len() > MAX_ESCALATION_RULES {
        return Err(ListFault {
            index: MAX_ESCALATION_RULES,
            field: "action",
            message: format!(
                "an agreement carries at most {MAX_ESCALATION_RULES} escalation rules"
            ),
        });
    }
    for (index, rule) in rules.iter().enumerate() {
        let fault = |field, message: String| ListFault {
            index,
            field,
            message,
        };
        check_rule(rule).map_err(|(field, message)| fault(field, message))?;
        if let Some(first) = rules[..index].iter().position(|r| r == rule) {
            return Err(fault(
                "action",
                format!("escalation_rules[{first}] is the same rule"),
            ));
        }
    }
    Ok(())
}

fn check_rule(rule: &EscalationRule) -> Result<(), (&'static str, String)> {
    if rule.record == Some(TargetRecord::Complaint) {
        return Err((
            "record",
            "complaints are escalated to the escalation contacts, not acted on".to_owned(),
        ));
    }
    match rule.action {
        EscalationAction::RaisePriority => {
            if rule.assignment_group.is_some() || rule.assignee.is_some() {
                return Err((
                    "action",
                    "raise_priority names no group or assignee; add a reassign rule for that"
                        .to_owned(),
                ));
            }
        }
        EscalationAction::Reassign => {
            if rule.assignment_group.is_none() && rule.assignee.is_none() {
                return Err((
                    "assignment_group",
                    "a reassignment names an assignment_group, an assignee, or both".to_owned(),
                ));
            }
            if let Some(group) = &rule.assignment_group {
                Label::parse(group).map_err(|m| ("assignment_group", m))?;
            }
            if let Some(assignee) = &rule.assignee {
                parse_code(assignee).map_err(|m| ("assignee", m))?;
            }
        }
    }
    Ok(())
}

/// A request's priority one step up; `None` at the top.
pub fn raised_priority(priority: Priority) -> Option<Priority> {
    Priority::from_level(priority.level().checked_sub(1)?)
}

/// An incident's urgency one step up; `None` at the top.
pub fn raised_urgency(urgency: Urgency) -> Option<Urgency> {
    Urgency::from_level(urgency.level().checked_sub(1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(on: EscalationTrigger, action: EscalationAction) -> EscalationRule {
        EscalationRule {
            on,
            metric: None,
            record: None,
            action,
            assignment_group: None,
            assignee: None,
        }
    }

    fn reassign_to(group: &str) -> EscalationRule {
        EscalationRule {
            assignment_group: Some(group.to_owned()),
            ..rule(EscalationTrigger::Breach, EscalationAction::Reassign)
        }
    }

    #[test]
    fn a_rule_covers_its_trigger_metric_and_record_but_never_complaints() {
        let breach = EscalationRule {
            metric: Some(Metric::Resolution),
            record: Some(TargetRecord::Incident),
            ..reassign_to("network-l2")
        };
        assert!(breach.covers(
            EscalationTrigger::Breach,
            Metric::Resolution,
            TargetRecord::Incident
        ));
        assert!(!breach.covers(
            EscalationTrigger::Warning,
            Metric::Resolution,
            TargetRecord::Incident
        ));
        assert!(!breach.covers(
            EscalationTrigger::Breach,
            Metric::Response,
            TargetRecord::Incident
        ));
        assert!(!breach.covers(
            EscalationTrigger::Breach,
            Metric::Resolution,
            TargetRecord::Request
        ));
        let any = rule(EscalationTrigger::Warning, EscalationAction::RaisePriority);
        assert!(any.covers(
            EscalationTrigger::Warning,
            Metric::Response,
            TargetRecord::Request
        ));
        assert!(!any.covers(
            EscalationTrigger::Warning,
            Metric::Response,
            TargetRecord::Complaint
        ));
    }

    #[test]
    fn the_rules_for_an_event_keep_their_positions() {
        let rules = [
            rule(EscalationTrigger::Warning, EscalationAction::RaisePriority),
            reassign_to("network-l2"),
            rule(EscalationTrigger::Breach, EscalationAction::RaisePriority),
        ];
        let found = escalations_for(
            &rules,
            EscalationTrigger::Breach,
            Metric::Response,
            TargetRecord::Incident,
        );
        let positions: Vec<usize> = found.iter().map(|(i, _)| *i).collect();
        assert_eq!(positions, [1, 2]);
        assert_eq!(found[0].1.describe(), "reassign to network-l2");
    }

    #[test]
    fn rules_are_checked_field_by_field() {
        let fault = |rules: &[EscalationRule]| {
            check_escalation_rules(rules)
                .err()
                .map(|f| (f.index, f.field))
        };
        assert_eq!(fault(&[reassign_to("network-l2")]), None);
        let nobody = rule(EscalationTrigger::Breach, EscalationAction::Reassign);
        assert_eq!(fault(&[nobody]), Some((0, "assignment_group")));
        let raise_to_someone = EscalationRule {
            assignee: Some("sam".to_owned()),
            ..rule(EscalationTrigger::Breach, EscalationAction::RaisePriority)
        };
        assert_eq!(fault(&[raise_to_someone]), Some((0, "action")));
        let complaint = EscalationRule {
            record: Some(TargetRecord::Complaint),
            ..reassign_to("desk")
        };
        assert_eq!(fault(&[complaint]), Some((0, "record")));
        let bad_name = EscalationRule {
            assignee: Some("Sam Smith!".to_owned()),
            ..reassign_to("desk")
        };
        assert_eq!(fault(&[bad_name]), Some((0, "assignee")));
        assert_eq!(
            fault(&[reassign_to("a"), reassign_to("b"), reassign_to("a")]),
            Some((2, "action"))
        );
        let many = vec![reassign_to("a"); MAX_ESCALATION_RULES + 1];
        assert_eq!(fault(&many), Some((MAX_ESCALATION_RULES, "action")));
    }

    #[test]
    fn raising_stops_at_the_top() {
        assert_eq!(raised_priority(Priority::Moderate), Some(Priority::High));
        assert_eq!(raised_priority(Priority::Critical), None);
        assert_eq!(raised_urgency(Urgency::Low), Some(Urgency::Medium));
        assert_eq!(raised_urgency(Urgency::High), None);
    }
}
