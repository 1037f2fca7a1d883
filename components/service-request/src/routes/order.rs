//! `POST /api/v1/requests`: an order from the latest published catalogue. The item must be
//! published, orderable and its service not retired; the answers must satisfy its request form;
//! every person named must be an active user. The order then awaits its approvers, or goes
//! straight to the queue when the item needs no approval.

use super::people::{ensure_decidable, recipient};
use super::{CREATE, respond, scopes_for};
use crate::store::approvals::{ApprovalSlot, insert_slots};
use crate::store::items::{self, PublishedItem};
use crate::store::requests::{self, ServiceRequest};
use crate::wire::{OrderRequest, RequestView};
use axum::extract::{Extension, State};
use axum::response::Response;
use http::StatusCode;
use itsm_domain::Code;
use itsm_domain::catalogue::{Answers, RequestForm};
use itsm_domain::incident::Priority;
use itsm_domain::request::RequestState;
use itsm_http::audit::{Change, record};
use itsm_http::references::{ensure_active_user, ensure_customer_exists, ensure_service_open};
use itsm_http::time::day_of;
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::{Sql, in_transaction};

pub async fn order_request(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(order): ApiJson<OrderRequest>,
) -> Result<Response, ApiError> {
    let customer = principal.customer_for(CREATE, order.customer.as_ref().map(Code::as_str))?;
    ensure_may_prioritise(&principal, &order)?;
    let now = itsm_http::now();
    let (request, slots) = in_transaction(&*services.db, async |db| {
        let (item, form) = orderable_item(db, &order.item).await?;
        let service = item.definition.service.as_str();
        principal.require_in(CREATE, &scopes_for(service, customer.as_deref()))?;
        ensure_service_open(db, service, "item").await?;
        let answers = checked_answers(db, &form, &order, &now).await?;
        if let Some(code) = &customer {
            ensure_customer_exists(db, code, "customer").await?;
        }
        let requested_for = recipient(
            db,
            &principal,
            order.requested_for.as_ref().map(Code::as_str),
            customer.as_deref(),
            &now,
        )
        .await?;
        let mut request = new_record(
            &item,
            &order,
            customer.clone(),
            answers,
            &principal,
            requested_for,
            &now,
        );
        ensure_decidable(db, item.definition.approval.as_ref(), &request, &now).await?;
        request.id = requests::insert_request(db, &request).await?;
        let slots = approval_slots(&item, request.id);
        insert_slots(db, &slots).await?;
        record(
            db,
            &principal,
            &Change::created(
                "service_request",
                request.id,
                &RequestView::new(&request, slots.clone()),
            ),
            &now,
        )
        .await?;
        super::refresh_clocks(db, request.id, &now).await?;
        Ok::<_, ApiError>((request, slots))
    })
    .await?;
    Ok(respond(&request, slots, StatusCode::CREATED))
}

/// The item in the latest published catalogue with the request form it takes orders by (moved
/// out of the item); a 422 names `item`.
async fn orderable_item(
    db: &impl Sql,
    code: &Code,
) -> Result<(PublishedItem, RequestForm), ApiError> {
    let refuse = |message: String| ApiError::invalid_field("item", message);
    let Some(version) = items::latest_version(db).await? else {
        return Err(refuse(
            "nothing has been published in the catalogue yet".to_owned(),
        ));
    };
    match items::load_item(db, version, code.as_str()).await? {
        Some(mut item) => match item.definition.request_form.take() {
            Some(form) => Ok((item, form)),
            None => Err(refuse(format!(
                "{code} cannot be ordered: it has no request form"
            ))),
        },
        None if items::entry_exists(db, code.as_str()).await? => Err(refuse(format!(
            "{code} is not in the published catalogue (version {version}); it may be withdrawn or not yet published"
        ))),
        None => Err(refuse(format!("there is no catalogue item {code}"))),
    }
}

/// The answers checked against the item's form, the date limits counted from the order's day,
/// and every user an answer names checked to exist.
async fn checked_answers(
    db: &impl Sql,
    form: &RequestForm,
    order: &OrderRequest,
    now: &str,
) -> Result<Answers, ApiError> {
    let answers = form.answer(&order.answers, day_of(now))?;
    for (key, user) in form.users_in(&answers) {
        ensure_active_user(db, user, &format!("answers.{key}")).await?;
    }
    Ok(answers)
}

/// Priority is the service desk's call (it drives the queue); customers order at the default.
fn ensure_may_prioritise(principal: &Principal, order: &OrderRequest) -> Result<(), ApiError> {
    if order.priority.is_some() && principal.visible_customers(CREATE)?.is_some() {
        return Err(ApiError::invalid_field(
            "priority",
            "is set by the service desk; leave it out",
        ));
    }
    Ok(())
}

fn approval_slots(item: &PublishedItem, request_id: i64) -> Vec<ApprovalSlot> {
    item.definition
        .approval
        .iter()
        .flat_map(|policy| policy.approvers.iter())
        .map(|approver| ApprovalSlot::awaiting(request_id, approver.clone()))
        .collect()
}

fn new_record(
    item: &PublishedItem,
    order: &OrderRequest,
    customer: Option<String>,
    answers: Answers,
    principal: &Principal,
    requested_for: String,
    now: &str,
) -> ServiceRequest {
    let approval_rule = item.definition.approval.as_ref().map(|policy| policy.rule);
    let (state, approved_at) = match approval_rule {
        Some(_) => (RequestState::AwaitingApproval, None),
        None => (RequestState::Submitted, Some(now.to_owned())),
    };
    ServiceRequest {
        id: 0,
        catalogue_version: item.catalogue_version,
        item: item.code.clone(),
        item_name: item.name().clone(),
        service: item.definition.service.as_str().to_owned(),
        customer,
        requested_by: principal.user.clone(),
        requested_for,
        contact_details: order
            .contact_details
            .as_ref()
            .map(|c| c.as_str().to_owned()),
        priority: order.priority.unwrap_or(Priority::Moderate),
        answers,
        approval_rule,
        state,
        assignment_group: None,
        assignee: None,
        fulfilment_notes: None,
        cancel_reason: None,
        reassignment_count: 0,
        reopen_count: 0,
        version: 1,
        created_at: now.to_owned(),
        updated_at: now.to_owned(),
        approved_at,
        fulfilled_at: None,
        closed_at: None,
        closure: None,
        auto_close_at: None,
    }
}
