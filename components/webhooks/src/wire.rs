//! Webhooks on the wire: a subscription as set up and as shown (its URL cut short, since chat
//! platforms' webhook URLs are credentials), its secret shown once, and deliveries with their
//! attempts.

use crate::store::deliveries::{Attempt, Delivery, Standing};
use crate::store::subscriptions::Subscription;
use itsm_domain::webhook::{DeliveryStatus, EventType, Format};
use itsm_domain::{Code, FieldErrors, Label};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// The longest URL a subscription may name.
pub const MAX_URL: usize = 2000;

/// Where deliveries go: an absolute `https` (or `http`) URL without credentials or fragment.
/// Which hosts are reachable at all is the deployment's `webhook_hosts` variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() > MAX_URL {
            return Err(format!("must be at most {MAX_URL} characters"));
        }
        if text.contains('#') {
            return Err("must not have a fragment (#…)".to_owned());
        }
        let uri: http::Uri = text.parse().map_err(|_| {
            "must be an absolute URL such as https://example.org/hooks/itsm".to_owned()
        })?;
        match uri.scheme_str() {
            Some("https" | "http") => {}
            _ => return Err("must start with https:// (or http://)".to_owned()),
        }
        let authority = uri
            .authority()
            .ok_or_else(|| "must name a host".to_owned())?;
        if authority.as_str().contains('@') {
            return Err("must not carry a user name or password; put credentials in the path or let the signature prove the sender".to_owned());
        }
        if authority.host().is_empty() {
            return Err("must name a host".to_owned());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Why the host is one a webhook should not reach unless the deployment says so: this
    /// machine, a private or link-local network (a cloud's metadata service), or a name only
    /// resolvable inside. Names that merely resolve to such addresses are for the
    /// `webhook_hosts` allow-list to keep out.
    pub fn internal_host(&self) -> Option<&'static str> {
        let uri: http::Uri = self.0.parse().ok()?;
        let host = uri
            .host()?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if host == "localhost" || host.ends_with(".localhost") {
            return Some("names this machine");
        }
        if host.ends_with(".internal") || host.ends_with(".local") {
            return Some("names a host inside the network");
        }
        match host.parse::<std::net::IpAddr>().ok()? {
            std::net::IpAddr::V4(ip) => internal_v4(ip),
            std::net::IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
                Some(v4) => internal_v4(v4),
                None if ip.is_loopback() || ip.is_unspecified() => Some("names this machine"),
                None if (ip.segments()[0] & 0xfe00) == 0xfc00 => Some("is a private address"),
                None if (ip.segments()[0] & 0xffc0) == 0xfe80 => Some("is a link-local address"),
                None => None,
            },
        }
    }
}

fn internal_v4(ip: std::net::Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() || ip.is_unspecified() || a == 0 {
        Some("names this machine")
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        Some("is a private address")
    } else if ip.is_link_local() {
        Some("is a link-local address")
    } else {
        None
    }
}

impl<'de> Deserialize<'de> for WebhookUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for WebhookUrl {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "WebhookUrl".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "uri",
            "maxLength": MAX_URL,
            "pattern": "^https?://[^/@#\\s]+(/[^#\\s]*)?$",
            "description": "An absolute http(s) URL without credentials or fragment.",
        })
    }
}

/// The URL as shown: scheme, host and first path segment, the rest cut off, because Slack's and
/// Teams' webhook URLs carry their credential in the path.
pub fn redacted(url: &str) -> String {
    let Ok(uri) = url.parse::<http::Uri>() else {
        return "…".to_owned();
    };
    let origin = format!(
        "{}://{}",
        uri.scheme_str().unwrap_or("https"),
        uri.authority().map_or("", |a| a.as_str())
    );
    let path = uri.path();
    let mut segments = path.trim_start_matches('/').splitn(2, '/');
    let first = segments.next().unwrap_or_default();
    let more = segments.next().is_some_and(|rest| !rest.is_empty()) || uri.query().is_some();
    match (first.is_empty(), more) {
        (true, false) => origin,
        (true, true) => format!("{origin}/…"),
        (false, false) => format!("{origin}/{first}"),
        (false, true) => format!("{origin}/{first}/…"),
    }
}

/// A subscription as set up.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubscription {
    /// What it is for, such as "Service desk channel".
    pub name: Label,
    pub url: WebhookUrl,
    /// `standard` (JSON for programs) when left out; `slack` or `teams` for their webhooks.
    #[serde(default)]
    pub format: Option<Format>,
    /// The event types to deliver (see `GET /api/v1/webhooks/event-types`).
    pub events: Vec<EventType>,
    /// Only this customer organisation's records.
    #[serde(default)]
    pub customer: Option<Code>,
    /// `true` when left out; a paused subscription keeps its deliveries until resumed.
    #[serde(default)]
    pub active: Option<bool>,
}

/// A change to a subscription (JSON merge patch: fields left out stay as they are).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionPatch {
    #[serde(default)]
    pub name: Option<Label>,
    #[serde(default)]
    pub url: Option<WebhookUrl>,
    #[serde(default)]
    pub format: Option<Format>,
    #[serde(default)]
    pub events: Option<Vec<EventType>>,
    /// `null` delivers every customer's records again.
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Code>")]
    pub customer: Option<Option<Code>>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// The most event types a subscription lists (each type once).
pub const MAX_EVENTS: usize = 20;

/// An event list's own rules: not empty, each type once, no `ping` (which is sent on request).
pub fn check_events(events: &[EventType]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if events.is_empty() {
        errors.push("events", "must name at least one event type");
    }
    if events.len() > MAX_EVENTS {
        errors.push(
            "events",
            format!("must name at most {MAX_EVENTS} event types"),
        );
    }
    for (i, event) in events.iter().enumerate() {
        if *event == EventType::Ping {
            errors.push(
                format!("events[{i}]"),
                "ping is sent on request (POST …/ping), not subscribed to",
            );
        } else if events[..i].contains(event) {
            errors.push(
                format!("events[{i}]"),
                format!("{} is listed twice", event.as_str()),
            );
        }
    }
    errors.finish(())
}

/// A subscription as shown.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SubscriptionView {
    pub id: i64,
    pub name: String,
    /// The URL cut after its first path segment (the rest is often a credential).
    pub url: String,
    pub format: Format,
    pub events: Vec<EventType>,
    pub customer: Option<String>,
    pub active: bool,
    /// After a rotation, until when the previous secret also signs deliveries.
    pub previous_secret_valid_until: Option<String>,
    /// How its deliveries stand (left out of audit entries, which record the settings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deliveries: Option<Standing>,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl SubscriptionView {
    pub fn new(s: &Subscription, standing: Option<Standing>) -> Self {
        Self {
            id: s.id,
            name: s.name.clone(),
            url: redacted(&s.url),
            format: s.format,
            events: s.events.clone(),
            customer: s.customer.clone(),
            active: s.active,
            previous_secret_valid_until: s.previous_secret_until.clone(),
            deliveries: standing,
            version: s.version,
            created_by: s.created_by.clone(),
            created_at: s.created_at.clone(),
            updated_at: s.updated_at.clone(),
        }
    }
}

/// A subscription just created, with the secret its deliveries are signed with: shown this
/// once (it can be rotated, never read again).
#[derive(Debug, Serialize, JsonSchema)]
pub struct CreatedSubscription {
    #[serde(flatten)]
    pub subscription: SubscriptionView,
    /// `whsec_` and the key in base64, as the Standard Webhooks libraries take it.
    pub secret: String,
}

/// A rotated secret.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RotatedSecret {
    /// The new secret, shown this once.
    pub secret: String,
    /// Until when deliveries carry a second signature by the previous secret, so the receiver
    /// can switch over without losing any.
    pub previous_secret_valid_until: String,
}

/// A delivery in a log.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DeliveryView {
    pub id: i64,
    /// The `webhook-id` header it is sent with, the same on every attempt: receivers drop
    /// repeats by it.
    pub webhook_id: String,
    pub subscription: i64,
    pub event_type: EventType,
    /// The record's number.
    pub record: Option<String>,
    pub actor: Option<String>,
    pub occurred_at: String,
    pub status: DeliveryStatus,
    /// Attempts since it was queued or last sent again by hand.
    pub attempts: i64,
    /// While pending: when it is next sent.
    pub next_attempt_at: Option<String>,
    /// The receiver's last HTTP status; `null` when none came.
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub failed_at: Option<String>,
}

pub fn webhook_id(delivery_id: i64) -> String {
    format!("dlv_{delivery_id}")
}

impl DeliveryView {
    pub fn new(d: &Delivery) -> Self {
        Self {
            id: d.id,
            webhook_id: webhook_id(d.id),
            subscription: d.subscription_id,
            event_type: d.event_type,
            record: d.record.clone(),
            actor: d.actor.clone(),
            occurred_at: d.occurred_at.clone(),
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at.clone(),
            last_status: d.last_status,
            last_error: d.last_error.clone(),
            created_at: d.created_at.clone(),
            delivered_at: d.delivered_at.clone(),
            failed_at: d.failed_at.clone(),
        }
    }
}

/// A delivery with what it sends and every attempt.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DeliveryDetail {
    #[serde(flatten)]
    pub delivery: DeliveryView,
    /// The body it sends, in the subscription's format as it is now.
    pub body: Value,
    pub attempt_log: Vec<Attempt>,
}

/// One event type a subscription may name.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EventTypeView {
    pub name: EventType,
    pub description: &'static str,
}

/// What one tick did.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct WebhookTick {
    /// Events read off the audit trail and the SLA events.
    pub events_read: u32,
    /// Deliveries queued for them.
    pub queued: u32,
    /// Delivery ids delivered by this call.
    pub delivered: Vec<i64>,
    /// Delivery ids that failed an attempt and wait for the next.
    pub retrying: Vec<i64>,
    /// Delivery ids refused by their receiver or out of retries.
    pub failed: Vec<i64>,
    /// Whether more is due than one call does: call again.
    pub remaining: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_absolute_http_without_credentials_or_fragments() {
        assert!(WebhookUrl::parse("https://hooks.slack.com/services/T0/B0/abc").is_ok());
        assert!(WebhookUrl::parse("http://127.0.0.1:8080/hook?x=1").is_ok());
        for bad in [
            "hooks.slack.com/services",
            "ftp://example.org/x",
            "https://user:pass@example.org/x",
            "https://example.org/x#top",
            "/relative",
            "",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(WebhookUrl::parse(&format!("https://e.org/{}", "a".repeat(MAX_URL))).is_err());
    }

    #[test]
    fn internal_hosts_are_told_apart() {
        let internal = |url: &str| WebhookUrl::parse(url).expect("valid").internal_host();
        for url in [
            "http://localhost:8080/x",
            "http://127.0.0.1:9/x",
            "http://10.1.2.3/x",
            "http://172.16.0.1/x",
            "http://192.168.1.1/x",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/x",
            "http://0.0.0.0/x",
            "http://[::1]/x",
            "http://[fd00::1]/x",
            "http://[fe80::1]/x",
            "http://[::ffff:10.0.0.1]/x",
            "http://incident.spin.internal/api",
            "http://printer.local/x",
        ] {
            assert!(internal(url).is_some(), "{url}");
        }
        for url in [
            "https://hooks.slack.com/services/x",
            "https://93.184.216.34/x",
            "https://[2606:4700::1111]/x",
        ] {
            assert_eq!(internal(url), None, "{url}");
        }
    }

    #[test]
    fn shown_urls_stop_after_the_first_segment() {
        assert_eq!(
            redacted("https://hooks.slack.com/services/T0/B0/secret"),
            "https://hooks.slack.com/services/…"
        );
        assert_eq!(
            redacted("https://example.org/hook"),
            "https://example.org/hook"
        );
        assert_eq!(
            redacted("https://example.org/hook?token=x"),
            "https://example.org/hook/…"
        );
        assert_eq!(redacted("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
    }

    #[test]
    fn event_lists_are_checked_whole() {
        assert!(check_events(&[EventType::IncidentCreated]).is_ok());
        let errors = check_events(&[
            EventType::IncidentCreated,
            EventType::Ping,
            EventType::IncidentCreated,
        ])
        .expect_err("two mistakes")
        .into_vec();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["events[1]", "events[2]"]);
        assert!(check_events(&[]).is_err());
    }
}
