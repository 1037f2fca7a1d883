//! `POST /api/v1/complaints`: records a complaint or feedback as received, from any channel: the
//! hotline for a caller [004-1 §3.1], or a customer contact for itself through the product
//! [004-9 Art. 9]. Its clocks start at once (see `GET …/{id}/sla`).

use super::{CREATE, refresh_clocks, respond, scopes_for};
use crate::store::{Complaint, insert_complaint};
use crate::wire::{ComplaintView, NewComplaintRequest};
use axum::extract::{Extension, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::RecordKind;
use itsm_domain::access::{Process, Role, Scope, holds_role, names};
use itsm_domain::complaint::ComplaintKind;
use itsm_domain::incident::Channel;
use itsm_http::audit::{Change, record};
use itsm_http::auth::grants_of;
use itsm_http::references::{ensure_customer_exists, ensure_service_open};
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::{Sql, in_transaction};

/// A kind of record a complaint may be about: who may read it, in which process, and how to
/// read its customer, service, security mark and parties.
struct Readable {
    kind: RecordKind,
    authority: &'static str,
    process: Process,
    sql: &'static str,
}

const ABOUT: &[Readable] = &[
    Readable {
        kind: RecordKind::Incident,
        authority: names::INCIDENT_READ,
        process: Process::Incident,
        sql: "SELECT customer, service, security, created_by AS party, caller AS other_party
              FROM incident WHERE incident_id = ?",
    },
    Readable {
        kind: RecordKind::Request,
        authority: names::REQUEST_READ,
        process: Process::ServiceRequest,
        sql: "SELECT customer, service_code AS service, 0 AS security, requested_by AS party,
                     requested_for AS other_party
              FROM service_request WHERE request_id = ?",
    },
    Readable {
        kind: RecordKind::Problem,
        authority: names::PROBLEM_READ,
        process: Process::Problem,
        sql: "SELECT customer, service_code AS service, 0 AS security, NULL AS party,
                     NULL AS other_party
              FROM problem WHERE problem_id = ?",
    },
    Readable {
        kind: RecordKind::Agreement,
        authority: names::SLA_READ,
        process: Process::ServiceLevel,
        sql: "SELECT NULL AS customer, NULL AS service, 0 AS security, NULL AS party,
                     NULL AS other_party
              FROM service_agreement WHERE agreement_id = ?",
    },
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
            Some(text) => Some(about(db, &principal, text).await?),
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

/// The record a complaint is about, as its number: one that exists and that the caller may
/// read (by its process's read authority for its customer and service, or as its reporter,
/// caller, orderer or recipient; a security incident only by the security team and its
/// parties). Anything else reads as not there, so nothing is learnt by trying.
async fn about(db: &impl Sql, principal: &Principal, text: &str) -> Result<String, ApiError> {
    let prefixed = |kind: RecordKind| {
        text.get(..kind.prefix().len())
            .is_some_and(|p| p.eq_ignore_ascii_case(kind.prefix()))
    };
    let Some(readable) = ABOUT.iter().find(|r| prefixed(r.kind)) else {
        return Err(ApiError::invalid_field(
            "about",
            "must be a record number such as INC0000042, REQ0000007, PRB0000003 or SLA0000001",
        ));
    };
    let id = readable
        .kind
        .parse_ref(text)
        .map_err(|m| ApiError::invalid_field("about", m))?;
    let number = readable.kind.number_text(id);
    let rows = db.query(readable.sql, &[id.into()]).await?;
    let readable_here = match rows.first() {
        None => false,
        Some(row) => {
            let customer: Option<String> = row.get("customer")?;
            let service: Option<String> = row.get("service")?;
            let security: bool = row.get("security")?;
            let me = Some(principal.user.clone());
            let party = principal.user_id.is_some()
                && (row.get::<Option<String>>("party")? == me
                    || row.get::<Option<String>>("other_party")? == me);
            let mut scopes = vec![Scope::process(readable.process)];
            scopes.extend(customer.as_deref().map(Scope::customer));
            scopes.extend(service.as_deref().map(Scope::service));
            let reads = if security {
                principal.may(names::INCIDENT_SECURITY, &[])
            } else {
                principal.may(readable.authority, &scopes)
            };
            party || reads
        }
    };
    if !readable_here {
        return Err(ApiError::invalid_field(
            "about",
            format!("there is no {number} you may name"),
        ));
    }
    Ok(number)
}
