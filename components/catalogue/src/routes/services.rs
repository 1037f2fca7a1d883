//! `/api/v1/services`: the service portfolio. Services are added and moved through their lifecycle
//! by the service department or the service's owner; only an owner retires a service.

use super::{READ, RETIRE, WRITE, find_service, respond};
use crate::store::services::{self, Service};
use crate::wire::{CreateServiceRequest, ServiceActionRequest, ServiceView, UpdateServiceRequest};
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::access::Scope;
use itsm_domain::catalogue::{ServiceAction, ServiceState, next_service_state};
use itsm_http::audit::{Change, record};
use itsm_http::json::parse_optional_json;
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services, etag};
use itsm_store::{Sql, in_transaction};

pub async fn create_service(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<CreateServiceRequest>,
) -> Result<Response, ApiError> {
    principal.require_in(WRITE, &[Scope::service(request.code.as_str())])?;
    let state = request.initial_state()?;
    let now = itsm_http::now();
    let service = in_transaction(&*services.db, async |db| {
        if services::load_service(db, request.code.as_str())
            .await?
            .is_some()
        {
            return Err(ApiError::Conflict {
                detail: format!("the service code {} is taken", request.code),
            });
        }
        let mut service = Service {
            id: 0,
            code: request.code.as_str().to_owned(),
            name: request.name.clone(),
            description: request.description.clone(),
            state,
            retire_reason: None,
            version: 1,
            created_at: now.clone(),
            created_by: principal.user.clone(),
            updated_at: now.clone(),
            retired_at: None,
        };
        service.id = services::insert_service(db, &service).await?;
        record(
            db,
            &principal,
            &Change::created("service", service.id, &service),
            &now,
        )
        .await?;
        Ok(service)
    })
    .await?;
    let location = format!("/api/v1/services/{}", service.code);
    answer(&*services.db, &service, StatusCode::CREATED, Some(location)).await
}

pub async fn list_services(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require_anywhere(READ)?;
    let query = QueryParams::parse(query, &["state"])?;
    let state = query.parsed("state", ServiceState::parse)?;
    let page = query.page()?;
    let found = services::list_services(&*services.db, state, page.after, page.limit).await?;
    let codes: Vec<&str> = found.iter().map(|s| s.code.as_str()).collect();
    let mut owners = services::owners_of(&*services.db, &codes, &itsm_http::now()).await?;
    let views = found
        .iter()
        .map(|s| ServiceView::new(s, owners.remove(&s.code).unwrap_or_default()))
        .collect();
    Ok(
        query.respond("/api/v1/services", page, views, |view: &ServiceView| {
            view.service.id
        }),
    )
}

pub async fn get_service(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    principal.require_anywhere(READ)?;
    let service = find_service(&*services.db, &code).await?;
    answer(&*services.db, &service, StatusCode::OK, None).await
}

pub async fn update_service(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UpdateServiceRequest>,
) -> Result<Response, ApiError> {
    principal.require_in(WRITE, &[Scope::service(&code)])?;
    modify(
        &*services.db,
        &principal,
        &code,
        &headers,
        "update",
        None,
        |service| {
            if let Some(name) = &request.name {
                service.name = name.clone();
            }
            if let Some(description) = &request.description {
                service.description = description.clone();
            }
            Ok(())
        },
    )
    .await
}

/// `POST /api/v1/services/{code}/{action}`: design, transition, launch or retire.
pub async fn transition_service(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((code, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let action = ServiceAction::parse(&action).map_err(|_| ApiError::NotFound {
        detail: format!(
            "{action} is not a service action: use design, transition, launch or retire"
        ),
    })?;
    let authority = if action == ServiceAction::Retire {
        RETIRE
    } else {
        WRITE
    };
    principal.require_in(authority, &[Scope::service(&code)])?;
    // Actions other than retire may be posted with an empty body.
    let request: ServiceActionRequest = parse_optional_json(&body)?;
    let reason = request.reason_for(action)?.map(|r| r.as_str());
    let now = itsm_http::now();
    modify(
        &*services.db,
        &principal,
        &code,
        &headers,
        action.as_str(),
        reason,
        |service| {
            service.state = next_service_state(service.state, action)?;
            if service.state == ServiceState::Retired {
                service.retired_at = Some(now.clone());
                service.retire_reason = reason.map(str::to_owned);
            }
            Ok(())
        },
    )
    .await
}

/// In one transaction: load the service, check `If-Match`, apply the change, save it only if
/// the version is unchanged, and append the audit entry. A change that changes nothing writes
/// nothing.
async fn modify<D: Sql>(
    db: &D,
    principal: &Principal,
    code: &str,
    headers: &HeaderMap,
    action: &str,
    reason: Option<&str>,
    change: impl FnOnce(&mut Service) -> Result<(), ApiError>,
) -> Result<Response, ApiError> {
    let required = etag::if_match(headers)?;
    let now = itsm_http::now();
    let updated = in_transaction(db, async |db| {
        let current = find_service(db, code).await?;
        etag::check(
            required.as_deref(),
            current.version,
            &format!("service {code}"),
        )?;
        let mut next = current.clone();
        change(&mut next)?;
        if next == current {
            return Ok(current);
        }
        next.updated_at = now.clone();
        if !services::save_service(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the service"));
        }
        next.version = current.version + 1;
        let change = Change::new("service", next.id, action)
            .before(&current)
            .after(&next)
            .reason(reason);
        record(db, principal, &change, &now).await?;
        Ok(next)
    })
    .await?;
    answer(db, &updated, StatusCode::OK, None).await
}

/// The service with its owners, as the API shows it.
async fn answer(
    db: &impl Sql,
    service: &Service,
    status: StatusCode,
    location: Option<String>,
) -> Result<Response, ApiError> {
    let mut owners = services::owners_of(db, &[&service.code], &itsm_http::now()).await?;
    let view = ServiceView::new(service, owners.remove(&service.code).unwrap_or_default());
    Ok(respond(&view, service.version, status, location))
}
