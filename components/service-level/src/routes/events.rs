//! `/api/v1/slas/events`: the warnings and breaches the tick found, and the analysis every breach
//! needs (seed 001 §6.1.5: the analysis and explanation when service targets cannot be met),
//! ready for the service reports. The SLM team sees every event but a security incident's;
//! anyone else who reads service levels sees those sent to them. An analysis is written by the
//! SLM team and may be revised.

use super::{READ, WRITE, scope};
use crate::store::events::{
    Analysis, EventFilter, SlaEvent, list_events, load_event, save_analysis,
};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use itsm_domain::Reason;
use itsm_domain::sla::BreachCause;
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services};
use itsm_store::in_transaction;
use schemars::JsonSchema;
use serde::Deserialize;

/// The analysis of a breach.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisRequest {
    pub cause: BreachCause,
    /// Why the target was missed.
    pub explanation: Reason,
    /// What is done so it does not happen again.
    pub corrective_action: Reason,
}

pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require_in(READ, &scope())?;
    let query = QueryParams::parse(query, &["kind", "record", "recipient", "analysed"])?;
    let page = query.page()?;
    let filter = EventFilter {
        kind: query.parsed("kind", |k| match k {
            "warning" | "breach" => Ok(k.to_owned()),
            _ => Err("must be one of: warning, breach".to_owned()),
        })?,
        record: query.get("record").map(str::to_uppercase),
        recipient: query.get("recipient").map(|r| match r {
            "me" => principal.user.clone(),
            other => other.to_owned(),
        }),
        analysed: query.flag("analysed")?,
        reader: principal.user.clone(),
        all: sees_all(&principal),
    };
    let found = list_events(&*services.db, &filter, page.after, page.limit).await?;
    Ok(query.respond("/api/v1/slas/events", page, found, |e: &SlaEvent| e.id))
}

/// The SLM team, who analyse breaches, see every event but a security incident's; everyone
/// else who reads service levels sees the events sent to them.
fn sees_all(principal: &Principal) -> bool {
    principal.may(WRITE, &scope())
}

/// The event, if the caller may see it.
async fn find_seen(
    db: &impl itsm_store::Sql,
    principal: &Principal,
    id: i64,
) -> Result<SlaEvent, ApiError> {
    load_event(db, id)
        .await?
        .filter(|e| {
            e.recipients.contains(&principal.user) || (sees_all(principal) && !e.restricted)
        })
        .ok_or_else(|| ApiError::not_found(format_args!("SLA event {id}")))
}

fn parse_event_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::not_found(format_args!("SLA event {text}")))
}

pub async fn get_event(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<SlaEvent>, ApiError> {
    principal.require_in(READ, &scope())?;
    let id = parse_event_id(&id)?;
    find_seen(&*services.db, &principal, id).await.map(Json)
}

pub async fn analyse(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<AnalysisRequest>,
) -> Result<Json<SlaEvent>, ApiError> {
    principal.require_in(WRITE, &scope())?;
    let id = parse_event_id(&id)?;
    let now = itsm_http::now();
    let analysed = in_transaction(&*services.db, async |db| {
        let mut event = find_seen(db, &principal, id).await?;
        if event.kind != "breach" {
            return Err(ApiError::Conflict {
                detail: format!("SLA event {id} is a warning: only breaches are analysed"),
            });
        }
        let before = event.clone();
        let analysis = Analysis {
            cause: request.cause.as_str().to_owned(),
            explanation: request.explanation.as_str().to_owned(),
            corrective_action: request.corrective_action.as_str().to_owned(),
            by: principal.user.clone(),
            at: now.clone(),
        };
        save_analysis(db, id, &analysis).await?;
        event.analysis = Some(analysis);
        let change = Change::new("sla_event", id, "analyse")
            .before(&before)
            .after(&event);
        record(db, &principal, &change, &now).await?;
        Ok(event)
    })
    .await?;
    Ok(Json(analysed))
}
