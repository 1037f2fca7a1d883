//! `POST /api/v1/channels/slack/interactions`: a click on a button of a reply (`block_actions`).
//! Checked like a slash command (signature, freshness, one handling per copy, a linked account),
//! carried out as the clicker, and answered as Slack asks for clicks: a quick empty 200, with the
//! outcome posted to the interaction's `response_url` (Slack's own host, in the component's
//! allow-list), privately or to the channel as a slash command's answer would be.

use super::accounts::{SLACK, not_linked};
use super::commands::{Audience, command_for_button, run};
use super::signed::RequestGuard;
use super::slack::admit;
use crate::reply::Reply;
use crate::store::linked_user;
use crate::wire::{BlockActions, SlackInteraction};
use axum::Json;
use axum::extract::State;
use http::HeaderMap;
use itsm_http::outbound::{Http, Outgoing, Sender};
use itsm_http::process_api::Relayed;
use itsm_http::{ApiError, RawBody, Services};
use serde_json::{Value, json};

pub async fn interaction(
    State(services): State<Services>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, ApiError> {
    let (guard, relay_secret) = admit(&services, &headers, &body).await?;
    let form: SlackInteraction = serde_urlencoded::from_bytes(&body)
        .map_err(|e| ApiError::bad_field("payload", format!("not a Slack interaction: {e}")))?;
    let click: BlockActions = serde_json::from_str(&form.payload)
        .map_err(|e| ApiError::bad_field("payload", format!("not a Slack block action: {e}")))?;
    guard
        .once(&body, Ok(json!({})), async || {
            let reply = answer(&services, &guard, &relay_secret, &click).await?;
            follow_up(&click, &reply).await;
            Ok(json!({}))
        })
        .await
        .map(Json)
}

/// What the click does, as the clicker: one reply for the first of its actions.
async fn answer(
    services: &Services,
    guard: &RequestGuard<'_>,
    relay_secret: &str,
    click: &BlockActions,
) -> Result<Reply, ApiError> {
    let db = &*services.db;
    let Some(user) = linked_user(db, SLACK.key, &click.team.id, &click.user.id).await? else {
        return Ok(not_linked(SLACK, &click.team.id, &click.user.id));
    };
    let Some(action) = click.actions.first() else {
        return Ok(Reply::private("That click carried no action."));
    };
    let command = match command_for_button(
        &action.action_id,
        action.value.as_deref().unwrap_or_default(),
    ) {
        Ok(command) => command,
        Err(why) => return Ok(Reply::private(why)),
    };
    let relay = Relayed::as_user(relay_secret, &user, guard.now_unix);
    Ok(run(&relay, &user, command, Audience::Asker).await)
}

/// Posts the outcome where Slack said to; the click's work is done either way, so a failure is
/// only logged.
async fn follow_up(click: &BlockActions, reply: &Reply) {
    let Some(url) = &click.response_url else {
        return;
    };
    let mut message = reply.to_slack();
    message["replace_original"] = Value::Bool(false);
    let outgoing = Outgoing {
        url: url.clone(),
        headers: vec![("content-type", "application/json".to_owned())],
        body: message.to_string().into_bytes(),
    };
    match Http.post(&outgoing).await {
        Ok(answer) if (200..300).contains(&answer.status) => {}
        Ok(answer) => eprintln!(
            "Slack refused a follow-up with HTTP {}: {}",
            answer.status, answer.excerpt
        ),
        Err(error) => eprintln!("a follow-up to Slack failed: {error}"),
    }
}
