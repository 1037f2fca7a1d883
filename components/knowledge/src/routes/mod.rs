//! The knowledge routes and the steps they share: who reads as staff and who as a customer,
//! finding an article, answering with it, checking what it documents, and the versioned write
//! every change goes through.

pub mod lifecycle;
pub mod read;
pub mod write;

use crate::store::articles::{self, Article, PublishedVersion, versions_of};
use crate::store::links::{Documented, documented_by, record_exists};
use crate::wire::{ArticleAnswer, ArticleView, PublishedArticle, article_number};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::access::{Process, Scope};
use itsm_domain::knowledge::{ArticleAudience, ArticleState};
use itsm_domain::link::TargetKind;
use itsm_domain::{RecordKind, parse_code};
use itsm_http::audit::{Change, record};
use itsm_http::references::ensure_service_open;
use itsm_http::{ApiError, Principal, etag};
use itsm_store::{Sql, in_transaction};

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
    let published = latest_version(db, article).await?;
    let documents = documented_by(db, article.id).await?;
    match reader {
        Reader::Staff => Ok(ArticleAnswer::Staff(Box::new(ArticleView::new(
            article,
            documents,
            published.as_ref(),
            &itsm_http::now(),
        )))),
        Reader::Customer => match published {
            Some(version)
                if article.state == ArticleState::Published
                    && version.content.audience == ArticleAudience::Customer =>
            {
                Ok(ArticleAnswer::Customer(PublishedArticle::new(
                    &version,
                    documents.services,
                )))
            }
            _ => Err(ApiError::not_found(format_args!(
                "article {}",
                article_number(article.id)
            ))),
        },
    }
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
    Ok(etag::respond(&shown, article.version, status, location))
}

/// The checked targets of an article's links: problems and known errors that exist, services the
/// catalogue knows and has not retired; each bad one named by its field and position.
pub async fn checked_documents(
    db: &impl Sql,
    problems: &[String],
    known_errors: &[String],
    services: &[String],
) -> Result<Documented, ApiError> {
    const MAX: usize = 50;
    let mut documented = Documented::default();
    for (field, list, kind) in [
        ("problems", problems, TargetKind::Problem),
        ("known_errors", known_errors, TargetKind::KnownError),
        ("services", services, TargetKind::Service),
    ] {
        if list.len() > MAX {
            return Err(ApiError::invalid_field(field, format!("at most {MAX}")));
        }
        for (i, text) in list.iter().enumerate() {
            let at = format!("{field}[{i}]");
            let target = match kind.record_kind() {
                Some(record) => {
                    let id = record
                        .parse_ref(text.trim())
                        .map_err(|message| ApiError::invalid_field(&at, message))?;
                    if !record_exists(db, kind, id).await? {
                        return Err(ApiError::invalid_field(
                            &at,
                            format!("there is no {kind} {}", record.number_text(id)),
                        ));
                    }
                    record.number_text(id)
                }
                None => {
                    let code = parse_code(text).map_err(|m| ApiError::invalid_field(&at, m))?;
                    ensure_service_open(db, &code, &at).await?;
                    code
                }
            };
            let slot = match kind {
                TargetKind::Problem => &mut documented.problems,
                TargetKind::KnownError => &mut documented.known_errors,
                _ => &mut documented.services,
            };
            if slot.contains(&target) {
                return Err(ApiError::invalid_field(
                    &at,
                    format!("names {target} twice"),
                ));
            }
            slot.push(target);
        }
    }
    Ok(documented)
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
    change: impl AsyncFnOnce(&D, &mut Article) -> Result<bool, ApiError>,
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
        let mut next = current.clone();
        let links_changed = change(db, &mut next).await?;
        if next == current && !links_changed {
            return respond(db, reader, &current, StatusCode::OK).await;
        }
        next.updated_at = now.clone();
        next.updated_by = principal.user.clone();
        if !articles::save_article(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the article"));
        }
        next.version = current.version + 1;
        let change = Change::new("knowledge_article", id, audited.action)
            .before(&current)
            .after(&next)
            .reason(audited.reason);
        record(db, principal, &change, &now).await?;
        respond(db, reader, &next, StatusCode::OK).await
    })
    .await
}
