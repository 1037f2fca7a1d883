//! `POST /api/v1/complaints`: records a complaint or feedback as received, from any channel: the
//! hotline for a caller [004-1 §3.1], or a customer contact for itself through the product
//! [004-9 Art. 9]. Its clocks start at once (see `GET …/{id}/sla`).

use super::{CREATE, refresh_clocks, respond, scopes_for};
use crate::named::named_record;
use crate::store::{Complaint, insert_complaint};
use crate::wire::{ComplaintView, NewComplaintRequest};
use axum::extract::{Extension, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::RecordKind;
use itsm_domain::access::{Role, Scope, holds_role};
use itsm_domain::complaint::ComplaintKind;
use itsm_domain::incident::Channel;
use itsm_http::audit::{Change, record};
use itsm_http::auth::grants_of;
use itsm_http::references::{ensure_customer_exists, ensure_service_open};
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::{Sql, in_transaction};

/// What a complaint may be about: work done for the customer, and the agreement itself.
const ABOUT: [RecordKind; 4] = [
    RecordKind::Incident,
    RecordKind::Request,
    RecordKind::Problem,
    RecordKind::Agreement,
];

pub async fn create_complaint(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<NewComplaintRequest>,
) -> Result<Response, ApiError> {
    let customer = principal.customer_for(CREATE, request.customer.as_ref().map(|c| c.as_str()))?;
    let service = request.service.as_ref().map(|s| s.as_str().to_owned());
    principal.require_in(CREATE, &scopes_for(customer.as_deref(), service.as_deref()))?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        if let Some(code) = &customer {
            ensure_customer_exists(db, code, "customer").await?;
        }
        if let Some(code) = &service {
            ensure_service_open(db, code, "service").await?;
        }
        let complainant = complainant(db, &principal, &request, customer.as_deref(), &now).await?;
        let about = match &request.about {
            Some(text) => Some(
                named_record(db, &principal, "about", text, &ABOUT)
                    .await?
                    .number,
            ),
            None => None,
        };
        let mut complaint = Complaint {
            contact_details: request
                .contact_details
                .as_ref()
                .map(|c| c.as_str().to_owned()),
            customer: customer.clone(),
            service: service.clone(),
            about,
            ..Complaint::received(
                request.kind.unwrap_or(ComplaintKind::Complaint),
                request.subject.as_str(),
                request.content.as_str(),
                request.channel.unwrap_or(Channel::Web),
                &complainant,
                &principal.user,
                &now,
            )
        };
        complaint.id = insert_complaint(db, &complaint).await?;
        let change = Change::created("complaint", complaint.id, &ComplaintView::new(&complaint));
        record(db, &principal, &change, &now).await?;
        refresh_clocks(db, complaint.id, &now).await?;
        Ok(respond(&complaint, StatusCode::CREATED))
    })
    .await
}

/// Who brought it: as named, or the caller. A customer contact brings only their own; a
/// complainant named by the hotline must be an active user and, if they are some customer's
/// contact, a contact of this complaint's customer, since they will read it and answer its
/// result.
async fn complainant(
    db: &impl Sql,
    principal: &Principal,
    request: &NewComplaintRequest,
    customer: Option<&str>,
    now: &str,
) -> Result<String, ApiError> {
    let Some(name) = request.complainant.as_ref().map(|c| c.as_str()) else {
        return Ok(principal.user.clone());
    };
    if name == principal.user {
        return Ok(name.to_owned());
    }
    if principal.visible_customers(CREATE)?.is_some() {
        return Err(ApiError::invalid_field(
            "complainant",
            "a customer contact brings their own complaints; leave complainant out",
        ));
    }
    let grants = grants_of(db, name, now).await?.ok_or_else(|| {
        ApiError::invalid_field("complainant", format!("there is no active user {name}"))
    })?;
    let a_contact = grants.iter().any(|g| g.role == Role::Customer);
    let of_this_customer =
        customer.is_some_and(|c| holds_role(&grants, Role::Customer, &[Scope::customer(c)]));
    if a_contact && !of_this_customer {
        return Err(ApiError::invalid_field(
            "complainant",
            match customer {
                Some(c) => format!("{name} is not a contact of customer {c}"),
                None => format!("{name} is a customer contact: name their customer"),
            },
        ));
    }
    Ok(name.to_owned())
}
