//! Complaints and feedback on the wire: what is brought, what an action carries, and the record
//! as it is shown, with the actions its state allows.

use crate::store::Complaint;
use itsm_domain::complaint::{
    ComplaintAction, ComplaintFinding, ComplaintKind, allowed_complaint_actions,
};
use itsm_domain::incident::Channel;
use itsm_domain::{
    Code, ContactDetails, Description, FieldErrors, Reason, RecordKind, ShortDescription,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A complaint or feedback as brought.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComplaintRequest {
    /// `complaint` when left out.
    #[serde(default)]
    pub kind: Option<ComplaintKind>,
    pub subject: ShortDescription,
    /// What the customer said, in their words.
    pub content: Description,
    /// How it reached us; `web` when left out.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Who brought it (a user name); the caller when left out. A customer contact brings
    /// their own.
    #[serde(default)]
    pub complainant: Option<Code>,
    /// How to reach them, when not through the product (a telephone number, an address).
    #[serde(default)]
    pub contact_details: Option<ContactDetails>,
    /// The customer organisation; a customer contact's own when left out.
    #[serde(default)]
    pub customer: Option<Code>,
    /// The catalogue service it concerns.
    #[serde(default)]
    pub service: Option<Code>,
    /// The record it is about: an incident, request, problem or agreement number such as
    /// INC0000042.
    #[serde(default)]
    pub about: Option<String>,
}

/// The body of an action; which fields it needs depends on the action.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintActionBody {
    /// `assign`: who handles it (a user holding `complaint.handle`).
    #[serde(default)]
    pub assignee: Option<Code>,
    /// `respond`: the first response given to the customer.
    #[serde(default)]
    pub response: Option<Description>,
    /// `resolve`: the handling result given back to the customer.
    #[serde(default)]
    pub result: Option<Description>,
    /// `resolve`, complaints only: whether it was upheld.
    #[serde(default)]
    pub finding: Option<ComplaintFinding>,
    /// `reopen` and `withdraw`: why.
    #[serde(default)]
    pub reason: Option<Reason>,
}

impl ComplaintActionBody {
    /// The body checked for `action` on a record of `kind`: each field the action needs, none
    /// it does not take.
    pub fn check(&self, action: ComplaintAction, kind: ComplaintKind) -> Result<(), FieldErrors> {
        use ComplaintAction as A;
        let mut errors = FieldErrors::new();
        let wanted = [
            ("assignee", self.assignee.is_some(), action == A::Assign),
            ("response", self.response.is_some(), action == A::Respond),
            ("result", self.result.is_some(), action == A::Resolve),
            (
                "finding",
                self.finding.is_some(),
                action == A::Resolve && kind == ComplaintKind::Complaint,
            ),
            (
                "reason",
                self.reason.is_some(),
                matches!(action, A::Reopen | A::Withdraw),
            ),
        ];
        for (field, given, needed) in wanted {
            match (needed, given) {
                (true, false) if field == "finding" => errors.push(
                    field,
                    "say whether the complaint is upheld, partly_upheld or not_upheld",
                ),
                (true, false) => errors.push(field, format!("{action} needs a {field}")),
                (false, true) => errors.push(field, format!("{action} does not take a {field}")),
                _ => {}
            }
        }
        errors.finish(())
    }
}

/// A complaint or feedback as shown.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ComplaintView {
    /// CMP0000001; also accepted in paths in place of the id.
    pub number: String,
    pub id: i64,
    #[serde(flatten)]
    pub complaint: Complaint,
    /// What the state allows (who may take each step is checked when it is taken).
    pub allowed_actions: Vec<ComplaintAction>,
}

impl ComplaintView {
    pub fn new(complaint: &Complaint) -> Self {
        Self {
            number: number_of(complaint.id),
            id: complaint.id,
            complaint: complaint.clone(),
            allowed_actions: allowed_complaint_actions(complaint.state),
        }
    }
}

pub fn number_of(id: i64) -> String {
    RecordKind::Complaint.number_text(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(
        body: &ComplaintActionBody,
        action: ComplaintAction,
        kind: ComplaintKind,
    ) -> Vec<String> {
        body.check(action, kind)
            .err()
            .map(|e| e.as_slice().iter().map(|f| f.field.clone()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn each_action_takes_what_it_needs_and_nothing_else() {
        let result = Description::parse("We sent the engineer the next morning").expect("text");
        let resolve = ComplaintActionBody {
            result: Some(result.clone()),
            finding: Some(ComplaintFinding::Upheld),
            ..ComplaintActionBody::default()
        };
        assert!(fields(&resolve, ComplaintAction::Resolve, ComplaintKind::Complaint).is_empty());
        assert_eq!(
            fields(&resolve, ComplaintAction::Resolve, ComplaintKind::Feedback),
            ["finding"]
        );
        let unfound = ComplaintActionBody {
            result: Some(result),
            ..ComplaintActionBody::default()
        };
        assert_eq!(
            fields(&unfound, ComplaintAction::Resolve, ComplaintKind::Complaint),
            ["finding"]
        );
        assert_eq!(
            fields(
                &ComplaintActionBody::default(),
                ComplaintAction::Withdraw,
                ComplaintKind::Feedback
            ),
            ["reason"]
        );
        assert_eq!(
            fields(&resolve, ComplaintAction::Close, ComplaintKind::Complaint),
            ["result", "finding"]
        );
    }
}
