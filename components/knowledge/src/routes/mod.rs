//! The knowledge routes and the steps they share: who reads as staff and who as a customer,
//! finding an article, answering with it, checking what it documents, and the versioned write
//! every change goes through.

pub mod lifecycle;
pub mod read;
pub mod write;

use crate::store::articles::{self, Article, PublishedVersion, latest_versions, versions_of};
use crate::store::links::{Documented, documented_by, documented_by_each, problem_scope};
use crate::wire::{ArticleAnswer, ArticleView, PublishedArticle, article_number};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::access::names::PROBLEM_READ;
use itsm_domain::access::{Process, Scope};
use itsm_domain::knowledge::{ArticleAudience, ArticleState};
use itsm_domain::link::TargetKind;
use itsm_domain::{RecordKind, parse_code};
use itsm_http::audit::{Change, record};
use itsm_http::references::ensure_service_open;
use itsm_http::time::day_of;
use itsm_http::{ApiError, Principal, etag};
use itsm_store::{Sql, in_transaction};
use serde::Serialize;
use std::collections::BTreeMap;

/// Authorities of the knowledge process, granted to roles by `itsm_domain::access`.
pub use itsm_domain::access::names::{
    KNOWLEDGE_PUBLISH as PUBLISH, KNOWLEDGE_READ as READ, KNOWLEDGE_WRITE as WRITE,
};

/// The scope knowledge authorities are checked in: the process (articles serve every customer).
pub fn scope() -> [Scope; 1] {
    [Scope::process(Process::Knowledge)]
}

/// How the caller reads the knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Working copies, drafts, history and links.
    Staff,
    /// Published versions meant for customers, nothing else.
    Customer,
}

/// Staff read through a role other than the customer's; customer contacts read as customers.
pub fn reader(principal: &Principal) -> Result<Reader, ApiError> {
    if principal.holds_as_staff(READ) {
        return Ok(Reader::Staff);
    }
    principal.require_anywhere(READ)?;
    Ok(Reader::Customer)
}

/// The article id from the path: the id (`42`) or the number (`KB0000042`).
pub fn parse_id(text: &str) -> Result<i64, ApiError> {
    RecordKind::Article
        .parse_ref(text)
        .map_err(|_| ApiError::not_found(format_args!("article {text}")))
}

pub async fn find(db: &impl Sql, id: i64) -> Result<Article, ApiError> {
    articles::load_article(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format_args!("article {}", article_number(id))))
}

/// The latest published version, if any.
pub async fn latest_version(
    db: &impl Sql,
    article: &Article,
) -> Result<Option<PublishedVersion>, ApiError> {
    match article.published_version {
        Some(n) => Ok(versions_of(db, article.id, Some(n)).await?.pop()),
        None => Ok(None),
    }
}

/// What `reader` is shown of the article; to a customer, an article not published for them
/// does not exist.
pub async fn answer(
    db: &impl Sql,
    reader: Reader,
    article: &Article,
) -> Result<ArticleAnswer, ApiError> {
    answers(db, reader, std::slice::from_ref(article))
        .await?
        .pop()
        .flatten()
        .ok_or_else(|| ApiError::not_found(format_args!("article {}", article_number(article.id))))
}

/// What `reader` is shown of each article, in order, in two queries whatever their number
/// (one for customers): `None` for an article a customer may not see.
pub async fn answers(
    db: &impl Sql,
    reader: Reader,
    found: &[Article],
) -> Result<Vec<Option<ArticleAnswer>>, ApiError> {
    let ids: Vec<i64> = found.iter().map(|a| a.id).collect();
    let mut published: BTreeMap<i64, PublishedVersion> = latest_versions(db, &ids)
        .await?
        .into_iter()
        .map(|v| (v.article_id, v))
        .collect();
    let mut documents = match reader {
        Reader::Staff => documented_by_each(db, &ids).await?,
        Reader::Customer => BTreeMap::new(),
    };
    let today = day_of(&itsm_http::now()).to_string();
    Ok(found
        .iter()
        .map(|article| {
            let version = published.remove(&article.id);
            match reader {
                Reader::Staff => Some(ArticleAnswer::Staff(Box::new(ArticleView::new(
                    article,
                    documents.remove(&article.id).unwrap_or_default(),
                    version.as_ref(),
                    &today,
                )))),
                Reader::Customer => version
                    .filter(|v| {
                        article.state == ArticleState::Published
                            && v.content.audience == ArticleAudience::Customer
                    })
                    .map(|v| ArticleAnswer::Customer(PublishedArticle::new(&v))),
            }
        })
        .collect())
}

/// The article as JSON with its `ETag` (and `Location` when just created).
pub async fn respond(
    db: &impl Sql,
    reader: Reader,
    article: &Article,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let shown = answer(db, reader, article).await?;
    let location = (status == StatusCode::CREATED)
        .then(|| format!("/api/v1/knowledge/articles/{}", article.id));
    Ok(etag::respond(
        &shown,
        tag_of(reader, article),
        status,
        location,
    ))
}

/// The version an answer's `ETag` is made from: the row's for staff; for customers the
/// published version's, so drafts and reviews behind the scenes neither show nor break caches.
pub fn tag_of(reader: Reader, article: &Article) -> i64 {
    match reader {
        Reader::Staff => article.version,
        Reader::Customer => article.published_version.unwrap_or_default(),
    }
}

/// One list of an article's link targets, checked: problems and known errors that exist and
/// the caller may read (any other is "not there"), services the catalogue knows and has not
/// retired; each bad one named by `field` and position.
pub async fn checked_targets(
    db: &impl Sql,
    principal: &Principal,
    kind: TargetKind,
    field: &str,
    list: &[String],
) -> Result<Vec<String>, ApiError> {
    const MAX: usize = 50;
    if list.len() > MAX {
        return Err(ApiError::invalid_field(field, format!("at most {MAX}")));
    }
    let mut targets: Vec<String> = Vec::with_capacity(list.len());
    for (i, text) in list.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let target = match kind.record_kind() {
            Some(record) => {
                let id = record
                    .parse_ref(text.trim())
                    .map_err(|message| ApiError::invalid_field(&at, message))?;
                let number = record.number_text(id);
                if !problem_visible(db, principal, kind, id).await? {
                    return Err(ApiError::invalid_field(
                        &at,
                        format!("there is no {kind} {number} you can see"),
                    ));
                }
                number
            }
            None => {
                let code = parse_code(text.trim()).map_err(|m| ApiError::invalid_field(&at, m))?;
                ensure_service_open(db, &code, &at).await?;
                code
            }
        };
        if targets.contains(&target) {
            return Err(ApiError::invalid_field(
                &at,
                format!("names {target} twice"),
            ));
        }
        targets.push(target);
    }
    Ok(targets)
}

/// Whether the problem (or the known error's problem) exists and the caller may read it.
async fn problem_visible(
    db: &impl Sql,
    principal: &Principal,
    kind: TargetKind,
    id: i64,
) -> Result<bool, ApiError> {
    let Some((service, customer)) = problem_scope(db, kind, id).await? else {
        return Ok(false);
    };
    let scopes = [Scope::process(Process::Problem), Scope::service(&service)]
        .into_iter()
        .chain(customer.as_deref().map(Scope::customer))
        .collect::<Vec<_>>();
    Ok(principal.may(PROBLEM_READ, &scopes))
}

/// Every target list of a new article, checked.
pub async fn checked_documents(
    db: &impl Sql,
    principal: &Principal,
    problems: &[String],
    known_errors: &[String],
    services: &[String],
) -> Result<Documented, ApiError> {
    Ok(Documented {
        problems: checked_targets(db, principal, TargetKind::Problem, "problems", problems).await?,
        known_errors: checked_targets(
            db,
            principal,
            TargetKind::KnownError,
            "known_errors",
            known_errors,
        )
        .await?,
        services: checked_targets(db, principal, TargetKind::Service, "services", services).await?,
    })
}

/// An article with what it documents, as the audit trail records it.
#[derive(Serialize)]
pub struct Snapshot<'a> {
    #[serde(flatten)]
    article: &'a Article,
    documents: &'a Documented,
}

impl<'a> Snapshot<'a> {
    pub fn of(article: &'a Article, documents: &'a Documented) -> Self {
        Self { article, documents }
    }
}

/// What one change did, for the audit trail.
pub struct Audited<'a> {
    pub action: &'a str,
    pub reason: Option<&'a str>,
}

/// The shared write path for staff: in one transaction, load the article, check `If-Match`, let
/// `change` check the caller's authority and apply itself (it may write versions and links),
/// save at the version read, and append the audit entry. A change that changes nothing writes
/// nothing.
pub async fn modify<D: Sql>(
    db: &D,
    principal: &Principal,
    id: i64,
    headers: &HeaderMap,
    audited: Audited<'_>,
    change: impl AsyncFnOnce(&D, &mut Article) -> Result<(), ApiError>,
) -> Result<Response, ApiError> {
    let reader = reader(principal)?;
    let required = etag::if_match(headers)?;
    let now = itsm_http::now();
    in_transaction(db, async |db| {
        let current = find(db, id).await?;
        if reader == Reader::Customer {
            // Customers change nothing; an article they cannot read is not there for them.
            answer(db, reader, &current).await?;
            return Err(ApiError::forbidden(WRITE));
        }
        etag::check(required.as_deref(), current.version, &article_number(id))?;
        let links_before = documented_by(db, id).await?;
        let mut next = current.clone();
        change(db, &mut next).await?;
        let links_after = documented_by(db, id).await?;
        if next == current && links_after == links_before {
            return respond(db, reader, &current, StatusCode::OK).await;
        }
        next.updated_at = now.clone();
        next.updated_by = principal.user.clone();
        if !articles::save_article(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the article"));
        }
        next.version = current.version + 1;
        let change = Change::new("knowledge_article", id, audited.action)
            .before(&Snapshot::of(&current, &links_before))
            .after(&Snapshot::of(&next, &links_after))
            .reason(audited.reason);
        record(db, principal, &change, &now).await?;
        respond(db, reader, &next, StatusCode::OK).await
    })
    .await
}
