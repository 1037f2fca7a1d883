//! `GET`/`PUT /api/v1/incidents/settings`: the incident process's settings, kept as data. For
//! now one: how many hours a resolution waits for the caller before it closes itself (`null`:
//! never). The process owner decides it; a change applies to every resolution not yet closed.

use super::{CONFIGURE, READ};
use crate::store;
use crate::wire::{SettingsRequest, SettingsResponse};
use axum::Json;
use axum::extract::{Extension, State};
use itsm_domain::access::{Process, Scope};
use itsm_domain::closure::AutoClose;
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::in_transaction;

pub async fn get_settings(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<SettingsResponse>, ApiError> {
    principal.require(READ)?;
    let rule = store::auto_close(&*services.db).await?;
    Ok(Json(SettingsResponse::new(rule)))
}

pub async fn put_settings(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<SettingsRequest>,
) -> Result<Json<SettingsResponse>, ApiError> {
    principal.require_in(CONFIGURE, &[Scope::process(Process::Incident)])?;
    // The field has no default, so it is always there; `null` switches the rule off.
    let rule = AutoClose::new(request.auto_close_after_hours.flatten())
        .map_err(|message| ApiError::invalid_field("auto_close_after_hours", message))?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let before = store::auto_close(db).await?;
        store::set_auto_close(db, rule, &principal.user, &now).await?;
        let change = Change::new("incident_settings", 0, "update")
            .before(&SettingsResponse::new(before))
            .after(&SettingsResponse::new(rule));
        record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(Json(SettingsResponse::new(rule)))
}
