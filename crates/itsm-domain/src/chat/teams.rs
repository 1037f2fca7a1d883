//! What a Microsoft Teams outgoing webhook sends, read into a command, and the card it is
//! answered with. Teams posts a Bot Framework message activity whose `text` starts with the
//! webhook's own @mention (`<at>ITSM</at> show INC1`), may mention people (`<at>Ann Lee</at>`,
//! each listed in `entities` with their Teams id) and writes some characters as HTML entities
//! (`&nbsp;`, `&amp;`). Teams sends no timestamp header, so the activity's own `timestamp`,
//! which the signature covers, is what shows a captured request replayed later.

use super::signature::SLACK_WINDOW_SECONDS;
use serde_json::{Value, json};

/// A message to the webhook, read: the command's text, with the people mentioned in it written
/// `<@0>`, `<@1>`, … (in the order they appear), and the Teams id of each where Teams said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamsText {
    pub command: String,
    pub mentioned: Vec<Option<String>>,
}

/// A mention entity of the activity: the text it stands for (`<at>Ann Lee</at>`) and the id
/// of who was mentioned.
#[derive(Debug, Clone, Copy)]
pub struct TeamsMention<'a> {
    pub text: &'a str,
    pub id: &'a str,
}

const AT_OPEN: &str = "<at>";
const AT_CLOSE: &str = "</at>";

/// Reads a message's `text`: the first @mention (the webhook being called) is dropped, the
/// others become `<@n>`, entities are decoded and no-break spaces become spaces.
pub fn read_teams_text(text: &str, mentions: &[TeamsMention<'_>]) -> TeamsText {
    let mut command = String::new();
    let mut mentioned = Vec::new();
    let mut rest = text;
    let mut seen_webhook = false;
    while let Some(start) = rest.find(AT_OPEN) {
        let Some(length) = rest[start..].find(AT_CLOSE) else {
            break;
        };
        let end = start + length + AT_CLOSE.len();
        command.push_str(&decoded(&rest[..start]));
        let whole = &rest[start..end];
        if seen_webhook {
            command.push_str(&format!("<@{}>", mentioned.len()));
            mentioned.push(
                mentions
                    .iter()
                    .find(|m| m.text == whole)
                    .map(|m| m.id.to_owned()),
            );
        }
        seen_webhook = true;
        rest = &rest[end..];
    }
    command.push_str(&decoded(rest));
    TeamsText {
        command: command.trim().to_owned(),
        mentioned,
    }
}

fn decoded(text: &str) -> String {
    html_escape::decode_html_entities(text).replace('\u{a0}', " ")
}

/// Whether an activity's `timestamp` (RFC 3339, as Teams writes it) is within five minutes of
/// `now_unix`, the window Slack's requests get too.
pub fn teams_activity_fresh(timestamp: Option<&str>, now_unix: i64) -> Result<(), &'static str> {
    let timestamp = timestamp.ok_or("the activity has no timestamp")?;
    let sent = chrono::DateTime::parse_from_rfc3339(timestamp)
        .map_err(|_| "the activity's timestamp is not an RFC 3339 time")?
        .timestamp();
    if now_unix.abs_diff(sent) > SLACK_WINDOW_SECONDS.unsigned_abs() {
        return Err("the activity is more than five minutes old (or from the future)");
    }
    Ok(())
}

/// A Teams message carrying one Adaptive Card with `body`. Text runs inside rich-text blocks
/// are never read as Markdown, so what a record says is shown as written.
pub fn teams_card_message(body: Vec<Value>) -> Value {
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
            },
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_webhooks_own_mention_is_dropped_and_people_become_numbered_mentions() {
        let mentions = [
            TeamsMention {
                text: "<at>ITSM</at>",
                id: "28:webhook",
            },
            TeamsMention {
                text: "<at>Ann Lee</at>",
                id: "29:1aBc",
            },
        ];
        let read = read_teams_text(
            "<at>ITSM</at>&nbsp;assign INC0000004 to <at>Ann Lee</at>",
            &mentions,
        );
        assert_eq!(read.command, "assign INC0000004 to <@0>");
        assert_eq!(read.mentioned, [Some("29:1aBc".to_owned())]);
        let unknown = read_teams_text("<at>ITSM</at> assign INC4 to <at>Bo</at>", &[]);
        assert_eq!(unknown.mentioned, [None]);
    }

    #[test]
    fn entities_are_decoded_and_unclosed_mentions_left_as_typed() {
        let read = read_teams_text(
            "<at>ITSM</at> new Printer &amp; scanner &lt;b&gt;down&lt;/b&gt;",
            &[],
        );
        assert_eq!(read.command, "new Printer & scanner <b>down</b>");
        assert!(read.mentioned.is_empty());
        assert_eq!(read_teams_text("new <at>half", &[]).command, "new <at>half");
        assert_eq!(read_teams_text("mine", &[]).command, "mine");
    }

    #[test]
    fn activities_must_be_stamped_within_five_minutes() {
        let now = 1_485_983_407; // 2017-02-01T21:10:07Z
        assert_eq!(
            teams_activity_fresh(Some("2017-02-01T21:10:07.437Z"), now),
            Ok(())
        );
        assert_eq!(
            teams_activity_fresh(Some("2017-02-01T13:10:07.437-08:00"), now + 300),
            Ok(())
        );
        assert!(teams_activity_fresh(Some("2017-02-01T21:10:07Z"), now + 301).is_err());
        assert!(teams_activity_fresh(Some("2017-02-01T21:10:07Z"), now - 301).is_err());
        assert!(teams_activity_fresh(Some("yesterday"), now).is_err());
        assert!(teams_activity_fresh(None, now).is_err());
    }
}
