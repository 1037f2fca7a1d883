//! The incident component's part of the OpenAPI document, next to its route table so the two
//! change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::store::Note;
use crate::wire::{
    AssignRequest, CreateIncidentRequest, IncidentResponse, NoteRequest, PriorityMatrixRequest,
    PriorityMatrixResponse, TransitionRequest, UpdateIncidentRequest,
};
use itsm_domain::access::names;
use itsm_domain::incident::{Action, IncidentState, Priority};
use itsm_http::openapi::ApiDoc;
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
            ],
        )
        .add();
    doc.get("/api/v1/incidents", "listIncidents", "List incidents, newest first")
        .tag(TAG)
        .authority(names::INCIDENT_READ)
        .describe("A customer contact sees only their own organisation's incidents, whatever the filters say.")
        .query_choice("state", "Only incidents in this state.", IncidentState::ALL.iter().map(|s| s.as_str()))
        .query_choice("priority", "Only incidents of this priority.", Priority::ALL.iter().map(|p| p.as_str()))
        .query("assignee", "Only incidents assigned to this person.")
        .query("assignment_group", "Only incidents assigned to this group.")
        .query("customer", "Only this customer organisation's incidents.")
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
    doc.get("/api/v1/incidents/{id}", "getIncident", "Read an incident")
        .tag(TAG)
        .authority(names::INCIDENT_READ)
        .path_param("id", ID)
        .ok_record::<IncidentResponse>("The incident, with the actions its state allows.")
        .add();
    doc.patch("/api/v1/incidents/{id}", "updateIncident", "Change an incident's fields")
        .tag(TAG)
        .authority(names::INCIDENT_WRITE)
        .describe("Absent fields stay as they are; `null` clears an optional one. State changes go through the action routes.")
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
    doc.post("/api/v1/incidents/{id}/{action}", "transitionIncident", "Move an incident through its lifecycle")
        .tag(TAG)
        .authority(names::INCIDENT_WRITE)
        .describe("`hold` needs `hold_reason`; `resolve` needs `resolution_code` and `resolution_notes`; `cancel` needs `reason`. An action the current state does not allow gets 409 with `allowed_actions`.")
        .path_param("id", ID)
        .path_choice("action", "What to do.", Action::ALL.iter().map(|a| a.as_str()))
        .optional_body::<TransitionRequest>()
        .if_match()
        .ok_record::<IncidentResponse>("The incident in its new state.")
        .fails(409, "The incident's state does not allow this action now.")
        .add();
}
