//! Service targets and the choice of the one that governs a record: an agreement names the
//! customers and services it covers (none named: all of them) and its targets per kind of
//! record, priority or catalogue entry; of the agreements in force that cover a record, the
//! most specific wins, and the choice comes with the sentence that explains it.

use crate::code::parse_code;
use crate::incident::Priority;
use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The longest target: a year of minutes, so an overflowed figure is refused, not stored.
pub const MAX_TARGET_MINUTES: u32 = 366 * 24 * 60;
/// The share of a target after which its clock reads "at risk", unless a target says otherwise.
pub const DEFAULT_WARN_AT_PERCENT: u8 = 75;
/// Targets one agreement may carry.
pub const MAX_TARGETS: usize = 100;

text_enum! {
    /// The kind of record a target's clocks run on.
    pub enum TargetRecord {
        Incident => "incident",
        Request => "request",
        /// Customer feedback and complaints (seed 002 §4.3.2: a response within 24 hours, a
        /// result within 72).
        Complaint => "complaint",
    }
}

/// One service target: how soon a record of its kind (and priority, or catalogue entry) gets
/// a response and a resolution, in working time of its calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub record: TargetRecord,
    /// Only records of this priority; all of them when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Only requests for this catalogue entry (its code); requests only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Working minutes from logging to the first response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 527_040))]
    pub response_minutes: Option<u32>,
    /// Working minutes from logging to the resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 527_040))]
    pub resolution_minutes: Option<u32>,
    /// The share of the target, in percent, after which the clock is "at risk" (1–99); the
    /// agreement's when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 99))]
    pub warn_at_percent: Option<u8>,
    /// The calendar its clocks count on (its code); the agreement's service hours when left
    /// out. A critical target may run round the clock on `always`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

impl Target {
    /// Whether the target covers `subject`'s kind, priority and entry.
    fn covers(&self, subject: &Subject<'_>) -> bool {
        self.record == subject.record
            && self.priority.is_none_or(|p| Some(p) == subject.priority)
            && self
                .entry
                .as_deref()
                .is_none_or(|e| Some(e) == subject.entry)
    }

    /// How many of priority and entry it names: a target for high-priority laptop requests is
    /// more specific than one for high-priority requests, which is more than one for all.
    fn specificity(&self) -> u8 {
        u8::from(self.priority.is_some()) + u8::from(self.entry.is_some())
    }

    /// What the target covers, as the explanation says it: "high-priority incidents".
    pub fn describe(&self) -> String {
        let noun = match self.record {
            TargetRecord::Incident => "incidents",
            TargetRecord::Request => "requests",
            TargetRecord::Complaint => "complaints and feedback",
        };
        match (&self.priority, &self.entry) {
            (Some(p), Some(e)) => format!("{p}-priority {noun} for {e}"),
            (Some(p), None) => format!("{p}-priority {noun}"),
            (None, Some(e)) => format!("{noun} for {e}"),
            (None, None) => format!("all {noun}"),
        }
    }
}

/// A list's first fault (targets, escalation rules): the item's position, the field and what
/// is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFault {
    pub index: usize,
    pub field: &'static str,
    pub message: String,
}

/// Checks a whole target list: figures from one minute to a year, a resolution no sooner
/// than the response, warnings between 1 and 99 %, entries on request targets only, codes
/// well formed, and no two targets for the same records.
pub fn check_targets(targets: &[Target]) -> Result<(), ListFault> {
    if targets.len() > MAX_TARGETS {
        return Err(ListFault {
            index: MAX_TARGETS,
            field: "record",
            message: format!("an agreement carries at most {MAX_TARGETS} targets"),
        });
    }
    for (index, target) in targets.iter().enumerate() {
        let fault = |field, message: String| ListFault {
            index,
            field,
            message,
        };
        check_target(target).map_err(|(field, message)| fault(field, message))?;
        let earlier = targets[..index].iter().position(|t| {
            t.record == target.record && t.priority == target.priority && t.entry == target.entry
        });
        if let Some(first) = earlier {
            return Err(fault(
                "record",
                format!("targets[{first}] already covers {}", target.describe()),
            ));
        }
    }
    Ok(())
}

fn check_target(target: &Target) -> Result<(), (&'static str, String)> {
    let minutes = |field, value: Option<u32>| match value {
        Some(0) => Err((field, "a target must be at least one minute".to_owned())),
        Some(m) if m > MAX_TARGET_MINUTES => Err((
            field,
            format!("at most {MAX_TARGET_MINUTES} minutes (a year)"),
        )),
        _ => Ok(()),
    };
    minutes("response_minutes", target.response_minutes)?;
    minutes("resolution_minutes", target.resolution_minutes)?;
    match (target.response_minutes, target.resolution_minutes) {
        (None, None) => {
            return Err((
                "resolution_minutes",
                "give a response or a resolution target, or both".to_owned(),
            ));
        }
        (Some(response), Some(resolution)) if resolution < response => {
            return Err((
                "resolution_minutes",
                "cannot be shorter than the response target".to_owned(),
            ));
        }
        _ => {}
    }
    if let Some(percent) = target.warn_at_percent
        && !(1..=99).contains(&percent)
    {
        return Err(("warn_at_percent", "must be between 1 and 99".to_owned()));
    }
    if let Some(entry) = &target.entry {
        if target.record != TargetRecord::Request {
            return Err((
                "entry",
                "only request targets name a catalogue entry".to_owned(),
            ));
        }
        parse_code(entry).map_err(|m| ("entry", m))?;
    }
    if target.priority.is_some() && target.record == TargetRecord::Complaint {
        return Err(("priority", "complaints have no priority".to_owned()));
    }
    if let Some(calendar) = &target.calendar {
        parse_code(calendar).map_err(|m| ("calendar", m))?;
    }
    Ok(())
}

/// The record a target is chosen for.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub record: TargetRecord,
    pub customer: Option<&'a str>,
    pub service: Option<&'a str>,
    pub priority: Option<Priority>,
    pub entry: Option<&'a str>,
}

/// An agreement version in force, as the choice reads it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Its number and version, as the explanation names it: "SLA0000002 version 3".
    pub name: String,
    /// When the version was approved (RFC 3339): of two equally specific agreements, the one
    /// approved last wins.
    pub approved_at: String,
    /// Customers it covers (codes); empty: every customer.
    pub customers: Vec<String>,
    /// Services it covers (codes); empty: every service.
    pub services: Vec<String>,
    /// Catalogue entries it covers (codes); empty: every entry. Only requests name an entry,
    /// so a list here keeps the agreement to requests for those entries.
    pub entries: Vec<String>,
    pub targets: Vec<Target>,
}

/// How narrowly an agreement covers a record: a customer's own agreement beats a service's
/// standard one, and one for both beats either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Breadth {
    Everyone,
    Service,
    Customer,
    CustomerAndService,
}

impl Breadth {
    fn of(candidate: &Candidate, subject: &Subject<'_>) -> Option<Self> {
        let covers = |list: &[String], value: Option<&str>| {
            if list.is_empty() {
                Some(false)
            } else {
                value.filter(|v| list.iter().any(|c| c == v)).map(|_| true)
            }
        };
        let customer = covers(&candidate.customers, subject.customer)?;
        let service = covers(&candidate.services, subject.service)?;
        if subject.record == TargetRecord::Request {
            covers(&candidate.entries, subject.entry)?;
        }
        Some(match (customer, service) {
            (true, true) => Self::CustomerAndService,
            (true, false) => Self::Customer,
            (false, true) => Self::Service,
            (false, false) => Self::Everyone,
        })
    }

    fn describe(self, subject: &Subject<'_>) -> String {
        let customer = subject.customer.unwrap_or_default();
        let service = subject.service.unwrap_or_default();
        match self {
            Self::CustomerAndService => {
                format!("it is agreed for customer {customer} and service {service}")
            }
            Self::Customer => format!("it is agreed for customer {customer}, for all services"),
            Self::Service => format!("it is agreed for service {service}, for all customers"),
            Self::Everyone => "it covers every customer and service".to_owned(),
        }
    }
}

/// The governing target: which candidate, which of its targets, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub candidate: usize,
    pub target: usize,
    pub breadth: Breadth,
    pub reason: String,
}

/// The most specific (agreement, target) covering `subject`: by breadth of the agreement,
/// then by the target naming the priority or entry, then by the later approval.
pub fn choose(candidates: &[Candidate], subject: &Subject<'_>) -> Option<Choice> {
    let applicable: Vec<(usize, usize, Breadth)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let breadth = Breadth::of(c, subject)?;
            let target = best_target(&c.targets, subject)?;
            Some((i, target, breadth))
        })
        .collect();
    // An agreement kept to some catalogue entries counts, for a request, like a target that
    // names its entry.
    let narrowing =
        |c: &Candidate| u8::from(subject.record == TargetRecord::Request && !c.entries.is_empty());
    let rank = |&(i, t, breadth): &(usize, usize, Breadth)| {
        (
            breadth,
            candidates[i].targets[t].specificity() + narrowing(&candidates[i]),
            candidates[i].approved_at.clone(),
        )
    };
    let &(chosen, target, breadth) = applicable.iter().max_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            // Equal in every respect: the first listed wins, so the choice is stable.
            .then_with(|| b.0.cmp(&a.0))
    })?;
    let specificity = rank(&(chosen, target, breadth)).1;
    let tied = applicable
        .iter()
        .filter(|a| {
            let (b, s, _) = rank(a);
            a.0 != chosen && b == breadth && s == specificity
        })
        .count();
    let winner = &candidates[chosen];
    let mut reason = format!(
        "{} applies because {}",
        winner.name,
        breadth.describe(subject)
    );
    let broader = applicable.iter().filter(|a| a.2 < breadth).count();
    let as_broad = applicable.len() - 1 - broader - tied;
    let mut parts = Vec::new();
    if broader > 0 {
        parts.push(format!(
            "it is agreed more narrowly than {broader} other agreement{} in force that cover{} this record",
            plural(broader),
            if broader == 1 { "s" } else { "" }
        ));
    }
    if as_broad > 0 {
        parts.push(format!(
            "its target is more specific than that of {as_broad} agreement{} agreed as broadly",
            plural(as_broad)
        ));
    }
    if tied > 0 {
        parts.push(format!(
            "of {} equally specific agreements it was approved last",
            tied + 1
        ));
    }
    if parts.is_empty() {
        reason.push_str(", and no other agreement in force covers this record");
    } else {
        reason.push_str("; ");
        reason.push_str(&parts.join("; "));
    }
    reason.push_str(&format!(
        ". Its target for {} applies.",
        winner.targets[target].describe()
    ));
    Some(Choice {
        candidate: chosen,
        target,
        breadth,
        reason,
    })
}

/// The most specific target of one agreement covering `subject`.
fn best_target(targets: &[Target], subject: &Subject<'_>) -> Option<usize> {
    targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.covers(subject))
        .max_by(|a, b| match a.1.specificity().cmp(&b.1.specificity()) {
            Ordering::Equal => b.0.cmp(&a.0),
            other => other,
        })
        .map(|(i, _)| i)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(record: TargetRecord, priority: Option<Priority>, resolution: u32) -> Target {
        Target {
            record,
            priority,
            entry: None,
            response_minutes: None,
            resolution_minutes: Some(resolution),
            warn_at_percent: None,
            calendar: None,
        }
    }

    fn candidate(
        name: &str,
        customers: &[&str],
        services: &[&str],
        targets: Vec<Target>,
    ) -> Candidate {
        Candidate {
            name: name.to_owned(),
            approved_at: format!("2026-01-0{}T00:00:00Z", name.len() % 9),
            customers: customers.iter().map(|c| (*c).to_owned()).collect(),
            services: services.iter().map(|s| (*s).to_owned()).collect(),
            entries: Vec::new(),
            targets,
        }
    }

    fn incident<'a>(customer: &'a str, service: &'a str, priority: Priority) -> Subject<'a> {
        Subject {
            record: TargetRecord::Incident,
            customer: Some(customer),
            service: Some(service),
            priority: Some(priority),
            entry: None,
        }
    }

    #[test]
    fn the_text_forms_agree_with_serde() {
        for record in TargetRecord::ALL {
            assert_eq!(
                serde_json::to_value(record).expect("valid"),
                serde_json::json!(record.as_str())
            );
        }
    }

    #[test]
    fn the_most_specific_agreement_wins_and_says_why() {
        let any = || vec![target(TargetRecord::Incident, None, 480)];
        let candidates = [
            candidate("general", &[], &[], any()),
            candidate("mail standard", &[], &["mail"], any()),
            candidate("acme", &["acme"], &[], any()),
            candidate("acme mail", &["acme"], &["mail"], any()),
        ];
        let pick = |customer, service| {
            choose(&candidates, &incident(customer, service, Priority::High))
                .map(|c| candidates[c.candidate].name.clone())
        };
        assert_eq!(pick("acme", "mail").as_deref(), Some("acme mail"));
        assert_eq!(pick("acme", "web").as_deref(), Some("acme"));
        assert_eq!(pick("globex", "mail").as_deref(), Some("mail standard"));
        assert_eq!(pick("globex", "web").as_deref(), Some("general"));
        let choice = choose(&candidates, &incident("acme", "mail", Priority::High)).expect("valid");
        assert_eq!(choice.breadth, Breadth::CustomerAndService);
        assert_eq!(
            choice.reason,
            "acme mail applies because it is agreed for customer acme and service mail; it is \
             agreed more narrowly than 3 other agreements in force that cover this record. Its \
             target for all incidents applies."
        );
    }

    #[test]
    fn an_agreement_for_other_customers_or_services_never_applies() {
        let candidates = [candidate(
            "acme mail",
            &["acme"],
            &["mail"],
            vec![target(TargetRecord::Incident, None, 60)],
        )];
        assert!(choose(&candidates, &incident("globex", "mail", Priority::Low)).is_none());
        assert!(choose(&candidates, &incident("acme", "web", Priority::Low)).is_none());
        let no_customer = Subject {
            customer: None,
            ..incident("acme", "mail", Priority::Low)
        };
        assert!(choose(&candidates, &no_customer).is_none());
    }

    #[test]
    fn a_target_for_the_priority_beats_one_for_every_priority() {
        let candidates = [candidate(
            "gold",
            &[],
            &[],
            vec![
                target(TargetRecord::Incident, None, 480),
                target(TargetRecord::Incident, Some(Priority::Critical), 120),
                target(TargetRecord::Request, None, 960),
            ],
        )];
        let critical = choose(&candidates, &incident("a", "b", Priority::Critical)).expect("valid");
        assert_eq!(critical.target, 1);
        assert!(
            critical
                .reason
                .ends_with("Its target for critical-priority incidents applies.")
        );
        let low = choose(&candidates, &incident("a", "b", Priority::Low)).expect("valid");
        assert_eq!(low.target, 0);
        let complaint = Subject {
            record: TargetRecord::Complaint,
            ..incident("a", "b", Priority::Low)
        };
        assert!(choose(&candidates, &complaint).is_none());
    }

    #[test]
    fn of_equally_specific_agreements_the_one_approved_last_wins() {
        let mut older = candidate(
            "older",
            &["acme"],
            &[],
            vec![target(TargetRecord::Incident, None, 60)],
        );
        older.approved_at = "2026-01-01T00:00:00Z".to_owned();
        let mut newer = older.clone();
        newer.name = "newer".to_owned();
        newer.approved_at = "2026-06-01T00:00:00Z".to_owned();
        for candidates in [
            [older.clone(), newer.clone()],
            [newer.clone(), older.clone()],
        ] {
            let choice =
                choose(&candidates, &incident("acme", "mail", Priority::Low)).expect("valid");
            assert_eq!(candidates[choice.candidate].name, "newer");
            assert!(
                choice
                    .reason
                    .contains("of 2 equally specific agreements it was approved last"),
                "{}",
                choice.reason
            );
        }
    }

    #[test]
    fn a_broader_agreement_with_a_priority_target_loses_to_a_narrower_one_without() {
        let candidates = [
            candidate(
                "general",
                &[],
                &[],
                vec![target(TargetRecord::Incident, Some(Priority::High), 60)],
            ),
            candidate(
                "acme",
                &["acme"],
                &[],
                vec![target(TargetRecord::Incident, None, 240)],
            ),
        ];
        let choice = choose(&candidates, &incident("acme", "mail", Priority::High)).expect("valid");
        assert_eq!(candidates[choice.candidate].name, "acme");
    }

    #[test]
    fn request_targets_may_name_an_entry() {
        let mut laptop = target(TargetRecord::Request, None, 2400);
        laptop.entry = Some("laptop".to_owned());
        let candidates = [candidate(
            "requests",
            &[],
            &[],
            vec![target(TargetRecord::Request, None, 960), laptop],
        )];
        let order = |entry| Subject {
            record: TargetRecord::Request,
            customer: Some("acme"),
            service: Some("desktop"),
            priority: Some(Priority::Moderate),
            entry: Some(entry),
        };
        assert_eq!(
            choose(&candidates, &order("laptop")).expect("valid").target,
            1
        );
        assert_eq!(
            choose(&candidates, &order("phone")).expect("valid").target,
            0
        );
    }

    #[test]
    fn a_target_naming_priority_and_entry_beats_one_naming_either() {
        let mut high = target(TargetRecord::Request, Some(Priority::High), 960);
        high.entry = None;
        let mut high_laptop = target(TargetRecord::Request, Some(Priority::High), 240);
        high_laptop.entry = Some("laptop".to_owned());
        let candidates = [candidate("requests", &[], &[], vec![high, high_laptop])];
        let order = Subject {
            record: TargetRecord::Request,
            customer: Some("acme"),
            service: Some("desktop"),
            priority: Some(Priority::High),
            entry: Some("laptop"),
        };
        assert_eq!(choose(&candidates, &order).expect("chosen").target, 1);
    }

    #[test]
    fn an_agreement_for_some_entries_covers_requests_for_those_only() {
        let mut laptops = candidate(
            "laptops",
            &[],
            &[],
            vec![target(TargetRecord::Request, None, 240)],
        );
        laptops.entries = vec!["laptop".to_owned()];
        let general = candidate(
            "general",
            &[],
            &[],
            vec![target(TargetRecord::Request, None, 960)],
        );
        let candidates = [laptops, general];
        let order = |entry| Subject {
            record: TargetRecord::Request,
            customer: None,
            service: Some("desktop"),
            priority: None,
            entry: Some(entry),
        };
        let pick = |entry| {
            candidates[choose(&candidates, &order(entry))
                .expect("chosen")
                .candidate]
                .name
                .clone()
        };
        assert_eq!(pick("phone"), "general");
        assert_eq!(pick("laptop"), "laptops");
    }

    #[test]
    fn between_equally_broad_agreements_the_more_specific_target_wins_and_is_named_the_reason() {
        let candidates = [
            candidate(
                "any",
                &["acme"],
                &[],
                vec![target(TargetRecord::Incident, None, 480)],
            ),
            candidate(
                "high",
                &["acme"],
                &[],
                vec![target(TargetRecord::Incident, Some(Priority::High), 120)],
            ),
        ];
        let choice =
            choose(&candidates, &incident("acme", "mail", Priority::High)).expect("chosen");
        assert_eq!(candidates[choice.candidate].name, "high");
        assert_eq!(
            choice.reason,
            "high applies because it is agreed for customer acme, for all services; its target is \
             more specific than that of 1 agreement agreed as broadly. Its target for \
             high-priority incidents applies."
        );
    }

    #[test]
    fn bad_targets_are_named_by_position_and_field() {
        let fault = |targets: &[Target]| check_targets(targets).expect_err("refused");
        let mut zero = target(TargetRecord::Incident, None, 0);
        assert_eq!(fault(&[zero.clone()]).field, "resolution_minutes");
        zero.resolution_minutes = None;
        assert_eq!(
            fault(&[zero.clone()]).message,
            "give a response or a resolution target, or both"
        );
        let mut quick = target(TargetRecord::Incident, None, 30);
        quick.response_minutes = Some(60);
        assert_eq!(fault(&[quick]).field, "resolution_minutes");
        let mut warn = target(TargetRecord::Incident, None, 30);
        warn.warn_at_percent = Some(100);
        assert_eq!(fault(&[warn]).field, "warn_at_percent");
        let mut entry = target(TargetRecord::Incident, None, 30);
        entry.entry = Some("laptop".to_owned());
        assert_eq!(fault(&[entry]).field, "entry");
        let complaint = target(TargetRecord::Complaint, Some(Priority::High), 30);
        assert_eq!(fault(&[complaint]).field, "priority");
        let long = target(TargetRecord::Incident, None, MAX_TARGET_MINUTES + 1);
        assert_eq!(fault(&[long]).field, "resolution_minutes");
        let twice = [
            target(TargetRecord::Incident, Some(Priority::High), 30),
            target(TargetRecord::Incident, None, 30),
            target(TargetRecord::Incident, Some(Priority::High), 60),
        ];
        let fault = fault(&twice);
        assert_eq!((fault.index, fault.field), (2, "record"));
        assert_eq!(
            fault.message,
            "targets[0] already covers high-priority incidents"
        );
        assert!(check_targets(&twice[..2]).is_ok());
    }
}
