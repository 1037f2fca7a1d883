//! `GET /api/v1/incidents/{id}`: one incident with its `ETag`.

use super::{find_visible, parse_id, respond};
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::StatusCode;
use itsm_http::{ApiError, Principal, Services};

pub async fn get_incident(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let incident = find_visible(&*services.db, &principal, parse_id(&id)?).await?;
    Ok(respond(&incident, StatusCode::OK))
}
