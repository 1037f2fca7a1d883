//! The relationship component's part of the OpenAPI document, next to its route table so the
//! two change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::satisfaction::store::Rating;
use crate::satisfaction::wire::NewRatingRequest;
use crate::wire::{ComplaintActionBody, ComplaintView, NewComplaintRequest};
use itsm_domain::access::names;
use itsm_domain::complaint::{ComplaintAction, ComplaintKind, ComplaintState};
use itsm_domain::satisfaction::{RatedKind, SatisfactionSummary};
use itsm_http::openapi::{ApiDoc, OperationDoc};
use itsm_http::sla::clocks::RecordSla;

const TAG: &str = "complaints";
const RATINGS: &str = "satisfaction";
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
    describe_ratings(doc);
}

fn describe_ratings(doc: &mut ApiDoc) {
    doc.tag(RATINGS, "Customer satisfaction with handled work (requirements §2.18, §7.16; the hotline's user satisfaction survey [004-1 §3.1]): one rating from 1 (very dissatisfied) to 5 (very satisfied) per incident, request or complaint once handled, and the satisfaction score reports read [002 §7.1].");
    doc.post("/api/v1/satisfaction-responses", "createSatisfactionResponse", "Rate a handled incident, request or complaint")
        .tag(RATINGS)
        .authority(names::SATISFACTION_RECORD)
        .describe("`about` must name an incident, request or complaint the caller may read, in its customer's or service's scope of `satisfaction.record`: a customer contact rates its own organisation's, the hotline records a caller's answer (`channel`, `contact_details`). It must have been handled (an incident resolved, a request fulfilled, a complaint given its result, or closed after): else 409. A record is rated once: a second rating gets 409 and the first stays. The rating keeps the record's customer and service, for the summary.")
        .body::<NewRatingRequest>()
        .created::<Rating>("The rating.")
        .fails(409, "The record has not been handled yet, or has been rated already.")
        .add();
    rating_filters(doc.get("/api/v1/satisfaction-responses", "listSatisfactionResponses", "List satisfaction ratings, newest first")
        .tag(RATINGS)
        .authority(names::SATISFACTION_READ)
        .describe("Holders of `satisfaction.read` see every one; a grant scoped to customers or services sees theirs; everyone sees what they recorded. Ratings of security incidents (`restricted`) only to readers who also hold `incident.security`, and to whoever recorded them."))
        .page_of::<Rating>("A page of ratings.")
        .add();
    rating_filters(doc.get("/api/v1/satisfaction-responses/summary", "summariseSatisfaction", "The satisfaction score")
        .tag(RATINGS)
        .authority(names::SATISFACTION_READ)
        .describe("Over the ratings the caller sees that the filters take (those of the list): how many, the average score, the percentage scoring 4 or 5 (the usual satisfaction rate) and how many gave each score."))
        .ok::<SatisfactionSummary>("The summary.")
        .add();
    doc.get(
        "/api/v1/satisfaction-responses/{id}",
        "getSatisfactionResponse",
        "Read a satisfaction rating",
    )
    .tag(RATINGS)
    .authority(names::SATISFACTION_READ)
    .path_param("id", "The rating's id.")
    .ok::<Rating>("The rating.")
    .add();
}

/// The filters the list of ratings and their summary share.
fn rating_filters(operation: OperationDoc<'_>) -> OperationDoc<'_> {
    operation
        .query("about", "Only the rating of this record (INC0000042).")
        .query_choice(
            "kind",
            "Only ratings of this kind of record.",
            RatedKind::ALL.iter().map(|k| k.as_str()),
        )
        .query("customer", "Only this customer organisation's.")
        .query("service", "Only this service's.")
        .query("score", "Only this score, 1 to 5.")
        .query(
            "from",
            "Only those recorded at or after this RFC 3339 instant.",
        )
        .query("to", "Only those recorded before this RFC 3339 instant.")
}
