//! The JSON shapes of the service request API. Requests are read straight into checked domain
//! types (codes, bounded text, priorities), so a bad field is named by its path; answers add
//! what a client needs next (the number, the approvals, the actions the state allows).

use crate::store::approvals::ApprovalSlot;
use crate::store::requests::ServiceRequest;
use crate::store::tasks::Task;
use itsm_domain::incident::Priority;
use itsm_domain::request::{RequestAction, allowed_request_actions};
use itsm_domain::{
    Code, ContactDetails, Description, FieldError, FieldErrors, Label, Reason, RecordKind,
    ShortDescription,
};
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
    /// How to reach the orderer when not through the product: the caller an agent orders for,
    /// or the person the portal orders for (their name and e-mail address).
    #[serde(default)]
    pub contact_details: Option<ContactDetails>,
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
        for (field, given, taken) in [
            ("assignee", self.assignee.is_some(), action == A::Assign),
            (
                "assignment_group",
                self.assignment_group.is_some(),
                action == A::Assign,
            ),
            (
                "notes",
                self.notes.is_some(),
                matches!(action, A::Fulfil | A::Confirm),
            ),
            (
                "reason",
                self.reason.is_some(),
                matches!(action, A::Reopen | A::Cancel),
            ),
        ] {
            if given && !taken {
                errors.push(field, format!("{action} does not take {field}"));
            }
        }
        let input = match action {
            A::Assign => needed(self.assignee, "assignee", "say who fulfils it").map(|assignee| {
                ActionInput::Assign {
                    assignee,
                    assignment_group: self.assignment_group,
                }
            }),
            A::Start => Ok(ActionInput::Start),
            A::Fulfil => needed(self.notes, "notes", "say what was delivered")
                .map(|notes| ActionInput::Fulfil { notes }),
            A::Confirm => Ok(ActionInput::Confirm { notes: self.notes }),
            A::Reopen => needed(self.reason, "reason", "say what is still missing")
                .map(|reason| ActionInput::Reopen { reason }),
            A::Cancel => needed(self.reason, "reason", "say why it is cancelled")
                .map(|reason| ActionInput::Cancel { reason }),
        };
        match input {
            Ok(input) if errors.is_empty() => Ok(input),
            Ok(_) => Err(errors),
            Err(missing) => {
                errors.push(missing.field, missing.message);
                Err(errors)
            }
        }
    }
}

/// A value an action cannot do without, or the error naming it.
fn needed<T>(value: Option<T>, field: &str, message: &str) -> Result<T, FieldError> {
    value.ok_or_else(|| FieldError::new(field, message))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: serde_json::Value) -> RequestActionBody {
        serde_json::from_value(json).expect("a body")
    }

    fn fields(result: Result<ActionInput, FieldErrors>) -> Vec<String> {
        let errors = result.expect_err("refused");
        errors.as_slice().iter().map(|e| e.field.clone()).collect()
    }

    #[test]
    fn each_action_takes_what_it_needs_and_nothing_else() {
        use RequestAction as A;
        let cancel = body(serde_json::json!({"reason": "not needed"})).input_for(A::Cancel);
        assert!(
            matches!(cancel, Ok(ActionInput::Cancel { reason }) if reason.as_str() == "not needed")
        );
        assert_eq!(
            body(serde_json::json!({})).input_for(A::Start),
            Ok(ActionInput::Start)
        );
        assert_eq!(
            body(serde_json::json!({})).input_for(A::Confirm),
            Ok(ActionInput::Confirm { notes: None })
        );
        assert_eq!(
            fields(body(serde_json::json!({})).input_for(A::Assign)),
            ["assignee"]
        );
        assert_eq!(
            fields(body(serde_json::json!({})).input_for(A::Fulfil)),
            ["notes"]
        );
        assert_eq!(
            fields(body(serde_json::json!({"reason": "x"})).input_for(A::Start)),
            ["reason"]
        );
        // A misplaced field and a missing one are both named.
        assert_eq!(
            fields(body(serde_json::json!({"notes": "x"})).input_for(A::Reopen)),
            ["notes", "reason"]
        );
    }
}
