//! `GET /api/v1/webhooks/event-types`: what a subscription may ask for, described.

use super::READ;
use crate::wire::EventTypeView;
use axum::Json;
use axum::extract::Extension;
use itsm_domain::webhook::EventType;
use itsm_http::json::Items;
use itsm_http::{ApiError, Principal};

pub async fn list(
    Extension(principal): Extension<Principal>,
) -> Result<Json<Items<EventTypeView>>, ApiError> {
    principal.require(READ)?;
    let types = EventType::subscribable()
        .map(|name| EventTypeView {
            name,
            description: name.description(),
        })
        .collect();
    Ok(Json(Items::new(types)))
}
