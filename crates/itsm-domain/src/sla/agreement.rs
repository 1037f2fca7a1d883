//! An agreement's lifecycle (requirements §2.8, §7.10): the SLM team negotiates its terms, Sales
//! signs for the customer, the management representative approves it, and only then is it in
//! force; a periodic review either confirms it or revises it through the same three steps while
//! the approved version stays in force. Who may take each step is part of the rule, so the
//! component cannot take a step on the wrong authority.

use crate::access::names;
use crate::text_enum::text_enum;
use chrono::NaiveDate;
use thiserror::Error;

text_enum! {
    /// What kind of agreement: with a customer, with an internal team, or with a supplier.
    pub enum AgreementKind {
        /// Service level agreement with a customer [001 §6.1.6].
        Sla => "sla",
        /// Operational level agreement with an internal team that supports an SLA.
        Ola => "ola",
        /// Underpinning contract with a supplier that supports an SLA [001 §6.1.7].
        Uc => "uc",
    }
}

text_enum! {
    /// The stored state; [`shown_state`] adds what the validity dates imply.
    pub enum AgreementState {
        /// Terms being written; they may change.
        Draft => "draft",
        /// The SLM team and the customer agree on the terms; they are frozen for signature.
        Negotiated => "negotiated",
        /// Sales signed for the customer; waits for the management representative.
        Signed => "signed",
        /// Approved: a numbered version, in force within its validity period.
        Approved => "approved",
        /// Reviewed with the customer: terms may be revised; the approved version stays in force.
        UnderReview => "under_review",
        /// Ended before its validity ran out, or never concluded. Final.
        Expired => "expired",
    }
}

text_enum! {
    /// The state as readers see it: the stored state, with an approved agreement read as
    /// `approved` before its validity starts, `active` within it and `expired` after it.
    pub enum ShownState {
        Draft => "draft",
        Negotiated => "negotiated",
        Signed => "signed",
        Approved => "approved",
        Active => "active",
        UnderReview => "under_review",
        Expired => "expired",
    }
}

text_enum! {
    /// A step of the lifecycle.
    pub enum AgreementAction {
        /// The terms are agreed with the customer (the SLM team).
        Negotiate => "negotiate",
        /// Signed on behalf of the customer (Sales).
        Sign => "sign",
        /// Approved for implementation (the management representative): a new version.
        Approve => "approve",
        /// Sent back to be written again, with a reason (whoever was asked to sign or approve).
        Return => "return",
        /// Opened for the periodic review (the SLM team); the approved version stays in force.
        Review => "review",
        /// The review found the terms still hold (the SLM team): back in force unchanged.
        Confirm => "confirm",
        /// Ended now, with a reason (the SLM team).
        Expire => "expire",
    }
}

impl AgreementAction {
    /// The authority the step needs for this kind of agreement in the state it is taken from;
    /// a return is decided by whoever the agreement waits for.
    pub const fn authority(self, kind: AgreementKind, from: AgreementState) -> &'static str {
        match (self, from) {
            (Self::Sign, _) | (Self::Return, AgreementState::Negotiated) => kind.signer(),
            (Self::Approve, _) | (Self::Return, _) => names::SLA_APPROVE,
            _ => names::SLA_WRITE,
        }
    }
}

impl AgreementKind {
    /// Who signs for the other party: Sales for the customer [001 §6.1.5], the Commerce
    /// department a supplier contract [001 §6.1.7], and for an internal team whoever allocates
    /// its people (a service owner or process manager, [000]).
    pub const fn signer(self) -> &'static str {
        match self {
            Self::Sla => names::SLA_SIGN,
            Self::Uc => names::SUPPLIER_CONTRACT_SIGN,
            Self::Ola => names::RESOURCE_ALLOCATE,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("cannot {action} an agreement that is {from}")]
pub struct AgreementTransitionError {
    pub from: AgreementState,
    pub action: AgreementAction,
}

impl AgreementTransitionError {
    pub fn allowed(&self) -> Vec<AgreementAction> {
        allowed_agreement_actions(self.from, false)
    }
}

/// The state `action` leads to. `revising` says an approved version exists, so a return goes
/// back to the review rather than to a first draft.
pub fn next_agreement_state(
    from: AgreementState,
    action: AgreementAction,
    revising: bool,
) -> Result<AgreementState, AgreementTransitionError> {
    use AgreementAction as A;
    use AgreementState as S;
    match (from, action) {
        (S::Draft | S::UnderReview, A::Negotiate) => Ok(S::Negotiated),
        (S::Negotiated, A::Sign) => Ok(S::Signed),
        (S::Signed, A::Approve) => Ok(S::Approved),
        (S::Negotiated | S::Signed, A::Return) if revising => Ok(S::UnderReview),
        (S::Negotiated | S::Signed, A::Return) => Ok(S::Draft),
        (S::Approved, A::Review) => Ok(S::UnderReview),
        (S::UnderReview, A::Confirm) => Ok(S::Approved),
        (S::Expired, A::Expire) => Err(AgreementTransitionError { from, action }),
        (_, A::Expire) => Ok(S::Expired),
        _ => Err(AgreementTransitionError { from, action }),
    }
}

/// Derived from [`next_agreement_state`] so the list can never disagree with the rules.
pub fn allowed_agreement_actions(from: AgreementState, revising: bool) -> Vec<AgreementAction> {
    AgreementAction::ALL
        .iter()
        .copied()
        .filter(|&action| next_agreement_state(from, action, revising).is_ok())
        .collect()
}

/// Whether the terms may be edited: while drafted or revised, never once agreed.
pub const fn terms_editable(state: AgreementState) -> bool {
    matches!(state, AgreementState::Draft | AgreementState::UnderReview)
}

/// The state readers see on `today`: an approved agreement is `active` from its first valid
/// day up to and including its last, `expired` after it.
pub fn shown_state(
    state: AgreementState,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    today: NaiveDate,
) -> ShownState {
    let lapsed = valid_until.is_some_and(|last| today > last);
    match state {
        AgreementState::Draft => ShownState::Draft,
        AgreementState::Negotiated => ShownState::Negotiated,
        AgreementState::Signed => ShownState::Signed,
        AgreementState::Expired => ShownState::Expired,
        AgreementState::Approved | AgreementState::UnderReview if lapsed => ShownState::Expired,
        AgreementState::UnderReview => ShownState::UnderReview,
        AgreementState::Approved if valid_from.is_some_and(|first| today < first) => {
            ShownState::Approved
        }
        AgreementState::Approved => ShownState::Active,
    }
}

/// A validity period: a first day, and a last day on or after it when it ends.
pub fn check_validity(from: NaiveDate, until: Option<NaiveDate>) -> Result<(), &'static str> {
    match until {
        Some(last) if last < from => Err("the last valid day cannot come before the first"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AgreementAction as A;
    use AgreementState as S;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("valid")
    }

    #[test]
    fn the_text_forms_agree_with_serde() {
        for kind in AgreementKind::ALL {
            assert_eq!(
                serde_json::to_value(kind).expect("valid"),
                serde_json::json!(kind.as_str())
            );
        }
        for state in AgreementState::ALL {
            assert_eq!(
                serde_json::to_value(state).expect("valid"),
                serde_json::json!(state.as_str())
            );
        }
        for state in ShownState::ALL {
            assert_eq!(
                serde_json::to_value(state).expect("valid"),
                serde_json::json!(state.as_str())
            );
        }
        for action in AgreementAction::ALL {
            assert_eq!(
                serde_json::to_value(action).expect("valid"),
                serde_json::json!(action.as_str())
            );
        }
    }

    #[test]
    fn a_first_agreement_goes_through_negotiation_signature_and_approval_in_that_order() {
        let mut state = S::Draft;
        for (action, next) in [
            (A::Negotiate, S::Negotiated),
            (A::Sign, S::Signed),
            (A::Approve, S::Approved),
        ] {
            state = next_agreement_state(state, action, false).expect("valid");
            assert_eq!(state, next);
        }
        assert!(next_agreement_state(S::Draft, A::Sign, false).is_err());
        assert!(next_agreement_state(S::Draft, A::Approve, false).is_err());
        assert!(next_agreement_state(S::Negotiated, A::Approve, false).is_err());
        assert_eq!(
            next_agreement_state(S::Signed, A::Sign, false)
                .expect_err("refused")
                .allowed(),
            vec![A::Approve, A::Return, A::Expire]
        );
    }

    #[test]
    fn each_step_needs_the_authority_of_the_role_the_seeds_name() {
        let sla = AgreementKind::Sla;
        assert_eq!(A::Negotiate.authority(sla, S::Draft), names::SLA_WRITE);
        assert_eq!(A::Sign.authority(sla, S::Negotiated), names::SLA_SIGN);
        assert_eq!(A::Approve.authority(sla, S::Signed), names::SLA_APPROVE);
        assert_eq!(A::Return.authority(sla, S::Negotiated), names::SLA_SIGN);
        assert_eq!(A::Return.authority(sla, S::Signed), names::SLA_APPROVE);
        for action in [A::Review, A::Confirm, A::Expire] {
            assert_eq!(action.authority(sla, S::Approved), names::SLA_WRITE);
        }
        let uc = AgreementKind::Uc;
        assert_eq!(
            A::Sign.authority(uc, S::Negotiated),
            names::SUPPLIER_CONTRACT_SIGN
        );
        assert_eq!(
            A::Return.authority(uc, S::Negotiated),
            names::SUPPLIER_CONTRACT_SIGN
        );
        assert_eq!(A::Approve.authority(uc, S::Signed), names::SLA_APPROVE);
        assert_eq!(
            A::Sign.authority(AgreementKind::Ola, S::Negotiated),
            names::RESOURCE_ALLOCATE
        );
    }

    #[test]
    fn a_revision_returns_to_the_review_and_a_first_draft_to_the_draft() {
        assert_eq!(
            next_agreement_state(S::Signed, A::Return, true),
            Ok(S::UnderReview)
        );
        assert_eq!(
            next_agreement_state(S::Negotiated, A::Return, false),
            Ok(S::Draft)
        );
        assert_eq!(
            next_agreement_state(S::Approved, A::Review, true),
            Ok(S::UnderReview)
        );
        assert_eq!(
            next_agreement_state(S::UnderReview, A::Confirm, true),
            Ok(S::Approved)
        );
        assert_eq!(
            next_agreement_state(S::UnderReview, A::Negotiate, true),
            Ok(S::Negotiated)
        );
    }

    #[test]
    fn expiry_is_final() {
        for state in S::ALL {
            let expired = next_agreement_state(*state, A::Expire, false);
            assert_eq!(expired.is_ok(), *state != S::Expired, "{state}");
        }
        assert!(allowed_agreement_actions(S::Expired, true).is_empty());
    }

    #[test]
    fn only_drafts_and_reviews_may_be_edited() {
        let editable: Vec<_> = S::ALL.iter().filter(|s| terms_editable(**s)).collect();
        assert_eq!(editable, [&S::Draft, &S::UnderReview]);
    }

    #[test]
    fn an_approved_agreement_is_active_within_its_validity_only() {
        let from = Some(day("2027-01-01"));
        let until = Some(day("2027-12-31"));
        let shown = |today: &str| shown_state(S::Approved, from, until, day(today));
        assert_eq!(shown("2026-12-31"), ShownState::Approved);
        assert_eq!(shown("2027-01-01"), ShownState::Active);
        assert_eq!(shown("2027-12-31"), ShownState::Active);
        assert_eq!(shown("2028-01-01"), ShownState::Expired);
        assert_eq!(
            shown_state(S::UnderReview, from, until, day("2028-01-01")),
            ShownState::Expired
        );
        assert_eq!(
            shown_state(S::Approved, from, None, day("2099-01-01")),
            ShownState::Active
        );
        assert_eq!(
            shown_state(S::Signed, from, until, day("2027-06-01")),
            ShownState::Signed
        );
    }

    #[test]
    fn a_validity_period_cannot_end_before_it_starts() {
        assert!(check_validity(day("2027-01-02"), Some(day("2027-01-01"))).is_err());
        assert!(check_validity(day("2027-01-01"), Some(day("2027-01-01"))).is_ok());
        assert!(check_validity(day("2027-01-01"), None).is_ok());
    }
}
