//! `GET /api/v1/incidents/{id}`: one incident with its `ETag`.

use super::{READ, find, parse_id, respond};
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::StatusCode;
use itsm_http::{ApiError, Principal, Services};

pub async fn get_incident(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(READ)?;
    let incident = find(&*services.db, parse_id(&id)?).await?;
    Ok(respond(&incident, StatusCode::OK))
}
