//! The published policy, readable by every signed-in user: the roles (`/api/v1/roles`), the
//! authorities (`/api/v1/authorities`) and the responsibility matrix of role × process ×
//! authority (`/api/v1/responsibility-matrix`, JSON or CSV), all derived from the one policy
//! table in `itsm_domain::access`, so what is published is what is enforced.

use crate::views::{AuthorityView, RoleView};
use axum::Json;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, header};
use itsm_domain::access::{AUTHORITIES, Role, matrix_csv, responsibility_matrix};
use itsm_http::json::Items;
use itsm_http::{ApiError, QueryParams};

pub async fn list_roles() -> Json<Items<RoleView>> {
    Json(Items::new(
        Role::ALL.iter().map(|r| RoleView::from(*r)).collect(),
    ))
}

pub async fn get_role(Path(name): Path<String>) -> Result<Json<RoleView>, ApiError> {
    let role = Role::parse(&name).map_err(|_| ApiError::not_found(format_args!("role {name}")))?;
    Ok(Json(role.into()))
}

pub async fn list_authorities() -> Json<Items<AuthorityView>> {
    Json(Items::new(
        AUTHORITIES.iter().map(AuthorityView::from).collect(),
    ))
}

/// JSON by default; CSV for `Accept: text/csv` or `?format=csv` (a spreadsheet link).
pub async fn get_matrix(
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(query, &["format"])?;
    let accepts_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"));
    let csv = match query.get("format") {
        Some("csv") => true,
        Some("json") => false,
        Some(_) => return Err(ApiError::bad_field("format", "must be json or csv")),
        None => accepts_csv,
    };
    if csv {
        let mut response = matrix_csv().into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
        );
        response.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"responsibility-matrix.csv\""),
        );
        return Ok(response);
    }
    Ok(Json(Items::new(responsibility_matrix())).into_response())
}
