//! `POST /api/v1/channels/slack/commands`: Slack's slash command (`/itsm …`). The request must be
//! signed by the app's signing secret and fresh (else 401, logged, and nothing is done); a copy
//! of a request already handled (a replay, or a retry after a lost answer) gets the first answer;
//! the Slack account must be linked to a project user, or it gets a reply saying how to link it
//! and nothing is done; then the command runs as that user and the answer is Block Kit, within
//! Slack's three seconds (every call stays inside the host).

use super::accounts::{SLACK, not_linked, with_mentions_resolved};
use super::commands::{Audience, run};
use super::signed::{RequestGuard, refuse_signature};
use crate::reply::Reply;
use crate::store::linked_user;
use crate::wire::SlackCommand;
use axum::Json;
use axum::extract::State;
use http::HeaderMap;
use itsm_domain::chat::{parse_command, slack_signature_valid};
use itsm_http::process_api::Relayed;
use itsm_http::{ApiError, RawBody, Services};
use serde_json::Value;

/// The Spin variable holding the Slack app's signing secret.
pub const SIGNING_SECRET: &str = "slack_signing_secret";

pub async fn command(
    State(services): State<Services>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, ApiError> {
    let (guard, relay_secret) = admit(&services, &headers, &body).await?;
    let form: SlackCommand = serde_urlencoded::from_bytes(&body)
        .map_err(|e| ApiError::bad_field("body", format!("not a Slack slash command: {e}")))?;
    guard
        .once(&body, Ok(Reply::still_working().to_slack()), async || {
            let reply = answer(&services, &guard, &relay_secret, &form).await?;
            Ok(reply.to_slack())
        })
        .await
        .map(Json)
}

/// A Slack request let in: its guard, once its signature and freshness are checked, and the
/// secret its relayed calls are signed with.
pub(super) async fn admit<'s>(
    services: &'s Services,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(RequestGuard<'s>, String), ApiError> {
    let guard = RequestGuard::new(services, SLACK.key).await?;
    verify(services, &guard, headers, body).await?;
    let relay_secret = guard.relay_secret().await?;
    Ok((guard, relay_secret))
}

async fn verify(
    services: &Services,
    guard: &RequestGuard<'_>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), ApiError> {
    let secret = guard.secret(SIGNING_SECRET).await?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let checked = slack_signature_valid(
        &secret,
        header("x-slack-request-timestamp"),
        body,
        header("x-slack-signature"),
        guard.now_unix,
    );
    match checked {
        Ok(()) => Ok(()),
        Err(why) => {
            Err(refuse_signature(services, SLACK.key, why, &guard.now, guard.now_unix).await)
        }
    }
}

/// What the command answers: a link hint for an unknown account, help for a mistake, else the
/// command's own answer.
async fn answer(
    services: &Services,
    guard: &RequestGuard<'_>,
    relay_secret: &str,
    form: &SlackCommand,
) -> Result<Reply, ApiError> {
    let db = &*services.db;
    let Some(user) = linked_user(db, SLACK.key, &form.team_id, &form.user_id).await? else {
        return Ok(not_linked(SLACK, &form.team_id, &form.user_id));
    };
    let command = match parse_command(&form.text) {
        Ok(command) => command,
        Err(mistake) => return Ok(Reply::mistake(&mistake)),
    };
    // Slack writes a mention as `<@U0123|ann>`; its ids are upper case.
    let account_of = |mention: &str| {
        let id = mention.split('|').next().unwrap_or_default();
        Some(id.to_ascii_uppercase())
    };
    let command =
        match with_mentions_resolved(services, SLACK, &form.team_id, command, account_of).await? {
            Ok(command) => command,
            Err(reply) => return Ok(reply),
        };
    let relay = Relayed::as_user(relay_secret, &user, guard.now_unix);
    Ok(run(&relay, &user, command, Audience::Asker).await)
}
