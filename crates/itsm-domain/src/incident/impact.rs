//! Impact and urgency, the two inputs the priority matrix turns into a priority; their numeric levels match the ITIL 1 = high convention used by the source data.

use crate::text_enum::text_enum;

text_enum! {
    /// How widely the incident hurts the business.
    pub enum Impact {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
}

text_enum! {
    /// How soon the incident starts to hurt.
    pub enum Urgency {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
}

impl Impact {
    /// 1 = high, 3 = low.
    pub const fn level(self) -> u8 {
        match self {
            Self::High => 1,
            Self::Medium => 2,
            Self::Low => 3,
        }
    }

    pub const fn from_level(level: u8) -> Option<Self> {
        match level {
            1 => Some(Self::High),
            2 => Some(Self::Medium),
            3 => Some(Self::Low),
            _ => None,
        }
    }
}

impl Urgency {
    /// 1 = high, 3 = low.
    pub const fn level(self) -> u8 {
        match self {
            Self::High => 1,
            Self::Medium => 2,
            Self::Low => 3,
        }
    }

    pub const fn from_level(level: u8) -> Option<Self> {
        match level {
            1 => Some(Self::High),
            2 => Some(Self::Medium),
            3 => Some(Self::Low),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use proptest::prelude::*;
    use proptest::sample::select;

    #[test]
    fn levels_run_from_high_to_low() {
        assert_eq!(
            Impact::ALL.iter().map(|i| i.level()).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(
            Urgency::ALL.iter().map(|u| u.level()).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(Impact::from_level(0), None);
        assert_eq!(Impact::from_level(4), None);
        assert_eq!(Urgency::from_level(0), None);
        assert_eq!(Urgency::from_level(4), None);
    }

    #[test]
    fn text_examples() {
        assert_eq!(Impact::Medium.as_str(), "medium");
        assert_eq!(Urgency::parse("low"), Ok(Urgency::Low));
        assert_eq!(
            Impact::parse("1"),
            Err("must be one of: high, medium, low".into())
        );
    }

    proptest! {
        #[test]
        fn impact_text_round_trips(impact in select(Impact::ALL)) {
            assert_text_encoding(impact, impact.as_str(), Impact::parse);
        }

        #[test]
        fn urgency_text_round_trips(urgency in select(Urgency::ALL)) {
            assert_text_encoding(urgency, urgency.as_str(), Urgency::parse);
        }

        #[test]
        fn levels_round_trip(level in any::<u8>()) {
            prop_assert_eq!(Impact::from_level(level).map(Impact::level), (1..=3).contains(&level).then_some(level));
            prop_assert_eq!(Urgency::from_level(level).map(Urgency::level), (1..=3).contains(&level).then_some(level));
        }

        #[test]
        fn only_exact_texts_parse(text in "\\PC{0,8}|[a-z]{1,6}") {
            if let Ok(impact) = Impact::parse(&text) {
                prop_assert_eq!(impact.as_str(), text.as_str());
            }
            if let Ok(urgency) = Urgency::parse(&text) {
                prop_assert_eq!(urgency.as_str(), text.as_str());
            }
        }
    }
}
