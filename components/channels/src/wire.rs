//! The channels' shapes on the wire: Slack's slash command, Teams' message activity and the fields
//! Mailgun's `forward()` posts, as they arrive, and a chat account's link to a project user.

use itsm_domain::Code;
use schemars::JsonSchema;
use serde::Deserialize;

/// The form Slack posts for a slash command (its "Slash commands" guide); fields Slack adds
/// later are accepted and ignored.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)] // every field is documented; the command reads the workspace, user and text
pub struct SlackCommand {
    /// The workspace.
    pub team_id: String,
    /// Who typed it.
    pub user_id: String,
    /// The command, such as `/itsm`.
    pub command: String,
    /// What followed the command.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub team_domain: Option<String>,
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default)]
    pub channel_name: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
    /// Where follow-up messages may be posted for half an hour.
    #[serde(default)]
    pub response_url: Option<String>,
    #[serde(default)]
    pub trigger_id: Option<String>,
    #[serde(default)]
    pub api_app_id: Option<String>,
    /// Slack's old verification token; the signature is what is checked.
    #[serde(default)]
    pub token: Option<String>,
}

/// The form Slack posts for a click on a message's button: one field holding the JSON payload.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SlackInteraction {
    /// A `block_actions` payload, as JSON.
    pub payload: String,
}

/// The parts of Slack's `block_actions` payload a click needs; the rest is ignored.
#[derive(Debug, Deserialize)]
pub struct BlockActions {
    pub user: SlackId,
    pub team: SlackId,
    #[serde(default)]
    pub actions: Vec<SlackAction>,
    /// Where to post the outcome, for half an hour.
    #[serde(default)]
    pub response_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SlackId {
    pub id: String,
}

#[derive(Debug, Deserialize)]
pub struct SlackAction {
    pub action_id: String,
    #[serde(default)]
    pub value: Option<String>,
}

/// The parts of the message activity a Teams outgoing webhook posts (Bot Framework's activity
/// schema) that a command needs; the rest is accepted and ignored.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamsActivity {
    /// `message` for everything an outgoing webhook sends.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it was sent (RFC 3339); signed with the body, so it shows a replay.
    #[serde(default)]
    pub timestamp: Option<String>,
    /// What was typed, starting with the webhook's own `<at>…</at>` mention.
    #[serde(default)]
    pub text: String,
    pub from: TeamsAccount,
    /// Mentions and other entities; a mention's `text` is how it appears in `text`.
    #[serde(default)]
    pub entities: Vec<TeamsEntity>,
    #[serde(default)]
    pub channel_data: Option<TeamsChannelData>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamsAccount {
    /// The Teams user id (`29:…`).
    pub id: String,
    /// The person's Microsoft Entra object id.
    #[serde(default)]
    pub aad_object_id: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TeamsEntity {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub mentioned: Option<TeamsAccount>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TeamsChannelData {
    #[serde(default)]
    pub tenant: Option<TeamsTenant>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TeamsTenant {
    pub id: String,
}

impl TeamsActivity {
    /// The Microsoft 365 tenant the message came from: the "workspace" its accounts are linked in.
    pub fn tenant(&self) -> Option<String> {
        self.channel_data
            .as_ref()
            .and_then(|c| c.tenant.as_ref())
            .map(|t| normal_chat_id(&t.id))
    }

    /// The ids the sender may be linked under: the Entra object id first, then the Teams id.
    pub fn sender_ids(&self) -> Vec<String> {
        self.from
            .aad_object_id
            .iter()
            .chain(std::iter::once(&self.from.id))
            .map(|id| normal_chat_id(id))
            .collect()
    }
}

/// The fields a Mailgun route's `forward()` posts for a received message (its "Receiving
/// messages via HTTP" guide), as the OpenAPI document shows them; the handler reads them by
/// name, ignores the rest, and names each attachment (`attachment-1`, …) without keeping it.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)] // the shape of the documentation; the handler reads the fields by name
pub struct MailgunMessage {
    /// Seconds since 1970, signed.
    pub timestamp: String,
    /// A one-time random string, signed.
    pub token: String,
    /// Hex HMAC-SHA256 of `timestamp` followed by `token`, under the webhook signing key.
    pub signature: String,
    /// The From header, such as `Ann Lee <ann@example.org>`.
    #[serde(default)]
    pub from: Option<String>,
    /// The envelope sender (MAIL FROM), used when `from` is missing.
    #[serde(default)]
    pub sender: Option<String>,
    #[serde(default)]
    pub recipient: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    /// The text of the message.
    #[serde(rename = "body-plain", default)]
    pub body_plain: Option<String>,
    /// The text without the quoted message it answers.
    #[serde(rename = "stripped-text", default)]
    pub stripped_text: Option<String>,
    /// The message's headers as a JSON list of `[name, value]` pairs.
    #[serde(rename = "message-headers", default)]
    pub message_headers: Option<String>,
    #[serde(rename = "attachment-count", default)]
    pub attachment_count: Option<String>,
}

/// Which project user a chat account acts as.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// An active user's name.
    pub user: Code,
}

/// The longest workspace or account id accepted in a path.
pub const MAX_CHAT_ID: usize = 100;

/// A Slack or Teams workspace or account id as named in a path: letters, digits, `-`, `_`, `.`
/// and `:` only (Slack ids are like `T0123ABC`, Teams' are GUIDs).
pub fn check_chat_id(field: &str, text: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    if text.is_empty() || text.len() > MAX_CHAT_ID || !text.chars().all(allowed) {
        return Err(format!(
            "{field} must be 1 to {MAX_CHAT_ID} letters, digits, '-', '_', '.' or ':'"
        ));
    }
    Ok(())
}

/// An id as it is stored and compared: a GUID (a Teams tenant or Entra object id, which Teams
/// writes in lower case and people may paste in upper case) in lower case; anything else, such
/// as Slack's and Teams' own ids, exactly as written.
pub fn normal_chat_id(id: &str) -> String {
    let groups: Vec<&str> = id.split('-').collect();
    let guid = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
    if guid {
        id.to_ascii_lowercase()
    } else {
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_forms_read_with_fields_slack_may_add() {
        let body = "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&enterprise_id=E0001\
                    &channel_id=C2147483705&channel_name=test&user_id=U2147483697&user_name=Steve\
                    &command=%2Fitsm&text=show+INC0000001&api_app_id=A123456\
                    &response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id=13345224609.738474920.8088930838d88f008e0";
        let form: SlackCommand = serde_urlencoded::from_str(body).expect("a slash command");
        assert_eq!(
            (form.team_id.as_str(), form.user_id.as_str()),
            ("T0001", "U2147483697")
        );
        assert_eq!(
            (form.command.as_str(), form.text.as_str()),
            ("/itsm", "show INC0000001")
        );
    }

    #[test]
    fn teams_activities_read_as_an_outgoing_webhook_posts_them() {
        let body = r#"{"type":"message","id":"1485983408511","timestamp":"2017-02-01T21:10:07.437Z",
            "localTimestamp":"2017-02-01T13:10:07.437-08:00","serviceUrl":"https://smba.trafficmanager.net/amer/",
            "channelId":"msteams","from":{"id":"29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw",
            "name":"Tim Jones","aadObjectId":"8b2a6f04-f1a0-4a1b-9f5e-3c1d2e4f5a6b"},
            "conversation":{"id":"19:253b1f341670408fb6fcb5ad0d0ec8e7@thread.skype;messageid=1485983408511"},
            "recipient":null,"textFormat":"plain","text":"<at>ITSM</at> mine","attachments":[],
            "entities":[{"type":"clientInfo","locale":"en-US"},
                        {"type":"mention","text":"<at>ITSM</at>","mentioned":{"id":"28:c9e8c047","name":"ITSM"}}],
            "channelData":{"teamsChannelId":"19:253b1f341670408fb6fcb5ad0d0ec8e7@thread.skype",
                           "tenant":{"id":"72f988bf-86f1-41af-91ab-2d7cd011db47"}}}"#;
        let activity: TeamsActivity = serde_json::from_str(body).expect("an activity");
        assert_eq!(
            activity.tenant().as_deref(),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        assert_eq!(
            activity.sender_ids(),
            [
                "8b2a6f04-f1a0-4a1b-9f5e-3c1d2e4f5a6b",
                activity.from.id.as_str()
            ]
        );
        assert_eq!(activity.entities[1].kind, "mention");
    }

    #[test]
    fn guids_are_compared_in_lower_case_and_other_ids_as_written() {
        assert_eq!(
            normal_chat_id("72F988BF-86F1-41AF-91AB-2D7CD011DB47"),
            "72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
        assert_eq!(normal_chat_id("29:1XJKJMvc5GBtc"), "29:1XJKJMvc5GBtc");
        assert_eq!(normal_chat_id("U2147483697"), "U2147483697");
        assert_eq!(normal_chat_id("ABCDEFGH-1234"), "ABCDEFGH-1234");
    }

    #[test]
    fn chat_ids_are_short_and_plain() {
        assert!(check_chat_id("workspace", "T0001").is_ok());
        assert!(check_chat_id("account", "29:1a2b-3c4d_e.f").is_ok());
        for bad in ["", "a/b", "a b", &"x".repeat(MAX_CHAT_ID + 1)] {
            assert!(check_chat_id("account", bad).is_err(), "{bad}");
        }
    }
}
