//! The published policy, readable by every signed-in user: the roles (`/api/v1/roles`), the
//! authorities (`/api/v1/authorities`) and the responsibility matrix of role × process ×
//! authority (`/api/v1/responsibility-matrix`, JSON or CSV), all derived from the one policy
//! table in `itsm_domain::access`, so what is published is what is enforced.

use axum::Json;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, header};
use itsm_domain::access::{AUTHORITIES, AuthorityDef, Role, matrix_csv, responsibility_matrix};
use itsm_http::{ApiError, QueryParams};
use serde_json::{Value, json};

fn role_json(role: Role) -> Value {
    let authorities: Vec<&str> = AUTHORITIES
        .iter()
        .filter(|a| a.holders.contains(&role))
        .map(|a| a.name)
        .collect();
    json!({
        "role": role,
        "title": role.title(),
        "description": role.description(),
        "scope": role.scope_kind(),
        "read_only": role.is_read_only(),
        "source": role.source(),
        "authorities": authorities,
    })
}

fn authority_json(authority: &AuthorityDef) -> Value {
    json!({
        "authority": authority.name,
        "process": authority.process,
        "description": authority.description,
        "source": authority.source,
        "holders": authority.holders,
    })
}

pub async fn list_roles() -> Json<Value> {
    let items: Vec<Value> = Role::ALL.iter().map(|r| role_json(*r)).collect();
    Json(json!({ "items": items }))
}

pub async fn get_role(Path(name): Path<String>) -> Result<Json<Value>, ApiError> {
    let role = Role::parse(&name).map_err(|_| ApiError::not_found(format_args!("role {name}")))?;
    Ok(Json(role_json(role)))
}

pub async fn list_authorities() -> Json<Value> {
    let items: Vec<Value> = AUTHORITIES.iter().map(authority_json).collect();
    Json(json!({ "items": items }))
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
    Ok(Json(json!({ "items": responsibility_matrix() })).into_response())
}
