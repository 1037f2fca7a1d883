//! `POST /api/v1/channels/teams/messages`: a Microsoft Teams outgoing webhook, called when
//! someone @mentions it in a channel (`@ITSM show INC0000042`). The request must carry the
//! HMAC of its body under the webhook's security token and an activity timestamp within five
//! minutes (else 401, logged, and nothing is done); a copy already handled gets the first
//! answer; the sender must be linked to a project user. Teams posts every answer to the
//! channel, so answers are written for the whole channel (`Audience::Channel`).

use super::accounts::{TEAMS, not_linked, with_mentions_resolved};
use super::commands::{Audience, run};
use super::signed::{RequestGuard, refuse_signature};
use crate::reply::Reply;
use crate::store::linked_user;
use crate::wire::TeamsActivity;
use axum::Json;
use axum::extract::State;
use http::HeaderMap;
use itsm_domain::chat::{
    Command, TeamsMention, parse_command, read_teams_text, teams_activity_fresh,
    teams_security_key, teams_signature_valid,
};
use itsm_http::process_api::Relayed;
use itsm_http::{ApiError, RawBody, Services};
use serde_json::Value;

/// The Spin variable holding the security token Teams showed when the webhook was created.
pub const SECURITY_TOKEN: &str = "teams_security_token";

pub async fn message(
    State(services): State<Services>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, ApiError> {
    let guard = RequestGuard::new(&services, TEAMS.key).await?;
    verify_signature(&services, &guard, &headers, &body).await?;
    let activity: TeamsActivity = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_field("body", format!("not a Teams message activity: {e}")))?;
    verify_freshness(&services, &guard, &activity).await?;
    let relay_secret = guard.relay_secret().await?;
    guard
        .once(&body, Ok(Reply::still_working().to_teams()), async || {
            let reply = answer(&services, &guard, &relay_secret, &activity).await?;
            Ok(reply.to_teams())
        })
        .await
        .map(Json)
}

async fn verify_signature(
    services: &Services,
    guard: &RequestGuard<'_>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), ApiError> {
    let token = guard.secret(SECURITY_TOKEN).await?;
    let key = teams_security_key(&token).ok_or_else(|| ApiError::NotConfigured {
        detail: format!(
            "the Spin variable {SECURITY_TOKEN} must be the base64 security token Teams showed"
        ),
    })?;
    let authorization = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match teams_signature_valid(&key, authorization, body) {
        Ok(()) => Ok(()),
        Err(why) => Err(refuse(services, guard, why).await),
    }
}

/// Teams sends no timestamp header; the activity's own, covered by the signature, shows a
/// captured request sent again later.
async fn verify_freshness(
    services: &Services,
    guard: &RequestGuard<'_>,
    activity: &TeamsActivity,
) -> Result<(), ApiError> {
    match teams_activity_fresh(activity.timestamp.as_deref(), guard.now_unix) {
        Ok(()) => Ok(()),
        Err(why) => Err(refuse(services, guard, why).await),
    }
}

async fn refuse(services: &Services, guard: &RequestGuard<'_>, why: &str) -> ApiError {
    refuse_signature(services, TEAMS.key, why, &guard.now, guard.now_unix).await
}

/// What the message answers: a link hint for an unknown account, help for a mistake, else the
/// command's own answer, written for the channel.
async fn answer(
    services: &Services,
    guard: &RequestGuard<'_>,
    relay_secret: &str,
    activity: &TeamsActivity,
) -> Result<Reply, ApiError> {
    if activity.kind != "message" {
        return Err(ApiError::bad_field(
            "type",
            format!(
                "an outgoing webhook sends `message` activities, not `{}`",
                activity.kind
            ),
        ));
    }
    let tenant = activity.tenant().ok_or_else(|| {
        ApiError::bad_field("channelData.tenant.id", "the activity names no tenant")
    })?;
    let tenant = tenant.as_str();
    let Some(user) = sender(services, tenant, activity).await? else {
        let ids = activity.sender_ids();
        let account = ids.first().map_or("", String::as_str);
        return Ok(not_linked(TEAMS, tenant, account));
    };
    let mentions: Vec<TeamsMention<'_>> = activity
        .entities
        .iter()
        .filter(|e| e.kind == "mention")
        .filter_map(|e| {
            Some(TeamsMention {
                text: e.text.as_deref()?,
                id: &e.mentioned.as_ref()?.id,
            })
        })
        .collect();
    let typed = read_teams_text(&activity.text, &mentions);
    // Only `assign … to` reads a mention as an account; everywhere else it is a name.
    let command = match parse_command(&typed.command) {
        Ok(assign @ Command::Assign { .. }) => Ok(assign),
        _ => parse_command(&typed.plain),
    };
    let command = match command {
        Ok(command) => command,
        Err(mistake) => return Ok(Reply::mistake(&mistake)),
    };
    let account_of = |mention: &str| {
        let index: usize = mention.parse().ok()?;
        typed.mentioned.get(index).cloned().flatten()
    };
    let command = match with_mentions_resolved(services, TEAMS, tenant, command, account_of).await?
    {
        Ok(command) => command,
        Err(reply) => return Ok(reply),
    };
    let relay = Relayed::as_user(relay_secret, &user, guard.now_unix);
    Ok(run(&relay, &user, command, Audience::Channel).await)
}

/// The project user the sender is linked to, under their Entra object id or their Teams id.
async fn sender(
    services: &Services,
    tenant: &str,
    activity: &TeamsActivity,
) -> Result<Option<String>, ApiError> {
    for account in activity.sender_ids() {
        if let Some(user) = linked_user(&*services.db, TEAMS.key, tenant, &account).await? {
            return Ok(Some(user));
        }
    }
    Ok(None)
}
