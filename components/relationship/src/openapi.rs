//! The relationship component's part of the OpenAPI document, next to its route table so the
//! two change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::wire::{ComplaintActionBody, ComplaintView, NewComplaintRequest};
use itsm_domain::access::names;
use itsm_domain::complaint::{ComplaintAction, ComplaintKind, ComplaintState};
use itsm_http::openapi::ApiDoc;
use itsm_http::sla::clocks::RecordSla;

const TAG: &str = "complaints";
const ID: &str = "The complaint's id or number, such as 42 or CMP0000042.";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(TAG, "Customer complaints and feedback (ISO/IEC 20000-1 §8.3.2; requirements §2.18): collected from every channel, recorded, answered within 24 hours and resolved with a result given back to the customer within 72 unless an agreement sets other complaint targets [002 §4.3.2].");
    doc.post("/api/v1/complaints", "createComplaint", "Record a complaint or feedback")
        .tag(TAG)
        .authority(names::COMPLAINT_CREATE)
        .describe("The hotline records one for a caller (`complainant`, `channel`, `contact_details`); a customer contact brings their own, for their organisation. `customer` must exist, `service` must be in the catalogue and not retired, and `about` must name an existing incident, request, problem or agreement. Its response and result clocks start at once.")
        .body::<NewComplaintRequest>()
        .created::<ComplaintView>("The new complaint, state `received`.")
        .links("id", "$response.body#/id", &["getComplaint", "getComplaintSla"])
        .add();
    doc.get("/api/v1/complaints", "listComplaints", "List complaints and feedback, newest first")
        .tag(TAG)
        .authority(names::COMPLAINT_READ)
        .describe("Holders of `complaint.read` see every one; a grant scoped to customers or services sees theirs; everyone sees what they brought or recorded.")
        .query_choice("kind", "Only complaints, or only feedback.", ComplaintKind::ALL.iter().map(|k| k.as_str()))
        .query_choice("state", "Only those in this state.", ComplaintState::ALL.iter().map(|s| s.as_str()))
        .query("customer", "Only this customer organisation's.")
        .query("assignee", "Only those this user (or `me`) handles.")
        .query_choice("sla", "Only those with a clock breached, or at risk (past its warning threshold, not yet due), now.", ["breached", "at_risk"])
        .query("sla_due_before", "Only those with a running clock due before this RFC 3339 instant.")
        .page_of::<ComplaintView>("A page of complaints.")
        .add();
    doc.get(
        "/api/v1/complaints/{id}",
        "getComplaint",
        "Read a complaint",
    )
    .tag(TAG)
    .authority(names::COMPLAINT_READ)
    .path_param("id", ID)
    .ok_record::<ComplaintView>("The complaint with the actions its state allows.")
    .add();
    doc.get("/api/v1/complaints/{id}/sla", "getComplaintSla", "A complaint's clocks, explained")
        .tag(TAG)
        .authority(names::COMPLAINT_READ)
        .describe("As for incidents and requests: the response clock runs until the first response (or the result), the result clock until the result is given and again after a reopen. The target is the complaint target of the most specific agreement in force when it was received; where none sets one, the seeds' default: 24 hours to the response and 72 to the result, round the clock (`agreement` is then `null`).")
        .path_param("id", ID)
        .ok::<RecordSla>("The clocks.")
        .add();
    doc.post("/api/v1/complaints/{id}/{action}", "actOnComplaint", "Move a complaint through its steps")
        .tag(TAG)
        .authority(names::COMPLAINT_HANDLE)
        .describe("Handlers `assign` (`assignee`, who must hold `complaint.handle`), `respond` (`response`) and `resolve` (`result`; for a complaint, `finding`: upheld, partly_upheld or not_upheld). The customer who brought it `close`s (accepts the result), `reopen`s (`reason`) or `withdraw`s (`reason`); a handler may do these on their word. An action the state does not allow gets 409 with `allowed_actions`.")
        .path_param("id", ID)
        .path_choice("action", "What to do.", ComplaintAction::ALL.iter().map(|a| a.as_str()))
        .optional_body::<ComplaintActionBody>()
        .if_match()
        .ok_record::<ComplaintView>("The complaint in its new state.")
        .fails(409, "The state does not allow this action (`allowed_actions` lists what it does).")
        .add();
}
