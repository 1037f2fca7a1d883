//! The `service_request` table: one row per order, from approval to closure.

use itsm_domain::access::{Grant, Process, ScopeKind};
use itsm_domain::catalogue::{Answers, ApprovalRule, Localized};
use itsm_domain::closure::Closure;
use itsm_domain::incident::Priority;
use itsm_domain::request::RequestState;
use itsm_store::{Row, Sql, StoreError, Value, to_json};
use serde::Serialize;

/// A service request as stored.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "ServiceRequestFields")]
pub struct ServiceRequest {
    #[serde(skip)]
    pub id: i64,
    /// The published catalogue version it was ordered from.
    pub catalogue_version: i64,
    /// The catalogue item's code.
    pub item: String,
    /// The item's name as published.
    pub item_name: Localized<160>,
    pub service: String,
    /// The customer organisation it is for; its contacts may follow it.
    pub customer: Option<String>,
    pub requested_by: String,
    pub requested_for: String,
    /// How to reach the orderer when not through the product (a name and e-mail address).
    pub contact_details: Option<String>,
    pub priority: Priority,
    /// The checked answers to the item's request form, by field key.
    pub answers: Answers,
    /// How the approvals combine; `null` when the item needs no approval.
    pub approval_rule: Option<ApprovalRule>,
    pub state: RequestState,
    pub assignment_group: Option<String>,
    pub assignee: Option<String>,
    /// What was delivered, for the requester to verify.
    pub fulfilment_notes: Option<String>,
    pub cancel_reason: Option<String>,
    pub reassignment_count: i64,
    /// How often the requester sent a fulfilment back.
    pub reopen_count: i64,
    #[serde(skip)]
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub approved_at: Option<String>,
    pub fulfilled_at: Option<String>,
    /// When it was closed, rejected or cancelled.
    pub closed_at: Option<String>,
    /// How a closed request came to be closed: confirmed by the requester or closed by itself.
    pub closure: Option<Closure>,
    /// When a fulfilment the requester leaves unanswered closes itself: fixed at fulfilment,
    /// from the setting then in force; `null` while not fulfilled or when it never does.
    pub auto_close_at: Option<String>,
}

const COLUMNS: &str = "request_id, catalogue_version, item_code, item_name, service_code, customer, requested_by,
    requested_for, contact_details, priority, answers, approval_rule, state, assignment_group, assignee, fulfilment_notes,
    cancel_reason, reassignment_count, reopen_count, version, created_at, updated_at, approved_at, fulfilled_at, closed_at, closure, auto_close_at";

impl ServiceRequest {
    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        Ok(ServiceRequest {
            id: row.get("request_id")?,
            catalogue_version: row.get("catalogue_version")?,
            item: row.get("item_code")?,
            item_name: row.json("item_name")?,
            service: row.get("service_code")?,
            customer: row.get("customer")?,
            requested_by: row.get("requested_by")?,
            requested_for: row.get("requested_for")?,
            contact_details: row.get("contact_details")?,
            priority: row.parsed("priority", Priority::parse)?,
            answers: row.json("answers")?,
            approval_rule: row.parsed_opt("approval_rule", ApprovalRule::parse)?,
            state: row.parsed("state", RequestState::parse)?,
            assignment_group: row.get("assignment_group")?,
            assignee: row.get("assignee")?,
            fulfilment_notes: row.get("fulfilment_notes")?,
            cancel_reason: row.get("cancel_reason")?,
            reassignment_count: row.get("reassignment_count")?,
            reopen_count: row.get("reopen_count")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
            approved_at: row.get("approved_at")?,
            fulfilled_at: row.get("fulfilled_at")?,
            closed_at: row.get("closed_at")?,
            closure: row.parsed_opt("closure", Closure::parse)?,
            auto_close_at: row.get("auto_close_at")?,
        })
    }

    /// Whether `user` ordered it or is who it is for: the people who verify it.
    pub fn is_party(&self, user: &str) -> bool {
        self.requested_by == user || self.requested_for == user
    }
}

/// Inserts a new request (version 1) and returns its id.
pub async fn insert_request(db: &impl Sql, r: &ServiceRequest) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO service_request (catalogue_version, item_code, item_name, service_code, customer, requested_by,
            requested_for, contact_details, priority, answers, approval_rule, state, assignment_group, assignee,
            created_at, updated_at, approved_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            r.catalogue_version.into(),
            r.item.as_str().into(),
            to_json(&r.item_name)?.into(),
            r.service.as_str().into(),
            r.customer.as_deref().into(),
            r.requested_by.as_str().into(),
            r.requested_for.as_str().into(),
            r.contact_details.as_deref().into(),
            r.priority.as_str().into(),
            to_json(&r.answers)?.into(),
            r.approval_rule.map(|rule| rule.as_str()).into(),
            r.state.as_str().into(),
            r.assignment_group.as_deref().into(),
            r.assignee.as_deref().into(),
            r.created_at.as_str().into(),
            r.updated_at.as_str().into(),
            r.approved_at.as_deref().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_request(db: &impl Sql, id: i64) -> Result<Option<ServiceRequest>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM service_request WHERE request_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first().map(ServiceRequest::from_row).transpose()
}

/// Writes every mutable column if the stored version is still `expected_version`, bumping it;
/// `false` when another writer got there first. What was ordered never changes.
pub async fn save_request(
    db: &impl Sql,
    r: &ServiceRequest,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE service_request SET priority = ?, state = ?, assignment_group = ?, assignee = ?,
                fulfilment_notes = ?, cancel_reason = ?, reassignment_count = ?, reopen_count = ?, updated_at = ?,
                approved_at = ?, fulfilled_at = ?, closed_at = ?, closure = ?, auto_close_at = ?,
                version = version + 1
             WHERE request_id = ? AND version = ?",
            &[
                r.priority.as_str().into(),
                r.state.as_str().into(),
                r.assignment_group.as_deref().into(),
                r.assignee.as_deref().into(),
                r.fulfilment_notes.as_deref().into(),
                r.cancel_reason.as_deref().into(),
                r.reassignment_count.into(),
                r.reopen_count.into(),
                r.updated_at.as_str().into(),
                r.approved_at.as_deref().into(),
                r.fulfilled_at.as_deref().into(),
                r.closed_at.as_deref().into(),
                r.closure.map(|c| c.as_str()).into(),
                r.auto_close_at.as_deref().into(),
                r.id.into(),
                expected_version.into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Which requests a list shows.
#[derive(Debug, Default, Clone)]
pub struct RequestFilter {
    pub state: Option<RequestState>,
    pub item: Option<String>,
    pub service: Option<String>,
    pub customer: Option<String>,
    pub assignee: Option<String>,
    pub requested_by: Option<String>,
    pub requested_for: Option<String>,
    /// Only requests still awaiting a decision this user (with these grants) may give.
    pub awaiting_decision_of: Option<(String, Vec<Grant>)>,
    /// Only these customers' requests, or the user's own (a customer contact's view); `None`:
    /// no such limit.
    pub visible_to: Option<(String, Vec<String>)>,
    /// The instant the list is as of: fulfilments whose deadline has passed by then have closed
    /// themselves, and the `state` filter counts them as closed, not fulfilled.
    pub as_of: Option<String>,
    /// Only requests whose SLA clocks stand so (as of `as_of`).
    pub sla: itsm_http::sla::summary::SlaFilter,
}

/// Newest first; `after` continues below that id. Fetches `limit + 1` rows so the caller knows
/// whether a next page exists.
pub async fn list_requests(
    db: &impl Sql,
    filter: &RequestFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<ServiceRequest>, StoreError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let mut add = |clause: &str, value: &str| {
        clauses.push(clause.to_owned());
        params.push(value.into());
    };
    match (filter.state, filter.as_of.as_deref()) {
        (Some(RequestState::Fulfilled), Some(now)) => add(
            "state = 'fulfilled' AND (auto_close_at IS NULL OR auto_close_at > ?)",
            now,
        ),
        (Some(RequestState::Closed), Some(now)) => add(
            "(state = 'closed' OR (state = 'fulfilled' AND auto_close_at <= ?))",
            now,
        ),
        (Some(state), _) => add("state = ?", state.as_str()),
        (None, _) => {}
    }
    for (column, value) in [
        ("item_code", &filter.item),
        ("service_code", &filter.service),
        ("customer", &filter.customer),
        ("assignee", &filter.assignee),
        ("requested_by", &filter.requested_by),
        ("requested_for", &filter.requested_for),
    ] {
        if let Some(value) = value {
            add(&format!("{column} = ?"), value);
        }
    }
    if let Some((user, customers)) = &filter.visible_to {
        let marks = itsm_store::placeholders(customers.len());
        clauses.push(format!(
            "(customer IN ({marks}) OR requested_by = ? OR requested_for = ?)"
        ));
        params.extend(customers.iter().map(Value::from));
        params.push(user.into());
        params.push(user.into());
    }
    if let Some((user, grants)) = &filter.awaiting_decision_of {
        awaiting_decision(user, grants, &mut clauses, &mut params);
    }
    if let Some(after) = after {
        clauses.push("request_id < ?".to_owned());
        params.push(after.into());
    }
    let now = filter.as_of.clone().unwrap_or_default();
    if let Some((clause, values)) = itsm_http::sla::summary::condition(
        itsm_domain::sla::TargetRecord::Request,
        "r.request_id",
        &filter.sla,
        &now,
    ) {
        clauses.push(clause);
        params.extend(values);
    }
    let condition = itsm_store::where_clause(&clauses);
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM service_request r {condition} ORDER BY request_id DESC LIMIT ?"
            ),
            &params,
        )
        .await?;
    rows.iter().map(ServiceRequest::from_row).collect()
}

/// Fulfilled requests whose auto-close deadline has passed by `now`, earliest deadline first.
pub async fn overdue_fulfilments(
    db: &impl Sql,
    now: &str,
    limit: u32,
) -> Result<Vec<ServiceRequest>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM service_request WHERE state = 'fulfilled' AND auto_close_at <= ?
                 ORDER BY auto_close_at, request_id LIMIT ?"
            ),
            &[now.into(), limit.into()],
        )
        .await?;
    rows.iter().map(ServiceRequest::from_row).collect()
}

/// Requests awaiting approval with an undecided slot naming `user`, or naming a role one of
/// their grants holds for the request (a scoped grant only for its own service or customer),
/// which `user` neither ordered nor already decided: the rule of `slot_for` and of the
/// self-approval check, written as SQL so that pages stay whole.
fn awaiting_decision(
    user: &str,
    grants: &[Grant],
    clauses: &mut Vec<String>,
    params: &mut Vec<Value>,
) {
    let mut slots = vec!["(a.approver_kind = 'user' AND a.approver = ?)".to_owned()];
    let mut slot_params: Vec<Value> = vec![user.into()];
    for grant in grants {
        slot_params.push(grant.role.as_str().into());
        let Some(scope) = &grant.scope else {
            slots.push("(a.approver_kind = 'role' AND a.approver = ?)".to_owned());
            continue;
        };
        // A process-scoped role counts only within the service request process.
        let column = match scope.kind {
            ScopeKind::Service => "r.service_code",
            ScopeKind::Customer => "r.customer",
            ScopeKind::Process => "?",
        };
        if scope.kind == ScopeKind::Process {
            slot_params.push(Process::ServiceRequest.as_str().into());
        }
        slots.push(format!(
            "(a.approver_kind = 'role' AND a.approver = ? AND {column} = ?)"
        ));
        slot_params.push(scope.key.as_str().into());
    }
    clauses.push(format!(
        "r.state = ? AND r.requested_by <> ? AND r.requested_for <> ?
         AND NOT EXISTS (SELECT 1 FROM request_approval d WHERE d.request_id = r.request_id AND d.decided_by = ?)
         AND EXISTS (SELECT 1 FROM request_approval a WHERE a.request_id = r.request_id AND a.decision IS NULL
             AND ({}))",
        slots.join(" OR ")
    ));
    params.extend([
        RequestState::AwaitingApproval.as_str().into(),
        user.into(),
        user.into(),
        user.into(),
    ]);
    params.extend(slot_params);
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;
    use crate::store::approvals::{ApprovalSlot, decide, insert_slots, slots_of};
    use crate::store::test_db::{NOW, db};
    use itsm_domain::Code;
    use itsm_domain::access::{Role, Scope};
    use itsm_domain::catalogue::Approver;
    use itsm_domain::request::Decision;

    pub(crate) fn order(by: &str, service: &str) -> ServiceRequest {
        ServiceRequest {
            id: 0,
            catalogue_version: 1,
            item: "desktop-om".to_owned(),
            item_name: Localized::from_pairs(&[("en", "Desktop")]).expect("name"),
            service: service.to_owned(),
            customer: None,
            requested_by: by.to_owned(),
            requested_for: by.to_owned(),
            contact_details: None,
            priority: Priority::Moderate,
            answers: Answers::new(),
            approval_rule: Some(ApprovalRule::Any),
            state: RequestState::AwaitingApproval,
            assignment_group: None,
            assignee: None,
            fulfilment_notes: None,
            cancel_reason: None,
            reassignment_count: 0,
            reopen_count: 0,
            version: 1,
            created_at: NOW.to_owned(),
            updated_at: NOW.to_owned(),
            approved_at: None,
            fulfilled_at: None,
            closed_at: None,
            closure: None,
            auto_close_at: None,
        }
    }

    async fn stored(db: &impl Sql, request: &ServiceRequest, approvers: &[Approver]) -> i64 {
        let id = insert_request(db, request).await.expect("insert");
        let slots: Vec<ApprovalSlot> = approvers
            .iter()
            .map(|a| ApprovalSlot::awaiting(id, a.clone()))
            .collect();
        insert_slots(db, &slots).await.expect("slots");
        id
    }

    #[tokio::test]
    async fn a_request_reads_back_as_written_and_saves_at_its_version() {
        let db = db().await;
        let mut request = order("ann", "desktop-om");
        request.id = stored(&db, &request, &[]).await;
        let loaded = load_request(&db, request.id).await.expect("load");
        assert_eq!(loaded.as_ref(), Some(&request));
        request.state = RequestState::Submitted;
        request.approved_at = Some(NOW.to_owned());
        assert!(save_request(&db, &request, 1).await.expect("save"));
        assert!(!save_request(&db, &request, 1).await.expect("stale save"));
        let loaded = load_request(&db, request.id)
            .await
            .expect("load")
            .expect("row");
        assert_eq!(loaded.version, 2);
        assert_eq!(loaded.state, RequestState::Submitted);
    }

    #[tokio::test]
    async fn awaiting_my_decision_follows_the_approver_rules() {
        let db = db().await;
        let manager = Approver::Role(Role::ServiceDeptManager);
        let owner = Approver::Role(Role::ServiceOwner);
        let bob = Approver::User(Code::parse("bob").expect("code"));
        let by_role = stored(
            &db,
            &order("ann", "desktop-om"),
            std::slice::from_ref(&manager),
        )
        .await;
        let by_name = stored(&db, &order("ann", "desktop-om"), &[bob]).await;
        let by_owner = stored(&db, &order("ann", "hotline"), &[owner]).await;
        let own = stored(&db, &order("max", "desktop-om"), &[manager]).await;
        let awaiting = async |user: &str, grants: Vec<Grant>| -> Vec<i64> {
            let filter = RequestFilter {
                awaiting_decision_of: Some((user.to_owned(), grants)),
                ..RequestFilter::default()
            };
            let found = list_requests(&db, &filter, None, 50).await.expect("list");
            found.iter().map(|r| r.id).collect()
        };
        let grant = |role, scope| Grant::new(role, scope).expect("grant");
        let manager_grant = vec![grant(Role::ServiceDeptManager, None)];
        assert_eq!(awaiting("max", manager_grant.clone()).await, [by_role]);
        assert_eq!(awaiting("zoe", manager_grant.clone()).await, [own, by_role]);
        assert_eq!(awaiting("bob", Vec::new()).await, [by_name]);
        let hotline_owner = vec![grant(Role::ServiceOwner, Some(Scope::service("hotline")))];
        assert_eq!(awaiting("olga", hotline_owner).await, [by_owner]);
        let other_owner = vec![grant(Role::ServiceOwner, Some(Scope::service("lan-om")))];
        assert!(awaiting("oleg", other_owner).await.is_empty());

        // Once zoe has decided a request it no longer awaits her, even with slots still open.
        let decided = ApprovalSlot {
            decision: Some(Decision::Approved),
            decided_by: Some("zoe".to_owned()),
            decided_at: Some(NOW.to_owned()),
            ..ApprovalSlot::awaiting(own, Approver::Role(Role::ServiceDeptManager))
        };
        assert!(decide(&db, own, 0, &decided).await.expect("decide"));
        assert!(!decide(&db, own, 0, &decided).await.expect("decided twice"));
        assert_eq!(awaiting("zoe", manager_grant).await, [by_role]);
        let slots = slots_of(&db, &[own, by_role]).await.expect("slots");
        assert_eq!(slots.len(), 2);
        // In request order: by_role was ordered before own.
        assert_eq!((slots[0].request_id, slots[0].decision), (by_role, None));
        assert_eq!(slots[1].decided_by.as_deref(), Some("zoe"));
    }
}
