//! Who a chat account is here: the project user a person mentioned in a command is linked to,
//! and the answer to an account nobody linked, the same for every platform.

use crate::reply::Reply;
use crate::store::linked_user;
use itsm_domain::chat::Command;
use itsm_http::{ApiError, Services};

/// A chat platform, as its links are stored (`slack`) and as people call it (`Slack`).
#[derive(Debug, Clone, Copy)]
pub struct Platform {
    pub key: &'static str,
    pub name: &'static str,
}

pub const SLACK: Platform = Platform {
    key: "slack",
    name: "Slack",
};
pub const TEAMS: Platform = Platform {
    key: "teams",
    name: "Teams",
};

/// The answer to an account nobody linked: nothing was done, and how to put that right.
pub fn not_linked(platform: Platform, workspace: &str, account: &str) -> Reply {
    let Platform { key, name } = platform;
    Reply::private(format!(
        "Your {name} account ({account} in {workspace}) is not linked to a user of this service desk yet, so nothing was done. \
         Ask an administrator to link it: PUT /api/v1/channels/identities/{key}/{workspace}/{account} with {{\"user\": \"<your user name>\"}}."
    ))
}

/// An assignee named as a mention (`<@…>`) is the project user that account is linked to.
/// `account_of` reads what is inside the mention into the platform's account id, or `None`
/// when the platform did not say whom it names.
pub async fn with_mentions_resolved(
    services: &Services,
    platform: Platform,
    workspace: &str,
    command: Command,
    account_of: impl Fn(&str) -> Option<String>,
) -> Result<Result<Command, Reply>, ApiError> {
    let Command::Assign {
        record,
        to: Some(named),
    } = &command
    else {
        return Ok(Ok(command));
    };
    let Some(mention) = named.strip_prefix("<@").and_then(|m| m.strip_suffix('>')) else {
        return Ok(Ok(command));
    };
    let Some(account) = account_of(mention) else {
        return Ok(Err(Reply::private(
            "I could not tell whom that mention names; write their user name instead.",
        )));
    };
    let name = platform.name;
    Ok(
        match linked_user(&*services.db, platform.key, workspace, &account).await? {
            Some(user) => Ok(Command::Assign {
                record: *record,
                to: Some(user),
            }),
            None => Err(Reply::private(format!(
                "The {name} account {account} is not linked to a user here, so I cannot assign to it."
            ))),
        },
    )
}
