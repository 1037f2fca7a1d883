//! A problem's lifecycle: logged → investigating → fix in progress (once its solution is
//! approved) → resolved → closed, or cancelled before it is fixed. Approval moves a problem into
//! "fix in progress" through the solution's own decision, not through this table, so that only
//! the problem management team can make that step.

use crate::text_enum::text_enum;
use thiserror::Error;

text_enum! {
    pub enum ProblemState {
        /// Logged; nobody investigates it yet.
        New => "new",
        /// Root-cause analysis and workarounds; a solution may be proposed.
        Investigating => "investigating",
        /// The problem team approved a solution; it is being implemented (through a change
        /// when it needs one).
        FixInProgress => "fix_in_progress",
        /// The fix is in; waits to be closed, or reopened if the incidents recur.
        Resolved => "resolved",
        Closed => "closed",
        /// Not a problem after all, or a duplicate: ended without a fix.
        Cancelled => "cancelled",
    }
}

impl ProblemState {
    /// No action leads out of a terminal state, so its record is final.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Closed | Self::Cancelled)
    }

    /// Whether its analysis (root cause, workaround, details) may still change.
    pub const fn is_open(self) -> bool {
        matches!(self, Self::New | Self::Investigating | Self::FixInProgress)
    }
}

text_enum! {
    /// What a user asks to do to a problem; the next state follows from it.
    pub enum ProblemAction {
        /// Begin the investigation.
        Start => "start",
        /// The approved fix is in place.
        Resolve => "resolve",
        Close => "close",
        /// The incidents recur after the fix: investigate again.
        Reopen => "reopen",
        /// End it without a fix, saying why.
        Cancel => "cancel",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("cannot {action} a problem that is {from}")]
pub struct ProblemTransitionError {
    pub from: ProblemState,
    pub action: ProblemAction,
}

impl ProblemTransitionError {
    pub fn allowed(&self) -> Vec<ProblemAction> {
        allowed_problem_actions(self.from)
    }
}

pub fn next_problem_state(
    from: ProblemState,
    action: ProblemAction,
) -> Result<ProblemState, ProblemTransitionError> {
    use ProblemAction as A;
    use ProblemState as S;
    match (from, action) {
        (S::New, A::Start) => Ok(S::Investigating),
        // Only an approved solution leads to "fix in progress", so only it can be resolved.
        (S::FixInProgress, A::Resolve) => Ok(S::Resolved),
        (S::Resolved, A::Close) => Ok(S::Closed),
        (S::Resolved, A::Reopen) => Ok(S::Investigating),
        (S::New | S::Investigating | S::FixInProgress, A::Cancel) => Ok(S::Cancelled),
        _ => Err(ProblemTransitionError { from, action }),
    }
}

/// Derived from [`next_problem_state`] so the list can never disagree with the rules.
pub fn allowed_problem_actions(from: ProblemState) -> Vec<ProblemAction> {
    ProblemAction::ALL
        .iter()
        .copied()
        .filter(|&action| next_problem_state(from, action).is_ok())
        .collect()
}

text_enum! {
    /// Where a root cause lay, for problem trend reports ([001 §6.2.2]).
    pub enum RootCauseCategory {
        Hardware => "hardware",
        Software => "software",
        Network => "network",
        Configuration => "configuration",
        Capacity => "capacity",
        Security => "security",
        Process => "process",
        HumanError => "human_error",
        Supplier => "supplier",
        Environment => "environment",
        Unknown => "unknown",
    }
}

text_enum! {
    /// How the root cause was found.
    pub enum AnalysisMethod {
        FiveWhys => "five_whys",
        Fishbone => "fishbone",
        FaultTree => "fault_tree",
        KepnerTregoe => "kepner_tregoe",
        Timeline => "timeline",
        ChangeAnalysis => "change_analysis",
        Other => "other",
    }
}

text_enum! {
    /// Where a proposed solution stands with the problem management team.
    pub enum SolutionStatus {
        Proposed => "proposed",
        Approved => "approved",
        Rejected => "rejected",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use ProblemAction as A;
    use ProblemState as S;

    /// Written out by hand, independently of the match above.
    const EXPECTED: &[(S, [Option<S>; 5])] = &[
        // start, resolve, close, reopen, cancel
        (
            S::New,
            [Some(S::Investigating), None, None, None, Some(S::Cancelled)],
        ),
        (
            S::Investigating,
            [None, None, None, None, Some(S::Cancelled)],
        ),
        (
            S::FixInProgress,
            [None, Some(S::Resolved), None, None, Some(S::Cancelled)],
        ),
        (
            S::Resolved,
            [None, None, Some(S::Closed), Some(S::Investigating), None],
        ),
        (S::Closed, [None; 5]),
        (S::Cancelled, [None; 5]),
    ];

    #[test]
    fn every_state_and_action_matches_the_table() {
        assert_eq!(EXPECTED.len(), S::ALL.len());
        for (from, row) in EXPECTED {
            for (action, expected) in A::ALL.iter().zip(row) {
                let got = next_problem_state(*from, *action).ok();
                assert_eq!(got, *expected, "{from} --{action}-->");
            }
            assert_eq!(
                from.is_terminal(),
                row.iter().all(Option::is_none),
                "{from}"
            );
        }
    }

    #[test]
    fn refusals_say_what_is_allowed_instead() {
        let error = next_problem_state(S::Investigating, A::Resolve).expect_err("no solution");
        assert_eq!(
            error.to_string(),
            "cannot resolve a problem that is investigating"
        );
        assert_eq!(error.allowed(), vec![A::Cancel]);
    }

    #[test]
    fn every_enum_has_one_text_per_value() {
        for v in S::ALL {
            assert_text_encoding(*v, v.as_str(), S::parse);
        }
        for v in A::ALL {
            assert_text_encoding(*v, v.as_str(), A::parse);
        }
        for v in RootCauseCategory::ALL {
            assert_text_encoding(*v, v.as_str(), RootCauseCategory::parse);
        }
        for v in AnalysisMethod::ALL {
            assert_text_encoding(*v, v.as_str(), AnalysisMethod::parse);
        }
        for v in SolutionStatus::ALL {
            assert_text_encoding(*v, v.as_str(), SolutionStatus::parse);
        }
    }
}
