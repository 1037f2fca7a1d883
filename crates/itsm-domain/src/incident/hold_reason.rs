//! Why an incident is on hold, because a hold must be justified and some reasons (a vendor, a problem, a change) are reported on.

use crate::text_enum::text_enum;

text_enum! {
    pub enum HoldReason {
        AwaitingCaller => "awaiting_caller",
        AwaitingVendor => "awaiting_vendor",
        AwaitingProblem => "awaiting_problem",
        AwaitingChange => "awaiting_change",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use proptest::prelude::*;
    use proptest::sample::select;

    #[test]
    fn text_examples() {
        assert_eq!(HoldReason::AwaitingCaller.as_str(), "awaiting_caller");
        assert_eq!(
            HoldReason::parse("awaiting_change"),
            Ok(HoldReason::AwaitingChange)
        );
        assert!(HoldReason::parse("awaiting").is_err());
        assert_eq!(HoldReason::ALL.len(), 4);
    }

    proptest! {
        #[test]
        fn text_round_trips(reason in select(HoldReason::ALL)) {
            assert_text_encoding(reason, reason.as_str(), HoldReason::parse);
        }

        #[test]
        fn only_exact_texts_parse(text in "\\PC{0,20}|awaiting_[a-z]{1,8}") {
            if let Ok(reason) = HoldReason::parse(&text) {
                prop_assert_eq!(reason.as_str(), text.as_str());
            }
        }
    }
}
