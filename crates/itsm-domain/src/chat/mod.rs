//! Chat operations: what people type to the product in Slack or Microsoft Teams, read into
//! commands, and how those platforms' requests prove where they come from. The channels
//! component maps the chat user to a project user and carries the commands out.

mod command;
mod signature;
mod teams;

pub use command::{COMMAND_HELP, Command, RecordRef, parse_command};
pub use signature::{
    CHAT_WINDOW_SECONDS, slack_signature_valid, teams_security_key, teams_signature_valid,
};
pub use teams::{
    TeamsMention, TeamsText, read_teams_text, teams_activity_fresh, teams_card_message,
};
