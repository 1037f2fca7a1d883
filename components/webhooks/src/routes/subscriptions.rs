//! `/api/v1/webhooks` and `/api/v1/webhooks/{id}`: subscriptions set up, read, changed and
//! removed. Setting one up shows its secret once; from then on only a rotation shows a secret.

use super::{MANAGE, READ, ensure_reachable, find, new_salt, parse_id, respond, signing_key};
use crate::store::deliveries::{any_leased, standing_of};
use crate::store::subscriptions::{
    Subscription, delete_subscription, insert_subscription, list_subscriptions, save_subscription,
    start_from_now,
};
use crate::wire::{
    CreatedSubscription, NewSubscription, SubscriptionPatch, SubscriptionView, check_events,
};
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use itsm_domain::webhook::{Format, subscription_secret};
use itsm_http::audit::{Change, record};
use itsm_http::json::Items;
use itsm_http::references::ensure_customer_exists;
use itsm_http::{ApiError, ApiJson, Principal, Services, etag};
use itsm_store::in_transaction;

pub async fn create(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<NewSubscription>,
) -> Result<Response, ApiError> {
    principal.require(MANAGE)?;
    check_events(&request.events)?;
    ensure_reachable(&*services.vars, &request.url).await?;
    let key = signing_key(&*services.vars).await?;
    let salt = new_salt()?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let customer = request.customer.as_ref().map(|c| c.as_str().to_owned());
        if let Some(code) = &customer {
            ensure_customer_exists(db, code, "customer").await?;
        }
        let mut subscription = Subscription {
            id: 0,
            name: request.name.as_str().to_owned(),
            url: request.url.as_str().to_owned(),
            format: request.format.unwrap_or(Format::Standard),
            events: request.events.clone(),
            customer,
            active: request.active.unwrap_or(true),
            secret_salt: salt.clone(),
            secret_generation: 1,
            previous_secret_until: None,
            after_audit_id: 0,
            after_sla_event_id: 0,
            version: 1,
            created_by: principal.user.clone(),
            created_at: now.clone(),
            updated_at: now.clone(),
        };
        subscription.id = insert_subscription(db, &subscription).await?;
        let view = SubscriptionView::new(&subscription, None);
        record(
            db,
            &principal,
            &Change::created("webhook_subscription", subscription.id, &view),
            &now,
        )
        .await?;
        let created = CreatedSubscription {
            subscription: SubscriptionView::new(
                &subscription,
                Some(standing_of(db, subscription.id).await?),
            ),
            secret: subscription_secret(
                &key,
                &salt,
                subscription.id,
                subscription.secret_generation,
            ),
        };
        Ok(etag::respond(
            &created,
            subscription.version,
            StatusCode::CREATED,
            Some(format!("/api/v1/webhooks/{}", subscription.id)),
        ))
    })
    .await
}

pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<Items<SubscriptionView>>, ApiError> {
    principal.require(READ)?;
    let db = &*services.db;
    let mut views = Vec::new();
    for subscription in list_subscriptions(db).await? {
        let standing = standing_of(db, subscription.id).await?;
        views.push(SubscriptionView::new(&subscription, Some(standing)));
    }
    Ok(Json(Items::new(views)))
}

pub async fn get_subscription(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(READ)?;
    let subscription = find(&*services.db, parse_id(&id)?).await?;
    respond(&*services.db, &subscription, StatusCode::OK).await
}

pub async fn update(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<SubscriptionPatch>,
) -> Result<Response, ApiError> {
    principal.require(MANAGE)?;
    let id = parse_id(&id)?;
    if let Some(events) = &patch.events {
        check_events(events)?;
    }
    if let Some(url) = &patch.url {
        ensure_reachable(&*services.vars, url).await?;
    }
    let required = etag::if_match(&headers)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let current = find(db, id).await?;
        etag::check(required.as_deref(), current.version, "the subscription")?;
        if let Some(Some(code)) = &patch.customer {
            ensure_customer_exists(db, code.as_str(), "customer").await?;
        }
        let next = patched(&current, &patch, &now);
        if !save_subscription(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the subscription"));
        }
        if next.active && !current.active {
            start_from_now(db, id).await?;
        }
        let next = find(db, id).await?;
        let change = Change::new("webhook_subscription", id, "update")
            .before(&SubscriptionView::new(&current, None))
            .after(&SubscriptionView::new(&next, None));
        record(db, &principal, &change, &now).await?;
        respond(db, &next, StatusCode::OK).await
    })
    .await
}

fn patched(current: &Subscription, patch: &SubscriptionPatch, now: &str) -> Subscription {
    Subscription {
        name: patch
            .name
            .as_ref()
            .map_or_else(|| current.name.clone(), |n| n.as_str().to_owned()),
        url: patch
            .url
            .as_ref()
            .map_or_else(|| current.url.clone(), |u| u.as_str().to_owned()),
        format: patch.format.unwrap_or(current.format),
        events: patch
            .events
            .clone()
            .unwrap_or_else(|| current.events.clone()),
        customer: match &patch.customer {
            None => current.customer.clone(),
            Some(customer) => customer.as_ref().map(|c| c.as_str().to_owned()),
        },
        active: patch.active.unwrap_or(current.active),
        updated_at: now.to_owned(),
        ..current.clone()
    }
}

/// Removes the subscription with its delivery log; what is still pending is never sent. Not
/// while a delivery of its is being sent, whose outcome would have nowhere to go.
pub async fn delete(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    principal.require(MANAGE)?;
    let id = parse_id(&id)?;
    let required = etag::if_match(&headers)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let current = find(db, id).await?;
        etag::check(required.as_deref(), current.version, "the subscription")?;
        if any_leased(db, id, &now).await? {
            return Err(ApiError::Conflict {
                detail: "a delivery of this subscription is being sent right now; try again in a few minutes".to_owned(),
            });
        }
        delete_subscription(db, id).await?;
        let change = Change::new("webhook_subscription", id, "delete")
            .before(&SubscriptionView::new(&current, None));
        record(db, &principal, &change, &now).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
    .await
}
