//! Monitoring alerts as incidents: how an alert's labels choose the incident's impact and
//! urgency, service, configuration item, customer and group, and whether an alert that clears
//! resolves its incident. The mapping is data the process owner sets, so each monitoring setup
//! keeps its own label names; this file is the pure rule, the incident component reads the
//! payloads and stores the incidents.

use super::impact::{Impact, Urgency};
use super::resolution::ResolutionCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Severities a mapping may name.
pub const MAX_SEVERITIES: usize = 20;
/// The longest label name a mapping may name.
pub const MAX_LABEL_NAME: usize = 100;

/// An incident's impact and urgency, as a severity maps to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    pub impact: Impact,
    pub urgency: Urgency,
}

/// Which labels say what, and what a cleared alert does. Set whole, as read (`PUT` after `GET`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertMapping {
    /// The label whose value is the alert's severity (`severity` in Prometheus' conventions).
    pub severity_label: String,
    /// Impact and urgency per severity value.
    pub severities: BTreeMap<String, Rating>,
    /// For an alert without a severity, or with one not listed.
    pub unrated: Rating,
    /// The label naming the catalogue service.
    pub service_label: String,
    /// The label naming the configuration item (`instance`: the scraped target).
    pub configuration_item_label: String,
    /// The label naming the customer organisation.
    pub customer_label: String,
    /// The label naming the assignment group.
    pub assignment_group_label: String,
    /// Whether an alert reported resolved resolves its incident (else a work note says so).
    pub resolve_when_cleared: bool,
    /// The resolution code a cleared alert resolves its incident with.
    pub resolution_code: ResolutionCode,
}

impl Default for AlertMapping {
    /// Prometheus' label conventions: `critical` pages, `warning` can wait for working hours,
    /// `info` is for the record.
    fn default() -> Self {
        let rating = |impact, urgency| Rating { impact, urgency };
        Self {
            severity_label: "severity".to_owned(),
            severities: BTreeMap::from([
                ("critical".to_owned(), rating(Impact::High, Urgency::High)),
                (
                    "warning".to_owned(),
                    rating(Impact::Medium, Urgency::Medium),
                ),
                ("info".to_owned(), rating(Impact::Low, Urgency::Low)),
            ]),
            unrated: rating(Impact::Medium, Urgency::Medium),
            service_label: "service".to_owned(),
            configuration_item_label: "instance".to_owned(),
            customer_label: "customer".to_owned(),
            assignment_group_label: "team".to_owned(),
            resolve_when_cleared: true,
            resolution_code: ResolutionCode::NoActionNeeded,
        }
    }
}

/// What an alert's labels say about its incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertFacts<'a> {
    pub rating: Rating,
    pub service: Option<&'a str>,
    pub configuration_item: Option<&'a str>,
    pub customer: Option<&'a str>,
    pub assignment_group: Option<&'a str>,
}

impl AlertMapping {
    /// What `labels` say under this mapping.
    pub fn facts<'a>(&self, labels: &'a BTreeMap<String, String>) -> AlertFacts<'a> {
        let label = |name: &str| {
            labels
                .get(name)
                .map(String::as_str)
                .filter(|v| !v.trim().is_empty())
        };
        let rating = label(&self.severity_label)
            .and_then(|severity| self.severities.get(&severity.to_ascii_lowercase()))
            .copied()
            .unwrap_or(self.unrated);
        AlertFacts {
            rating,
            service: label(&self.service_label),
            configuration_item: label(&self.configuration_item_label),
            customer: label(&self.customer_label),
            assignment_group: label(&self.assignment_group_label),
        }
    }

    /// The first fault, as (field, message): label names present and short, severities few,
    /// lowercase and unique.
    pub fn check(&self) -> Result<(), (String, String)> {
        for (field, name) in [
            ("severity_label", &self.severity_label),
            ("service_label", &self.service_label),
            ("configuration_item_label", &self.configuration_item_label),
            ("customer_label", &self.customer_label),
            ("assignment_group_label", &self.assignment_group_label),
        ] {
            check_name(name).map_err(|m| (field.to_owned(), m))?;
        }
        if self.severities.len() > MAX_SEVERITIES {
            return Err((
                "severities".to_owned(),
                format!("at most {MAX_SEVERITIES} severities"),
            ));
        }
        for severity in self.severities.keys() {
            let field = format!("severities.{severity}");
            check_name(severity).map_err(|m| (field.clone(), m))?;
            if *severity != severity.to_ascii_lowercase() {
                return Err((
                    field,
                    "write severities in lowercase; alerts match them in any case".to_owned(),
                ));
            }
        }
        Ok(())
    }
}

fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("name a label".to_owned());
    }
    if name.chars().count() > MAX_LABEL_NAME {
        return Err(format!("at most {MAX_LABEL_NAME} characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn labels_choose_the_rating_and_the_records_named() {
        let mapping = AlertMapping::default();
        let alert = labels(&[
            ("alertname", "HighErrorRate"),
            ("severity", "Critical"),
            ("service", "mail"),
            ("instance", "mx1:9100"),
            ("team", "messaging"),
        ]);
        let facts = mapping.facts(&alert);
        assert_eq!(
            facts.rating,
            Rating {
                impact: Impact::High,
                urgency: Urgency::High
            }
        );
        assert_eq!(
            (
                facts.service,
                facts.configuration_item,
                facts.assignment_group,
                facts.customer
            ),
            (Some("mail"), Some("mx1:9100"), Some("messaging"), None)
        );
    }

    #[test]
    fn an_unknown_or_missing_severity_is_unrated() {
        let mapping = AlertMapping::default();
        for alert in [
            labels(&[("severity", "page-me")]),
            labels(&[("severity", " ")]),
            labels(&[]),
        ] {
            assert_eq!(mapping.facts(&alert).rating, mapping.unrated);
        }
    }

    #[test]
    fn a_mapping_names_its_labels_and_lowercase_severities() {
        assert_eq!(AlertMapping::default().check(), Ok(()));
        let blank = AlertMapping {
            service_label: " ".to_owned(),
            ..AlertMapping::default()
        };
        assert_eq!(
            blank.check().map_err(|(f, _)| f),
            Err("service_label".to_owned())
        );
        let mut shouting = AlertMapping::default();
        shouting.severities.insert(
            "PAGE".to_owned(),
            Rating {
                impact: Impact::High,
                urgency: Urgency::High,
            },
        );
        assert_eq!(
            shouting.check().map_err(|(f, _)| f),
            Err("severities.PAGE".to_owned())
        );
    }

    #[test]
    fn a_mapping_round_trips_whole() {
        let mapping = AlertMapping::default();
        let text = serde_json::to_string(&mapping).expect("serializes");
        let back: AlertMapping = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, mapping);
        let partial = serde_json::from_str::<AlertMapping>(r#"{"service_label": "app"}"#);
        assert!(partial.is_err(), "a mapping is set whole");
    }
}
