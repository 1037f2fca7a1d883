//! A service request's lifecycle (requirements §2.3: submitted → assigned → in progress →
//! fulfilled → verified and closed), with approval before it when its catalogue entry asks for
//! one. The one place that decides which action moves a request from which state.

use crate::text_enum::text_enum;
use thiserror::Error;

text_enum! {
    pub enum RequestState {
        /// Ordered; waits for its approvers' decisions.
        AwaitingApproval => "awaiting_approval",
        /// Approved, or needing no approval: waits in the queue to be assigned.
        Submitted => "submitted",
        /// Someone is named to fulfil it and has not started yet.
        Assigned => "assigned",
        InProgress => "in_progress",
        /// Delivered; waits for the requester to confirm it or send it back.
        Fulfilled => "fulfilled",
        /// The requester confirmed the fulfilment.
        Closed => "closed",
        /// An approver refused it (or, under the rule `any`, every approver did).
        Rejected => "rejected",
        Cancelled => "cancelled",
    }
}

impl RequestState {
    /// No action leads out of a terminal state, so its record is final.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Closed | Self::Rejected | Self::Cancelled)
    }

    /// Fulfilment tasks may be added and worked only once approved and before delivery.
    pub const fn takes_tasks(self) -> bool {
        matches!(self, Self::Submitted | Self::Assigned | Self::InProgress)
    }
}

text_enum! {
    /// What a user asks to do to a request; the next state follows from it. Approval decisions
    /// move a request too, but through the approval rule rather than this table.
    pub enum RequestAction {
        /// Name (or change) who fulfils it; a new assignee starts afresh.
        Assign => "assign",
        /// The assignee starts work.
        Start => "start",
        /// Delivered; needs every fulfilment task done or cancelled.
        Fulfil => "fulfil",
        /// The requester confirms the fulfilment.
        Confirm => "confirm",
        /// The requester sends the fulfilment back, saying why.
        Reopen => "reopen",
        Cancel => "cancel",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("cannot {action} a service request that is {from}")]
pub struct RequestTransitionError {
    pub from: RequestState,
    pub action: RequestAction,
}

impl RequestTransitionError {
    pub fn allowed(&self) -> Vec<RequestAction> {
        allowed_request_actions(self.from)
    }
}

pub fn next_request_state(
    from: RequestState,
    action: RequestAction,
) -> Result<RequestState, RequestTransitionError> {
    use RequestAction as A;
    use RequestState as S;
    match (from, action) {
        // Reassigning work already started hands it to someone who has not started it.
        (S::Submitted | S::Assigned | S::InProgress, A::Assign) => Ok(S::Assigned),
        (S::Assigned, A::Start) => Ok(S::InProgress),
        (S::InProgress, A::Fulfil) => Ok(S::Fulfilled),
        (S::Fulfilled, A::Confirm) => Ok(S::Closed),
        // Sent back, it returns to whoever fulfilled it.
        (S::Fulfilled, A::Reopen) => Ok(S::InProgress),
        (S::AwaitingApproval | S::Submitted | S::Assigned | S::InProgress, A::Cancel) => {
            Ok(S::Cancelled)
        }
        _ => Err(RequestTransitionError { from, action }),
    }
}

/// Derived from [`next_request_state`] so the list can never disagree with the rules.
pub fn allowed_request_actions(from: RequestState) -> Vec<RequestAction> {
    RequestAction::ALL
        .iter()
        .copied()
        .filter(|&action| next_request_state(from, action).is_ok())
        .collect()
}

text_enum! {
    /// A fulfilment task: open until done or cancelled.
    pub enum TaskState {
        Open => "open",
        Done => "done",
        Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use RequestAction as A;
    use RequestState as S;

    /// Written out by hand, independently of the match above.
    const EXPECTED: &[(S, [Option<S>; 6])] = &[
        // assign, start, fulfil, confirm, reopen, cancel
        (
            S::AwaitingApproval,
            [None, None, None, None, None, Some(S::Cancelled)],
        ),
        (
            S::Submitted,
            [
                Some(S::Assigned),
                None,
                None,
                None,
                None,
                Some(S::Cancelled),
            ],
        ),
        (
            S::Assigned,
            [
                Some(S::Assigned),
                Some(S::InProgress),
                None,
                None,
                None,
                Some(S::Cancelled),
            ],
        ),
        (
            S::InProgress,
            [
                Some(S::Assigned),
                None,
                Some(S::Fulfilled),
                None,
                None,
                Some(S::Cancelled),
            ],
        ),
        (
            S::Fulfilled,
            [None, None, None, Some(S::Closed), Some(S::InProgress), None],
        ),
        (S::Closed, [None; 6]),
        (S::Rejected, [None; 6]),
        (S::Cancelled, [None; 6]),
    ];

    #[test]
    fn every_state_and_action_matches_the_table() {
        assert_eq!(EXPECTED.len(), S::ALL.len());
        for (from, row) in EXPECTED {
            for (action, expected) in A::ALL.iter().zip(row) {
                let got = next_request_state(*from, *action).ok();
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
        let error = next_request_state(S::Fulfilled, A::Start).expect_err("fulfilled");
        assert_eq!(
            error.to_string(),
            "cannot start a service request that is fulfilled"
        );
        assert_eq!(error.allowed(), vec![A::Confirm, A::Reopen]);
    }

    #[test]
    fn states_and_actions_have_one_text_each() {
        for state in S::ALL {
            assert_text_encoding(*state, state.as_str(), S::parse);
        }
        for action in A::ALL {
            assert_text_encoding(*action, action.as_str(), A::parse);
        }
        for state in TaskState::ALL {
            assert_text_encoding(*state, state.as_str(), TaskState::parse);
        }
    }
}
