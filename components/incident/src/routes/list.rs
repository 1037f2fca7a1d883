//! `GET /api/v1/incidents`: newest first, filtered by state, priority, assignee, group,
//! customer and the major and security marks, one cursor page at a time with a `Link: rel="next"` header. Unknown parameters are
//! refused (the shared `QueryParams`) so a typo never silently returns everything; a customer
//! contact only ever sees their own organisations' incidents, and only the security team sees
//! security incidents it did not report, whatever the filters say. A resolution that has closed
//! itself is listed (and filtered) as closed.

use super::closure::view;
use super::{READ, SECURITY};
use crate::store::{self, IncidentFilter};
use crate::wire::{IncidentResponse, PRIORITIES, parse_enum};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use itsm_domain::Label;
use itsm_domain::incident::{IncidentState, Priority};
use itsm_http::sla::summary::SlaFilter;
use itsm_http::{ApiError, Principal, QueryParams, Services};

const STATES: &str = "new, in_progress, on_hold, resolved, closed, cancelled";

pub async fn list_incidents(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let visible_customers = principal.visible_customers(READ)?;
    let query = QueryParams::parse(
        query,
        &[
            "state",
            "priority",
            "assignee",
            "assignment_group",
            "customer",
            "major",
            "security",
            "sla",
            "sla_due_before",
        ],
    )?;
    let page = query.page()?;
    let label = |text: &str| Label::parse(text).map(|l| l.as_str().to_owned());
    let now = itsm_http::now();
    let filter = IncidentFilter {
        state: query.parsed("state", |t| parse_enum(t, IncidentState::parse, STATES))?,
        priority: query.parsed("priority", |t| parse_enum(t, Priority::parse, PRIORITIES))?,
        assignee: query.parsed("assignee", label)?,
        assignment_group: query.parsed("assignment_group", label)?,
        customer: query.parsed("customer", label)?,
        major: query.flag("major")?,
        security: query.flag("security")?,
        visible_customers,
        security_party: (!principal.may(SECURITY, &[])).then(|| principal.user.clone()),
        as_of: Some(now.clone()),
        sla: SlaFilter::from_query(&query)?,
    };
    let incidents: Vec<_> = store::list_incidents(&*services.db, &filter, page.after, page.limit)
        .await?
        .into_iter()
        .map(|incident| view(incident, &now))
        .collect();
    let items = incidents.iter().map(IncidentResponse::new).collect();
    Ok(query.respond("/api/v1/incidents", page, items, |i| i.id))
}
