//! `GET /api/v1/requests/{id}` and `GET /api/v1/requests`: one request with its approvals, or a
//! page of them, newest first. Everyone sees the requests they ordered or that are for them; a
//! customer contact also their organisations'; the service desk all. `approver=me` lists what
//! awaits the caller's decision, whatever else they may read.

use super::closure::view;
use super::{READ, find_visible, parse_id, respond};
use crate::store::approvals::{ApprovalSlot, slots_of};
use crate::store::requests::{self, RequestFilter};
use crate::wire::RequestView;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::Code;
use itsm_domain::request::RequestState;
use itsm_http::sla::summary::SlaFilter;
use itsm_http::{ApiError, Principal, QueryParams, Services};
use std::collections::BTreeMap;

pub async fn get_request(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (request, slots) = find_visible(&*services.db, &principal, parse_id(&id)?).await?;
    Ok(respond(&request, slots, StatusCode::OK))
}

pub async fn list_requests(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(
        query,
        &[
            "state",
            "item",
            "service",
            "customer",
            "assignee",
            "requested_by",
            "requested_for",
            "approver",
            "sla",
            "sla_due_before",
        ],
    )?;
    let page = query.page()?;
    let now = itsm_http::now();
    let filter = RequestFilter {
        as_of: Some(now.clone()),
        ..filter_of(&query, &principal)?
    };
    // A fulfilment that has closed itself is listed, and filtered, as closed.
    let found: Vec<_> = requests::list_requests(&*services.db, &filter, page.after, page.limit)
        .await?
        .into_iter()
        .map(|request| view(request, &now))
        .collect();
    let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
    let mut slots: BTreeMap<i64, Vec<ApprovalSlot>> = BTreeMap::new();
    for slot in slots_of(&*services.db, &ids).await? {
        slots.entry(slot.request_id).or_default().push(slot);
    }
    let views = found
        .iter()
        .map(|request| RequestView::new(request, slots.remove(&request.id).unwrap_or_default()))
        .collect();
    Ok(query.respond("/api/v1/requests", page, views, |v: &RequestView| v.id))
}

fn filter_of(query: &QueryParams, principal: &Principal) -> Result<RequestFilter, ApiError> {
    // `me` stands for the caller wherever a person is asked for.
    let person = |text: &str| match text {
        "me" => Ok(principal.user.clone()),
        other => Code::parse(other).map(|c| c.as_str().to_owned()),
    };
    let code = |text: &str| Code::parse(text).map(|c| c.as_str().to_owned());
    let awaiting_decision_of = match query.get("approver") {
        None => None,
        Some("me") => Some((principal.user.clone(), principal.grants.clone())),
        Some(_) => return Err(ApiError::bad_field("approver", "only `me` is accepted")),
    };
    Ok(RequestFilter {
        state: query.parsed("state", RequestState::parse)?,
        item: query.parsed("item", code)?,
        service: query.parsed("service", code)?,
        customer: query.parsed("customer", code)?,
        assignee: query.parsed("assignee", person)?,
        requested_by: query.parsed("requested_by", person)?,
        requested_for: query.parsed("requested_for", person)?,
        visible_to: visible_to(principal, awaiting_decision_of.is_some()),
        awaiting_decision_of,
        as_of: None,
        sla: SlaFilter::from_query(query)?,
    })
}

/// What the caller may list beyond their own requests: everything with an unscoped
/// `request.read`, their customers' with a scoped one; what awaits their decision when asked.
fn visible_to(principal: &Principal, deciding: bool) -> Option<(String, Vec<String>)> {
    if deciding {
        return None;
    }
    // Without `request.read` anywhere, a caller still sees their own requests.
    let customers = principal
        .visible_customers(READ)
        .unwrap_or_else(|_| Some(Vec::new()));
    customers.map(|customers| (principal.user.clone(), customers))
}
