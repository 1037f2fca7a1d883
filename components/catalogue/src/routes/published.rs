//! `GET /api/v1/catalogue/items/{code}`: one entry of the latest published catalogue, as a
//! customer reads it before ordering (with its request form).

use super::{READ, READ_PUBLISHED, respond};
use crate::store::versions;
use crate::wire::PublishedItem;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::StatusCode;
use itsm_http::{ApiError, Principal, Services};

pub async fn get_item(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    principal.require_anywhere(READ_PUBLISHED)?;
    let not_found = || ApiError::not_found(format_args!("catalogue item {code}"));
    let latest = versions::latest_version(&*services.db)
        .await?
        .ok_or_else(not_found)?;
    let item = versions::load_item(&*services.db, latest.version, &code)
        .await?
        .ok_or_else(not_found)?;
    let staff = principal.require_anywhere(READ).is_ok();
    let view = PublishedItem::new(&item, latest.version, staff);
    Ok(respond(&view, latest.version, StatusCode::OK, None))
}
