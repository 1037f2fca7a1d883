//! Approval of an order: each approver the catalogue entry names is one slot, filled by one
//! person's decision; the entry's rule (`all` or `any`) turns the decisions into an outcome.

use crate::access::Role;
use crate::catalogue::{ApprovalRule, Approver};
use crate::text_enum::text_enum;

text_enum! {
    pub enum Decision {
        Approved => "approved",
        Rejected => "rejected",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalOutcome {
    Pending,
    Approved,
    Rejected,
}

/// `all`: every slot approved approves, one rejection rejects. `any`: one approval approves,
/// and the order is rejected only once every slot has rejected it. No slots: nothing to wait for.
pub fn approval_outcome(rule: ApprovalRule, decisions: &[Option<Decision>]) -> ApprovalOutcome {
    let approved = decisions
        .iter()
        .filter(|d| **d == Some(Decision::Approved))
        .count();
    let rejected = decisions
        .iter()
        .filter(|d| **d == Some(Decision::Rejected))
        .count();
    let slots = decisions.len();
    match rule {
        _ if slots == 0 => ApprovalOutcome::Approved,
        ApprovalRule::All if rejected > 0 => ApprovalOutcome::Rejected,
        ApprovalRule::All if approved == slots => ApprovalOutcome::Approved,
        ApprovalRule::Any if approved > 0 => ApprovalOutcome::Approved,
        ApprovalRule::Any if rejected == slots => ApprovalOutcome::Rejected,
        _ => ApprovalOutcome::Pending,
    }
}

/// The undecided slot a decision by `user` fills: a slot naming them first (they were chosen in
/// person), then the first role slot `holds_role` says they qualify for. `None`: they are not an
/// approver still awaited.
pub fn slot_for(
    approvers: &[Approver],
    decisions: &[Option<Decision>],
    user: &str,
    holds_role: impl Fn(Role) -> bool,
) -> Option<usize> {
    let open = |i: &usize| decisions.get(*i).is_some_and(Option::is_none);
    let named = (0..approvers.len())
        .filter(open)
        .find(|&i| matches!(&approvers[i], Approver::User(code) if code.as_str() == user));
    named.or_else(|| {
        (0..approvers.len())
            .filter(open)
            .find(|&i| matches!(&approvers[i], Approver::Role(role) if holds_role(*role)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;
    use ApprovalOutcome as O;
    use Decision::{Approved as Yes, Rejected as No};
    use proptest::prelude::*;

    fn user(name: &str) -> Approver {
        Approver::User(Code::parse(name).expect("a code"))
    }

    #[test]
    fn all_needs_every_slot_and_any_needs_one() {
        use ApprovalRule::{All, Any};
        let cases: &[(ApprovalRule, &[Option<Decision>], ApprovalOutcome)] = &[
            (All, &[], O::Approved),
            (Any, &[], O::Approved),
            (All, &[None, None], O::Pending),
            (All, &[Some(Yes), None], O::Pending),
            (All, &[Some(Yes), Some(Yes)], O::Approved),
            (All, &[Some(Yes), Some(No)], O::Rejected),
            (All, &[None, Some(No)], O::Rejected),
            (Any, &[None, None], O::Pending),
            (Any, &[None, Some(Yes)], O::Approved),
            (Any, &[Some(No), None], O::Pending),
            (Any, &[Some(No), Some(No)], O::Rejected),
            (Any, &[Some(No), Some(Yes)], O::Approved),
        ];
        for (rule, decisions, expected) in cases {
            assert_eq!(
                approval_outcome(*rule, decisions),
                *expected,
                "{rule} {decisions:?}"
            );
        }
    }

    #[test]
    fn a_named_user_fills_their_own_slot_before_a_role_slot() {
        let approvers = [Approver::Role(Role::ServiceDeptManager), user("bob")];
        let manager = |role| role == Role::ServiceDeptManager;
        assert_eq!(slot_for(&approvers, &[None, None], "bob", manager), Some(1));
        assert_eq!(slot_for(&approvers, &[None, None], "eve", manager), Some(0));
        assert_eq!(slot_for(&approvers, &[None, None], "eve", |_| false), None);
        assert_eq!(
            slot_for(&approvers, &[None, Some(Yes)], "bob", manager),
            Some(0)
        );
        assert_eq!(
            slot_for(&approvers, &[Some(No), Some(Yes)], "bob", manager),
            None
        );
    }

    fn decision() -> impl Strategy<Value = Option<Decision>> {
        prop_oneof![Just(None), Just(Some(Yes)), Just(Some(No))]
    }

    proptest! {
        /// Deciding one more slot never takes back an outcome already reached.
        #[test]
        fn a_reached_outcome_stands(
            any in proptest::bool::ANY,
            mut decisions in proptest::collection::vec(decision(), 1..6),
            slot in 0usize..6,
            more in prop_oneof![Just(Yes), Just(No)],
        ) {
            let rule = if any { ApprovalRule::Any } else { ApprovalRule::All };
            let before = approval_outcome(rule, &decisions);
            let slot = slot % decisions.len();
            if decisions[slot].is_none() {
                decisions[slot] = Some(more);
                let after = approval_outcome(rule, &decisions);
                prop_assert!(before == O::Pending || after == before, "{before:?} -> {after:?}");
            }
        }

        /// Once every slot is decided, the outcome is never pending.
        #[test]
        fn a_fully_decided_order_has_an_outcome(
            any in proptest::bool::ANY,
            decisions in proptest::collection::vec(prop_oneof![Just(Yes), Just(No)], 0..6),
        ) {
            let rule = if any { ApprovalRule::Any } else { ApprovalRule::All };
            let decisions: Vec<_> = decisions.into_iter().map(Some).collect();
            prop_assert_ne!(approval_outcome(rule, &decisions), O::Pending);
        }
    }
}
