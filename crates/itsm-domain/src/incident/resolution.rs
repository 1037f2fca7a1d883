//! How an incident was resolved, so reports can tell real fixes from workarounds, duplicates and non-issues.

use crate::text_enum::text_enum;

text_enum! {
    pub enum ResolutionCode {
        SolvedPermanently => "solved_permanently",
        SolvedWorkaround => "solved_workaround",
        NotReproducible => "not_reproducible",
        Duplicate => "duplicate",
        ClosedByCaller => "closed_by_caller",
        NoActionNeeded => "no_action_needed",
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
        assert_eq!(
            ResolutionCode::SolvedWorkaround.as_str(),
            "solved_workaround"
        );
        assert_eq!(
            ResolutionCode::parse("no_action_needed"),
            Ok(ResolutionCode::NoActionNeeded)
        );
        assert!(ResolutionCode::parse("solved").is_err());
        assert_eq!(ResolutionCode::ALL.len(), 6);
    }

    proptest! {
        #[test]
        fn text_round_trips(code in select(ResolutionCode::ALL)) {
            assert_text_encoding(code, code.as_str(), ResolutionCode::parse);
        }

        #[test]
        fn only_exact_texts_parse(text in "\\PC{0,20}|[a-z_]{1,20}") {
            if let Ok(code) = ResolutionCode::parse(&text) {
                prop_assert_eq!(code.as_str(), text.as_str());
            }
        }
    }
}
