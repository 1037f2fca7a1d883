//! `GET /api/v1/incidents`: newest first, filtered by state, priority, assignee, group and
//! customer, one cursor page at a time with a `Link: rel="next"` header. Unknown parameters are
//! refused so a typo never silently returns everything; a customer contact only ever sees their
//! own organisations' incidents, whatever the filters say.

use super::READ;
use crate::store::{self, IncidentFilter};
use crate::wire::{IncidentResponse, PRIORITIES};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Uri, header};
use itsm_domain::Label;
use itsm_domain::incident::{IncidentState, Priority};
use itsm_http::pagination::{Page, encode_cursor, next_link};
use itsm_http::{ApiError, Principal, Services};

/// One page of the list; fields keep their declared order on the wire.
#[derive(serde::Serialize)]
struct IncidentPage<'a> {
    items: Vec<IncidentResponse<'a>>,
    next_cursor: Option<String>,
}

const STATES: &str = "new, in_progress, on_hold, resolved, closed, cancelled";

pub async fn list_incidents(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let visible_customers = principal.visible_customers(READ)?;
    let Query(query) = query.map_err(|e| ApiError::BadRequest {
        detail: format!("the query string is malformed: {e}"),
        errors: Vec::new(),
    })?;
    let (mut filter, page) = parse_query(&query)?;
    filter.visible_customers = visible_customers;
    let mut incidents =
        store::list_incidents(&*services.db, &filter, page.after, page.limit).await?;
    let next_cursor = (incidents.len() > page.limit as usize).then(|| {
        incidents.truncate(page.limit as usize);
        encode_cursor(incidents.last().map_or(0, |i| i.id))
    });
    let page = IncidentPage {
        items: incidents.iter().map(IncidentResponse::new).collect(),
        next_cursor: next_cursor.clone(),
    };
    let mut response = Json(page).into_response();
    if let Some(cursor) = &next_cursor
        && let Ok(link) = HeaderValue::from_str(&next_link(uri.path(), &query, cursor))
    {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

fn parse_query(query: &[(String, String)]) -> Result<(IncidentFilter, Page), ApiError> {
    let mut filter = IncidentFilter::default();
    let (mut limit, mut cursor) = (None, None);
    let mut seen = std::collections::HashSet::new();
    for (key, value) in query {
        if !seen.insert(key.as_str()) {
            return Err(ApiError::bad_field(key, "is given more than once"));
        }
        match key.as_str() {
            "state" => {
                filter.state =
                    Some(IncidentState::parse(value).map_err(|_| {
                        ApiError::bad_field(key, format!("must be one of {STATES}"))
                    })?);
            }
            "priority" => {
                filter.priority = Some(Priority::parse(value).map_err(|_| {
                    ApiError::bad_field(key, format!("must be one of {PRIORITIES}"))
                })?);
            }
            "assignee" | "assignment_group" | "customer" => {
                let label =
                    Label::parse(value).map_err(|message| ApiError::bad_field(key, message))?;
                let slot = match key.as_str() {
                    "assignee" => &mut filter.assignee,
                    "customer" => &mut filter.customer,
                    _ => &mut filter.assignment_group,
                };
                *slot = Some(label.as_str().to_owned());
            }
            "limit" => limit = Some(value.as_str()),
            "cursor" => cursor = Some(value.as_str()),
            other => {
                return Err(ApiError::bad_field(
                    other,
                    "is not a filter of this list: use state, priority, assignee, assignment_group, customer, limit or cursor",
                ));
            }
        }
    }
    Ok((filter, Page::parse(limit, cursor)?))
}
