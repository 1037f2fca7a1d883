//! The people an order or its work names, checked against their live grants: an assignee must be
//! able to fulfil the request, a customer contact orders only for fellow contacts, and a named
//! approver must be someone who can still decide, so no order waits for nobody.

use super::WRITE;
use crate::store::requests::ServiceRequest;
use itsm_domain::access::{Role, Scope, holds_role, permits};
use itsm_domain::catalogue::{ApprovalPolicy, Approver};
use itsm_http::auth::grants_of;
use itsm_http::{ApiError, Principal};
use itsm_store::Sql;

/// Someone the work is given to: an active user holding `request.write` for the request.
pub async fn ensure_worker(
    db: &impl Sql,
    user: &str,
    scopes: &[Scope],
    field: &str,
    now: &str,
) -> Result<(), ApiError> {
    match grants_of(db, user, now).await? {
        None => Err(ApiError::invalid_field(
            field,
            format!("there is no active user {user}"),
        )),
        Some(grants) if !permits(&grants, WRITE, scopes) => Err(ApiError::invalid_field(
            field,
            format!("{user} cannot fulfil this request: it needs the authority {WRITE}"),
        )),
        Some(_) => Ok(()),
    }
}

/// Whom the order is for: the orderer unless `given`; a customer contact (whose `request.create`
/// is limited to their customers) orders only for contacts of the same customer.
pub async fn recipient(
    db: &impl Sql,
    principal: &Principal,
    given: Option<&str>,
    customer: Option<&str>,
    now: &str,
) -> Result<String, ApiError> {
    let Some(user) = given else {
        return Ok(principal.user.clone());
    };
    let grants = grants_of(db, user, now).await?.ok_or_else(|| {
        ApiError::invalid_field("requested_for", format!("there is no active user {user}"))
    })?;
    let limited = principal.visible_customers(super::CREATE)?.is_some();
    if let (true, Some(customer)) = (limited, customer)
        && !holds_role(&grants, Role::Customer, &[Scope::customer(customer)])
    {
        return Err(ApiError::invalid_field(
            "requested_for",
            format!("{user} is not a contact of customer {customer}"),
        ));
    }
    Ok(user.to_owned())
}

/// Every approver the item names by user must be active and neither the orderer nor the
/// recipient, or the order could never be decided.
pub async fn ensure_decidable(
    db: &impl Sql,
    policy: Option<&ApprovalPolicy>,
    request: &ServiceRequest,
    now: &str,
) -> Result<(), ApiError> {
    for approver in policy.iter().flat_map(|p| p.approvers.iter()) {
        let Approver::User(user) = approver else {
            continue;
        };
        let user = user.as_str();
        if request.is_party(user) {
            return Err(ApiError::invalid_field(
                "item",
                format!(
                    "{} needs {user}'s approval, and nobody approves an order made by or for themselves",
                    request.item
                ),
            ));
        }
        if grants_of(db, user, now).await?.is_none() {
            return Err(ApiError::invalid_field(
                "item",
                format!(
                    "{} names {user} as its approver, who is not an active user; the service department must update the entry",
                    request.item
                ),
            ));
        }
    }
    Ok(())
}
