//! `POST /api/v1/webhooks/{id}/rotate-secret`: a new secret, shown once. For a day the previous
//! one signs too (a second entry in `webhook-signature`), so the receiver can switch over
//! without refusing a delivery; a second rotation within that day retires the oldest at once.

use super::{MANAGE, find, later, parse_id, signing_key};
use crate::store::subscriptions::{Subscription, save_subscription};
use crate::wire::{RotatedSecret, SubscriptionView};
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::webhook::subscription_secret;
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, Principal, Services, etag};
use itsm_store::in_transaction;

/// How long the previous secret keeps signing after a rotation.
pub const OVERLAP_MINUTES: i64 = 24 * 60;

pub async fn rotate(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    principal.require(MANAGE)?;
    let id = parse_id(&id)?;
    let key = signing_key(&*services.vars).await?;
    let required = etag::if_match(&headers)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let current = find(db, id).await?;
        etag::check(required.as_deref(), current.version, "the subscription")?;
        let until = later(&now, OVERLAP_MINUTES)?;
        let next = Subscription {
            secret_generation: current.secret_generation + 1,
            previous_secret_until: Some(until.clone()),
            updated_at: now.clone(),
            ..current.clone()
        };
        if !save_subscription(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the subscription"));
        }
        let change = Change::new("webhook_subscription", id, "rotate_secret")
            .before(&SubscriptionView::new(&current, None))
            .after(&SubscriptionView::new(&next, None));
        record(db, &principal, &change, &now).await?;
        let rotated = RotatedSecret {
            secret: subscription_secret(&key, &next.secret_salt, id, next.secret_generation),
            previous_secret_valid_until: until,
        };
        Ok(etag::respond(
            &rotated,
            current.version + 1,
            StatusCode::OK,
            None,
        ))
    })
    .await
}
