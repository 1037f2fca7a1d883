//! `GET /api/v1/slas/compliance`: how many clocks met their targets and how many did not, per
//! agreement, service, customer and metric, over a period (by when each clock stopped), with the
//! share met — the SLA achievement rate the seeds measure [002 §4.2], ready for the reports.

use super::{READ, scope};
use crate::store::events::{ComplianceRow, compliance as counted};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use itsm_domain::{RecordKind, parse_code};
use itsm_http::time::parse_instant;
use itsm_http::{ApiError, Principal, QueryParams, Services};
use schemars::JsonSchema;
use serde::Serialize;

/// One group's figures.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ComplianceLine {
    #[serde(flatten)]
    pub counts: ComplianceRow,
    /// Met as a percentage of met and breached, to one decimal; `null` with nothing counted.
    pub met_percent: Option<f64>,
}

/// The period's figures.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ComplianceReport {
    pub from: String,
    pub to: String,
    pub lines: Vec<ComplianceLine>,
    pub met: i64,
    pub breached: i64,
    pub met_percent: Option<f64>,
}

fn percent(met: i64, breached: i64) -> Option<f64> {
    let total = met + breached;
    #[allow(clippy::cast_precision_loss)]
    (total > 0).then(|| (met as f64 * 1000.0 / total as f64).round() / 10.0)
}

pub async fn compliance(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<ComplianceReport>, ApiError> {
    principal.require_in(READ, &scope())?;
    let query = QueryParams::parse(query, &["from", "to", "agreement", "customer", "service"])?;
    let instant = |name: &str| -> Result<String, ApiError> {
        let text = query
            .get(name)
            .ok_or_else(|| ApiError::bad_field(name, "is required"))?;
        parse_instant(text).map_err(|m| ApiError::bad_field(name, m))
    };
    let (from, to) = (instant("from")?, instant("to")?);
    if to <= from {
        return Err(ApiError::bad_field("to", "must come after from"));
    }
    // Codes in the query are checked as everywhere (`QueryParams::parsed` names the field).
    let code = |name: &str| query.parsed(name, parse_code);
    let agreement = query.parsed("agreement", |a| {
        RecordKind::Agreement
            .parse_ref(a)
            .map(|id| RecordKind::Agreement.number_text(id))
    })?;
    let rows = counted(
        &*services.db,
        &from,
        &to,
        agreement.as_deref(),
        code("customer")?.as_deref(),
        code("service")?.as_deref(),
    )
    .await?;
    let (met, breached) = rows
        .iter()
        .fold((0, 0), |(m, b), r| (m + r.met, b + r.breached));
    Ok(Json(ComplianceReport {
        from,
        to,
        lines: rows
            .into_iter()
            .map(|counts| ComplianceLine {
                met_percent: percent(counts.met, counts.breached),
                counts,
            })
            .collect(),
        met,
        breached,
        met_percent: percent(met, breached),
    }))
}
