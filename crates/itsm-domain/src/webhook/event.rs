//! Events read off the audit trail. Every process already writes each change's entry, with the
//! record before and after as the API shows it, in the change's own transaction; reading the
//! events from there means no process has to remember to announce anything, and none writes
//! another's tables. This file is the pure rule: which entries are which events.

use super::event_type::EventType;
use crate::RecordKind;
use serde_json::{Map, Value, json};

/// One audit entry, as far as events care.
#[derive(Debug, Clone, Copy)]
pub struct RecordChange<'a> {
    pub entity_type: &'a str,
    pub entity_id: i64,
    pub action: &'a str,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

/// One event an entry stands for: its type and what changed (`{"field": {"from", "to"}}`).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordEvent {
    pub event_type: EventType,
    /// The record's number, such as INC0000042.
    pub record: String,
    pub changes: Value,
}

/// The kinds of record that raise events, by the audit trail's entity type.
struct Kind {
    entity_type: &'static str,
    record_kind: RecordKind,
    /// A field only the record's own snapshot has: entries about its notes, links or tasks
    /// carry those instead.
    marker: &'static str,
    created: EventType,
    state_changed: EventType,
    assigned: EventType,
}

const KINDS: &[Kind] = &[
    Kind {
        entity_type: "incident",
        record_kind: RecordKind::Incident,
        marker: "short_description",
        created: EventType::IncidentCreated,
        state_changed: EventType::IncidentStateChanged,
        assigned: EventType::IncidentAssigned,
    },
    Kind {
        entity_type: "service_request",
        record_kind: RecordKind::Request,
        marker: "item",
        created: EventType::RequestCreated,
        state_changed: EventType::RequestStateChanged,
        assigned: EventType::RequestAssigned,
    },
    Kind {
        entity_type: "problem",
        record_kind: RecordKind::Problem,
        marker: "title",
        created: EventType::ProblemCreated,
        state_changed: EventType::ProblemStateChanged,
        assigned: EventType::ProblemAssigned,
    },
    Kind {
        entity_type: "complaint",
        record_kind: RecordKind::Complaint,
        marker: "subject",
        created: EventType::ComplaintCreated,
        state_changed: EventType::ComplaintStateChanged,
        assigned: EventType::ComplaintAssigned,
    },
];

/// The audit trail's entity types that can raise events.
pub fn watched_entity_types() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|k| k.entity_type)
}

/// The events one audit entry stands for, in a fixed order. Entries about a record's notes,
/// links or tasks carry the note, link or task rather than the record and raise none; nor does
/// anything about a security incident, which is for the security team's eyes only.
pub fn events_of(change: &RecordChange<'_>) -> Vec<RecordEvent> {
    let Some(kind) = KINDS.iter().find(|k| k.entity_type == change.entity_type) else {
        return Vec::new();
    };
    let is_record = |v: &&Value| v.get(kind.marker).is_some() && v.get("state").is_some();
    let Some(after) = change.after.filter(is_record) else {
        return Vec::new();
    };
    if after.get("security") == Some(&Value::Bool(true)) {
        return Vec::new();
    }
    let record = kind.record_kind.number_text(change.entity_id);
    let event = |event_type, changes| RecordEvent {
        event_type,
        record: record.clone(),
        changes: Value::Object(changes),
    };
    let mut events = Vec::new();
    let awaits_approval = |v: &Value| v.get("state") == Some(&json!("awaiting_approval"));
    if change.action == "create" {
        events.push(event(kind.created, Map::new()));
        if kind.entity_type == "service_request" && awaits_approval(after) {
            events.push(event(EventType::RequestApprovalNeeded, Map::new()));
        }
        return events;
    }
    let Some(before) = change.before.filter(is_record) else {
        return events;
    };
    let state = difference(before, after, &["state"]);
    if !state.is_empty() {
        events.push(event(kind.state_changed, state));
        if kind.entity_type == "service_request" && awaits_approval(after) {
            events.push(event(EventType::RequestApprovalNeeded, Map::new()));
        }
    }
    let assignment = difference(before, after, &["assignee", "assignment_group"]);
    if !assignment.is_empty() {
        events.push(event(kind.assigned, assignment));
    }
    let major = |v: &Value| v.get("major") == Some(&Value::Bool(true));
    if kind.entity_type == "incident" && major(after) && !major(before) {
        events.push(event(EventType::IncidentMajorDeclared, Map::new()));
    }
    events
}

fn difference(before: &Value, after: &Value, fields: &[&str]) -> Map<String, Value> {
    let mut changes = Map::new();
    for field in fields {
        let (from, to) = (field_of(before, field), field_of(after, field));
        if from != to {
            changes.insert((*field).to_owned(), json!({ "from": from, "to": to }));
        }
    }
    changes
}

fn field_of(value: &Value, field: &str) -> Value {
    value.get(field).cloned().unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(state: &str, assignee: Option<&str>) -> Value {
        json!({"number": "INC0000001", "short_description": "Mail down", "state": state, "assignee": assignee,
               "assignment_group": "desk", "security": false, "major": false})
    }

    fn types(change: &RecordChange<'_>) -> Vec<&'static str> {
        events_of(change)
            .iter()
            .map(|e| e.event_type.as_str())
            .collect()
    }

    #[test]
    fn a_created_record_is_one_event_and_a_request_awaiting_approval_two() {
        let new = incident("new", None);
        let created = RecordChange {
            entity_type: "incident",
            entity_id: 1,
            action: "create",
            before: None,
            after: Some(&new),
        };
        assert_eq!(types(&created), ["incident.created"]);
        let request = json!({"item": "laptop", "state": "awaiting_approval"});
        let ordered = RecordChange {
            entity_type: "service_request",
            entity_id: 3,
            action: "create",
            before: None,
            after: Some(&request),
        };
        assert_eq!(
            types(&ordered),
            ["request.created", "request.approval_needed"]
        );
    }

    #[test]
    fn a_change_names_what_moved_from_what_to_what() {
        let (before, after) = (incident("new", None), incident("in_progress", Some("ann")));
        let change = RecordChange {
            entity_type: "incident",
            entity_id: 1,
            action: "assign",
            before: Some(&before),
            after: Some(&after),
        };
        let events = events_of(&change);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].event_type, EventType::IncidentStateChanged);
        assert_eq!(
            events[0].changes,
            json!({"state": {"from": "new", "to": "in_progress"}})
        );
        assert_eq!(events[1].event_type, EventType::IncidentAssigned);
        assert_eq!(
            events[1].changes,
            json!({"assignee": {"from": null, "to": "ann"}})
        );
    }

    #[test]
    fn an_edit_that_moves_neither_state_nor_assignment_raises_nothing() {
        let (before, mut after) = (incident("new", None), incident("new", None));
        after["short_description"] = json!("reworded");
        let change = RecordChange {
            entity_type: "incident",
            entity_id: 1,
            action: "update",
            before: Some(&before),
            after: Some(&after),
        };
        assert!(events_of(&change).is_empty());
    }

    #[test]
    fn a_declaration_is_its_own_event() {
        let before = incident("in_progress", Some("ann"));
        let mut after = before.clone();
        after["major"] = json!(true);
        let change = RecordChange {
            entity_type: "incident",
            entity_id: 1,
            action: "declare_major",
            before: Some(&before),
            after: Some(&after),
        };
        assert_eq!(types(&change), ["incident.major_declared"]);
    }

    #[test]
    fn notes_other_entities_and_security_incidents_raise_nothing() {
        let note = json!({"kind": "work_note", "body": "rebooted"});
        let noted = RecordChange {
            entity_type: "incident",
            entity_id: 1,
            action: "work_note",
            before: None,
            after: Some(&note),
        };
        assert!(events_of(&noted).is_empty());
        let task =
            json!({"number": 1, "title": "Image the laptop", "state": "open", "assignee": "ann"});
        let tasked = RecordChange {
            entity_type: "service_request",
            entity_id: 3,
            action: "add_task",
            before: None,
            after: Some(&task),
        };
        assert!(events_of(&tasked).is_empty());
        let user = json!({"short_description": "x", "state": "active"});
        let other = RecordChange {
            entity_type: "user",
            entity_id: 1,
            action: "create",
            before: None,
            after: Some(&user),
        };
        assert!(events_of(&other).is_empty());
        let mut secret = incident("new", None);
        secret["security"] = json!(true);
        let hidden = RecordChange {
            entity_type: "incident",
            entity_id: 1,
            action: "create",
            before: None,
            after: Some(&secret),
        };
        assert!(events_of(&hidden).is_empty());
    }
}
