//! The JSON shapes of the service request API. Requests are read straight into checked domain
//! types (codes, bounded text, priorities), so a bad field is named by its path; answers add
//! what a client needs next (the number, the approvals, the actions the state allows).

use crate::store::approvals::ApprovalSlot;
use crate::store::requests::ServiceRequest;
use crate::store::tasks::Task;
use itsm_domain::incident::Priority;
use itsm_domain::request::{RequestAction, allowed_request_actions};
use itsm_domain::{Code, Description, FieldErrors, Label, Reason, RecordKind, ShortDescription};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// An order from the published catalogue.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// The published catalogue item's code, such as desktop-om.
    pub item: Code,
    /// The answers to the item's request form, by field key: text and user names as strings,
    /// numbers as numbers, dates as `YYYY-MM-DD`, a choice as its value, a multi-choice as a
    /// list of values.
    #[serde(default)]
    pub answers: BTreeMap<String, Value>,
    /// The user it is for, when not the orderer; they may verify it too.
    #[serde(default)]
    pub requested_for: Option<Code>,
    /// The customer organisation's code; a customer contact's own when left out.
    #[serde(default)]
    pub customer: Option<Code>,
    /// `moderate` when left out.
    #[serde(default)]
    pub priority: Option<Priority>,
}

/// The body of a lifecycle action; which fields it needs depends on the action.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestActionBody {
    /// `assign`: who fulfils it (a user name).
    #[serde(default)]
    pub assignee: Option<Code>,
    /// `assign`: the team, optionally.
    #[serde(default)]
    pub assignment_group: Option<Label>,
    /// `fulfil`: what was delivered (required); `confirm`: the requester's feedback.
    #[serde(default)]
    pub notes: Option<Description>,
    /// `reopen` and `cancel`: why (required).
    #[serde(default)]
    pub reason: Option<Reason>,
}

/// A lifecycle action with what it needs, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionInput {
    Assign {
        assignee: Code,
        assignment_group: Option<Label>,
    },
    Start,
    Fulfil {
        notes: Description,
    },
    Confirm {
        notes: Option<Description>,
    },
    Reopen {
        reason: Reason,
    },
    Cancel {
        reason: Reason,
    },
}

impl RequestActionBody {
    /// The body checked for `action`: what it needs present, nothing it does not take.
    pub fn input_for(self, action: RequestAction) -> Result<ActionInput, FieldErrors> {
        use RequestAction as A;
        let mut errors = FieldErrors::new();
        let takes = |field: &str| match field {
            "assignee" | "assignment_group" => action == A::Assign,
            "notes" => matches!(action, A::Fulfil | A::Confirm),
            _ => matches!(action, A::Reopen | A::Cancel),
        };
        for (field, given) in [
            ("assignee", self.assignee.is_some()),
            ("assignment_group", self.assignment_group.is_some()),
            ("notes", self.notes.is_some()),
            ("reason", self.reason.is_some()),
        ] {
            if given && !takes(field) {
                errors.push(field, format!("{action} does not take {field}"));
            }
        }
        let mut required = |present: bool, field: &str, message: &str| {
            if !present {
                errors.push(field, message);
            }
        };
        match action {
            A::Assign => required(self.assignee.is_some(), "assignee", "say who fulfils it"),
            A::Fulfil => required(self.notes.is_some(), "notes", "say what was delivered"),
            A::Reopen => required(self.reason.is_some(), "reason", "say what is still missing"),
            A::Cancel => required(self.reason.is_some(), "reason", "say why it is cancelled"),
            A::Start | A::Confirm => {}
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(match (action, self.assignee, self.notes, self.reason) {
            (A::Assign, Some(assignee), _, _) => ActionInput::Assign {
                assignee,
                assignment_group: self.assignment_group,
            },
            (A::Fulfil, _, Some(notes), _) => ActionInput::Fulfil { notes },
            (A::Confirm, _, notes, _) => ActionInput::Confirm { notes },
            (A::Reopen, _, _, Some(reason)) => ActionInput::Reopen { reason },
            (A::Cancel, _, _, Some(reason)) => ActionInput::Cancel { reason },
            _ => ActionInput::Start,
        })
    }
}

/// An approver's decision; rejecting needs a reason.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    #[serde(default)]
    pub reason: Option<Reason>,
}

/// A new fulfilment task.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTaskRequest {
    pub title: ShortDescription,
    #[serde(default)]
    pub description: Option<Description>,
    #[serde(default)]
    pub assignment_group: Option<Label>,
    /// A user name.
    #[serde(default)]
    pub assignee: Option<Code>,
}

/// `PATCH` of a task: absent fields stay, `null` clears an optional one.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTaskRequest {
    /// A task keeps a title: `null` is refused.
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "ShortDescription")]
    pub title: Option<Option<ShortDescription>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Description>")]
    pub description: Option<Option<Description>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Label>")]
    pub assignment_group: Option<Option<Label>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Code>")]
    pub assignee: Option<Option<Code>>,
}

/// Finishing a task: `complete` takes optional notes, `cancel` needs them as its reason.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskActionBody {
    #[serde(default)]
    pub notes: Option<Description>,
}

/// A service request as the API shows it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RequestView {
    /// Also accepted in paths in place of the id.
    pub number: String,
    pub id: i64,
    #[serde(flatten)]
    pub request: ServiceRequest,
    /// One slot per approver the item named when ordered, in order.
    pub approvals: Vec<ApprovalSlot>,
    pub allowed_actions: Vec<RequestAction>,
}

impl RequestView {
    pub fn new(request: &ServiceRequest, approvals: Vec<ApprovalSlot>) -> Self {
        RequestView {
            number: number_of(request.id),
            id: request.id,
            request: request.clone(),
            approvals,
            allowed_actions: allowed_request_actions(request.state),
        }
    }
}

/// A fulfilment task as the API shows it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TaskView {
    /// The request it belongs to.
    pub request: String,
    #[serde(flatten)]
    pub task: Task,
}

impl TaskView {
    pub fn new(task: &Task) -> Self {
        TaskView {
            request: number_of(task.request_id),
            task: task.clone(),
        }
    }
}

pub fn number_of(id: i64) -> String {
    RecordKind::Request.number_text(id)
}
