//! A service's lifecycle in the portfolio (requirements §7.9): planned → design → transition →
//! live → retired. The one place that decides which action moves a service from which state.

use crate::text_enum::text_enum;
use thiserror::Error;

text_enum! {
    pub enum ServiceState {
        Planned => "planned",
        Design => "design",
        Transition => "transition",
        Live => "live",
        Retired => "retired",
    }
}

text_enum! {
    /// What a user asks to do to a service; the next state follows from it.
    pub enum ServiceAction {
        /// Start (or go back to) designing it.
        Design => "design",
        /// Build, test and hand it over to operations.
        Transition => "transition",
        /// Offer it to customers.
        Launch => "launch",
        /// Withdraw it for good; only its owner decides this (seed 000 process-role table).
        Retire => "retire",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("cannot {action} a service that is {from}")]
pub struct ServiceTransitionError {
    pub from: ServiceState,
    pub action: ServiceAction,
}

impl ServiceTransitionError {
    pub fn allowed(&self) -> Vec<ServiceAction> {
        allowed_service_actions(self.from)
    }
}

pub fn next_service_state(
    from: ServiceState,
    action: ServiceAction,
) -> Result<ServiceState, ServiceTransitionError> {
    use ServiceAction as A;
    use ServiceState as S;
    match (from, action) {
        // A transition that fails its acceptance goes back to design.
        (S::Planned | S::Transition, A::Design) => Ok(S::Design),
        (S::Design, A::Transition) => Ok(S::Transition),
        (S::Transition, A::Launch) => Ok(S::Live),
        // A service may be abandoned before it ever goes live.
        (S::Planned | S::Design | S::Transition | S::Live, A::Retire) => Ok(S::Retired),
        _ => Err(ServiceTransitionError { from, action }),
    }
}

/// Derived from [`next_service_state`] so the list can never disagree with the rules.
pub fn allowed_service_actions(from: ServiceState) -> Vec<ServiceAction> {
    ServiceAction::ALL
        .iter()
        .copied()
        .filter(|&action| next_service_state(from, action).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use ServiceAction as A;
    use ServiceState as S;

    /// Written out by hand, independently of the match above.
    const EXPECTED: &[(S, [Option<S>; 4])] = &[
        // design, transition, launch, retire
        (S::Planned, [Some(S::Design), None, None, Some(S::Retired)]),
        (
            S::Design,
            [None, Some(S::Transition), None, Some(S::Retired)],
        ),
        (
            S::Transition,
            [Some(S::Design), None, Some(S::Live), Some(S::Retired)],
        ),
        (S::Live, [None, None, None, Some(S::Retired)]),
        (S::Retired, [None, None, None, None]),
    ];

    #[test]
    fn every_state_and_action_matches_the_table() {
        assert_eq!(EXPECTED.len(), S::ALL.len());
        for (from, row) in EXPECTED {
            for (action, expected) in A::ALL.iter().zip(row) {
                let got = next_service_state(*from, *action).ok();
                assert_eq!(got, *expected, "{from} --{action}-->");
            }
        }
    }

    #[test]
    fn refusals_say_what_is_allowed_instead() {
        let error = next_service_state(S::Live, A::Launch).expect_err("live cannot launch");
        assert_eq!(error.to_string(), "cannot launch a service that is live");
        assert_eq!(error.allowed(), vec![A::Retire]);
        assert!(allowed_service_actions(S::Retired).is_empty());
    }

    #[test]
    fn states_and_actions_have_one_text_each() {
        for state in S::ALL {
            assert_text_encoding(*state, state.as_str(), S::parse);
        }
        for action in A::ALL {
            assert_text_encoding(*action, action.as_str(), A::parse);
        }
    }
}
