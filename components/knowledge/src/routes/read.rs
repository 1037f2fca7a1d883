//! `GET /api/v1/knowledge/articles[/{id}]` and its versions: staff see working copies, drafts
//! and history; customers see the latest published version of articles meant for them.

use super::{Reader, answer, answers, find, parse_id, reader, tag_of};
use crate::store::articles::{ArticleFilter, PublishedVersion, list_articles, versions_of};
use crate::wire::{ArticleAnswer, article_number};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::knowledge::{ArticleAudience, ArticleState};
use itsm_domain::link::TargetKind;
use itsm_domain::{Label, RecordKind, parse_code};
use itsm_http::json::Items;
use itsm_http::time::day_of;
use itsm_http::{ApiError, Principal, QueryParams, Services, etag};

pub async fn get_article(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let reader = reader(&principal)?;
    let db = &*services.db;
    let article = find(db, parse_id(&id)?).await?;
    let shown = answer(db, reader, &article).await?;
    Ok(etag::respond(
        &shown,
        tag_of(reader, &article),
        StatusCode::OK,
        None,
    ))
}

pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let reader = reader(&principal)?;
    let query = QueryParams::parse(
        query,
        &[
            "state",
            "audience",
            "category",
            "problem",
            "known_error",
            "service",
            "review_overdue",
        ],
    )?;
    let page = query.page()?;
    let mut filter = filter_of(&query)?;
    if reader == Reader::Customer {
        // Customers filter what they are shown, never what only staff know of.
        for staff_only in [
            "state",
            "audience",
            "problem",
            "known_error",
            "review_overdue",
        ] {
            if query.get(staff_only).is_some() {
                return Err(ApiError::bad_field(
                    staff_only,
                    "is not a filter of the published articles customers read",
                ));
            }
        }
        filter.customer_visible = true;
    }
    let db = &*services.db;
    let found = list_articles(db, &filter, page.after, page.limit).await?;
    // The filter already keeps customers to what they may see; `flatten` drops nothing then.
    let shown: Vec<ArticleAnswer> = answers(db, reader, &found)
        .await?
        .into_iter()
        .flatten()
        .collect();
    Ok(query.respond("/api/v1/knowledge/articles", page, shown, ArticleAnswer::id))
}

fn filter_of(query: &QueryParams) -> Result<ArticleFilter, ApiError> {
    let record =
        |kind: RecordKind| move |text: &str| kind.parse_ref(text).map(|id| kind.number_text(id));
    let documents = [
        (
            "problem",
            TargetKind::Problem,
            query.parsed("problem", record(RecordKind::Problem))?,
        ),
        (
            "known_error",
            TargetKind::KnownError,
            query.parsed("known_error", record(RecordKind::KnownError))?,
        ),
        (
            "service",
            TargetKind::Service,
            query.parsed("service", parse_code)?,
        ),
    ];
    let mut chosen = documents
        .into_iter()
        .filter_map(|(name, kind, target)| target.map(|t| (name, kind, t)));
    let first = chosen.next();
    if let Some((name, _, _)) = chosen.next() {
        return Err(ApiError::bad_field(
            name,
            "filter by one of problem, known_error or service at a time",
        ));
    }
    let overdue = query.flag("review_overdue")?.unwrap_or(false);
    Ok(ArticleFilter {
        state: query.parsed("state", ArticleState::parse)?,
        audience: query.parsed("audience", ArticleAudience::parse)?,
        category: query.parsed("category", |t| Label::parse(t).map(Label::into_string))?,
        documents: first.map(|(_, kind, target)| (kind.as_str(), target)),
        review_due_before: overdue.then(|| day_of(&itsm_http::now()).to_string()),
        customer_visible: false,
    })
}

pub async fn list_versions(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Items<PublishedVersion>>, ApiError> {
    ensure_staff(&principal, &id)?;
    let db = &*services.db;
    let article = find(db, parse_id(&id)?).await?;
    Ok(Json(Items::new(versions_of(db, article.id, None).await?)))
}

pub async fn get_version(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<PublishedVersion>, ApiError> {
    ensure_staff(&principal, &id)?;
    let db = &*services.db;
    let article = find(db, parse_id(&id)?).await?;
    let missing = || {
        ApiError::not_found(format_args!(
            "version {number} of {}",
            article_number(article.id)
        ))
    };
    let n: i64 = number.parse().map_err(|_| missing())?;
    versions_of(db, article.id, Some(n))
        .await?
        .pop()
        .map(Json)
        .ok_or_else(missing)
}

/// An article's history is the support teams'; to customers no history is there, whatever the
/// article, so the answer tells them nothing about which articles exist.
fn ensure_staff(principal: &Principal, id: &str) -> Result<(), ApiError> {
    match reader(principal)? {
        Reader::Staff => Ok(()),
        Reader::Customer => Err(ApiError::not_found(format_args!(
            "the version history of article {id}"
        ))),
    }
}
