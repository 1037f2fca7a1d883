//! `/api/v1/catalogue/entries`: the catalogue's working copy. An entry is written whole with `PUT`
//! (created when new, replaced otherwise) and withdrawn with `DELETE`; nothing reaches customers
//! until the catalogue is published.

use super::{READ, WRITE, respond};
use crate::store::entries::{self, Entry, EntryFilter};
use crate::wire::EntryView;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::Code;
use itsm_domain::access::Scope;
use itsm_domain::catalogue::{CatalogueView, EntryDefinition};
use itsm_http::audit::{Change, record};
use itsm_http::references::ensure_service_open;
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services, etag};
use itsm_store::{Sql, in_transaction};

pub async fn list_entries(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require_anywhere(READ)?;
    let query = QueryParams::parse(query, &["service", "view", "withdrawn"])?;
    let filter = EntryFilter {
        service: query.get("service").map(str::to_owned),
        view: query.parsed("view", CatalogueView::parse)?,
        withdrawn: query.flag("withdrawn")?.unwrap_or(false),
    };
    let page = query.page()?;
    let found = entries::list_entries(&*services.db, &filter, page.after, page.limit).await?;
    let views = found.iter().map(EntryView::new).collect();
    Ok(query.respond(
        "/api/v1/catalogue/entries",
        page,
        views,
        |view: &EntryView| view.entry.id,
    ))
}

pub async fn get_entry(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    principal.require_anywhere(READ)?;
    let entry = find_entry(&*services.db, &code).await?;
    Ok(answer(&entry, StatusCode::OK, None))
}

/// Creates the entry (201) or replaces it (200; `If-Match` is honoured). Replacing a withdrawn
/// entry brings it back.
pub async fn put_entry(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(definition): ApiJson<EntryDefinition>,
) -> Result<Response, ApiError> {
    let code = Code::parse(&code).map_err(|message| ApiError::bad_field("code", message))?;
    principal.require_in(WRITE, &[Scope::service(definition.service.as_str())])?;
    definition.check()?;
    let required = etag::if_match(&headers)?;
    let now = itsm_http::now();
    let (entry, created) = in_transaction(&*services.db, async |db| {
        ensure_service_open(db, definition.service.as_str(), "service").await?;
        match entries::load_entry(db, code.as_str()).await? {
            None => create(db, &principal, code.as_str(), &definition, &now)
                .await
                .map(|e| (e, true)),
            Some(current) => {
                etag::check(
                    required.as_deref(),
                    current.version,
                    &format!("catalogue entry {code}"),
                )?;
                // Moving an entry to another service needs the right over the one it leaves too.
                principal.require_in(
                    WRITE,
                    &[Scope::service(current.definition.service.as_str())],
                )?;
                let mut next = current.clone();
                next.definition = definition.clone();
                next.withdrawn_at = None;
                next.withdrawn_by = None;
                save(db, &principal, current, next, "update", &now)
                    .await
                    .map(|e| (e, false))
            }
        }
    })
    .await?;
    let (status, location) = if created {
        (
            StatusCode::CREATED,
            Some(format!("/api/v1/catalogue/entries/{}", entry.code)),
        )
    } else {
        (StatusCode::OK, None)
    };
    Ok(answer(&entry, status, location))
}

/// Withdraws the entry from the next publication; it stays readable and can be put back.
pub async fn withdraw_entry(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let required = etag::if_match(&headers)?;
    let now = itsm_http::now();
    let entry = in_transaction(&*services.db, async |db| {
        let current = find_entry(db, &code).await?;
        principal.require_in(
            WRITE,
            &[Scope::service(current.definition.service.as_str())],
        )?;
        etag::check(
            required.as_deref(),
            current.version,
            &format!("catalogue entry {code}"),
        )?;
        let mut next = current.clone();
        if next.withdrawn_at.is_none() {
            next.withdrawn_at = Some(now.clone());
            next.withdrawn_by = Some(principal.user.clone());
        }
        save(db, &principal, current, next, "withdraw", &now).await
    })
    .await?;
    Ok(answer(&entry, StatusCode::OK, None))
}

/// The entry as the API shows it, with its `ETag`.
fn answer(entry: &Entry, status: StatusCode, location: Option<String>) -> Response {
    respond(&EntryView::new(entry), entry.version, status, location)
}

async fn find_entry(db: &impl Sql, code: &str) -> Result<Entry, ApiError> {
    entries::load_entry(db, code)
        .await?
        .ok_or_else(|| ApiError::not_found(format_args!("catalogue entry {code}")))
}

async fn create(
    db: &impl Sql,
    principal: &Principal,
    code: &str,
    definition: &EntryDefinition,
    now: &str,
) -> Result<Entry, ApiError> {
    let mut entry = Entry {
        id: 0,
        code: code.to_owned(),
        definition: definition.clone(),
        withdrawn_at: None,
        withdrawn_by: None,
        version: 1,
        created_at: now.to_owned(),
        created_by: principal.user.clone(),
        updated_at: now.to_owned(),
    };
    entry.id = entries::insert_entry(db, &entry).await?;
    record(
        db,
        principal,
        &Change::created("catalogue_entry", entry.id, &entry),
        now,
    )
    .await?;
    Ok(entry)
}

/// Saves `next` over `current` at its version with its audit entry; an unchanged entry writes
/// nothing.
async fn save(
    db: &impl Sql,
    principal: &Principal,
    current: Entry,
    mut next: Entry,
    action: &str,
    now: &str,
) -> Result<Entry, ApiError> {
    if next == current {
        return Ok(current);
    }
    next.updated_at = now.to_owned();
    if !entries::save_entry(db, &next, current.version).await? {
        return Err(ApiError::lost_race("the catalogue entry"));
    }
    next.version = current.version + 1;
    let change = Change::new("catalogue_entry", next.id, action)
        .before(&current)
        .after(&next);
    record(db, principal, &change, now).await?;
    Ok(next)
}
