//! The channels' shapes on the wire: Slack's slash command as it posts it, and a chat account's
//! link to a project user.

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
    fn chat_ids_are_short_and_plain() {
        assert!(check_chat_id("workspace", "T0001").is_ok());
        assert!(check_chat_id("account", "29:1a2b-3c4d_e.f").is_ok());
        for bad in ["", "a/b", "a b", &"x".repeat(MAX_CHAT_ID + 1)] {
            assert!(check_chat_id("account", bad).is_err(), "{bad}");
        }
    }
}
