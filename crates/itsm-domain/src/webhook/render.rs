//! The body of a delivery, in the shape its receiver reads: the Standard Webhooks JSON envelope
//! for programs, a Block Kit message for a Slack incoming webhook, or an Adaptive Card for a
//! Microsoft Teams workflow webhook. Chat formats carry a one-line headline and the record's key
//! fields as plain text (Slack's `plain_text` objects, Adaptive Cards' text runs), which neither
//! platform reads as markup, so a title cannot smuggle in links, mentions or formatting; Slack's
//! notification text, which is read as markup, is escaped.

use super::event_type::EventType;
use crate::chat::teams_card_message;
use crate::record_title::record_title;
use crate::text_enum::text_enum;
use serde_json::{Value, json};

text_enum! {
    /// Who reads the deliveries.
    pub enum Format {
        /// `{"type", "timestamp", "data"}`, for any program.
        Standard => "standard",
        /// A Slack incoming webhook (`https://hooks.slack.com/services/…`).
        Slack => "slack",
        /// A Microsoft Teams workflow ("Post to a channel when a webhook request is received").
        Teams => "teams",
    }
}

/// What one delivery says.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    pub event_type: EventType,
    pub occurred_at: &'a str,
    /// Who made the change; `None` for clocks and pings.
    pub actor: Option<&'a str>,
    /// The record's number, such as INC0000042.
    pub record: Option<&'a str>,
    pub changes: &'a Value,
    /// The record (or SLA event) as the API showed it after the change.
    pub object: &'a Value,
}

/// The body to send, as JSON.
pub fn render(format: Format, delivery: &Delivery<'_>) -> Value {
    match format {
        Format::Standard => json!({
            "type": delivery.event_type.as_str(),
            "timestamp": delivery.occurred_at,
            "data": {
                "record": delivery.record,
                "actor": delivery.actor,
                "changes": delivery.changes,
                "object": delivery.object,
            },
        }),
        Format::Slack => slack(delivery),
        Format::Teams => teams(delivery),
    }
}

fn slack(delivery: &Delivery<'_>) -> Value {
    let plain = |text: String| json!({"type": "plain_text", "text": text, "emoji": false});
    let mut blocks = vec![json!({"type": "section", "text": plain(headline(delivery, verbatim))})];
    let facts = facts(delivery);
    if !facts.is_empty() {
        let fields: Vec<Value> = facts
            .iter()
            .map(|(name, value)| plain(format!("{name}: {value}")))
            .collect();
        blocks.push(json!({"type": "section", "fields": fields}));
    }
    blocks.push(json!({"type": "context", "elements": [plain(context_line(delivery))]}));
    // The top-level text is what notifications show, read as mrkdwn: escaped.
    json!({"text": headline(delivery, slack_escape), "blocks": blocks})
}

fn teams(delivery: &Delivery<'_>) -> Value {
    // Text runs are never read as markdown, so what a record says shows as it is written.
    let run = |text: String| json!({"type": "TextRun", "text": text});
    let mut body = vec![json!({"type": "RichTextBlock", "inlines": [
        {"type": "TextRun", "text": headline(delivery, verbatim), "weight": "Bolder"}
    ]})];
    let facts: Vec<Value> = facts(delivery)
        .iter()
        .map(|(name, value)| run(format!("{name}: {value}\n")))
        .collect();
    if !facts.is_empty() {
        body.push(json!({"type": "RichTextBlock", "inlines": facts}));
    }
    body.push(json!({"type": "RichTextBlock", "inlines": [
        {"type": "TextRun", "text": context_line(delivery), "isSubtle": true, "size": "Small"}
    ]}));
    teams_card_message(body)
}

/// One line saying what happened, with the record's own words escaped by `escape`.
fn headline(delivery: &Delivery<'_>, escape: fn(&str) -> String) -> String {
    let object = delivery.object;
    let record = escape(delivery.record.unwrap_or("—"));
    let title = record_title(object)
        .map(|t| format!(": {}", escape(t)))
        .unwrap_or_default();
    let change = |field: &str| {
        let side =
            |end: &str| text(&delivery.changes[field][end]).unwrap_or_else(|| "nobody".to_owned());
        (escape(&side("from")), escape(&side("to")))
    };
    match delivery.event_type {
        EventType::IncidentCreated => format!("{record} logged{title}"),
        EventType::RequestCreated => format!("{record} ordered{title}"),
        EventType::ProblemCreated => format!("{record} recorded{title}"),
        EventType::ComplaintCreated => format!("{record} received{title}"),
        EventType::IncidentStateChanged
        | EventType::RequestStateChanged
        | EventType::ProblemStateChanged
        | EventType::ComplaintStateChanged => {
            let (from, to) = change("state");
            format!("{record} moved from {from} to {to}{title}")
        }
        EventType::IncidentAssigned
        | EventType::RequestAssigned
        | EventType::ProblemAssigned
        | EventType::ComplaintAssigned => {
            let to = text(&object["assignee"])
                .or_else(|| text(&object["assignment_group"]))
                .unwrap_or_else(|| "nobody".to_owned());
            format!("{record} assigned to {}{title}", escape(&to))
        }
        EventType::IncidentMajorDeclared => format!("{record} declared a major incident{title}"),
        EventType::RequestApprovalNeeded => format!("{record} awaits approval{title}"),
        EventType::SlaWarning | EventType::SlaBreach => {
            let metric = text(&object["metric"]).unwrap_or_default();
            let due = text(&object["due_at"]).unwrap_or_default();
            let what = if delivery.event_type == EventType::SlaBreach {
                "breached"
            } else {
                "at risk"
            };
            format!(
                "{record}: {} target {what} (due {})",
                escape(&metric),
                escape(&due)
            )
        }
        EventType::Ping => "Test delivery: this webhook is set up".to_owned(),
    }
}

/// The record's fields worth a glance, unescaped, in a fixed order.
fn facts(delivery: &Delivery<'_>) -> Vec<(&'static str, String)> {
    const FIELDS: [(&str, &str); 7] = [
        ("Priority", "priority"),
        ("State", "state"),
        ("Service", "service"),
        ("Customer", "customer"),
        ("Assignee", "assignee"),
        ("Group", "assignment_group"),
        ("Agreement", "agreement"),
    ];
    FIELDS
        .iter()
        .filter_map(|(name, field)| text(&delivery.object[field]).map(|v| (*name, v)))
        .collect()
}

fn context_line(delivery: &Delivery<'_>) -> String {
    match delivery.actor {
        Some(actor) => format!(
            "{} · by {actor} · {}",
            delivery.event_type.as_str(),
            delivery.occurred_at
        ),
        None => format!(
            "{} · {}",
            delivery.event_type.as_str(),
            delivery.occurred_at
        ),
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Slack's rule for message text: `&`, `<` and `>` are its control characters.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn verbatim(text: &str) -> String {
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident() -> Value {
        json!({"number": "INC0000007", "short_description": "<script>alert(1)</script> & *mail* down",
               "priority": "high", "state": "in_progress", "service": "email", "assignee": "ann",
               "assignment_group": "desk"})
    }

    fn delivery<'a>(object: &'a Value, changes: &'a Value, event_type: EventType) -> Delivery<'a> {
        Delivery {
            event_type,
            occurred_at: "2027-01-11T09:00:00.000Z",
            actor: Some("desk"),
            record: Some("INC0000007"),
            changes,
            object,
        }
    }

    #[test]
    fn the_standard_envelope_carries_type_timestamp_and_the_record_whole() {
        let (object, changes) = (
            incident(),
            json!({"state": {"from": "new", "to": "in_progress"}}),
        );
        let body = render(
            Format::Standard,
            &delivery(&object, &changes, EventType::IncidentStateChanged),
        );
        assert_eq!(body["type"], "incident.state_changed");
        assert_eq!(body["timestamp"], "2027-01-11T09:00:00.000Z");
        assert_eq!(body["data"]["object"], object);
        assert_eq!(body["data"]["changes"], changes);
        assert_eq!(body["data"]["actor"], "desk");
    }

    #[test]
    fn slack_shows_the_records_words_as_plain_text_and_escapes_its_notification() {
        let (object, changes) = (
            incident(),
            json!({"state": {"from": "new", "to": "in_progress"}}),
        );
        let body = render(
            Format::Slack,
            &delivery(&object, &changes, EventType::IncidentStateChanged),
        );
        assert_eq!(
            body["text"],
            "INC0000007 moved from new to in_progress: &lt;script&gt;alert(1)&lt;/script&gt; &amp; *mail* down"
        );
        let headline = &body["blocks"][0]["text"];
        assert_eq!(headline["type"], "plain_text");
        assert_eq!(
            headline["text"],
            "INC0000007 moved from new to in_progress: <script>alert(1)</script> & *mail* down"
        );
        assert_eq!(
            body["blocks"][1]["fields"][0],
            json!({"type": "plain_text", "text": "Priority: high", "emoji": false})
        );
        let kinds: Vec<&str> = body["blocks"]
            .as_array()
            .expect("blocks")
            .iter()
            .flat_map(|b| {
                b["text"]["type"].as_str().into_iter().chain(
                    b["fields"]
                        .as_array()
                        .into_iter()
                        .chain(b["elements"].as_array())
                        .flatten()
                        .filter_map(|f| f["type"].as_str()),
                )
            })
            .collect();
        assert!(kinds.iter().all(|k| *k == "plain_text"), "{kinds:?}");
    }

    #[test]
    fn teams_cards_show_the_records_words_in_text_runs() {
        let (object, changes) = (incident(), json!({}));
        let body = render(
            Format::Teams,
            &delivery(&object, &changes, EventType::IncidentAssigned),
        );
        let card = &body["attachments"][0]["content"];
        assert_eq!(card["type"], "AdaptiveCard");
        let headline = &card["body"][0];
        assert_eq!(headline["type"], "RichTextBlock");
        assert_eq!(
            headline["inlines"][0],
            json!({"type": "TextRun", "weight": "Bolder",
                   "text": "INC0000007 assigned to ann: <script>alert(1)</script> & *mail* down"})
        );
        assert_eq!(card["body"][1]["inlines"][0]["text"], "Priority: high\n");
        let blocks: Vec<&str> = card["body"]
            .as_array()
            .expect("body")
            .iter()
            .filter_map(|b| b["type"].as_str())
            .collect();
        assert!(
            blocks.iter().all(|b| *b == "RichTextBlock"),
            "no TextBlock reads markdown"
        );
    }

    #[test]
    fn headlines_read_for_requests_and_clocks() {
        let request = json!({"number": "REQ0000003", "item_name": {"en": "Laptop", "zh": "笔记本电脑"}, "state": "awaiting_approval"});
        let none = json!({});
        let mut d = delivery(&request, &none, EventType::RequestApprovalNeeded);
        d.record = Some("REQ0000003");
        assert_eq!(
            render(Format::Slack, &d)["text"],
            "REQ0000003 awaits approval: Laptop"
        );
        let breach = json!({"kind": "breach", "metric": "resolution", "due_at": "2027-01-11T17:00:00.000Z", "agreement": "SLA0000001"});
        let mut b = delivery(&breach, &none, EventType::SlaBreach);
        b.actor = None;
        assert_eq!(
            render(Format::Slack, &b)["text"],
            "INC0000007: resolution target breached (due 2027-01-11T17:00:00.000Z)"
        );
    }
}
