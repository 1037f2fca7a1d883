//! `GET /api/v1/complaints/{id}` and `GET /api/v1/complaints`: one complaint, or a page of them,
//! newest first, filtered by kind, state, customer, assignee and their clocks. Holders of
//! `complaint.read` see all; a grant scoped to customers or services sees theirs; everyone sees
//! what they brought.

use super::{READ, find_visible, parse_id, respond};
use crate::store::{ComplaintFilter, list_complaints};
use crate::wire::ComplaintView;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::Code;
use itsm_domain::access::Visibility;
use itsm_domain::complaint::{ComplaintKind, ComplaintState};
use itsm_http::reach::Reach;
use itsm_http::sla::summary::SlaFilter;
use itsm_http::{ApiError, Principal, QueryParams, Services};

pub async fn get_complaint(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let complaint = find_visible(&*services.db, &principal, parse_id(&id)?).await?;
    Ok(respond(&complaint, StatusCode::OK))
}

/// Whose complaints the caller lists besides their own: everyone's, some customers' and
/// services', or (without `complaint.read`, such as a practitioner the hotline named as
/// complainant) only their own.
fn reach(principal: &Principal) -> Result<Option<Reach>, ApiError> {
    if principal.visibility(READ) == Visibility::Nothing {
        return Ok(Some(Reach::default()));
    }
    principal.reach(READ)
}

pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(
        query,
        &[
            "kind",
            "state",
            "customer",
            "assignee",
            "sla",
            "sla_due_before",
        ],
    )?;
    let page = query.page()?;
    let code = |text: &str| Code::parse(text).map(|c| c.as_str().to_owned());
    let person = |text: &str| match text {
        "me" => Ok(principal.user.clone()),
        other => code(other),
    };
    let filter = ComplaintFilter {
        kind: query.parsed("kind", ComplaintKind::parse)?,
        state: query.parsed("state", ComplaintState::parse)?,
        customer: query.parsed("customer", code)?,
        assignee: query.parsed("assignee", person)?,
        visible_in: reach(&principal)?,
        reader: principal.user.clone(),
        sla: SlaFilter::from_query(&query)?,
        now: itsm_http::now(),
    };
    let found = list_complaints(&*services.db, &filter, page.after, page.limit).await?;
    let shown: Vec<ComplaintView> = found.iter().map(ComplaintView::new).collect();
    Ok(query.respond("/api/v1/complaints", page, shown, |v: &ComplaintView| v.id))
}
