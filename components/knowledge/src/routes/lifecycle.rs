//! `POST /api/v1/knowledge/articles/{id}/{publish,review,retire}`: publishing the working copy as
//! the next numbered version (with its review date), confirming a published article still holds
//! (which sets the next review), and retiring it. Publishers hold `knowledge.publish`.

use super::{Audited, PUBLISH, latest_version, modify, parse_id, scope};
use crate::store::articles::{PublishedVersion, insert_version};
use crate::store::links::documented_by;
use crate::wire::{PublishRequest, RetireRequest, ReviewRequest, article_number};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::HeaderMap;
use itsm_domain::knowledge::{ArticleState, review_due};
use itsm_http::json::parse_optional_json;
use itsm_http::time::day_of;
use itsm_http::{ApiError, ApiJson, Principal, Services};

pub async fn publish(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let request = parse_optional_json::<PublishRequest>(&body)?;
    let now = itsm_http::now();
    let due = review_due(day_of(&now), request.review_due)
        .map_err(|message| ApiError::invalid_field("review_due", message))?;
    let note = request.change_note.as_ref().map(|n| n.as_str().to_owned());
    let audited = Audited {
        action: "publish",
        reason: note.as_deref(),
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        audited,
        async |db, article| {
            principal.require_in(PUBLISH, &scope())?;
            if !article.state.may_publish() {
                return Err(conflict(
                    article.id,
                    "is retired: write a new article instead",
                ));
            }
            let latest = latest_version(db, article).await?;
            if latest
                .as_ref()
                .is_some_and(|v| v.content == article.content)
            {
                return Err(conflict(
                    article.id,
                    "has no changes since its latest version to publish",
                ));
            }
            let number = latest.map_or(1, |v| v.version_number + 1);
            let services = documented_by(db, article.id).await?.services;
            insert_version(
                db,
                &PublishedVersion {
                    article_id: article.id,
                    version_number: number,
                    content: article.content.clone(),
                    services,
                    change_note: note.clone(),
                    published_at: now.clone(),
                    published_by: principal.user.clone(),
                },
            )
            .await?;
            article.state = ArticleState::Published;
            article.published_version = Some(number);
            article.review_due = Some(due.to_string());
            Ok(())
        },
    )
    .await
}

pub async fn review(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let request = parse_optional_json::<ReviewRequest>(&body)?;
    let now = itsm_http::now();
    let due = review_due(day_of(&now), request.review_due)
        .map_err(|message| ApiError::invalid_field("review_due", message))?;
    let audited = Audited {
        action: "review",
        reason: None,
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        audited,
        async |_, article| {
            principal.require_in(PUBLISH, &scope())?;
            if article.state != ArticleState::Published {
                return Err(conflict(
                    article.id,
                    "is not published: only what readers see is reviewed",
                ));
            }
            article.last_reviewed_at = Some(now.clone());
            article.last_reviewed_by = Some(principal.user.clone());
            article.review_due = Some(due.to_string());
            Ok(())
        },
    )
    .await
}

pub async fn retire(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<RetireRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let reason = request.reason.as_str();
    let audited = Audited {
        action: "retire",
        reason: Some(reason),
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        audited,
        async |_, article| {
            principal.require_in(PUBLISH, &scope())?;
            if article.state == ArticleState::Retired {
                return Err(conflict(article.id, "is retired already"));
            }
            article.state = ArticleState::Retired;
            article.retired_reason = Some(reason.to_owned());
            Ok(())
        },
    )
    .await
}

fn conflict(id: i64, what: &str) -> ApiError {
    ApiError::Conflict {
        detail: format!("{} {what}", article_number(id)),
    }
}
