//! The JSON shapes of the problem API. Bodies are read straight into checked domain types, so a
//! bad field is named by its path; answers add what a client needs next (the number, the known
//! errors and changes, the actions the state allows).

use crate::store::changes::TrackedChange;
use crate::store::known_errors::KnownError;
use crate::store::problems::Problem;
use itsm_domain::incident::Priority;
use itsm_domain::problem::{
    AnalysisMethod, KnownErrorState, MatchTerms, ProblemAction, RootCauseCategory,
    allowed_problem_actions,
};
use itsm_domain::{Code, Description, FieldErrors, Label, Reason, RecordKind, ShortDescription};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A new problem.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProblemRequest {
    pub title: ShortDescription,
    /// The symptoms as observed.
    #[serde(default)]
    pub description: Option<Description>,
    /// The catalogue service it affects.
    pub service: Code,
    #[serde(default)]
    pub configuration_item: Option<Label>,
    #[serde(default)]
    pub category: Option<Label>,
    /// The customer organisation, when it concerns one customer only.
    #[serde(default)]
    pub customer: Option<Code>,
    /// `moderate` when left out.
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub assignment_group: Option<Label>,
    /// Who investigates; must hold `problem.investigate`.
    #[serde(default)]
    pub assignee: Option<Code>,
    /// Incidents it causes, linked at once (numbers such as INC0000042; at most 50).
    #[serde(default)]
    pub incidents: Vec<String>,
}

/// Changes to a problem's details and analysis; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProblemRequest {
    #[serde(default)]
    pub title: Option<ShortDescription>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Description>")]
    pub description: Option<Option<Description>>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Label>")]
    pub category: Option<Option<Label>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Label>")]
    pub configuration_item: Option<Option<Label>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Label>")]
    pub assignment_group: Option<Option<Label>>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Code>")]
    pub assignee: Option<Option<Code>>,
    /// The result of the root-cause analysis; replaces the one recorded before.
    #[serde(default)]
    pub root_cause: Option<RootCauseInput>,
    /// How users get going again until the fix is in.
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Description>")]
    pub workaround: Option<Option<Description>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RootCauseInput {
    pub summary: Description,
    pub category: RootCauseCategory,
    #[serde(default)]
    pub method: Option<AnalysisMethod>,
}

/// The body of a lifecycle action; which fields it needs depends on the action.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemActionBody {
    /// `resolve`: how the fix went in (the approved solution when left out).
    #[serde(default)]
    pub notes: Option<Description>,
    /// `reopen` and `cancel`: why (required).
    #[serde(default)]
    pub reason: Option<Reason>,
}

impl ProblemActionBody {
    /// The body checked for `action`: `reason` where it is needed, nothing it does not take.
    pub fn check(&self, action: ProblemAction) -> Result<(), FieldErrors> {
        use ProblemAction as A;
        let mut errors = FieldErrors::new();
        let wants_reason = matches!(action, A::Reopen | A::Cancel);
        if self.notes.is_some() && action != A::Resolve {
            errors.push("notes", format!("{action} does not take notes"));
        }
        match (wants_reason, self.reason.is_some()) {
            (true, false) => errors.push("reason", format!("say why you {action} it")),
            (false, true) => errors.push("reason", format!("{action} does not take a reason")),
            _ => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A solution proposed to the problem management team.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SolutionRequest {
    pub description: Description,
    /// Whether it is implemented through a change raised from the problem.
    pub requires_change: bool,
}

/// The problem team's decision on a solution; rejecting needs a reason.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    #[serde(default)]
    pub reason: Option<Reason>,
}

/// An incident to link to the problem.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIncidentRequest {
    /// The incident's number (INC0000042) or id.
    #[schemars(with = "Label")]
    pub incident: String,
}

/// A change request raised to implement the approved solution.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseChangeRequest {
    pub title: ShortDescription,
    /// What to change; the approved solution when left out.
    #[serde(default)]
    pub description: Option<Description>,
}

/// A new known error.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKnownErrorRequest {
    /// The problem it comes from (PRB0000001 or its id); it must exist.
    #[schemars(with = "Label")]
    pub problem: String,
    pub title: ShortDescription,
    /// What users see when it strikes.
    pub symptom: Description,
    /// The problem's workaround when left out; a known error without one is refused.
    #[serde(default)]
    pub workaround: Option<Description>,
    /// The problem's root cause when left out.
    #[serde(default)]
    pub root_cause: Option<Description>,
    /// Terms that must all appear in a new incident for it to count as a recurrence.
    pub match_terms: MatchTerms,
    /// Match incidents of every service, not only the problem's.
    #[serde(default)]
    pub any_service: bool,
}

/// Changes to a known error; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKnownErrorRequest {
    #[serde(default)]
    pub title: Option<ShortDescription>,
    #[serde(default)]
    pub symptom: Option<Description>,
    #[serde(default)]
    pub workaround: Option<Description>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Description>")]
    pub root_cause: Option<Option<Description>>,
    #[serde(default)]
    pub match_terms: Option<MatchTerms>,
}

/// Why a known error no longer applies.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetireRequest {
    pub reason: Reason,
}

/// A known error in a problem's answer.
#[derive(Debug, Serialize, JsonSchema)]
pub struct KnownErrorRef {
    pub number: String,
    pub title: String,
    pub state: KnownErrorState,
    /// Incidents that matched it when they were logged.
    pub recurrences: i64,
}

/// A problem as the API shows it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProblemView {
    /// Also accepted in paths in place of the id.
    pub number: String,
    pub id: i64,
    #[serde(flatten)]
    pub problem: Problem,
    /// How many incidents are linked to it (see `/incidents`).
    pub incident_count: i64,
    pub known_errors: Vec<KnownErrorRef>,
    /// Changes raised from it, with the state change management gives them now.
    pub changes: Vec<TrackedChange>,
    pub allowed_actions: Vec<ProblemAction>,
}

impl ProblemView {
    pub fn new(
        problem: &Problem,
        incident_count: i64,
        known_errors: Vec<KnownErrorRef>,
        changes: Vec<TrackedChange>,
    ) -> Self {
        ProblemView {
            number: problem_number(problem.id),
            id: problem.id,
            problem: problem.clone(),
            incident_count,
            known_errors,
            changes,
            allowed_actions: allowed_problem_actions(problem.state),
        }
    }
}

/// A known error as the API shows it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct KnownErrorView {
    pub number: String,
    pub id: i64,
    /// The problem it comes from.
    pub problem: String,
    #[serde(flatten)]
    pub known_error: KnownError,
    /// Incidents that matched it when they were logged, and the latest of them.
    pub recurrences: i64,
    pub last_recurrence_at: Option<String>,
}

impl KnownErrorView {
    pub fn new(known_error: &KnownError, recurrences: i64, last: Option<String>) -> Self {
        KnownErrorView {
            number: known_error_number(known_error.id),
            id: known_error.id,
            problem: problem_number(known_error.problem_id),
            known_error: known_error.clone(),
            recurrences,
            last_recurrence_at: last,
        }
    }
}

pub fn problem_number(id: i64) -> String {
    RecordKind::Problem.number_text(id)
}

pub fn known_error_number(id: i64) -> String {
    RecordKind::KnownError.number_text(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: serde_json::Value, action: ProblemAction) -> Vec<String> {
        let body: ProblemActionBody = serde_json::from_value(body).expect("a body");
        match body.check(action) {
            Ok(()) => Vec::new(),
            Err(errors) => errors.as_slice().iter().map(|e| e.field.clone()).collect(),
        }
    }

    #[test]
    fn each_action_takes_what_it_needs_and_nothing_else() {
        use ProblemAction as A;
        use serde_json::json;
        assert!(fields(json!({}), A::Start).is_empty());
        assert!(fields(json!({"notes": "patched"}), A::Resolve).is_empty());
        assert!(fields(json!({"reason": "duplicate of PRB1"}), A::Cancel).is_empty());
        assert_eq!(fields(json!({}), A::Reopen), ["reason"]);
        assert_eq!(fields(json!({"reason": "x"}), A::Close), ["reason"]);
        assert_eq!(
            fields(json!({"notes": "x"}), A::Cancel),
            ["notes", "reason"]
        );
    }
}
