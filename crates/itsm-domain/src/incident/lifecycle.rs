//! The incident state machine: the one place that decides which action may move an incident from which state, so every endpoint enforces the same rules.

use thiserror::Error;

use super::state::IncidentState;
use crate::text_enum::text_enum;

text_enum! {
    /// What a user asks to do to an incident; the resulting state is never chosen directly.
    pub enum Action {
        Start => "start",
        Hold => "hold",
        Resume => "resume",
        Resolve => "resolve",
        Close => "close",
        Reopen => "reopen",
        Cancel => "cancel",
        Confirm => "confirm",
        Reject => "reject",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("cannot {action} an incident that is {from}")]
pub struct TransitionError {
    pub from: IncidentState,
    pub action: Action,
}

impl TransitionError {
    /// What the caller could have done instead, for a helpful error response.
    pub fn allowed(&self) -> Vec<Action> {
        allowed_actions(self.from)
    }
}

pub fn next_state(from: IncidentState, action: Action) -> Result<IncidentState, TransitionError> {
    use Action as A;
    use IncidentState as S;
    match (from, action) {
        (S::New, A::Start) => Ok(S::InProgress),
        (S::New | S::InProgress, A::Hold) => Ok(S::OnHold),
        (S::OnHold, A::Resume) => Ok(S::InProgress),
        (S::New | S::InProgress | S::OnHold, A::Resolve) => Ok(S::Resolved),
        // The desk closes (the caller confirmed some other way) or the caller confirms.
        (S::Resolved, A::Close | A::Confirm) => Ok(S::Closed),
        // Reopening, by the desk or by the caller rejecting the resolution, goes back to work
        // rather than to New: someone already owns it.
        (S::Resolved, A::Reopen | A::Reject) => Ok(S::InProgress),
        (S::New | S::InProgress | S::OnHold, A::Cancel) => Ok(S::Cancelled),
        _ => Err(TransitionError { from, action }),
    }
}

/// Derived from [`next_state`] so the list can never disagree with the rules.
pub fn allowed_actions(from: IncidentState) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|&action| next_state(from, action).is_ok())
        .collect()
}

/// Reopens are counted separately because they measure fixes that did not hold, whoever
/// found out: the desk or the caller rejecting the resolution.
pub const fn counts_as_reopen(action: Action) -> bool {
    matches!(action, Action::Reopen | Action::Reject)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use proptest::prelude::*;
    use proptest::sample::select;

    use Action as A;
    use IncidentState as S;

    /// Written out by hand, independently of the match above, so a slip in either shows up.
    const EXPECTED: &[(S, [Option<S>; 9])] = &[
        // start, hold, resume, resolve, close, reopen, cancel, confirm, reject
        (
            S::New,
            [
                Some(S::InProgress),
                Some(S::OnHold),
                None,
                Some(S::Resolved),
                None,
                None,
                Some(S::Cancelled),
                None,
                None,
            ],
        ),
        (
            S::InProgress,
            [
                None,
                Some(S::OnHold),
                None,
                Some(S::Resolved),
                None,
                None,
                Some(S::Cancelled),
                None,
                None,
            ],
        ),
        (
            S::OnHold,
            [
                None,
                None,
                Some(S::InProgress),
                Some(S::Resolved),
                None,
                None,
                Some(S::Cancelled),
                None,
                None,
            ],
        ),
        (
            S::Resolved,
            [
                None,
                None,
                None,
                None,
                Some(S::Closed),
                Some(S::InProgress),
                None,
                Some(S::Closed),
                Some(S::InProgress),
            ],
        ),
        (S::Closed, [None; 9]),
        (S::Cancelled, [None; 9]),
    ];

    const ACTION_COLUMNS: [A; 9] = [
        A::Start,
        A::Hold,
        A::Resume,
        A::Resolve,
        A::Close,
        A::Reopen,
        A::Cancel,
        A::Confirm,
        A::Reject,
    ];

    #[test]
    fn every_state_and_action_matches_the_table() {
        assert_eq!(EXPECTED.len(), S::ALL.len());
        assert_eq!(ACTION_COLUMNS, A::ALL);
        for &(from, row) in EXPECTED {
            for (action, expected) in ACTION_COLUMNS.into_iter().zip(row) {
                let got = next_state(from, action);
                match expected {
                    Some(to) => assert_eq!(got, Ok(to), "{action} from {from}"),
                    None => assert_eq!(
                        got,
                        Err(TransitionError { from, action }),
                        "{action} from {from}"
                    ),
                }
            }
        }
    }

    #[test]
    fn terminal_states_allow_nothing() {
        assert!(allowed_actions(S::Closed).is_empty());
        assert!(allowed_actions(S::Cancelled).is_empty());
        assert_eq!(
            allowed_actions(S::Resolved),
            [A::Close, A::Reopen, A::Confirm, A::Reject]
        );
    }

    #[test]
    fn error_reads_naturally_and_lists_alternatives() {
        let err = next_state(S::Closed, A::Reopen).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("cannot reopen an incident that is closed")
        );
        let err = TransitionError {
            from: S::OnHold,
            action: A::Start,
        };
        assert_eq!(err.to_string(), "cannot start an incident that is on_hold");
        assert_eq!(err.allowed(), [A::Resume, A::Resolve, A::Cancel]);
    }

    #[test]
    fn reopen_and_reject_count_as_reopen() {
        for &action in A::ALL {
            let expected = matches!(action, A::Reopen | A::Reject);
            assert_eq!(counts_as_reopen(action), expected, "{action}");
        }
    }

    #[test]
    fn action_text_examples() {
        assert_eq!(A::Resolve.as_str(), "resolve");
        assert_eq!(A::parse("reopen"), Ok(A::Reopen));
        assert!(A::parse("open").is_err());
    }

    proptest! {
        #[test]
        fn action_text_round_trips(action in select(A::ALL)) {
            assert_text_encoding(action, action.as_str(), A::parse);
        }

        #[test]
        fn only_exact_action_texts_parse(text in "\\PC{0,8}|[a-z]{1,7}") {
            if let Ok(action) = A::parse(&text) {
                prop_assert_eq!(action.as_str(), text.as_str());
            }
        }

        #[test]
        fn allowed_actions_are_exactly_the_ok_transitions(from in select(S::ALL)) {
            let allowed = allowed_actions(from);
            for &action in A::ALL {
                prop_assert_eq!(allowed.contains(&action), next_state(from, action).is_ok());
            }
        }

        #[test]
        fn random_walks_never_leave_a_terminal_state(
            actions in prop::collection::vec(select(A::ALL), 0..40)
        ) {
            let mut state = S::New;
            let mut reached_terminal = false;
            for action in actions {
                let allowed = allowed_actions(state);
                match next_state(state, action) {
                    Ok(next) => {
                        prop_assert!(!reached_terminal, "left terminal {state} by {action}");
                        prop_assert!(allowed.contains(&action));
                        state = next;
                    }
                    Err(err) => {
                        prop_assert_eq!(err, TransitionError { from: state, action });
                        prop_assert!(!allowed.contains(&action));
                    }
                }
                reached_terminal |= state.is_terminal();
                prop_assert_eq!(state.is_terminal(), reached_terminal);
            }
        }
    }
}
