//! The service level component's part of the OpenAPI document, next to its route table so the
//! two change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::routes::applicable::ApplicableAnswer;
use crate::routes::calendars::{DueTime, WorkingTime};
use crate::routes::compliance::ComplianceReport;
use crate::routes::events::AnalysisRequest;
use crate::routes::policies::PolicyView;
use crate::routes::tick::SlaTickResponse;
use crate::store::calendars::StoredCalendar;
use crate::store::events::SlaEvent;
use crate::wire::agreement::{ActionRequest, AgreementView, Terms, VersionView};
use crate::wire::calendar::CalendarRequest;
use itsm_domain::access::names;
use itsm_domain::incident::Priority;
use itsm_domain::sla::{AgreementAction, AgreementKind, ClockPolicy, ShownState, TargetRecord};
use itsm_http::openapi::ApiDoc;

const TAG: &str = "service level";
const ID: &str = "The agreement's id or number, such as 2 or SLA0000002.";
const CODE: &str = "The calendar's code, such as uk-office; `always` is round the clock.";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(TAG, "Service level management (ISO/IEC 20000-1 §8.3.3; requirements §2.8, §7.10): SLAs, OLAs and underpinning contracts negotiated by the SLM team, signed by Sales for the customer and approved by the management representative, in numbered versions; their targets; and the business calendars SLA clocks count on.");
    describe_calendars(doc);
    describe_agreements(doc);
}

fn describe_calendars(doc: &mut ApiDoc) {
    doc.get(
        "/api/v1/calendars",
        "listCalendars",
        "List the business calendars",
    )
    .tag(TAG)
    .authority(names::SLA_READ)
    .list_of::<StoredCalendar>("Every calendar, by code.")
    .add();
    doc.get("/api/v1/calendars/{code}", "getCalendar", "Read a calendar")
        .tag(TAG)
        .authority(names::SLA_READ)
        .path_param("code", CODE)
        .ok_record::<StoredCalendar>("The calendar.")
        .add();
    doc.put("/api/v1/calendars/{code}", "putCalendar", "Create or replace a calendar")
        .tag(TAG)
        .authority(names::SLA_WRITE)
        .describe("Working hours per weekday as spans such as `\"09:00-17:30\"` (`\"00:00-24:00\"` is the whole day) in an IANA time zone, holidays (no working time) and exceptional working days (hours of their own, holiday or not). Refused, naming the field: an unknown zone, inverted or overlapping spans, a week without working time, a date listed twice. Clocks read calendars as they are now: a holiday added moves the due times it touches.")
        .path_param("code", CODE)
        .body::<CalendarRequest>()
        .if_match()
        .ok_record::<StoredCalendar>("The calendar as replaced.")
        .created::<StoredCalendar>("The new calendar.")
        .fails(409, "`always` is built in: it counts every minute and is not changed.")
        .add();
    doc.post("/api/v1/calendars/{code}/holidays", "importHolidays", "Import holidays from an iCalendar file")
        .tag(TAG)
        .authority(names::SLA_WRITE)
        .describe("Each all-day event of the file (RFC 5545) is a holiday on every date it spans (at most 31 days an event, 1,000 dates a file); cancelled events are left out. Dates the calendar already has keep their name. An event with a time of day or a repeat rule, or a file that does not parse, is 422 naming `file`, and nothing is stored.")
        .path_param("code", CODE)
        .text_body("text/calendar", "An iCalendar file, such as a public-holiday calendar.")
        .if_match()
        .ok_record::<StoredCalendar>("The calendar with the holidays added.")
        .fails(415, "The body is not sent as text/calendar.")
        .fails(409, "`always` is built in: it counts every minute and is not changed.")
        .add();
    doc.get("/api/v1/calendars/{code}/working-time", "getWorkingTime", "Working time between two instants")
        .tag(TAG)
        .authority(names::SLA_READ)
        .describe("Exact across daylight-saving changes, holidays and exceptional days; at most three years apart.")
        .path_param("code", CODE)
        .query_required("from", "RFC 3339 instant.", 40)
        .query_required("to", "RFC 3339 instant, not before `from`.", 40)
        .ok::<WorkingTime>("The working time.")
        .add();
    doc.get("/api/v1/calendars/{code}/due", "getDueTime", "When an amount of working time runs out")
        .tag(TAG)
        .authority(names::SLA_READ)
        .describe("The instant at which `minutes` of working time, counted from `from`, have passed: what a target's due time is.")
        .path_param("code", CODE)
        .query_required("from", "RFC 3339 instant.", 40)
        .query_required("minutes", "Working minutes, 1 to a year's.", 6)
        .ok::<DueTime>("The due time.")
        .fails(409, "The calendar has too little working time in the next three years.")
        .add();
}

fn describe_agreements(doc: &mut ApiDoc) {
    doc.post("/api/v1/slas", "createAgreement", "Draft an agreement")
        .tag(TAG)
        .authority(names::SLA_WRITE)
        .describe("An SLA with customers, an OLA with an internal team, or an underpinning contract with a supplier, as a draft. Every content item may wait until the terms are negotiated; what is given is checked now: customers, services, catalogue entries, calendars and supported SLAs must exist, targets must be one minute to a year with the resolution no shorter than the response and warnings between 1 and 99 %.")
        .body::<Terms>()
        .created::<AgreementView>("The new draft.")
        .add();
    doc.get("/api/v1/slas", "listAgreements", "List agreements")
        .tag(TAG)
        .authority(names::SLA_READ)
        .query_choice("kind", "Only agreements of this kind.", AgreementKind::ALL.iter().map(|k| k.as_str()))
        .query_choice("state", "Only agreements in this state, as shown (`active` is approved and within its validity).", ShownState::ALL.iter().map(|s| s.as_str()))
        .query("customer", "Only agreements naming this customer.")
        .query("service", "Only agreements naming this service.")
        .page_of::<AgreementView>("A page of agreements.")
        .add();
    doc.get("/api/v1/slas/applicable", "getApplicableAgreement", "Which agreement and target govern a record")
        .tag(TAG)
        .authority(names::SLA_READ)
        .describe("Of the SLAs in force at `at` (approved, within their validity in their calendar's zone, not ended), the most specific covering the record wins: one agreed for the customer and the service beats one for the customer, which beats one for the service, which beats one for everyone; within it, a target for the priority (or catalogue entry) beats one for every record of the kind; of equals, the one approved last. The answer says why in a sentence.")
        .query_choice("record", "The kind of record (required).", TargetRecord::ALL.iter().map(|r| r.as_str()))
        .query("customer", "The record's customer.")
        .query("service", "The record's service.")
        .query_choice("priority", "The record's priority.", Priority::ALL.iter().map(|p| p.as_str()))
        .query("entry", "For requests: the catalogue entry ordered.")
        .query("at", "RFC 3339 instant; now when left out.")
        .ok::<ApplicableAnswer>("The governing agreement and target, or why there is none.")
        .add();
    doc.post("/api/v1/slas/tick", "tickServiceLevels", "Send the warnings and record the breaches that fell due")
        .tag(TAG)
        .authority(names::SCHEDULE_RUN)
        .describe("For a scheduler (Spin's cron trigger, a Kubernetes CronJob, any timer), every minute or so. Each clock past its warning threshold gets one warning, each clock past its target one breach record awaiting its analysis, both addressed to the record's assignee and the agreement's escalation contacts; the clock is read afresh first. However often it is called, concurrently or not, each is sent once. At most 100 a call; `remaining` says whether to call again.")
        .ok::<SlaTickResponse>("What this call did.")
        .add();
    doc.get(
        "/api/v1/slas/events",
        "listSlaEvents",
        "List SLA warnings and breaches, newest first",
    )
    .tag(TAG)
    .authority(names::SLA_READ)
    .query_choice(
        "kind",
        "Only warnings or only breaches.",
        ["warning", "breach"],
    )
    .query("record", "Only this record's (INC0000042, REQ0000007).")
    .query(
        "recipient",
        "Only those sent to this user; `me` for the caller.",
    )
    .query_choice(
        "analysed",
        "Breaches with (true) or without (false) their analysis.",
        ["true", "false"],
    )
    .page_of::<SlaEvent>("A page of events.")
    .add();
    doc.get(
        "/api/v1/slas/events/{id}",
        "getSlaEvent",
        "Read an SLA warning or breach",
    )
    .tag(TAG)
    .authority(names::SLA_READ)
    .path_param("id", "The event's id.")
    .ok::<SlaEvent>("The event.")
    .add();
    doc.put("/api/v1/slas/events/{id}/analysis", "analyseBreach", "Record why a target was missed")
        .tag(TAG)
        .authority(names::SLA_WRITE)
        .describe("The analysis the seeds require of every unmet target [001 §6.1.5]: a cause, the explanation and the corrective action. Breaches only; a later analysis replaces the earlier (the audit trail keeps both).")
        .path_param("id", "The breach's id.")
        .body::<AnalysisRequest>()
        .ok::<SlaEvent>("The breach with its analysis.")
        .fails(409, "The event is a warning, not a breach.")
        .add();
    doc.get("/api/v1/slas/compliance", "getSlaCompliance", "Targets met and missed over a period")
        .tag(TAG)
        .authority(names::SLA_READ)
        .describe("Clocks that stopped within `[from, to)`, met or breached, per agreement, service, customer and metric, with the share met (the SLA achievement rate).")
        .query_required("from", "RFC 3339 instant.", 40)
        .query_required("to", "RFC 3339 instant, after `from`.", 40)
        .query("agreement", "Only this agreement (SLA0000001).")
        .query("customer", "Only this customer.")
        .query("service", "Only this service.")
        .ok::<ComplianceReport>("The figures.")
        .add();
    doc.get("/api/v1/slas/policies/{record}", "getClockPolicy", "Read a clock policy")
        .tag(TAG)
        .authority(names::SLA_READ)
        .describe("Which states of this kind of record run, pause or stop its response and resolution clocks; the defaults until set.")
        .path_choice("record", "The kind of record.", TargetRecord::ALL.iter().map(|r| r.as_str()))
        .ok_record::<PolicyView>("The policy in force.")
        .add();
    doc.put("/api/v1/slas/policies/{record}", "putClockPolicy", "Set a clock policy")
        .tag(TAG)
        .authority(names::PROCESS_CONFIGURE)
        .describe("Every state of the kind gets `run`, `pause` or `stop` for each clock (a held incident's state names what it waits for: `on_hold:awaiting_caller`); each clock must be able to run and stop, and states no record leaves (closed, cancelled, rejected, withdrawn) must stop it. The response clock stops for good at its first stop; the resolution clock resumes when a stopped record runs again (a reopen). The policy applies from the moment it is set: clocks read each state under the policy then in force (a record's current state is read again under the new one), so no figure already past changes.")
        .path_choice("record", "The kind of record.", TargetRecord::ALL.iter().map(|r| r.as_str()))
        .body::<ClockPolicy>()
        .if_match()
        .ok_record::<PolicyView>("The policy as set.")
        .add();
    doc.get("/api/v1/slas/{id}", "getAgreement", "Read an agreement")
        .tag(TAG)
        .authority(names::SLA_READ)
        .path_param("id", ID)
        .ok_record::<AgreementView>(
            "The agreement, its working terms and where its lifecycle stands.",
        )
        .add();
    doc.patch("/api/v1/slas/{id}", "updateAgreement", "Revise an agreement's terms")
        .tag(TAG)
        .authority(names::SLA_WRITE)
        .describe("A JSON merge patch (RFC 7396) of the terms: fields given replace, `null` clears, objects merge. Only while drafted or under review; the version in force stays in force until a revision is approved. `kind` cannot change.")
        .path_param("id", ID)
        .body::<serde_json::Value>()
        .if_match()
        .ok_record::<AgreementView>("The agreement as revised.")
        .fails(409, "The terms are negotiated, signed, approved or expired, and cannot change now.")
        .add();
    doc.get(
        "/api/v1/slas/{id}/versions",
        "listAgreementVersions",
        "List an agreement's approved versions",
    )
    .tag(TAG)
    .authority(names::SLA_READ)
    .path_param("id", ID)
    .list_of::<VersionView>(
        "Every approved version, oldest first, with who negotiated, signed and approved it.",
    )
    .add();
    doc.get(
        "/api/v1/slas/{id}/versions/{number}",
        "getAgreementVersion",
        "Read one approved version",
    )
    .tag(TAG)
    .authority(names::SLA_READ)
    .path_param("id", ID)
    .path_param("number", "The version number: 1, 2, …")
    .ok::<VersionView>("The version as approved.")
    .add();
    doc.post("/api/v1/slas/{id}/{action}", "actOnAgreement", "Take a lifecycle step")
        .tag(TAG)
        .authority(names::SLA_WRITE)
        .describe("`negotiate` (sla.write: the SLM team; all of the seeds' content must be present, each missing item named), `sign` (sla.sign: Sales, for the customer), `approve` (sla.approve: the management representative; freezes the terms as the next version, in force over its validity), `return` (whoever the agreement waits for: sla.sign when negotiated, sla.approve when signed; needs `reason`), `review` (sla.write; the approved version stays in force), `confirm` (sla.write; needs `findings`, the terms unchanged), `expire` (sla.write; needs `reason`; final). An OLA is signed by whoever allocates the internal team's people (resource.allocate), an underpinning contract by the Commerce department (supplier.contract.sign). `sign` and `approve` need `If-Match` with the ETag read, and nobody signs or approves terms they negotiated or signed themselves. An agreement whose validity has ended reads `expired` but can still be renewed: `review`, then a revision with a new validity.")
        .path_param("id", ID)
        .path_choice("action", "The step.", AgreementAction::ALL.iter().map(|a| a.as_str()))
        .optional_body::<ActionRequest>()
        .if_match()
        .ok_record::<AgreementView>("The agreement after the step.")
        .fails(409, "The agreement's state does not allow this step now.")
        .fails(428, "`sign` or `approve` without `If-Match`: a decision names the version it decides on.")
        .add();
}
