//! The webhooks component's handlers, one file per concern, and what they share: the
//! authorities, finding a subscription, the signing key and the time arithmetic of leases and
//! retries.

pub mod collect;
pub mod deliveries;
pub mod event_types;
pub mod ping;
pub mod secret;
pub mod send;
pub mod subscriptions;
pub mod tick;

use crate::store::deliveries::standing_of;
use crate::store::subscriptions::{Subscription, load_subscription};
use crate::wire::{SubscriptionView, WebhookUrl};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use http::StatusCode;
use itsm_domain::access::names;
use itsm_http::time::format_instant;
use itsm_http::{ApiError, etag};
use itsm_store::{Sql, Variables};

pub const READ: &str = names::WEBHOOK_READ;
pub const MANAGE: &str = names::WEBHOOK_MANAGE;

/// The Spin variable every subscription's secret is derived from.
pub const SIGNING_KEY: &str = "webhook_signing_key";
/// Shorter keys would make the derived secrets guessable.
pub const SIGNING_KEY_MIN_CHARS: usize = 32;

/// How long a tick (or a ping) holds a delivery it is sending: well over the longest a send can
/// take (a connection, the first byte and a few chunks of the answer, each with its own limit).
pub const LEASE_MINUTES: i64 = 5;

/// The Spin variable that lets webhooks reach this machine and private networks (for a
/// receiver on the same network, or tests); off by default against server-side request forgery.
pub const ALLOW_INTERNAL_HOSTS: &str = "webhook_allow_internal_hosts";

pub fn parse_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::not_found(format_args!("webhook subscription {text}")))
}

pub async fn find(db: &impl Sql, id: i64) -> Result<Subscription, ApiError> {
    load_subscription(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format_args!("webhook subscription {id}")))
}

/// The deployment's signing key; 503 naming the variable when it is unset or too short.
pub async fn signing_key(vars: &impl Variables) -> Result<Vec<u8>, ApiError> {
    match vars.get(SIGNING_KEY).await?.filter(|key| !key.is_empty()) {
        Some(key) if key.chars().count() >= SIGNING_KEY_MIN_CHARS => Ok(key.into_bytes()),
        Some(_) => Err(ApiError::NotConfigured {
            detail: format!(
                "the Spin variable {SIGNING_KEY} must be at least {SIGNING_KEY_MIN_CHARS} characters long (a long random string)"
            ),
        }),
        None => Err(ApiError::NotConfigured {
            detail: format!(
                "webhooks sign every delivery: set the Spin variable {SIGNING_KEY} (SPIN_VARIABLE_WEBHOOK_SIGNING_KEY) to a long random string"
            ),
        }),
    }
}

/// Refuses a URL naming this machine or a private network, unless the deployment allows it.
pub async fn ensure_reachable(vars: &impl Variables, url: &WebhookUrl) -> Result<(), ApiError> {
    let Some(why) = url.internal_host() else {
        return Ok(());
    };
    let allowed = vars.get(ALLOW_INTERNAL_HOSTS).await?.as_deref() == Some("true");
    if allowed {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            "url",
            format!(
                "{why}; webhooks go to other systems (set the Spin variable {ALLOW_INTERNAL_HOSTS} to true to allow it)"
            ),
        ))
    }
}

/// A fresh random salt for a subscription's secret.
pub fn new_salt() -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The instant `minutes` after `now` (an instant this API wrote).
pub fn later(now: &str, minutes: i64) -> Result<String, ApiError> {
    let at: DateTime<Utc> = now
        .parse()
        .map_err(|_| ApiError::Internal(format!("unreadable instant {now}")))?;
    Ok(format_instant(at + Duration::minutes(minutes)))
}

/// A subscription with its deliveries' standing and its `ETag`.
pub async fn respond(
    db: &impl Sql,
    subscription: &Subscription,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let view = SubscriptionView::new(subscription, Some(standing_of(db, subscription.id).await?));
    Ok(etag::respond(&view, subscription.version, status, None))
}
