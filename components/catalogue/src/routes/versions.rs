//! `/api/v1/catalogue/versions`: publishing the catalogue as a whole, as a new numbered version
//! (seed 004-7 §4.1.2, version management), and reading past versions. A version includes every
//! entry that is not withdrawn and whose service is live; the answer names the entries it left
//! out and why.

use super::{PUBLISH, READ, READ_PUBLISHED, respond};
use crate::store::versions::{self, CatalogueVersion, Item};
use crate::wire::{LeftOut, Publication, PublishRequest, PublishedCatalogue, PublishedItem};
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::FieldErrors;
use itsm_domain::catalogue::{CatalogueView, ServiceState};
use itsm_http::audit::{Change, record};
use itsm_http::json::parse_optional_json;
use itsm_http::{ApiError, Principal, QueryParams, Services};
use itsm_store::{Sql, in_transaction};

pub async fn publish_catalogue(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    principal.require(PUBLISH)?;
    let request: PublishRequest = parse_optional_json(&body)?;
    let now = itsm_http::now();
    if let Some(due) = request.review_due
        && due.to_string().as_str() <= &now[..10]
    {
        let mut errors = FieldErrors::new();
        errors.push("review_due", "must be after today");
        return Err(errors.into());
    }
    let publication = in_transaction(&*services.db, async |db| {
        let (items, left_out) = publishable(db).await?;
        let latest = versions::latest_version(db).await?;
        if let Some(latest) = &latest
            && versions::items_of(db, latest.version, None).await? == items
        {
            return Err(ApiError::Conflict {
                detail: format!(
                    "nothing to publish: the catalogue has not changed since version {}",
                    latest.version
                ),
            });
        }
        let version = CatalogueVersion {
            version: latest.map_or(1, |v| v.version + 1),
            published_at: now.clone(),
            published_by: principal.user.clone(),
            notes: request.notes.as_ref().map(|n| n.as_str().to_owned()),
            review_due: request.review_due.map(|d| d.to_string()),
            item_count: items.len() as i64,
        };
        versions::insert_version(db, &version, &items).await?;
        let catalogue = published(version, &items, true);
        let change = Change::created("catalogue_version", catalogue.version.version, &catalogue);
        record(db, &principal, &change, &now).await?;
        Ok(Publication {
            catalogue,
            left_out,
        })
    })
    .await?;
    let number = publication.catalogue.version.version;
    let location = format!("/api/v1/catalogue/versions/{number}");
    Ok(respond(
        &publication,
        number,
        StatusCode::CREATED,
        Some(location),
    ))
}

/// The entries a publication includes now, and those it leaves out with the reason.
async fn publishable(db: &impl Sql) -> Result<(Vec<Item>, Vec<LeftOut>), ApiError> {
    let mut items = Vec::new();
    let mut left_out = Vec::new();
    for candidate in versions::candidates(db).await? {
        if candidate.service_state == ServiceState::Live {
            items.push(candidate.item);
        } else {
            left_out.push(LeftOut {
                reason: format!(
                    "its service {} is {}, not live",
                    candidate.item.definition.service, candidate.service_state
                ),
                code: candidate.item.code,
            });
        }
    }
    if items.is_empty() {
        return Err(ApiError::Conflict {
            detail: "nothing to publish: no entry offers a live service".to_owned(),
        });
    }
    Ok((items, left_out))
}

pub async fn list_versions(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require_anywhere(READ_PUBLISHED)?;
    let query = QueryParams::parse(query, &[])?;
    let page = query.page()?;
    let found = versions::list_versions(&*services.db, page.after, page.limit).await?;
    Ok(query.respond("/api/v1/catalogue/versions", page, found, |v| v.version))
}

pub async fn get_version(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(number): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require_anywhere(READ_PUBLISHED)?;
    let view = view_of(query)?;
    let not_found = || ApiError::not_found(format_args!("catalogue version {number}"));
    let version = number.parse::<i64>().map_err(|_| not_found())?;
    let found = versions::load_version(&*services.db, version)
        .await?
        .ok_or_else(not_found)?;
    answer(&*services.db, &principal, found, view).await
}

/// `GET /api/v1/catalogue`: the latest published version.
pub async fn get_catalogue(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require_anywhere(READ_PUBLISHED)?;
    let view = view_of(query)?;
    let latest = versions::latest_version(&*services.db)
        .await?
        .ok_or_else(|| ApiError::not_found("a published catalogue"))?;
    answer(&*services.db, &principal, latest, view).await
}

/// `?view=business|technical`, the only parameter of a catalogue read.
pub fn view_of(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Option<CatalogueView>, ApiError> {
    QueryParams::parse(query, &["view"])?.parsed("view", CatalogueView::parse)
}

async fn answer(
    db: &impl Sql,
    principal: &Principal,
    version: CatalogueVersion,
    view: Option<CatalogueView>,
) -> Result<Response, ApiError> {
    let items = versions::items_of(db, version.version, view).await?;
    let number = version.version;
    let catalogue = published(version, &items, principal.require_anywhere(READ).is_ok());
    Ok(respond(&catalogue, number, StatusCode::OK, None))
}

fn published(version: CatalogueVersion, items: &[Item], staff: bool) -> PublishedCatalogue {
    let number = version.version;
    PublishedCatalogue {
        items: items
            .iter()
            .map(|item| PublishedItem::new(item, number, staff))
            .collect(),
        version,
    }
}
