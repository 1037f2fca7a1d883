//! `POST /api/v1/webhooks/{id}/ping`: a test delivery sent at once, whatever the subscription
//! listens to and even while it is paused, answered with the attempt, so whoever sets up a
//! receiver sees straight away whether it is reachable, accepts the signature and answers 2xx.

use super::deliveries::detail;
use super::send::{Claim, attempt};
use super::{LEASE_MINUTES, MANAGE, find, later, parse_id, signing_key};
use crate::store::deliveries::{Delivery, FROM_PING, claim, insert_delivery};
use crate::wire::DeliveryDetail;
use axum::Json;
use axum::extract::{Extension, Path, State};
use itsm_domain::webhook::EventType;
use itsm_http::audit::{Change, record};
use itsm_http::outbound::Http;
use itsm_http::{ApiError, Principal, Services};
use itsm_store::in_transaction;
use serde_json::json;

pub async fn ping(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<DeliveryDetail>, ApiError> {
    principal.require(MANAGE)?;
    let id = parse_id(&id)?;
    let key = signing_key(&*services.vars).await?;
    let now = itsm_http::now();
    let lease_until = later(&now, LEASE_MINUTES)?;
    let db = &*services.db;
    let (subscription, delivery) = in_transaction(db, async |db| {
        let subscription = find(db, id).await?;
        let queued = Delivery {
            actor: Some(principal.user.clone()),
            object: json!({"subscription": subscription.id, "name": subscription.name}),
            ..Delivery::queued(id, EventType::Ping, FROM_PING, 0, &now)
        };
        let delivery_id = insert_delivery(db, &queued)
            .await?
            .ok_or_else(|| ApiError::Internal("a ping was not queued".to_owned()))?;
        let delivery = claim(db, delivery_id, &lease_until)
            .await?
            .ok_or_else(|| ApiError::Internal("a new ping could not be claimed".to_owned()))?;
        let change = Change::new("webhook_subscription", id, "ping").reason("test delivery");
        record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>((subscription, delivery))
    })
    .await?;
    let claim = Claim {
        key: &key,
        lease_until: &lease_until,
    };
    attempt(&Http, db, &subscription, &delivery, claim, &now).await?;
    Ok(Json(detail(db, &subscription, delivery.id).await?))
}
