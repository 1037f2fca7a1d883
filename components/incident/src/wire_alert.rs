//! Monitoring alerts on the wire: Prometheus Alertmanager's webhook notification (version 4, as
//! its `webhook_config` receiver posts it), a generic JSON alert for any other monitor, and what
//! the intake did with each. Both become [`Alert`]s, the one shape the intake handles.

use itsm_http::time::parse_instant;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The source of the Alertmanager route's alerts, which the generic route may not claim.
pub const ALERTMANAGER: &str = "alertmanager";

/// Alerts one notification may carry; Alertmanager's `max_alerts` keeps groups under it (and
/// a notification must also fit the API's 64 KiB body limit, so 50 is the README's advice).
pub const MAX_ALERTS: usize = 100;

/// Alertmanager's webhook notification. Fields the intake does not use (`status`, `groupKey`,
/// `groupLabels`, `commonLabels`, `externalURL`, …) are accepted and left alone, so a newer
/// Alertmanager's additions do not break it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlertmanagerNotification {
    /// The payload version; `4` is the one this route reads.
    pub version: String,
    /// The receiver that sent it (named in the incidents it opens).
    #[serde(default)]
    pub receiver: String,
    /// How many alerts the receiver's `max_alerts` left out of this notification; reported back,
    /// since they reach nobody.
    #[serde(default)]
    pub truncated_alerts: u64,
    pub alerts: Vec<AlertmanagerAlert>,
}

/// One alert of the notification.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlertmanagerAlert {
    /// `firing` or `resolved`.
    pub status: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// RFC 3339.
    #[serde(default)]
    pub starts_at: String,
    /// RFC 3339; `0001-01-01T00:00:00Z` while firing.
    #[serde(default)]
    pub ends_at: String,
    #[serde(default, rename = "generatorURL")]
    pub generator_url: String,
    /// Identifies the alert (its label set) across notifications.
    pub fingerprint: String,
}

/// Alerts from any other monitor.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GenericAlerts {
    /// The monitor's name (a code such as `uptime-kuma`); fingerprints are matched within it.
    pub source: String,
    pub alerts: Vec<GenericAlert>,
}

/// One alert from another monitor.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GenericAlert {
    /// What identifies the alert across notifications (a check's id, a hash of its labels).
    pub fingerprint: String,
    /// `firing` or `resolved`.
    pub status: String,
    /// One line: what is wrong.
    pub summary: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Labels the process's alert mapping reads (severity, service, instance, customer, team).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// A link to the alert in the monitor.
    #[serde(default)]
    pub url: Option<String>,
    /// When this episode of the alert began (RFC 3339): a late copy of an episode whose
    /// incident was closed then opens nothing.
    #[serde(default)]
    pub started_at: Option<String>,
}

/// An alert, whichever monitor sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub fingerprint: String,
    pub firing: bool,
    pub summary: String,
    pub description: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub link: Option<String>,
    /// When this episode began, by the monitor's clock, if it says.
    pub started_at: Option<String>,
    /// When it cleared, by the monitor's clock, if it says.
    pub cleared_at: Option<String>,
}

/// The alert's status, or the message naming the field.
fn firing(status: &str) -> Result<bool, String> {
    match status {
        "firing" => Ok(true),
        "resolved" => Ok(false),
        _ => Err("must be firing or resolved".to_owned()),
    }
}

fn check_count(count: usize) -> Result<(), (String, String)> {
    if count > MAX_ALERTS {
        return Err((
            "alerts".to_owned(),
            format!("at most {MAX_ALERTS} alerts a notification (Alertmanager's max_alerts)"),
        ));
    }
    Ok(())
}

fn check_fingerprint(index: usize, fingerprint: &str) -> Result<(), (String, String)> {
    let field = format!("alerts[{index}].fingerprint");
    if fingerprint.trim().is_empty() {
        return Err((field, "an alert needs its fingerprint".to_owned()));
    }
    if fingerprint.chars().count() > 200 {
        return Err((field, "at most 200 characters".to_owned()));
    }
    if fingerprint.chars().any(char::is_control) {
        return Err((field, "must not contain control characters".to_owned()));
    }
    Ok(())
}

/// An instant the monitor gives, normalised; `None` when it gives none (or Alertmanager's zero
/// time, which stands for "not yet").
fn instant(field: String, text: Option<&str>) -> Result<Option<String>, (String, String)> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) if text.starts_with("0001-01-01") => Ok(None),
        Some(text) => parse_instant(text).map(Some).map_err(|m| (field, m)),
    }
}

impl AlertmanagerNotification {
    /// Its alerts, checked; the first fault as (field, message).
    pub fn alerts(self) -> Result<Vec<Alert>, (String, String)> {
        if self.version != "4" {
            return Err((
                "version".to_owned(),
                format!(
                    "this route reads version 4 notifications, not {}",
                    self.version
                ),
            ));
        }
        check_count(self.alerts.len())?;
        let receiver = self.receiver;
        self.alerts
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                check_fingerprint(i, &a.fingerprint)?;
                let firing = firing(&a.status).map_err(|m| (format!("alerts[{i}].status"), m))?;
                let name = a.labels.get("alertname").cloned();
                let summary = a
                    .annotations
                    .get("summary")
                    .cloned()
                    .or(name)
                    .unwrap_or_else(|| format!("Alert {}", a.fingerprint));
                let mut description = a.annotations.get("description").cloned();
                if !receiver.is_empty() {
                    let from = format!("Sent by Alertmanager receiver {receiver}.");
                    description = Some(match description {
                        Some(text) => format!("{text}\n\n{from}"),
                        None => from,
                    });
                }
                let started_at = instant(format!("alerts[{i}].startsAt"), Some(&a.starts_at))?;
                let cleared_at = if firing {
                    None
                } else {
                    instant(format!("alerts[{i}].endsAt"), Some(&a.ends_at))?
                };
                Ok(Alert {
                    fingerprint: a.fingerprint,
                    firing,
                    summary,
                    description,
                    labels: a.labels,
                    link: Some(a.generator_url).filter(|u| !u.is_empty()),
                    started_at,
                    cleared_at,
                })
            })
            .collect()
    }
}

impl GenericAlerts {
    /// Its alerts, checked; the first fault as (field, message).
    pub fn alerts(self) -> Result<Vec<Alert>, (String, String)> {
        if self.source == ALERTMANAGER {
            return Err((
                "source".to_owned(),
                "alertmanager is the Alertmanager route's own source; name your monitor".to_owned(),
            ));
        }
        check_count(self.alerts.len())?;
        self.alerts
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                check_fingerprint(i, &a.fingerprint)?;
                let firing = firing(&a.status).map_err(|m| (format!("alerts[{i}].status"), m))?;
                if a.summary.trim().is_empty() {
                    return Err((
                        format!("alerts[{i}].summary"),
                        "say what is wrong".to_owned(),
                    ));
                }
                let started_at =
                    instant(format!("alerts[{i}].started_at"), a.started_at.as_deref())?;
                Ok(Alert {
                    fingerprint: a.fingerprint,
                    firing,
                    summary: a.summary,
                    description: a.description,
                    labels: a.labels,
                    link: a.url,
                    started_at,
                    cleared_at: None,
                })
            })
            .collect()
    }
}

/// One alert the intake left alone, and why.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IgnoredAlert {
    pub fingerprint: String,
    pub reason: String,
}

/// What the intake did with a notification's alerts.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct AlertIntakeResponse {
    /// Incidents opened for alerts that fired with none open.
    pub opened: Vec<String>,
    /// Open incidents whose alert fired again.
    pub updated: Vec<String>,
    /// Incidents resolved because their alert cleared.
    pub resolved: Vec<String>,
    /// Incidents whose alert cleared and that stay open (the mapping says so, or the caller may
    /// not resolve them): a work note says it cleared.
    pub noted: Vec<String>,
    pub ignored: Vec<IgnoredAlert>,
    /// Alerts Alertmanager left out of the notification (`max_alerts`): nothing was done with
    /// them.
    pub truncated_alerts: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A notification shaped as Alertmanager's documentation describes the webhook payload.
    const FIRING: &str = r#"{
        "version": "4",
        "groupKey": "{}:{alertname=\"DiskFull\"}",
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "itsm",
        "groupLabels": {"alertname": "DiskFull"},
        "commonLabels": {"alertname": "DiskFull", "severity": "critical"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example:9093",
        "alerts": [{
            "status": "firing",
            "labels": {"alertname": "DiskFull", "severity": "critical", "instance": "db1:9100", "service": "mail"},
            "annotations": {"summary": "Disk / on db1 is 97% full", "description": "Less than 3% space left."},
            "startsAt": "2027-01-11T09:00:00.000Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.example:9090/graph?g0.expr=disk",
            "fingerprint": "c2a9b6f1d3e4a5b6"
        }]
    }"#;

    #[test]
    fn an_alertmanager_notification_reads_as_alerts() {
        let notification: AlertmanagerNotification =
            serde_json::from_str(FIRING).expect("the documented shape parses");
        let alerts = notification.alerts().expect("valid");
        assert_eq!(alerts.len(), 1);
        let alert = &alerts[0];
        assert!(alert.firing);
        assert_eq!(alert.summary, "Disk / on db1 is 97% full");
        assert_eq!(
            alert.description.as_deref(),
            Some("Less than 3% space left.\n\nSent by Alertmanager receiver itsm.")
        );
        assert_eq!(
            alert.started_at.as_deref(),
            Some("2027-01-11T09:00:00.000Z")
        );
        assert_eq!(
            alert.cleared_at, None,
            "endsAt's zero time means still firing"
        );
        assert_eq!(alert.labels["instance"], "db1:9100");
    }

    #[test]
    fn bad_notifications_name_the_field() {
        let fault = |text: &str| {
            serde_json::from_str::<AlertmanagerNotification>(text)
                .expect("parses")
                .alerts()
                .err()
                .map(|(field, _)| field)
        };
        assert_eq!(
            fault(&FIRING.replace("\"4\"", "\"3\"")),
            Some("version".to_owned())
        );
        assert_eq!(
            fault(&FIRING.replace(
                "\"status\": \"firing\",\n            \"labels\"",
                "\"status\": \"burning\",\n            \"labels\""
            )),
            Some("alerts[0].status".to_owned())
        );
        assert_eq!(
            fault(&FIRING.replace("c2a9b6f1d3e4a5b6", " ")),
            Some("alerts[0].fingerprint".to_owned())
        );
        assert_eq!(
            fault(&FIRING.replace("c2a9b6f1d3e4a5b6", "c2\\u0000")),
            Some("alerts[0].fingerprint".to_owned())
        );
        assert_eq!(
            fault(&FIRING.replace("2027-01-11T09:00:00.000Z", "yesterday")),
            Some("alerts[0].startsAt".to_owned())
        );
    }

    #[test]
    fn a_generic_alert_needs_a_summary() {
        let alerts = GenericAlerts {
            source: "uptime".to_owned(),
            alerts: vec![GenericAlert {
                fingerprint: "check-7".to_owned(),
                status: "firing".to_owned(),
                summary: " ".to_owned(),
                description: None,
                labels: BTreeMap::new(),
                url: None,
                started_at: None,
            }],
        };
        assert_eq!(
            alerts.alerts().err().map(|(f, _)| f),
            Some("alerts[0].summary".to_owned())
        );
    }
}
