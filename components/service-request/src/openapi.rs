//! The service request component's part of the OpenAPI document, next to its route table so the
//! two change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::wire::{
    DecisionBody, NewTaskRequest, OrderRequest, RequestActionBody, RequestView, TaskActionBody,
    TaskView, UpdateTaskRequest,
};
use itsm_domain::access::names;
use itsm_domain::request::{RequestAction, RequestState};
use itsm_http::openapi::ApiDoc;
use itsm_http::settings::{SettingsRequest, SettingsResponse, TickResponse};
use itsm_http::sla::clocks::RecordSla;

const TAG: &str = "requests";
const ID: &str = "The request's id or number, such as 42 or REQ0000042.";
const TASK: &str = "The task's number within its request, such as 1.";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(TAG, "Service requests (ISO/IEC 20000-1 §8.6; requirements §2.3): orders from the published catalogue, approvals, fulfilment tasks and verification by the requester.");
    describe_requests(doc);
    describe_decisions(doc);
    describe_tasks(doc);
    describe_settings(doc);
}

fn describe_settings(doc: &mut ApiDoc) {
    doc.get(
        "/api/v1/requests/settings",
        "getRequestSettings",
        "Read the service request process's settings",
    )
    .tag(TAG)
    .authority(names::REQUEST_READ)
    .ok::<SettingsResponse>("The settings.")
    .add();
    doc.put("/api/v1/requests/settings", "putRequestSettings", "Change the service request process's settings")
        .tag(TAG)
        .authority(names::PROCESS_CONFIGURE)
        .describe("Needs the authority in the scope of the service request process. `auto_close_after_hours` (1 to 8784, or null for never) is how long a fulfilment waits for the requester to confirm it; it applies to fulfilments from then on: each fulfilment's deadline (`auto_close_at`) is fixed when it is given.")
        .body::<SettingsRequest>()
        .ok::<SettingsResponse>("The settings now.")
        .add();
    doc.post("/api/v1/requests/tick", "tickRequests", "Carry out what has fallen due")
        .tag(TAG)
        .authority(names::SCHEDULE_RUN)
        .describe("For a scheduler: stores the closure of fulfilments the requester left unanswered past the configured time, at most 100 per call, oldest first, each audited with the system as actor. Reads already show them closed; calling twice changes nothing twice.")
        .ok::<TickResponse>("What this call did.")
        .add();
}

fn describe_requests(doc: &mut ApiDoc) {
    doc.post("/api/v1/requests", "orderRequest", "Order from the published catalogue")
        .tag(TAG)
        .authority(names::REQUEST_CREATE)
        .describe("The item must be in the latest published catalogue, have a request form and a service that is not retired; the answers must satisfy the form (each bad answer named `answers.<key>`), and every user named must be active. A customer contact orders for a contact of the same customer and leaves `priority` to the service desk. An item that names the orderer or recipient as its approver cannot be ordered by them. An item with an approval policy starts `awaiting_approval`, any other `submitted`.")
        .body::<OrderRequest>()
        .created::<RequestView>("The new request, its approvals awaited.")
        .links("id", "$response.body#/id", &["getRequest", "listRequestTasks"])
        .add();
    doc.get("/api/v1/requests", "listRequests", "List service requests, newest first")
        .tag(TAG)
        .describe("Everyone sees the requests they ordered or that are for them; customer contacts also their organisations'; holders of `request.read` all. `me` stands for the caller in `assignee`, `requested_by` and `requested_for`; `approver=me` lists what awaits the caller's decision.")
        .query_choice("state", "Only requests in this state.", RequestState::ALL.iter().map(|s| s.as_str()))
        .query("item", "Only orders of this catalogue item.")
        .query("service", "Only requests for this service.")
        .query("customer", "Only this customer's requests.")
        .query("assignee", "Only requests assigned to this user (or `me`).")
        .query("requested_by", "Only requests ordered by this user (or `me`).")
        .query("requested_for", "Only requests for this user (or `me`).")
        .query_choice("approver", "Only requests awaiting the caller's decision.", ["me"])
        .query_choice("sla", "Only those with a clock breached, or at risk (past its warning threshold, not yet due), now.", ["breached", "at_risk"])
        .query("sla_due_before", "Only those with a running clock due before this RFC 3339 instant.")
        .page_of::<RequestView>("A page of requests.")
        .add();
    doc.get("/api/v1/requests/{id}", "getRequest", "Read a service request")
        .tag(TAG)
        .describe("Readable by holders of `request.read` for it, by whoever ordered it or it is for, and by its approvers; to anyone else it does not exist.")
        .path_param("id", ID)
        .ok_record::<RequestView>("The request with its approvals and the actions its state allows.")
        .add();
    doc.get("/api/v1/requests/{id}/sla", "getRequestSla", "A service request's SLA clocks, explained")
        .tag(TAG)
        .describe("Computed at the moment of reading from the record, its audit trail, and the service level process's agreements, calendars and clock policy: the agreement and target that govern it (the most specific SLA in force when it was logged, for its customer, service and current priority) and why; the calendar; for each of the response and resolution targets when its clock started, every pause with its reason, elapsed and remaining working time, the due time, the warning time, whether it is on track, at risk, breached or met, and a sentence explaining the figure. A target for the ordered catalogue entry beats one for every request. Readable by whoever may read the request.")
        .path_param("id", ID)
        .ok::<RecordSla>("The clocks.")
        .add();
    doc.post("/api/v1/requests/{id}/{action}", "actOnRequest", "Move a request through fulfilment")
        .tag(TAG)
        .describe("`assign` (needs `assignee`, who must hold `request.write`), `start` and `fulfil` (needs `notes`, and every task done or cancelled) need `request.write`; `confirm` (optional `notes` as feedback) and `reopen` (needs `reason`) belong to whoever ordered the request or it is for; `cancel` (needs `reason`; open tasks are cancelled with it) to either side before delivery. A 403 names the authority or the standing (`requester`) that was missing. An action the state does not allow gets 409 with `allowed_actions`.")
        .path_param("id", ID)
        .path_choice("action", "What to do.", RequestAction::ALL.iter().map(|a| a.as_str()))
        .optional_body::<RequestActionBody>()
        .if_match()
        .ok_record::<RequestView>("The request in its new state.")
        .fails(409, "The state does not allow this action now, or tasks are still open.")
        .add();
}

fn describe_decisions(doc: &mut ApiDoc) {
    let decisions = [
        (
            "/api/v1/requests/{id}/approve",
            "approveRequest",
            "Approve an order",
            "Optional `reason`.",
        ),
        (
            "/api/v1/requests/{id}/reject",
            "rejectRequest",
            "Reject an order",
            "Needs `reason`.",
        ),
    ];
    for (path, id, summary, body) in decisions {
        doc.post(path, id, summary)
            .tag(TAG)
            .describe("Only an approver still awaited may decide: the user the item names, or a holder of a role it names (a scoped grant only for the request's service or customer). Nobody decides an order made by or for themselves, and each person decides once. Under the rule `all` every approver must approve and one rejection rejects; under `any` one approval approves and the order is rejected once every approver has rejected it.")
            .describe(body)
            .path_param("id", ID)
            .optional_body::<DecisionBody>()
            .if_match()
            .ok_record::<RequestView>("The request with the decision recorded.")
            .fails(403, "The caller is not an approver still awaited, or ordered the request or is its recipient (`authority`: `approver`).")
            .fails(409, "The request does not await approval, or the caller has already decided it.")
            .add();
    }
}

fn describe_tasks(doc: &mut ApiDoc) {
    const WORKABLE: &str = "Tasks are added and changed by holders of `request.write` while the request is submitted, assigned or in progress.";
    doc.get(
        "/api/v1/requests/{id}/tasks",
        "listRequestTasks",
        "List a request's fulfilment tasks",
    )
    .tag(TAG)
    .path_param("id", ID)
    .list_of::<TaskView>("In number order.")
    .add();
    doc.post(
        "/api/v1/requests/{id}/tasks",
        "addRequestTask",
        "Add a fulfilment task",
    )
    .tag(TAG)
    .authority(names::REQUEST_WRITE)
    .describe(WORKABLE)
    .path_param("id", ID)
    .body::<NewTaskRequest>()
    .created::<TaskView>("The new task, numbered within its request.")
    .fails(409, "The request does not take tasks in its state.")
    .add();
    doc.get(
        "/api/v1/requests/{id}/tasks/{number}",
        "getRequestTask",
        "Read a fulfilment task",
    )
    .tag(TAG)
    .path_param("id", ID)
    .path_param("number", TASK)
    .ok_record::<TaskView>("The task.")
    .add();
    doc.patch(
        "/api/v1/requests/{id}/tasks/{number}",
        "updateRequestTask",
        "Change or reassign an open task",
    )
    .tag(TAG)
    .authority(names::REQUEST_WRITE)
    .describe(WORKABLE)
    .path_param("id", ID)
    .path_param("number", TASK)
    .body::<UpdateTaskRequest>()
    .if_match()
    .ok_record::<TaskView>("The changed task.")
    .fails(
        409,
        "The task is finished, or the request does not take tasks in its state.",
    )
    .add();
    doc.post(
        "/api/v1/requests/{id}/tasks/{number}/{action}",
        "finishRequestTask",
        "Complete or cancel a task",
    )
    .tag(TAG)
    .authority(names::REQUEST_WRITE)
    .describe(
        "`complete` takes optional `notes` on what was done; `cancel` needs them as its reason.",
    )
    .path_param("id", ID)
    .path_param("number", TASK)
    .path_choice("action", "What to do.", ["complete", "cancel"])
    .optional_body::<TaskActionBody>()
    .if_match()
    .ok_record::<TaskView>("The finished task.")
    .fails(
        409,
        "The task is already finished, or the request does not take tasks in its state.",
    )
    .add();
}
