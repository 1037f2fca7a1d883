//! Major incidents (the seeds' emergency response, [002 §6.4]): who hears about them, and how a
//! post-incident review judges the solution. The review's times are measured from the record,
//! not typed in, so they cannot flatter the response.

use crate::text_enum::text_enum;
use chrono::{DateTime, Utc};

text_enum! {
    /// Who a communication about a major incident went to.
    pub enum Audience {
        Customers => "customers",
        Users => "users",
        Internal => "internal",
        Management => "management",
        Suppliers => "suppliers",
    }
}

text_enum! {
    /// The post-incident review's verdict on the solution.
    pub enum SolutionEffectiveness {
        Effective => "effective",
        PartiallyEffective => "partially_effective",
        Ineffective => "ineffective",
    }
}

/// Whole minutes from `from` to `to`, never negative (clocks between writers may disagree by a
/// little; a negative response time would only confuse).
pub fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_minutes().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;
    use proptest::sample::select;

    #[test]
    fn minutes_are_whole_and_never_negative() {
        let start = Utc
            .with_ymd_and_hms(2026, 11, 21, 8, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(minutes_between(start, start + Duration::seconds(150)), 2);
        assert_eq!(minutes_between(start, start - Duration::minutes(5)), 0);
    }

    proptest! {
        #[test]
        fn texts_round_trip(audience in select(Audience::ALL), verdict in select(SolutionEffectiveness::ALL)) {
            assert_text_encoding(audience, audience.as_str(), Audience::parse);
            assert_text_encoding(verdict, verdict.as_str(), SolutionEffectiveness::parse);
        }
    }
}
