//! What a command answers, the same for every chat, and its Slack and Teams shapes. Everything in a reply
//! that came from a record is sent as plain text, which the platforms show as written, so a
//! title cannot turn into a mention, a link or formatting.

use itsm_domain::chat::teams_card_message;
use serde_json::{Value, json};

/// A reply: seen by everyone in the channel, or only by the one who asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub public: bool,
    pub headline: String,
    /// Further lines, such as a list of records.
    pub lines: Vec<String>,
    /// Name and value pairs, such as a record's state and priority.
    pub facts: Vec<(String, String)>,
    /// What can be done to the record at a click, where the platform has buttons.
    pub buttons: Vec<Button>,
}

/// A button: its label, the action it asks for, and the record it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: &'static str,
    pub action: &'static str,
    pub record: String,
}

impl Reply {
    /// Only for the one who asked, where the platform can answer one person (Slack): answers,
    /// lists, refusals. Teams posts every answer to the channel.
    pub fn private(headline: impl Into<String>) -> Self {
        Self {
            public: false,
            headline: headline.into(),
            lines: Vec::new(),
            facts: Vec::new(),
            buttons: Vec::new(),
        }
    }

    /// For the channel: a change others should see.
    pub fn public(headline: impl Into<String>) -> Self {
        Self {
            public: true,
            ..Self::private(headline)
        }
    }

    /// The answer to a command that could not be read: what was wrong, and the commands.
    pub fn mistake(mistake: &str) -> Self {
        Self::private(format!(
            "{mistake}. Commands: {}",
            itsm_domain::chat::COMMAND_HELP
        ))
    }

    /// The answer to a copy of a request whose first copy is still being handled.
    pub fn still_working() -> Self {
        Self::private("Still working on that request.")
    }

    pub fn with_lines(mut self, lines: Vec<String>) -> Self {
        self.lines = lines;
        self
    }

    pub fn with_facts(mut self, facts: Vec<(String, String)>) -> Self {
        self.facts = facts;
        self
    }

    pub fn with_buttons(mut self, buttons: Vec<Button>) -> Self {
        self.buttons = buttons;
        self
    }

    /// A slash command's answer in Block Kit.
    pub fn to_slack(&self) -> Value {
        let plain = |text: &str| json!({"type": "plain_text", "text": fit(text), "emoji": false});
        let mut blocks = vec![json!({"type": "section", "text": plain(&self.headline)})];
        if !self.lines.is_empty() {
            blocks.push(json!({"type": "section", "text": plain(&self.lines.join("\n"))}));
        }
        if !self.facts.is_empty() {
            // Slack shows at most ten fields in a section.
            let fields: Vec<Value> = self
                .facts
                .iter()
                .take(10)
                .map(|(name, value)| plain(&format!("{name}: {value}")))
                .collect();
            blocks.push(json!({"type": "section", "fields": fields}));
        }
        if !self.buttons.is_empty() {
            let elements: Vec<Value> = self
                .buttons
                .iter()
                .map(|b| {
                    json!({"type": "button", "text": plain(b.label), "action_id": b.action, "value": b.record})
                })
                .collect();
            blocks.push(json!({"type": "actions", "elements": elements}));
        }
        json!({
            "response_type": if self.public { "in_channel" } else { "ephemeral" },
            "text": fit(&slack_escape(&self.headline)),
            "blocks": blocks,
        })
    }

    /// An outgoing webhook's answer for Teams: one Adaptive Card of text runs, which Teams
    /// shows as written. Teams lets these cards open links only, so there are no buttons.
    pub fn to_teams(&self) -> Value {
        let run = |text: &str| json!({"type": "TextRun", "text": text});
        let mut body = vec![json!({"type": "RichTextBlock", "inlines": [
            {"type": "TextRun", "text": self.headline, "weight": "Bolder"}
        ]})];
        let lines = self
            .lines
            .iter()
            .cloned()
            .chain(
                self.facts
                    .iter()
                    .map(|(name, value)| format!("{name}: {value}")),
            )
            .collect::<Vec<_>>();
        if !lines.is_empty() {
            body.push(json!({"type": "RichTextBlock", "inlines": [run(&lines.join("\n"))]}));
        }
        teams_card_message(body)
    }
}

/// The most characters Slack takes in one text object.
const SLACK_TEXT_MAX: usize = 3000;

/// `text`, cut to what Slack takes, with an ellipsis when cut.
fn fit(text: &str) -> String {
    if text.chars().count() <= SLACK_TEXT_MAX {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(SLACK_TEXT_MAX - 1).collect();
    cut.push('…');
    cut
}

/// Slack reads `&`, `<` and `>` as markup in message text (the notification line).
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_replies_are_plain_text_and_private_unless_public() {
        let reply = Reply::public("INC0000001 logged: <!channel> & co")
            .with_facts(vec![("State".to_owned(), "new".to_owned())]);
        let slack = reply.to_slack();
        assert_eq!(slack["response_type"], "in_channel");
        assert_eq!(
            slack["text"],
            "INC0000001 logged: &lt;!channel&gt; &amp; co"
        );
        assert_eq!(slack["blocks"][0]["text"]["type"], "plain_text");
        assert_eq!(
            slack["blocks"][0]["text"]["text"],
            "INC0000001 logged: <!channel> & co"
        );
        assert_eq!(slack["blocks"][1]["fields"][0]["text"], "State: new");
        assert_eq!(Reply::private("x").to_slack()["response_type"], "ephemeral");
    }

    #[test]
    fn buttons_become_an_actions_block() {
        let reply = Reply::private("INC0000001: Mail down").with_buttons(vec![Button {
            label: "Assign to me",
            action: "itsm_assign_me",
            record: "INC0000001".to_owned(),
        }]);
        let slack = reply.to_slack();
        let button = &slack["blocks"][1]["elements"][0];
        assert_eq!(slack["blocks"][1]["type"], "actions");
        assert_eq!(
            (button["action_id"].clone(), button["value"].clone()),
            (json!("itsm_assign_me"), json!("INC0000001"))
        );
    }

    #[test]
    fn teams_replies_are_one_card_of_text_runs_without_buttons() {
        let reply = Reply::public("INC0000001 logged by ann: <b>x</b> **y**")
            .with_lines(vec!["one".to_owned(), "two".to_owned()])
            .with_facts(vec![("State".to_owned(), "new".to_owned())])
            .with_buttons(vec![Button {
                label: "Assign to me",
                action: "itsm_assign_me",
                record: "INC0000001".to_owned(),
            }]);
        let teams = reply.to_teams();
        assert_eq!(teams["type"], "message");
        let card = &teams["attachments"][0];
        assert_eq!(
            card["contentType"],
            "application/vnd.microsoft.card.adaptive"
        );
        let body = card["content"]["body"].as_array().expect("body");
        assert_eq!(
            body[0]["inlines"][0]["text"],
            "INC0000001 logged by ann: <b>x</b> **y**"
        );
        assert_eq!(body[1]["inlines"][0]["text"], "one\ntwo\nState: new");
        assert_eq!(body.len(), 2, "no actions: {teams}");
        assert!(teams.get("text").is_none(), "no Markdown text field");
    }

    #[test]
    fn long_texts_are_cut_to_what_slack_takes() {
        let long = Reply::private("é".repeat(5000))
            .with_lines(vec!["x".repeat(10_000)])
            .to_slack();
        for text in [
            &long["text"],
            &long["blocks"][0]["text"]["text"],
            &long["blocks"][1]["text"]["text"],
        ] {
            let text = text.as_str().expect("text");
            assert_eq!(text.chars().count(), SLACK_TEXT_MAX);
            assert!(text.ends_with('…'));
        }
    }
}
