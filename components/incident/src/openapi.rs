//! The incident component's part of the OpenAPI document, next to its route table so the two
//! change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::store::{Communication, Link, Note};
use crate::wire::{
    AssignRequest, CreateIncidentRequest, IncidentResponse, NoteRequest, PriorityMatrixRequest,
    PriorityMatrixResponse, TransitionRequest, UpdateIncidentRequest,
};
use crate::wire_alert::{AlertIntakeResponse, AlertmanagerNotification, GenericAlerts};
use crate::wire_major::{
    CommunicationRequest, DeclareMajorRequest, LinkRequest, ReasonRequest, ReviewRequest,
    UpdateMajorRequest,
};
use itsm_domain::access::names;
use itsm_domain::incident::{Action, AlertMapping, IncidentState, Priority};
use itsm_http::openapi::ApiDoc;
use itsm_http::settings::{SettingsRequest, SettingsResponse, TickResponse};
use itsm_http::sla::clocks::RecordSla;
use itsm_store::HistoryEntry;

const TAG: &str = "incidents";
const ID: &str = "The incident's id or number, such as 42 or INC0000042.";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(TAG, "Incident management (ISO/IEC 20000-1 §8.6.1): record, prioritise, assign, hold, resolve and close.");
    doc.post("/api/v1/incidents", "createIncident", "Record an incident")
        .tag(TAG)
        .authority(names::INCIDENT_CREATE)
        .describe("Priority follows from impact and urgency through the priority matrix. A customer contact's incident belongs to their organisation. A `service` must be one the catalogue knows and has not retired.")
        .body::<CreateIncidentRequest>()
        .created::<IncidentResponse>("The recorded incident.")
        .links(
            "id",
            "$response.body#/id",
            &[
                "getIncident",
                "updateIncident",
                "assignIncident",
                "listComments",
                "addComment",
                "listWorkNotes",
                "addWorkNote",
                "getIncidentHistory",
                "transitionIncident",
                "listIncidentLinks",
                "addIncidentLink",
                "declareMajorIncident",
                "listCommunications",
            ],
        )
        .add();
    doc.get("/api/v1/incidents", "listIncidents", "List incidents, newest first")
        .tag(TAG)
        .authority(names::INCIDENT_READ)
        .describe("A customer contact sees only their own organisation's incidents, and only the security team sees security incidents it did not report, whatever the filters say. A resolution that has closed itself is listed, and filtered, as closed.")
        .query_choice("state", "Only incidents in this state.", IncidentState::ALL.iter().map(|s| s.as_str()))
        .query_choice("priority", "Only incidents of this priority.", Priority::ALL.iter().map(|p| p.as_str()))
        .query("assignee", "Only incidents assigned to this person.")
        .query("assignment_group", "Only incidents assigned to this group.")
        .query("customer", "Only this customer organisation's incidents.")
        .query_choice("major", "Only major incidents (true) or only others (false).", ["true", "false"])
        .query_choice("security", "Only security incidents (true) or only others (false).", ["true", "false"])
        .query_choice("sla", "Only those with a clock breached, or at risk (past its warning threshold, not yet due), now.", ["breached", "at_risk"])
        .query("sla_due_before", "Only those with a running clock due before this RFC 3339 instant.")
        .page_of::<IncidentResponse>("A page of incidents.")
        .add();
    doc.get(
        "/api/v1/incidents/priority-matrix",
        "getPriorityMatrix",
        "Read the priority matrix",
    )
    .tag(TAG)
    .authority(names::INCIDENT_READ)
    .ok_record::<PriorityMatrixResponse>("Every impact × urgency cell with its priority.")
    .add();
    doc.put("/api/v1/incidents/priority-matrix", "putPriorityMatrix", "Replace the priority matrix")
        .tag(TAG)
        .authority(names::PROCESS_CONFIGURE)
        .describe("Needs the authority in the scope of the incident process. Every cell must be given; existing incidents keep their priority.")
        .body::<PriorityMatrixRequest>()
        .if_match()
        .ok_record::<PriorityMatrixResponse>("The new matrix.")
        .add();
    doc.get(
        "/api/v1/incidents/settings",
        "getIncidentSettings",
        "Read the incident process's settings",
    )
    .tag(TAG)
    .authority(names::INCIDENT_READ)
    .ok::<SettingsResponse>("The settings.")
    .add();
    doc.put("/api/v1/incidents/settings", "putIncidentSettings", "Change the incident process's settings")
        .tag(TAG)
        .authority(names::PROCESS_CONFIGURE)
        .describe("Needs the authority in the scope of the incident process. `auto_close_after_hours` (1 to 8784, or null for never) applies to resolutions given from then on: each resolution's deadline (`auto_close_at`) is fixed when it is given.")
        .body::<SettingsRequest>()
        .ok::<SettingsResponse>("The settings now.")
        .add();
    doc.post("/api/v1/incidents/tick", "tickIncidents", "Carry out what has fallen due")
        .tag(TAG)
        .authority(names::SCHEDULE_RUN)
        .describe("For a scheduler (Spin's cron trigger, a Kubernetes CronJob, any timer): stores the closure of resolutions the caller left unanswered past the configured time, at most 100 per call, oldest first, each audited with the system as actor, then carries out the SLA escalations the service level tick queued for incidents (raise the urgency, reassign). Reads already show them closed; calling twice changes nothing twice.")
        .ok::<TickResponse>("What this call did.")
        .add();
    describe_alerts(doc);
    doc.get("/api/v1/incidents/{id}", "getIncident", "Read an incident")
        .tag(TAG)
        .authority(names::INCIDENT_READ)
        .path_param("id", ID)
        .describe("A security incident is seen only by the security team and by whoever reported it or is its caller; to others it does not exist. A resolution left unanswered past the configured time shows as closed (`closure`: `auto_closed`).")
        .ok_record::<IncidentResponse>("The incident, with the actions its state allows.")
        .add();
    doc.patch("/api/v1/incidents/{id}", "updateIncident", "Change an incident's fields")
        .tag(TAG)
        .authority(names::INCIDENT_WRITE)
        .describe("Absent fields stay as they are; `null` clears an optional one. State changes go through the action routes. Anyone handling an incident may set `security`; only the security team clears it, and handles security incidents.")
        .path_param("id", ID)
        .body::<UpdateIncidentRequest>()
        .if_match()
        .ok_record::<IncidentResponse>("The changed incident.")
        .add();
    doc.post(
        "/api/v1/incidents/{id}/assign",
        "assignIncident",
        "Assign an incident to a group or a person",
    )
    .tag(TAG)
    .authority(names::INCIDENT_WRITE)
    .path_param("id", ID)
    .body::<AssignRequest>()
    .if_match()
    .ok_record::<IncidentResponse>("The reassigned incident.")
    .add();
    let notes = [
        (
            "/api/v1/incidents/{id}/comments",
            "comments",
            "listComments",
            "addComment",
            names::INCIDENT_CREATE,
            "Comments are seen by the incident's customer; its contacts may add them.",
        ),
        (
            "/api/v1/incidents/{id}/work-notes",
            "work notes",
            "listWorkNotes",
            "addWorkNote",
            names::INCIDENT_WRITE,
            "Work notes are internal: customer contacts never see them.",
        ),
    ];
    for (path, noun, list_id, add_id, add_authority, who) in notes {
        doc.get(path, list_id, &format!("List an incident's {noun}"))
            .tag(TAG)
            .authority(names::INCIDENT_READ)
            .describe(who)
            .path_param("id", ID)
            .list_of::<Note>("Oldest first.")
            .add();
        doc.post(path, add_id, &format!("Add to an incident's {noun}"))
            .tag(TAG)
            .authority(add_authority)
            .describe(who)
            .path_param("id", ID)
            .body::<NoteRequest>()
            .created::<Note>("The note as stored.")
            .add();
    }
    doc.get("/api/v1/incidents/{id}/history", "getIncidentHistory", "An incident's audit timeline")
        .tag(TAG)
        .authority(names::INCIDENT_READ)
        .describe("Every change with actor, roles, time, reason and the states before and after. Customer contacts do not see work-note entries.")
        .path_param("id", ID)
        .list_of::<HistoryEntry>("Oldest first.")
        .add();
    doc.get("/api/v1/incidents/{id}/sla", "getIncidentSla", "An incident's SLA clocks, explained")
        .tag(TAG)
        .authority(names::INCIDENT_READ)
        .describe("Computed at the moment of reading from the record, its audit trail, and the service level process's agreements, calendars and clock policy: the agreement and target that govern it (the most specific SLA in force when it was logged, for its customer, service and current priority) and why; the calendar; for each of the response and resolution targets when its clock started, every pause with its reason, elapsed and remaining working time, the due time, the warning time, whether it is on track, at risk, breached or met, and a sentence explaining the figure. By default the resolution clock pauses while the incident waits for its caller or a vendor, and resumes when a resolved incident is reopened; a priority change moves to that priority's target without losing the time already counted or paused.")
        .path_param("id", ID)
        .ok::<RecordSla>("The clocks.")
        .add();
    doc.post("/api/v1/incidents/{id}/{action}", "transitionIncident", "Move an incident through its lifecycle")
        .tag(TAG)
        .authority(names::INCIDENT_WRITE)
        .describe("`hold` needs `hold_reason`; `resolve` needs `resolution_code` and `resolution_notes`; `reopen`, `reject` and `cancel` need `reason`. `confirm` and `reject` are the caller's answer to a resolution (the user named as caller, or whoever reported it; `authority: caller` otherwise); the support teams `close` (the caller confirmed some other way) or `reopen`. An action the current state does not allow gets 409 with `allowed_actions`.")
        .path_param("id", ID)
        .path_choice("action", "What to do.", Action::ALL.iter().map(|a| a.as_str()))
        .optional_body::<TransitionRequest>()
        .if_match()
        .ok_record::<IncidentResponse>("The incident in its new state.")
        .fails(409, "The incident's state does not allow this action now.")
        .add();
    describe_links(doc);
    describe_major(doc);
}

fn describe_links(doc: &mut ApiDoc) {
    doc.get("/api/v1/incidents/{id}/links", "listIncidentLinks", "An incident's links")
        .tag(TAG)
        .authority(names::INCIDENT_READ)
        .describe("Its own links, and those other records make to it under their inverse names (`duplicated_by`, `causes`, `resolves`).")
        .path_param("id", ID)
        .list_of::<Link>("Oldest first.")
        .add();
    doc.post("/api/v1/incidents/{id}/links", "addIncidentLink", "Link an incident to another record")
        .tag(TAG)
        .authority(names::INCIDENT_WRITE)
        .describe("`affects` a service or configuration item; `duplicate_of` an incident (the original, never another duplicate; once per incident); `caused_by` an incident or change (never in a circle); `resolved_by` a change; `related_to` an incident or change. Incidents and services must exist; change and configuration item references are checked for form until those records exist.")
        .path_param("id", ID)
        .body::<LinkRequest>()
        .created::<Link>("The link.")
        .fails(409, "The incident already has this link, or is already a duplicate.")
        .add();
    doc.delete(
        "/api/v1/incidents/{id}/links/{link}",
        "removeIncidentLink",
        "Remove one of an incident's links",
    )
    .tag(TAG)
    .authority(names::INCIDENT_WRITE)
    .path_param("id", ID)
    .path_param("link", "The link's id, as listed.")
    .no_content("Removed.")
    .add();
}

fn describe_major(doc: &mut ApiDoc) {
    doc.post("/api/v1/incidents/{id}/major", "declareMajorIncident", "Declare a major incident")
        .tag(TAG)
        .authority(names::INCIDENT_MAJOR)
        .describe("Names the emergency response team (active users) and, optionally, the emergency response plan followed. Needs the authority for the incident process.")
        .path_param("id", ID)
        .body::<DeclareMajorRequest>()
        .if_match()
        .ok_record::<IncidentResponse>("The incident, now major.")
        .fails(409, "The incident is finished or already major.")
        .add();
    doc.patch(
        "/api/v1/incidents/{id}/major",
        "updateMajorIncident",
        "Change a major incident's team or plan",
    )
    .tag(TAG)
    .authority(names::INCIDENT_MAJOR)
    .path_param("id", ID)
    .body::<UpdateMajorRequest>()
    .if_match()
    .ok_record::<IncidentResponse>("The incident.")
    .fails(409, "The incident is not a major incident now.")
    .add();
    doc.post(
        "/api/v1/incidents/{id}/major/stand-down",
        "standDownMajorIncident",
        "Stand a major incident down",
    )
    .tag(TAG)
    .authority(names::INCIDENT_MAJOR)
    .describe("Its declaration, team and log are kept.")
    .path_param("id", ID)
    .body::<ReasonRequest>()
    .if_match()
    .ok_record::<IncidentResponse>("The incident, no longer major.")
    .fails(409, "The incident is not a major incident now.")
    .add();
    doc.post("/api/v1/incidents/{id}/major/review", "reviewMajorIncident", "Record the post-incident review")
        .tag(TAG)
        .authority(names::INCIDENT_MAJOR)
        .describe("Cause, solution effectiveness and lessons; the response and restoration times are measured from the record. Once the incident is resolved or closed; a new review replaces the last (the history keeps both).")
        .path_param("id", ID)
        .body::<ReviewRequest>()
        .if_match()
        .ok_record::<IncidentResponse>("The incident with its review.")
        .fails(409, "The incident was never major, or is not resolved yet.")
        .add();
    doc.get(
        "/api/v1/incidents/{id}/communications",
        "listCommunications",
        "A major incident's communication log",
    )
    .tag(TAG)
    .authority(names::INCIDENT_READ)
    .path_param("id", ID)
    .list_of::<Communication>("Oldest first.")
    .add();
    doc.post("/api/v1/incidents/{id}/communications", "addCommunication", "Log a communication about a major incident")
        .tag(TAG)
        .authority(names::INCIDENT_WRITE)
        .describe("What was said, to whom and how. The support teams and the members of the emergency response team may log.")
        .path_param("id", ID)
        .body::<CommunicationRequest>()
        .created::<Communication>("The entry.")
        .fails(409, "The incident is not (and was never) a major incident.")
        .add();
}

fn describe_alerts(doc: &mut ApiDoc) {
    const RULES: &str = "An alert that fires with no open incident of its own (matched by source, the sending account and fingerprint) opens one on channel `monitoring`, its caller the monitor's account, rated and placed by the alert mapping (severity → impact and urgency; service, configuration item, customer and group labels); a label naming no live service or customer is noted in the description instead. Firing again while that incident is open is counted against it (no second incident, the incident itself unchanged), so repeats and retries are harmless; a late copy of an episode (same start) whose incident was closed opens nothing. Clearing resolves it (`resolution_code` of the mapping) when the mapping says so and the account holds `incident.write`, else a work note says it cleared. Each alert is handled on its own: one the account may not act on (another customer's, say) is listed in `ignored` with why, and nothing is written for it.";
    doc.post("/api/v1/incidents/alerts/alertmanager", "receiveAlertmanager", "Receive Prometheus Alertmanager's webhook")
        .tag(TAG)
        .authority(names::INCIDENT_CREATE)
        .describe(&format!("Point a `webhook_config` receiver here with `http_config.authorization` credentials of a monitor's account. Reads version 4 notifications: each alert's `status`, `labels`, `annotations.summary` (else `alertname`) and `annotations.description`, `startsAt`/`endsAt`, `generatorURL` and `fingerprint` (control characters refused, timestamps RFC 3339); at most 100 alerts and 64 KiB (set `max_alerts: 20`); `truncatedAlerts` is reported back. {RULES}"))
        .body::<AlertmanagerNotification>()
        .ok::<AlertIntakeResponse>("What was done with each alert.")
        .add();
    doc.post("/api/v1/incidents/alerts", "receiveAlerts", "Receive alerts from any monitor")
        .tag(TAG)
        .authority(names::INCIDENT_CREATE)
        .describe(&format!("For monitors without an Alertmanager: `source` names the monitor (a code; `alertmanager` is reserved), each alert gives its `fingerprint`, `status`, `summary`, the labels the mapping reads and optionally `started_at`, the start of its episode. {RULES}"))
        .body::<GenericAlerts>()
        .ok::<AlertIntakeResponse>("What was done with each alert.")
        .add();
    doc.get(
        "/api/v1/incidents/alerts/mapping",
        "getAlertMapping",
        "Read how alerts become incidents",
    )
    .tag(TAG)
    .authority(names::INCIDENT_READ)
    .ok::<AlertMapping>("The mapping; Prometheus' conventions until the process owner sets one.")
    .add();
    doc.put("/api/v1/incidents/alerts/mapping", "putAlertMapping", "Set how alerts become incidents")
        .tag(TAG)
        .authority(names::PROCESS_CONFIGURE)
        .describe("Needs the authority in the scope of the incident process. The whole mapping, as `GET` shows it; until set: `severity_label` `severity` with `critical` (high, high), `warning` (medium, medium) and `info` (low, low), `unrated` (medium, medium), `service_label` `service`, `configuration_item_label` `instance`, `customer_label` `customer`, `assignment_group_label` `team`, `resolve_when_cleared` true, `resolution_code` `no_action_needed`. Severities are written in lowercase and matched in any case. Applies to alerts received from then on.")
        .body::<AlertMapping>()
        .ok::<AlertMapping>("The mapping now.")
        .add();
}
