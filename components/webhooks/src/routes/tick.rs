//! `POST /api/v1/webhooks/tick`: queue deliveries for what happened since the last call, then
//! send what is due, oldest first, within a bounded batch and time so a call stays short;
//! `remaining` says whether to call again. Calling it twice never sends a delivery twice at
//! once (each is leased while it is sent) and never queues an event twice.

use super::collect::collect;
use super::send::{Claim, attempt};
use super::{LEASE_MINUTES, later, signing_key};
use crate::store::deliveries::{Settled, any_due, claim_due};
use crate::store::subscriptions::load_subscription;
use crate::wire::WebhookTick;
use axum::Json;
use axum::extract::{Extension, State};
use itsm_domain::access::names::SCHEDULE_RUN;
use itsm_http::outbound::Http;
use itsm_http::{ApiError, Principal, Services};
use itsm_store::in_transaction;
use std::time::{Duration, Instant};

/// Deliveries sent per call at most.
pub const SEND_BATCH: usize = 50;
/// No new delivery is started after this long, so a call with slow receivers stays short.
pub const SEND_BUDGET: Duration = Duration::from_secs(20);

pub async fn tick(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<WebhookTick>, ApiError> {
    principal.require(SCHEDULE_RUN)?;
    let now = itsm_http::now();
    let db = &*services.db;
    let mut report = collect(db, &now).await?;
    if !any_due(db, &now).await? {
        return Ok(Json(report));
    }
    let key = signing_key(&*services.vars).await?;
    let lease_until = later(&now, LEASE_MINUTES)?;
    let started = Instant::now();
    for _ in 0..SEND_BATCH {
        if started.elapsed() > SEND_BUDGET {
            break;
        }
        let claimed = in_transaction(db, async |db| {
            Ok::<_, ApiError>(claim_due(db, &now, &lease_until).await?)
        })
        .await?;
        let Some(delivery) = claimed else { break };
        let Some(subscription) = load_subscription(db, delivery.subscription_id).await? else {
            continue;
        };
        let claim = Claim {
            key: &key,
            lease_until: &lease_until,
        };
        let outcome = match attempt(&Http, db, &subscription, &delivery, claim, &now).await? {
            Settled::Delivered => &mut report.delivered,
            Settled::RetryAt(_) => &mut report.retrying,
            Settled::Failed => &mut report.failed,
        };
        outcome.push(delivery.id);
    }
    report.remaining |= any_due(db, &now).await?;
    Ok(Json(report))
}
