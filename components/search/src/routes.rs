//! `GET /api/v1/search?q=…`: one ranked, paged list across incidents, service requests, problems
//! and knowledge articles, of only what the caller may read, decided the same way as each
//! process's own routes decide it.

use crate::kind::Kind;
use crate::store::{ArticleReach, IncidentReach, PartyReach, Visible, search};
use crate::text_query::TextQuery;
use crate::wire::Hit;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::response::Response;
use itsm_domain::access::Visibility;
use itsm_domain::access::names::{
    INCIDENT_READ, INCIDENT_SECURITY, KNOWLEDGE_READ, PROBLEM_READ, REQUEST_READ,
};
use itsm_http::{ApiError, Principal, QueryParams, Services};

/// How deep pages go: ranked results past the first ten thousand are never what anyone wants,
/// and the bound keeps a crafted cursor from asking SQLite to skip the whole index.
const MAX_OFFSET: i64 = 10_000;

pub async fn search_records(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(query, &["q", "kind"])?;
    let page = query.page()?;
    let text = query
        .parsed("q", TextQuery::parse)?
        .ok_or_else(|| ApiError::bad_field("q", "say what to search for"))?;
    let kinds = query
        .parsed("kind", kinds_of)?
        .unwrap_or(Kind::ALL.to_vec());
    let visible = visible_to(&principal, &kinds);
    let offset = page.after.unwrap_or(0);
    if !(0..=MAX_OFFSET).contains(&offset) {
        return Err(ApiError::bad_field(
            "cursor",
            format!("is not a cursor of this search (pages reach {MAX_OFFSET} results at most)"),
        ));
    }
    let found = search(&*services.db, &text, &visible, offset, page.limit).await?;
    let hits: Vec<Hit> = (offset + 1..)
        .zip(found)
        .map(|(position, found)| Hit::new(found, position))
        .collect();
    Ok(query.respond("/api/v1/search", page, hits, |hit: &Hit| hit.position))
}

/// `incident,problem`: the kinds to search, each once.
fn kinds_of(text: &str) -> Result<Vec<Kind>, String> {
    let mut kinds = Vec::new();
    for part in text.split(',') {
        let kind = Kind::parse(part.trim())?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

/// What the caller may find of each kind asked for, by the rules of the process that owns it.
fn visible_to(principal: &Principal, kinds: &[Kind]) -> Visible {
    let person = principal.user_id.is_some().then(|| principal.user.clone());
    let wanted = |kind: Kind| kinds.contains(&kind);
    let incidents = (wanted(Kind::Incident)
        && principal.visibility(INCIDENT_READ) != Visibility::Nothing)
        .then(|| IncidentReach {
            customers: principal.visible_customers(INCIDENT_READ).ok().flatten(),
            security_team: principal.may(INCIDENT_SECURITY, &[]),
            person: person.clone(),
        });
    // Everyone finds the requests they ordered or that are for them.
    let requests = match principal.visible_customers(REQUEST_READ) {
        Ok(None) => Some(PartyReach {
            all: true,
            customers: Vec::new(),
            person: principal.user.clone(),
        }),
        Ok(Some(customers)) => person.clone().map(|person| PartyReach {
            all: false,
            customers,
            person,
        }),
        Err(_) => person.map(|person| PartyReach {
            all: false,
            customers: Vec::new(),
            person,
        }),
    }
    .filter(|_| wanted(Kind::Request));
    let problems = principal
        .reach(PROBLEM_READ)
        .ok()
        .filter(|_| wanted(Kind::Problem));
    let articles = if principal.holds_as_staff(KNOWLEDGE_READ) {
        Some(ArticleReach::Staff)
    } else {
        principal
            .require_anywhere(KNOWLEDGE_READ)
            .ok()
            .map(|()| ArticleReach::Customer)
    }
    .filter(|_| wanted(Kind::Article));
    Visible {
        incidents,
        requests,
        problems,
        articles,
    }
}
