//! `POST /api/v1/knowledge/articles` and `PATCH …/{id}`: writing an article's working copy and
//! what it documents. Readers see none of it until it is published.

use super::{
    Audited, Reader, WRITE, checked_documents, checked_targets, modify, parse_id, respond, scope,
};
use crate::store::articles::{Article, Content, insert_article};
use crate::store::links::{documented_by, replace_links};
use crate::wire::{NewArticleRequest, UpdateArticleRequest, article_number};
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::knowledge::ArticleState;
use itsm_domain::link::TargetKind;
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::in_transaction;

pub async fn create_article(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<NewArticleRequest>,
) -> Result<Response, ApiError> {
    principal.require_in(WRITE, &scope())?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let documents = checked_documents(
            db,
            &principal,
            &request.problems,
            &request.known_errors,
            &request.services,
        )
        .await?;
        let mut article = Article {
            id: 0,
            content: Content {
                title: request.title,
                summary: request.summary,
                body: request.body,
                category: request.category.map(|c| c.into_string()),
                audience: request.audience,
            },
            state: ArticleState::Draft,
            published_version: None,
            review_due: None,
            last_reviewed_at: None,
            last_reviewed_by: None,
            retired_reason: None,
            version: 1,
            created_at: now.clone(),
            created_by: principal.user.clone(),
            updated_at: now.clone(),
            updated_by: principal.user.clone(),
        };
        article.id = insert_article(db, &article).await?;
        replace_links(db, article.id, &documents, &principal.user, &now).await?;
        let change = Change::created("knowledge_article", article.id, &article);
        record(db, &principal, &change, &now).await?;
        respond(db, Reader::Staff, &article, StatusCode::CREATED).await
    })
    .await
}

pub async fn update_article(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UpdateArticleRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let now = itsm_http::now();
    let audited = Audited {
        action: "update",
        reason: None,
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        audited,
        async |db, article| {
            principal.require_in(WRITE, &scope())?;
            if article.state == ArticleState::Retired {
                return Err(ApiError::Conflict {
                    detail: format!(
                        "{} is retired: write a new article instead",
                        article_number(article.id)
                    ),
                });
            }
            relink(db, &principal, article.id, &request, &now).await?;
            let content = &mut article.content;
            if let Some(title) = request.title {
                content.title = title;
            }
            if let Some(summary) = request.summary {
                content.summary = summary;
            }
            if let Some(body) = request.body {
                content.body = body;
            }
            if let Some(category) = request.category {
                content.category = category.map(|c| c.into_string());
            }
            if let Some(audience) = request.audience {
                content.audience = audience;
            }
            Ok(())
        },
    )
    .await
}

/// Replaces the lists the request gives, checking only those; the others stay as they are.
async fn relink(
    db: &impl itsm_store::Sql,
    principal: &Principal,
    id: i64,
    request: &UpdateArticleRequest,
    now: &str,
) -> Result<(), ApiError> {
    if request.problems.is_none() && request.known_errors.is_none() && request.services.is_none() {
        return Ok(());
    }
    let mut documents = documented_by(db, id).await?;
    for (kind, field, given, slot) in [
        (
            TargetKind::Problem,
            "problems",
            &request.problems,
            &mut documents.problems,
        ),
        (
            TargetKind::KnownError,
            "known_errors",
            &request.known_errors,
            &mut documents.known_errors,
        ),
        (
            TargetKind::Service,
            "services",
            &request.services,
            &mut documents.services,
        ),
    ] {
        if let Some(list) = given {
            *slot = checked_targets(db, principal, kind, field, list).await?;
        }
    }
    replace_links(db, id, &documents, &principal.user, now).await?;
    Ok(())
}
