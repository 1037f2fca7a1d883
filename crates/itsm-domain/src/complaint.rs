//! Customer complaints and feedback (requirements §2.18, §7.16): collected from every channel,
//! recorded, answered and resolved with a result given back to the customer [004-9 Art. 10,
//! 004-1 §3.1], within the seeds' 24 hours for a response and 72 for the result unless an
//! agreement says otherwise [002 §4.3.2]. Their lifecycle is here; who may take each step is
//! the component's.

use crate::text_enum::text_enum;
use thiserror::Error;

/// The seeds' response time for customer feedback and complaints, in minutes, when no
/// agreement in force sets one [002 §4.3.2].
pub const DEFAULT_RESPONSE_MINUTES: u32 = 24 * 60;
/// The seeds' time to the handling result [002 §4.3.2].
pub const DEFAULT_RESULT_MINUTES: u32 = 72 * 60;

text_enum! {
    /// What the customer brought.
    pub enum ComplaintKind {
        /// Dissatisfaction with a service or how it was delivered.
        Complaint => "complaint",
        /// A suggestion, a compliment or any other opinion, handled the same way.
        Feedback => "feedback",
    }
}

text_enum! {
    pub enum ComplaintState {
        /// Recorded; nobody has answered the customer yet.
        Received => "received",
        /// The customer has had a first response.
        Responded => "responded",
        /// The customer has been given the handling result.
        Resolved => "resolved",
        /// The customer accepted the result, or it was closed for them.
        Closed => "closed",
        /// The customer took it back.
        Withdrawn => "withdrawn",
    }
}

impl ComplaintState {
    /// No action leads out of a terminal state.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Closed | Self::Withdrawn)
    }
}

text_enum! {
    pub enum ComplaintAction {
        /// Name who handles it.
        Assign => "assign",
        /// The first response to the customer.
        Respond => "respond",
        /// The handling result, given back to the customer.
        Resolve => "resolve",
        /// The customer accepts the result (or the handler closes it on their word).
        Close => "close",
        /// The customer is not satisfied with the result: back to work, saying why.
        Reopen => "reopen",
        /// The customer takes it back, saying why.
        Withdraw => "withdraw",
    }
}

text_enum! {
    /// What the handling found, for complaints: the complaint rate of the service reports
    /// counts the upheld ones [002 §7.1].
    pub enum ComplaintFinding {
        Upheld => "upheld",
        PartlyUpheld => "partly_upheld",
        NotUpheld => "not_upheld",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("cannot {action} a complaint or feedback that is {from}")]
pub struct ComplaintTransitionError {
    pub from: ComplaintState,
    pub action: ComplaintAction,
}

impl ComplaintTransitionError {
    pub fn allowed(&self) -> Vec<ComplaintAction> {
        allowed_complaint_actions(self.from)
    }
}

pub fn next_complaint_state(
    from: ComplaintState,
    action: ComplaintAction,
) -> Result<ComplaintState, ComplaintTransitionError> {
    use ComplaintAction as A;
    use ComplaintState as S;
    match (from, action) {
        (S::Received | S::Responded, A::Assign) => Ok(from),
        (S::Received, A::Respond) => Ok(S::Responded),
        // A result answers the customer too: resolving at once needs no separate response.
        (S::Received | S::Responded, A::Resolve) => Ok(S::Resolved),
        (S::Resolved, A::Close) => Ok(S::Closed),
        (S::Resolved, A::Reopen) => Ok(S::Responded),
        (S::Received | S::Responded, A::Withdraw) => Ok(S::Withdrawn),
        _ => Err(ComplaintTransitionError { from, action }),
    }
}

/// Derived from [`next_complaint_state`] so the list never disagrees with the rules.
pub fn allowed_complaint_actions(from: ComplaintState) -> Vec<ComplaintAction> {
    ComplaintAction::ALL
        .iter()
        .copied()
        .filter(|&action| next_complaint_state(from, action).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintAction as A;
    use ComplaintState as S;

    /// Written out by hand, independently of the match above.
    const EXPECTED: &[(S, [Option<S>; 6])] = &[
        // assign, respond, resolve, close, reopen, withdraw
        (
            S::Received,
            [
                Some(S::Received),
                Some(S::Responded),
                Some(S::Resolved),
                None,
                None,
                Some(S::Withdrawn),
            ],
        ),
        (
            S::Responded,
            [
                Some(S::Responded),
                None,
                Some(S::Resolved),
                None,
                None,
                Some(S::Withdrawn),
            ],
        ),
        (
            S::Resolved,
            [None, None, None, Some(S::Closed), Some(S::Responded), None],
        ),
        (S::Closed, [None; 6]),
        (S::Withdrawn, [None; 6]),
    ];

    #[test]
    fn every_state_and_action_goes_where_the_table_says() {
        assert_eq!(EXPECTED.len(), S::ALL.len());
        for (from, row) in EXPECTED {
            for (action, expected) in A::ALL.iter().zip(row) {
                assert_eq!(
                    next_complaint_state(*from, *action).ok(),
                    *expected,
                    "{from} {action}"
                );
            }
            assert_eq!(
                allowed_complaint_actions(*from).is_empty(),
                from.is_terminal(),
                "{from}"
            );
        }
    }

    #[test]
    fn the_defaults_are_the_seeds_hours() {
        assert_eq!(DEFAULT_RESPONSE_MINUTES, 1440, "24 hours");
        assert_eq!(DEFAULT_RESULT_MINUTES, 4320, "72 hours");
    }

    #[test]
    fn a_refused_step_says_what_and_from_where() {
        let refused = next_complaint_state(S::Closed, A::Reopen).expect_err("closed is final");
        assert_eq!(
            refused.to_string(),
            "cannot reopen a complaint or feedback that is closed"
        );
    }
}
