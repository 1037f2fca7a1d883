//! `GET`/`PUT /api/v1/incidents/priority-matrix`: the impact × urgency → priority matrix, kept as
//! data. A new matrix applies to incidents created or re-classified afterwards; existing
//! priorities are not rewritten behind their owners' backs.

use super::{CONFIGURE, READ};
use crate::store;
use crate::wire::{
    PRIORITIES, PriorityCell, PriorityMatrixRequest, PriorityMatrixResponse, parse_enum,
};
use axum::Json;
use axum::extract::{Extension, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, header};
use itsm_domain::FieldErrors;
use itsm_domain::access::{Process, Scope};
use itsm_domain::incident::{Impact, PriorityMatrix, Urgency};
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, ApiJson, Principal, Services, etag};
use itsm_store::in_transaction;

pub async fn get_priority_matrix(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, ApiError> {
    principal.require(READ)?;
    let matrix = load(&*services.db).await?;
    Ok(respond(&matrix))
}

pub async fn put_priority_matrix(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<PriorityMatrixRequest>,
) -> Result<Response, ApiError> {
    // The matrix is part of the incident process's design: its process owner decides it.
    principal.require_in(CONFIGURE, &[Scope::process(Process::Incident)])?;
    let required = etag::if_match(&headers)?;
    let matrix = parse(request)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let current = load(db).await?;
        etag::check(
            required.as_deref(),
            version(&current),
            "the priority matrix",
        )?;
        store::replace_matrix(db, &matrix).await?;
        let change = Change::new("incident_priority_matrix", 0, "update")
            .before(&to_response(&current))
            .after(&to_response(&matrix));
        record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(respond(&matrix))
}

async fn load(db: &impl itsm_store::Sql) -> Result<PriorityMatrix, ApiError> {
    let cells = store::load_matrix(db).await?;
    // A stored matrix that is not whole is a data fault, not the caller's.
    PriorityMatrix::from_cells(&cells).map_err(ApiError::Internal)
}

fn parse(request: PriorityMatrixRequest) -> Result<PriorityMatrix, ApiError> {
    let mut e = FieldErrors::new();
    let mut cells = Vec::new();
    for (index, cell) in request.cells.iter().enumerate() {
        let at = |name: &str| format!("cells[{index}].{name}");
        let impact = parse_enum(&cell.impact, Impact::parse, "high, medium, low")
            .map_err(|m| e.push(at("impact"), m))
            .ok();
        let urgency = parse_enum(&cell.urgency, Urgency::parse, "high, medium, low")
            .map_err(|m| e.push(at("urgency"), m))
            .ok();
        let priority = parse_enum(
            &cell.priority,
            itsm_domain::incident::Priority::parse,
            PRIORITIES,
        )
        .map_err(|m| e.push(at("priority"), m))
        .ok();
        if let (Some(i), Some(u), Some(p)) = (impact, urgency, priority) {
            cells.push((i, u, p));
        }
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    PriorityMatrix::from_cells(&cells).map_err(|message| {
        let mut e = FieldErrors::new();
        e.push("cells", message);
        e.into()
    })
}

/// The matrix's version for `ETag`: a fingerprint of its cells, as it has no version column.
fn version(matrix: &PriorityMatrix) -> i64 {
    matrix.cells().iter().fold(17_i64, |acc, (_, _, p)| {
        acc.wrapping_mul(31).wrapping_add(i64::from(p.level()))
    })
}

fn to_response(matrix: &PriorityMatrix) -> PriorityMatrixResponse {
    let cells = matrix
        .cells()
        .into_iter()
        .map(|(impact, urgency, priority)| PriorityCell {
            impact,
            urgency,
            priority,
        })
        .collect();
    PriorityMatrixResponse { cells }
}

fn respond(matrix: &PriorityMatrix) -> Response {
    let mut response = Json(to_response(matrix)).into_response();
    if let Ok(tag) = HeaderValue::from_str(&etag::etag(version(matrix))) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}
