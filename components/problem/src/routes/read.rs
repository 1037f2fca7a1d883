//! `GET /api/v1/problems/{id}` and `GET /api/v1/problems`: one problem with its known errors and
//! the changes raised from it, or a page of them, newest first. Holders of `problem.read` see all;
//! a grant scoped to services or customers sees theirs.

use super::{READ, find_visible, parse_id, respond, views};
use crate::store::problems::{ProblemFilter, list_problems};
use crate::wire::ProblemView;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::Code;
use itsm_domain::problem::ProblemState;
use itsm_http::{ApiError, Principal, QueryParams, Services};

pub async fn get_problem(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let problem = find_visible(&*services.db, &principal, parse_id(&id)?).await?;
    respond(&*services.db, &problem, StatusCode::OK).await
}

pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(
        query,
        &[
            "state",
            "service",
            "customer",
            "assignee",
            "known_error",
            "awaiting_approval",
        ],
    )?;
    let page = query.page()?;
    let filter = ProblemFilter {
        visible_in: principal.reach(READ)?,
        ..filter_of(&query, &principal)?
    };
    let found = list_problems(&*services.db, &filter, page.after, page.limit).await?;
    let shown = views(&*services.db, &found).await?;
    Ok(query.respond("/api/v1/problems", page, shown, |v: &ProblemView| v.id))
}

fn filter_of(query: &QueryParams, principal: &Principal) -> Result<ProblemFilter, ApiError> {
    let code = |text: &str| Code::parse(text).map(|c| c.as_str().to_owned());
    let person = |text: &str| match text {
        "me" => Ok(principal.user.clone()),
        other => code(other),
    };
    Ok(ProblemFilter {
        state: query.parsed("state", ProblemState::parse)?,
        service: query.parsed("service", code)?,
        customer: query.parsed("customer", code)?,
        assignee: query.parsed("assignee", person)?,
        known_error: query.flag("known_error")?,
        awaiting_approval: query.flag("awaiting_approval")?.unwrap_or(false),
        visible_in: None,
    })
}
