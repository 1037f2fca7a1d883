//! What a Microsoft Teams outgoing webhook sends, read into a command, and the card it is
//! answered with. Teams posts a Bot Framework message activity whose `text` starts with the
//! webhook's own @mention (`<at>ITSM</at> show INC1`), may mention people (`<at>Ann Lee</at>`,
//! each listed in `entities` with their Teams id) and writes some characters as HTML entities
//! (`&nbsp;`, `&amp;`). Teams sends no timestamp header, so the activity's own `timestamp`,
//! which the signature covers, is what shows a captured request replayed later.

use super::signature::within_window;
use serde_json::{Value, json};

/// A message to the webhook, read. People mentioned in it are written `<@0>`, `<@1>`, … in
/// `command` (the form `assign … to` reads) and by their names in `plain` (for everything
/// else, such as a new incident's text); `mentioned` has the Teams id of each, where Teams
/// said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamsText {
    pub command: String,
    pub plain: String,
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

/// Bots, the outgoing webhook among them, have Teams ids starting `28:`; people `29:`.
fn is_bot(id: &str) -> bool {
    id.starts_with("28:")
}

enum Piece<'t> {
    Text(&'t str),
    /// The whole `<at>…</at>` and, where Teams listed it, the id of who it names.
    Mention(&'t str, Option<String>),
}

/// Reads a message's `text`. The webhook's own @mention (a bot's, or else the first) is
/// dropped with what came before it, unless nothing follows it; markup other than mentions
/// is dropped, entities decoded, and no-break spaces become spaces.
pub fn read_teams_text(text: &str, mentions: &[TeamsMention<'_>]) -> TeamsText {
    let pieces = pieces(text, mentions);
    let webhook = pieces
        .iter()
        .position(|p| matches!(p, Piece::Mention(_, Some(id)) if is_bot(id)))
        .or_else(|| pieces.iter().position(|p| matches!(p, Piece::Mention(..))));
    let (before, after) = match webhook {
        Some(at) => (&pieces[..at], &pieces[at + 1..]),
        None => (&pieces[..0], &pieces[..]),
    };
    let said = |pieces: &[Piece<'_>]| {
        pieces
            .iter()
            .any(|p| !matches!(p, Piece::Text(t) if clean(t).trim().is_empty()))
    };
    let typed = if said(after) || !said(before) {
        after
    } else {
        before
    };
    let mut read = TeamsText {
        command: String::new(),
        plain: String::new(),
        mentioned: Vec::new(),
    };
    for piece in typed {
        match piece {
            Piece::Text(raw) => {
                let text = clean(raw);
                // What was typed can never pass for a mention.
                read.command.push_str(&text.replace("<@", "< @"));
                read.plain.push_str(&text);
            }
            Piece::Mention(whole, id) => {
                read.command
                    .push_str(&format!("<@{}>", read.mentioned.len()));
                read.plain.push_str(&decoded(
                    &whole[AT_OPEN.len()..whole.len() - AT_CLOSE.len()],
                ));
                read.mentioned.push(id.clone());
            }
        }
    }
    read.command = squeezed(&read.command);
    read.plain = squeezed(&read.plain);
    read
}

/// The text cut into what was typed and the mentions, the k-th mention paired with the k-th
/// mention entity (Teams lists them in order), or else with one of the same text.
fn pieces<'t>(text: &'t str, mentions: &[TeamsMention<'_>]) -> Vec<Piece<'t>> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(AT_OPEN) {
        let Some(length) = rest[start..].find(AT_CLOSE) else {
            break;
        };
        let end = start + length + AT_CLOSE.len();
        pieces.push(Piece::Text(&rest[..start]));
        let whole = &rest[start..end];
        let k = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Mention(..)))
            .count();
        let id = mentions
            .get(k)
            .filter(|m| m.text == whole)
            .or_else(|| mentions.iter().find(|m| m.text == whole))
            .map(|m| m.id.to_owned());
        pieces.push(Piece::Mention(whole, id));
        rest = &rest[end..];
    }
    pieces.push(Piece::Text(rest));
    pieces
}

/// Typed text: markup dropped (Teams writes typed `<` as `&lt;`, so a raw one starts a tag),
/// then entities decoded.
fn clean(raw: &str) -> String {
    let mut text = String::new();
    let mut rest = raw;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        text.push_str(&rest[..open]);
        text.push(' ');
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    decoded(&text)
}

fn decoded(text: &str) -> String {
    html_escape::decode_html_entities(text).replace('\u{a0}', " ")
}

/// Runs of spaces as one, and no space at either end.
fn squeezed(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    out
}

/// Whether an activity's `timestamp` (RFC 3339, as Teams writes it) is within five minutes of
/// `now_unix`, the window every chat platform's requests get.
pub fn teams_activity_fresh(timestamp: Option<&str>, now_unix: i64) -> Result<(), &'static str> {
    let timestamp = timestamp.ok_or("the activity has no timestamp")?;
    let sent = chrono::DateTime::parse_from_rfc3339(timestamp)
        .map_err(|_| "the activity's timestamp is not an RFC 3339 time")?
        .timestamp();
    within_window(sent, now_unix)
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

    fn mention<'a>(text: &'a str, id: &'a str) -> TeamsMention<'a> {
        TeamsMention { text, id }
    }

    #[test]
    fn the_webhooks_own_mention_is_dropped_and_people_become_numbered_mentions() {
        let mentions = [
            mention("<at>ITSM</at>", "28:webhook"),
            mention("<at>Ann Lee</at>", "29:1aBc"),
        ];
        let read = read_teams_text(
            "<at>ITSM</at>&nbsp;assign INC0000004 to <at>Ann Lee</at>",
            &mentions,
        );
        assert_eq!(read.command, "assign INC0000004 to <@0>");
        assert_eq!(read.plain, "assign INC0000004 to Ann Lee");
        assert_eq!(read.mentioned, [Some("29:1aBc".to_owned())]);
        let unknown = read_teams_text("<at>ITSM</at> assign INC4 to <at>Bo</at>", &[]);
        assert_eq!(unknown.mentioned, [None]);
    }

    #[test]
    fn the_webhook_is_known_by_its_bot_id_wherever_it_is_mentioned() {
        let mentions = [
            mention("<at>Bob</at>", "29:bob"),
            mention("<at>ITSM</at>", "28:webhook"),
        ];
        let after = read_teams_text("Hi <at>Bob</at>, <at>ITSM</at> mine", &mentions);
        assert_eq!(after.command, "mine");
        let before = read_teams_text("assign INC1 to <at>Bob</at> <at>ITSM</at>", &mentions);
        assert_eq!(before.command, "assign INC1 to <@0>");
        assert_eq!(before.mentioned, [Some("29:bob".to_owned())]);
    }

    #[test]
    fn people_of_the_same_name_are_told_apart_by_order() {
        let mentions = [
            mention("<at>ITSM</at>", "28:webhook"),
            mention("<at>Ann Lee</at>", "29:first"),
            mention("<at>Ann Lee</at>", "29:second"),
        ];
        let read = read_teams_text(
            "<at>ITSM</at> new <at>Ann Lee</at> and <at>Ann Lee</at> locked out",
            &mentions,
        );
        assert_eq!(
            read.mentioned,
            [Some("29:first".to_owned()), Some("29:second".to_owned())]
        );
        assert_eq!(read.plain, "new Ann Lee and Ann Lee locked out");
    }

    #[test]
    fn markup_is_dropped_entities_decoded_and_typed_mentions_stay_text() {
        let read = read_teams_text(
            "<p><at>ITSM</at> new Printer &amp; scanner &lt;b&gt;down&lt;/b&gt;<br>&lt;@0&gt;</p>",
            &[],
        );
        assert_eq!(read.plain, "new Printer & scanner <b>down</b> <@0>");
        assert_eq!(read.command, "new Printer & scanner <b>down</b> < @0>");
        assert!(read.mentioned.is_empty());
        assert_eq!(read_teams_text("new <at>half", &[]).command, "new half");
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
