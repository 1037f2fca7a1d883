//! The human incident number (INC0000001) derived from the database id, and the parser that lets URLs use either form.

use std::fmt;

use serde::Serialize;

const PREFIX: &str = "INC";
const REF_ERROR: &str = "must be an incident id or number such as INC0000001";

/// "INC" followed by the id, zero-padded to seven digits; larger ids simply get more digits.
///
/// Derived from the id rather than stored separately so the two can never disagree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct IncidentNumber {
    text: String,
    #[serde(skip)]
    id: i64,
}

impl IncidentNumber {
    /// Ids come from the database, which never hands out zero or negatives; refusing them
    /// here keeps a bug elsewhere from minting a number such as "INC-000001".
    pub fn from_id(id: i64) -> Result<Self, String> {
        if id <= 0 {
            return Err("must be a positive incident id".to_owned());
        }
        Ok(Self {
            text: format!("{PREFIX}{id:07}"),
            id,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn id(&self) -> i64 {
        self.id
    }
}

impl fmt::Display for IncidentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What a client may use to point at an incident: its id ("42") or its number ("INC0000042").
///
/// Only a namespace for [`IncidentRef::parse`]: both forms resolve to the same id, so no
/// value of this type is ever needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentRef;

impl IncidentRef {
    /// Returns the incident id. The prefix is case-insensitive and padding is optional
    /// ("inc42" works), because people type numbers by hand.
    pub fn parse(text: &str) -> Result<i64, String> {
        let digits = match text.get(..PREFIX.len()) {
            Some(prefix) if prefix.eq_ignore_ascii_case(PREFIX) => &text[PREFIX.len()..],
            _ => text,
        };
        positive_decimal(digits).ok_or_else(|| REF_ERROR.to_owned())
    }
}

/// Only ASCII digits: `i64::from_str` would also take a leading '+' or '-'.
fn positive_decimal(digits: &str) -> Option<i64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().filter(|&id| id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::serde_text;
    use proptest::prelude::*;

    fn number(id: i64) -> IncidentNumber {
        IncidentNumber::from_id(id).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn number_examples() {
        assert_eq!(number(1).as_str(), "INC0000001");
        assert_eq!(number(42).to_string(), "INC0000042");
        assert_eq!(number(9_999_999).as_str(), "INC9999999");
        assert_eq!(number(10_000_000).as_str(), "INC10000000");
        assert_eq!(number(i64::MAX).as_str(), "INC9223372036854775807");
        assert_eq!(number(42).id(), 42);
        assert_eq!(serde_text(&number(7)), Ok("INC0000007".to_owned()));
    }

    #[test]
    fn number_needs_a_positive_id() {
        assert!(IncidentNumber::from_id(0).is_err());
        assert!(IncidentNumber::from_id(-1).is_err());
        assert!(IncidentNumber::from_id(i64::MIN).is_err());
    }

    #[test]
    fn ref_accepts_ids_and_numbers() {
        assert_eq!(IncidentRef::parse("42"), Ok(42));
        assert_eq!(IncidentRef::parse("0042"), Ok(42));
        assert_eq!(IncidentRef::parse("INC0000042"), Ok(42));
        assert_eq!(IncidentRef::parse("inc0000042"), Ok(42));
        assert_eq!(IncidentRef::parse("Inc42"), Ok(42));
        assert_eq!(IncidentRef::parse("INC12345678"), Ok(12_345_678));
        assert_eq!(IncidentRef::parse("9223372036854775807"), Ok(i64::MAX));
    }

    #[test]
    fn ref_rejects_everything_else() {
        for bad in [
            "",
            "0",
            "INC",
            "INC0000000",
            "+42",
            "-42",
            "INC+42",
            "INC-42",
            " 42",
            "42 ",
            "INC 42",
            "INCC42",
            "PRB0000042",
            "4 2",
            "42a",
            "９",
            "9223372036854775808",
            "INC99999999999999999999",
            "ÉNC42",
        ] {
            assert_eq!(
                IncidentRef::parse(bad),
                Err("must be an incident id or number such as INC0000001".into()),
                "{bad:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn number_and_id_both_parse_back_to_the_id(id in 1..=i64::MAX) {
            let n = number(id);
            prop_assert_eq!(IncidentRef::parse(n.as_str()), Ok(id));
            prop_assert_eq!(IncidentRef::parse(&n.as_str().to_lowercase()), Ok(id));
            prop_assert_eq!(IncidentRef::parse(&id.to_string()), Ok(id));
            prop_assert!(n.as_str().len() >= 10);
        }

        #[test]
        fn parse_never_panics_and_only_yields_positive_ids(text in "\\PC{0,24}|(?i:inc)?[+-]?[0-9]{0,22}") {
            if let Ok(id) = IncidentRef::parse(&text) {
                prop_assert!(id > 0);
            }
        }
    }
}
