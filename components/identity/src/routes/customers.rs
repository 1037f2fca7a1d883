//! `/api/v1/customers`: customer organisations and their contacts. A customer contact is a user
//! holding the customer role scoped to one customer; contacts see only their own organisation.

use super::assignments::grant;
use super::respond;
use super::users::add_user;
use crate::store::assignments::{self, AssignmentFilter, Which};
use crate::store::customers::{self, Customer};
use crate::wire::{CreateContactRequest, CreateCustomerRequest, NewGrant, UpdateCustomerRequest};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::access::{Grant, Role, Scope, names};
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services, etag};
use itsm_store::{Sql, in_transaction};

/// Finds a customer the caller may read; another organisation's is "not found" to a contact.
pub async fn find_customer(
    db: &impl Sql,
    principal: &Principal,
    code: &str,
) -> Result<Customer, ApiError> {
    principal.require_visible(
        names::CUSTOMER_READ,
        &[Scope::customer(code)],
        format_args!("customer {code}"),
    )?;
    customers::load_customer(db, code)
        .await?
        .ok_or_else(|| ApiError::not_found(format_args!("customer {code}")))
}

pub async fn list_customers(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let visible = principal.visible_customers(names::CUSTOMER_READ)?;
    let query = QueryParams::parse(query, &[])?;
    let page = query.page()?;
    let found =
        customers::list_customers(&*services.db, visible.as_deref(), page.after, page.limit)
            .await?;
    Ok(query.respond("/api/v1/customers", page, found, |c| c.id))
}

pub async fn create_customer(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<CreateCustomerRequest>,
) -> Result<Response, ApiError> {
    principal.require(names::CUSTOMER_WRITE)?;
    let new = request.parse()?;
    let now = itsm_http::now();
    let customer = in_transaction(&*services.db, async |db| {
        if customers::load_customer(db, &new.code).await?.is_some() {
            return Err(ApiError::Conflict {
                detail: format!("the customer code {} is taken", new.code),
            });
        }
        let mut customer = Customer {
            id: 0,
            code: new.code.clone(),
            name: new.name.clone(),
            contract_reference: new.contract_reference.clone(),
            created_at: now.clone(),
            created_by: principal.user.clone(),
            updated_at: now.clone(),
            version: 1,
        };
        customer.id = customers::insert_customer(db, &customer).await?;
        record(
            db,
            &principal,
            &Change::created("customer", customer.id, &customer),
            &now,
        )
        .await?;
        Ok(customer)
    })
    .await?;
    let location = format!("/api/v1/customers/{}", customer.code);
    Ok(respond(
        &customer,
        customer.version,
        StatusCode::CREATED,
        Some(location),
    ))
}

pub async fn get_customer(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let customer = find_customer(&*services.db, &principal, &code).await?;
    Ok(respond(&customer, customer.version, StatusCode::OK, None))
}

pub async fn update_customer(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UpdateCustomerRequest>,
) -> Result<Response, ApiError> {
    principal.require(names::CUSTOMER_WRITE)?;
    let required = etag::if_match(&headers)?;
    let changes = request.parse()?;
    let now = itsm_http::now();
    let updated = in_transaction(&*services.db, async |db| {
        let current = find_customer(db, &principal, &code).await?;
        etag::check(
            required.as_deref(),
            current.version,
            &format!("customer {code}"),
        )?;
        let mut next = current.clone();
        if let Some(name) = &changes.name {
            next.name = name.clone();
        }
        if let Some(reference) = &changes.contract_reference {
            next.contract_reference = reference.clone();
        }
        if next == current {
            return Ok(current);
        }
        next.updated_at = now.clone();
        if !customers::save_customer(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the customer"));
        }
        next.version = current.version + 1;
        let change = Change::new("customer", next.id, "update")
            .before(&current)
            .after(&next);
        record(db, &principal, &change, &now).await?;
        Ok(next)
    })
    .await?;
    Ok(respond(&updated, updated.version, StatusCode::OK, None))
}

/// `GET /api/v1/customers/{code}/contacts`: the live customer-role assignments of that customer.
pub async fn list_contacts(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let customer = find_customer(&*services.db, &principal, &code).await?;
    let query = QueryParams::parse(query, &[])?;
    let page = query.page()?;
    let now = itsm_http::now();
    let filter = AssignmentFilter {
        which: Which::Live,
        user_id: None,
        role: Some(Role::Customer.as_str().to_owned()),
        scope: Some(Scope::customer(&customer.code)),
        reevaluation_due_before: None,
    };
    let found =
        assignments::list_assignments(&*services.db, &filter, page.after, page.limit, &now).await?;
    let path = format!("/api/v1/customers/{}/contacts", customer.code);
    Ok(query.respond(&path, page, found, |a| a.id))
}

/// `POST /api/v1/customers/{code}/contacts`: a new user holding the customer role for this
/// customer. Managing a customer's contacts is part of managing the customer (`customer.write`),
/// so it needs no general right to grant roles; the contact can hold nothing else through it.
pub async fn create_contact(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
    ApiJson(request): ApiJson<CreateContactRequest>,
) -> Result<Response, ApiError> {
    principal.require(names::CUSTOMER_WRITE)?;
    let new = request.parse()?;
    let now = itsm_http::now();
    let assignment = in_transaction(&*services.db, async |db| {
        let customer = find_customer(db, &principal, &code).await?;
        let user = add_user(db, &principal, &new, &now).await?;
        let contact = NewGrant {
            grant: Grant::new(Role::Customer, Some(Scope::customer(&customer.code)))
                .map_err(|e| ApiError::Internal(e.to_string()))?,
            reason: format!("contact of customer {}", customer.code),
            valid_until: None,
            reevaluate_by: None,
        };
        grant(db, &principal, &user, &contact, &now).await
    })
    .await?;
    let location = format!("/api/v1/role-assignments/{}", assignment.id);
    Ok(respond(
        &assignment,
        assignment.version,
        StatusCode::CREATED,
        Some(location),
    ))
}
