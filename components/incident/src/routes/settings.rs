//! `GET`/`PUT /api/v1/incidents/settings`: the incident process's settings, kept as data (see
//! `itsm_http::settings`). For now one: how many hours a resolution waits for the caller before
//! it closes itself (`null`: never). The process owner decides it; each resolution's deadline is
//! fixed when it is given, so a change applies to later resolutions.

use super::READ;
use axum::Json;
use axum::extract::{Extension, State};
use itsm_domain::access::Process;
use itsm_http::settings::{self, SettingsRequest, SettingsResponse};
use itsm_http::{ApiError, ApiJson, Principal, Services};

pub async fn get_settings(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<SettingsResponse>, ApiError> {
    settings::read_settings(&*services.db, &principal, Process::Incident, READ)
        .await
        .map(Json)
}

pub async fn put_settings(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<SettingsRequest>,
) -> Result<Json<SettingsResponse>, ApiError> {
    settings::write_settings(&*services.db, &principal, Process::Incident, request)
        .await
        .map(Json)
}
