//! The problem component's part of the OpenAPI document, next to its route table so the two
//! change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::store::changes::TrackedChange;
use crate::store::incidents::LinkedIncident;
use crate::wire::{
    DecisionBody, KnownErrorView, LinkIncidentRequest, NewKnownErrorRequest, NewProblemRequest,
    ProblemActionBody, ProblemView, RaiseChangeRequest, RetireRequest, SolutionRequest,
    UpdateKnownErrorRequest, UpdateProblemRequest,
};
use itsm_domain::access::names;
use itsm_domain::problem::{KnownErrorState, ProblemAction, ProblemState};
use itsm_http::openapi::ApiDoc;

const TAG: &str = "problems";
const KNOWN: &str = "known-errors";
const ID: &str = "The problem's id or number, such as 42 or PRB0000042.";
const KE_ID: &str = "The known error's id or number, such as 7 or KE0000007.";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(TAG, "Problem management (ISO/IEC 20000-1 §8.6.3; requirements §2.4): problems, the incidents they cause, root causes and workarounds, solutions approved only by the problem management team, and the changes raised to implement them.");
    doc.tag(KNOWN, "Known errors: a problem's symptom and workaround, with terms that recognise new incidents as recurrences (linked to the problem and counted when the incident is logged).");
    describe_problems(doc);
    describe_work(doc);
    describe_known_errors(doc);
}

fn describe_problems(doc: &mut ApiDoc) {
    doc.post("/api/v1/problems", "createProblem", "Log a problem")
        .tag(TAG)
        .authority(names::PROBLEM_REPORT)
        .describe("The service must be in the catalogue and not retired; an `assignee` must hold `problem.investigate`; each incident in `incidents` must be one the caller can read (a bad one is named `incidents[i]`). A customer whose contract leaves problem management out is refused.")
        .body::<NewProblemRequest>()
        .created::<ProblemView>("The new problem, state `new`.")
        .links("id", "$response.body#/id", &["getProblem", "listProblemIncidents"])
        .add();
    doc.get(
        "/api/v1/problems",
        "listProblems",
        "List problems, newest first",
    )
    .tag(TAG)
    .authority(names::PROBLEM_READ)
    .query_choice(
        "state",
        "Only problems in this state.",
        ProblemState::ALL.iter().map(|s| s.as_str()),
    )
    .query("service", "Only problems of this service.")
    .query("customer", "Only this customer's problems.")
    .query(
        "assignee",
        "Only problems this user (or `me`) investigates.",
    )
    .query_choice(
        "known_error",
        "Only problems with (true) or without (false) an active known error.",
        ["true", "false"],
    )
    .query_choice(
        "awaiting_approval",
        "Only problems whose solution awaits the problem team's decision.",
        ["true", "false"],
    )
    .page_of::<ProblemView>("A page of problems.")
    .add();
    doc.get("/api/v1/problems/{id}", "getProblem", "Read a problem")
        .tag(TAG)
        .authority(names::PROBLEM_READ)
        .path_param("id", ID)
        .ok_record::<ProblemView>("The problem with its incident count, known errors, tracked changes and the actions its state allows.")
        .add();
    doc.patch("/api/v1/problems/{id}", "updateProblem", "Record the investigation")
        .tag(TAG)
        .authority(names::PROBLEM_INVESTIGATE)
        .describe("Details, assignee (who must hold `problem.investigate`), `root_cause` (summary, category, method; recorded with who and when) and `workaround`, while the problem is new, investigating or fixing. `null` clears an optional field.")
        .path_param("id", ID)
        .body::<UpdateProblemRequest>()
        .if_match()
        .ok_record::<ProblemView>("The problem as changed.")
        .fails(409, "The problem is resolved, closed or cancelled.")
        .add();
    doc.post("/api/v1/problems/{id}/{action}", "actOnProblem", "Move a problem through its lifecycle")
        .tag(TAG)
        .authority(names::PROBLEM_INVESTIGATE)
        .describe("`start` the investigation; `resolve` (optional `notes`) once the approved fix is in: every change raised from it implemented or turned down, and one implemented if the solution needs a change; `close`; `reopen` (needs `reason`) when incidents recur, which drops the solution; `cancel` (needs `reason`) before it is fixed. Resolving or cancelling retires the problem's active known errors. Only an approved solution leads to `fix_in_progress` (see the solution routes).")
        .path_param("id", ID)
        .path_choice("action", "What to do.", ProblemAction::ALL.iter().map(|a| a.as_str()))
        .optional_body::<ProblemActionBody>()
        .if_match()
        .ok_record::<ProblemView>("The problem in its new state.")
        .fails(409, "The state does not allow this action (`allowed_actions` lists what it does), or a change is still open.")
        .add();
}

fn describe_work(doc: &mut ApiDoc) {
    doc.get("/api/v1/problems/{id}/incidents", "listProblemIncidents", "List the incidents a problem causes")
        .tag(TAG)
        .authority(names::PROBLEM_READ)
        .describe("In the order they were linked; incidents the caller may not read (another customer's, a security incident) are left out. `matched_known_error` names the known error that linked an incident when it was logged.")
        .path_param("id", ID)
        .list_of::<LinkedIncident>("The linked incidents as they stand now.")
        .add();
    doc.post("/api/v1/problems/{id}/incidents", "linkProblemIncident", "Link an incident to a problem")
        .tag(TAG)
        .authority(names::PROBLEM_REPORT)
        .describe("The incident must exist and be readable by the caller (otherwise 422 naming `incident`); the incident shows the link as `caused_by` the problem. Closed and cancelled problems take no more incidents.")
        .path_param("id", ID)
        .body::<LinkIncidentRequest>()
        .created::<LinkedIncident>("The link.")
        .fails(409, "Already linked, or the problem is closed or cancelled.")
        .add();
    doc.delete("/api/v1/problems/{id}/incidents/{incident}", "unlinkProblemIncident", "Unlink an incident from a problem")
        .tag(TAG)
        .authority(names::PROBLEM_REPORT)
        .describe("Also removes the incident from the recurrence count of the problem's known errors (a false match).")
        .path_param("id", ID)
        .path_param("incident", "The incident's id or number.")
        .if_match()
        .ok_record::<ProblemView>("The problem without the link.")
        .add();
    doc.put("/api/v1/problems/{id}/solution", "proposeProblemSolution", "Propose a solution")
        .tag(TAG)
        .authority(names::PROBLEM_INVESTIGATE)
        .describe("While investigating and once the root cause is recorded; replaces a rejected or undecided proposal.")
        .path_param("id", ID)
        .body::<SolutionRequest>()
        .if_match()
        .ok_record::<ProblemView>("The problem with the solution `proposed`.")
        .fails(409, "Not investigating, or no root cause recorded.")
        .add();
    doc.post("/api/v1/problems/{id}/solution/{decision}", "decideProblemSolution", "Approve or reject the proposed solution")
        .tag(TAG)
        .authority(names::PROBLEM_SOLUTION_APPROVE)
        .describe("Only the problem management team decides, and never on a proposal of their own (403 naming that standing). `approve` (optional `reason`) moves the problem to `fix_in_progress`; `reject` needs `reason` and leaves it investigating.")
        .path_param("id", ID)
        .path_choice("decision", "The decision.", ["approve", "reject"])
        .optional_body::<DecisionBody>()
        .if_match()
        .ok_record::<ProblemView>("The problem with the decision recorded.")
        .fails(409, "No proposal awaits a decision.")
        .add();
    doc.get(
        "/api/v1/problems/{id}/changes",
        "listProblemChanges",
        "Track the changes raised from a problem",
    )
    .tag(TAG)
    .authority(names::PROBLEM_READ)
    .path_param("id", ID)
    .list_of::<TrackedChange>("Oldest first, each in the state change management gives it now.")
    .add();
    doc.post("/api/v1/problems/{id}/changes", "raiseProblemChange", "Raise a change to implement the approved solution")
        .tag(TAG)
        .authority(names::PROBLEM_INVESTIGATE)
        .describe("Once the solution is approved (`fix_in_progress`). The change starts `requested`, linked from the problem as `resolved_by`; its description is the approved solution unless given.")
        .path_param("id", ID)
        .body::<RaiseChangeRequest>()
        .created::<TrackedChange>("The change request (CHG number).")
        .fails(409, "The problem's solution is not approved.")
        .add();
}

fn describe_known_errors(doc: &mut ApiDoc) {
    doc.post("/api/v1/known-errors", "createKnownError", "Record a known error")
        .tag(KNOWN)
        .authority(names::PROBLEM_INVESTIGATE)
        .describe("From an open problem the caller can read (an unknown one is refused as `problem`, 422). The workaround and root cause default to the problem's; a known error needs a workaround. It matches new incidents of the problem's service (or any service with `any_service`) whose text contains every match term.")
        .body::<NewKnownErrorRequest>()
        .created::<KnownErrorView>("The new known error, `active`.")
        .fails(409, "The problem is closed or cancelled.")
        .add();
    doc.get(
        "/api/v1/known-errors",
        "listKnownErrors",
        "List known errors, newest first",
    )
    .tag(KNOWN)
    .authority(names::PROBLEM_READ)
    .query_choice(
        "state",
        "Only known errors in this state.",
        KnownErrorState::ALL.iter().map(|s| s.as_str()),
    )
    .query("service", "Only known errors matching this service.")
    .query("problem", "Only this problem's known errors.")
    .page_of::<KnownErrorView>("A page of known errors with their recurrence counts.")
    .add();
    doc.get(
        "/api/v1/known-errors/{id}",
        "getKnownError",
        "Read a known error",
    )
    .tag(KNOWN)
    .authority(names::PROBLEM_READ)
    .path_param("id", KE_ID)
    .ok_record::<KnownErrorView>("The known error with its recurrence count.")
    .add();
    doc.patch(
        "/api/v1/known-errors/{id}",
        "updateKnownError",
        "Change an active known error",
    )
    .tag(KNOWN)
    .authority(names::PROBLEM_INVESTIGATE)
    .path_param("id", KE_ID)
    .body::<UpdateKnownErrorRequest>()
    .if_match()
    .ok_record::<KnownErrorView>("The known error as changed.")
    .fails(409, "It is retired.")
    .add();
    doc.post("/api/v1/known-errors/{id}/retire", "retireKnownError", "Retire a known error")
        .tag(KNOWN)
        .authority(names::PROBLEM_INVESTIGATE)
        .describe("It stops matching new incidents and stays for the record. Resolving or cancelling the problem retires its known errors too.")
        .path_param("id", KE_ID)
        .body::<RetireRequest>()
        .if_match()
        .ok_record::<KnownErrorView>("The retired known error.")
        .fails(409, "It is retired already.")
        .add();
}
