//! `/api/v1/webhooks/{id}/deliveries`: a subscription's delivery log, newest first; one
//! delivery with the body it sends and every attempt; and sending one again by hand.

use super::send::body_of;
use super::{MANAGE, READ, find, parse_id};
use crate::store::deliveries::{attempts_of, list_deliveries, load_delivery, send_again};
use crate::store::subscriptions::Subscription;
use crate::wire::{DeliveryDetail, DeliveryView};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use itsm_domain::webhook::DeliveryStatus;
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, Principal, QueryParams, Services};
use itsm_store::{Sql, in_transaction};

pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require(READ)?;
    let query = QueryParams::parse(query, &["status"])?;
    let page = query.page()?;
    let status = query.parsed("status", DeliveryStatus::parse)?;
    let subscription = find(&*services.db, parse_id(&id)?).await?;
    let found = list_deliveries(
        &*services.db,
        subscription.id,
        status,
        page.after,
        page.limit + 1,
    )
    .await?;
    let shown: Vec<DeliveryView> = found.iter().map(DeliveryView::new).collect();
    let path = format!("/api/v1/webhooks/{}/deliveries", subscription.id);
    Ok(query.respond(&path, page, shown, |v: &DeliveryView| v.id))
}

pub async fn get_delivery(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<Json<DeliveryDetail>, ApiError> {
    principal.require(READ)?;
    let db = &*services.db;
    let subscription = find(db, parse_id(&id)?).await?;
    Ok(Json(
        detail(db, &subscription, parse_delivery(&delivery_id)?).await?,
    ))
}

/// Queues a delivery again, due at once with a fresh retry schedule (whatever its state: a
/// receiver that lost one may ask for it again).
pub async fn redeliver(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    principal.require(MANAGE)?;
    let id = parse_id(&id)?;
    let delivery_id = parse_delivery(&delivery_id)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let subscription = find(db, id).await?;
        let before = owned_delivery(db, &subscription, delivery_id).await?;
        if !send_again(db, delivery_id, &now).await? {
            return Err(ApiError::Conflict {
                detail: format!(
                    "delivery {delivery_id} is being sent right now; read it again in a minute"
                ),
            });
        }
        let after = owned_delivery(db, &subscription, delivery_id).await?;
        let change = Change::new("webhook_subscription", id, "redeliver")
            .before(&DeliveryView::new(&before))
            .after(&DeliveryView::new(&after));
        record(db, &principal, &change, &now).await?;
        Ok((StatusCode::ACCEPTED, Json(DeliveryView::new(&after))).into_response())
    })
    .await
}

fn parse_delivery(text: &str) -> Result<i64, ApiError> {
    text.trim_start_matches("dlv_")
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::not_found(format_args!("delivery {text}")))
}

/// A delivery of this subscription; another's reads as not there.
async fn owned_delivery(
    db: &impl Sql,
    subscription: &Subscription,
    delivery_id: i64,
) -> Result<crate::store::deliveries::Delivery, ApiError> {
    load_delivery(db, delivery_id)
        .await?
        .filter(|d| d.subscription_id == subscription.id)
        .ok_or_else(|| {
            ApiError::not_found(format_args!(
                "delivery {delivery_id} of subscription {}",
                subscription.id
            ))
        })
}

pub async fn detail(
    db: &impl Sql,
    subscription: &Subscription,
    delivery_id: i64,
) -> Result<DeliveryDetail, ApiError> {
    let delivery = owned_delivery(db, subscription, delivery_id).await?;
    Ok(DeliveryDetail {
        body: body_of(subscription, &delivery),
        attempt_log: attempts_of(db, delivery_id).await?,
        delivery: DeliveryView::new(&delivery),
    })
}
