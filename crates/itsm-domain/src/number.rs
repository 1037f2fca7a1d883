//! Human record numbers (INC0000001, REQ0000001, PRB0000001, CHG0000001, KE0000001, KB0000001,
//! SLA0000001, CMP0000001) derived from the database id, and
//! the parser that lets URLs use either form.

use std::fmt;

use serde::Serialize;

/// The kinds of record that carry a number, each with its own prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Incident,
    Request,
    Problem,
    Change,
    KnownError,
    Article,
    /// SLAs, OLAs and underpinning contracts: one series.
    Agreement,
    /// Customer complaints and feedback: one series.
    Complaint,
}

impl RecordKind {
    pub const fn prefix(self) -> &'static str {
        match self {
            Self::Incident => "INC",
            Self::Request => "REQ",
            Self::Problem => "PRB",
            Self::Change => "CHG",
            Self::KnownError => "KE",
            Self::Article => "KB",
            Self::Agreement => "SLA",
            Self::Complaint => "CMP",
        }
    }

    /// What a record of this kind is called, with its article: "an incident".
    pub const fn noun(self) -> &'static str {
        match self {
            Self::Incident => "an incident",
            Self::Request => "a service request",
            Self::Problem => "a problem",
            Self::Change => "a change",
            Self::KnownError => "a known error",
            Self::Article => "a knowledge article",
            Self::Agreement => "an agreement",
            Self::Complaint => "a complaint or feedback",
        }
    }

    /// The prefix followed by the id, zero-padded to seven digits; larger ids simply get more
    /// digits. Derived from the id rather than stored separately so the two can never disagree.
    ///
    /// Ids come from the database, which never hands out zero or negatives; refusing them here
    /// keeps a bug elsewhere from minting a number such as "INC-000001".
    pub fn number(self, id: i64) -> Result<RecordNumber, String> {
        if id <= 0 {
            return Err(format!("must be a positive id of {}", self.noun()));
        }
        Ok(RecordNumber {
            text: format!("{}{id:07}", self.prefix()),
            id,
        })
    }

    /// The number as text, or the bare id should a bug ever hand over a non-positive one.
    pub fn number_text(self, id: i64) -> String {
        self.number(id)
            .map_or_else(|_| id.to_string(), |n| n.as_str().to_owned())
    }

    /// The id from what a client may use to point at a record: its id ("42") or its number
    /// ("INC0000042"). The prefix is case-insensitive and padding is optional ("inc42" works),
    /// because people type numbers by hand.
    pub fn parse_ref(self, text: &str) -> Result<i64, String> {
        let prefix = self.prefix();
        let digits = match text.get(..prefix.len()) {
            Some(given) if given.eq_ignore_ascii_case(prefix) => &text[prefix.len()..],
            _ => text,
        };
        positive_decimal(digits).ok_or_else(|| {
            format!(
                "must be {} id or number such as {prefix}0000001",
                self.noun()
            )
        })
    }

    /// The kind among `kinds` whose prefix `number` starts with (in any case), such as
    /// Incident for "INC0000042"; `None` for a bare id or another kind's number.
    pub fn of_number(number: &str, kinds: &[Self]) -> Option<Self> {
        kinds.iter().copied().find(|kind| {
            number
                .get(..kind.prefix().len())
                .is_some_and(|given| given.eq_ignore_ascii_case(kind.prefix()))
        })
    }
}

/// A record's number, such as INC0000042.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct RecordNumber {
    text: String,
    #[serde(skip)]
    id: i64,
}

impl RecordNumber {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn id(&self) -> i64 {
        self.id
    }
}

impl fmt::Display for RecordNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
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

    use RecordKind::{Incident, Problem, Request};

    fn number(id: i64) -> RecordNumber {
        Incident.number(id).unwrap_or_else(|e| panic!("{e}"))
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
    fn each_kind_has_its_own_prefix() {
        assert_eq!(
            RecordKind::of_number("req7", &[Incident, Request]),
            Some(Request)
        );
        assert_eq!(RecordKind::of_number("42", &[Incident, Request]), None);
        assert_eq!(
            RecordKind::of_number("PRB0000001", &[Incident, Request]),
            None
        );
        assert_eq!(Request.number_text(42), "REQ0000042");
        assert_eq!(Problem.number_text(7), "PRB0000007");
        assert_eq!(Request.parse_ref("req42"), Ok(42));
        assert_eq!(Problem.parse_ref("PRB0000042"), Ok(42));
        assert_eq!(
            Request.parse_ref("INC0000042"),
            Err("must be a service request id or number such as REQ0000001".to_owned())
        );
    }

    #[test]
    fn number_needs_a_positive_id() {
        assert!(Incident.number(0).is_err());
        assert!(Incident.number(-1).is_err());
        assert!(Incident.number(i64::MIN).is_err());
    }

    #[test]
    fn ref_accepts_ids_and_numbers() {
        assert_eq!(Incident.parse_ref("42"), Ok(42));
        assert_eq!(Incident.parse_ref("0042"), Ok(42));
        assert_eq!(Incident.parse_ref("INC0000042"), Ok(42));
        assert_eq!(Incident.parse_ref("inc0000042"), Ok(42));
        assert_eq!(Incident.parse_ref("Inc42"), Ok(42));
        assert_eq!(Incident.parse_ref("INC12345678"), Ok(12_345_678));
        assert_eq!(Incident.parse_ref("9223372036854775807"), Ok(i64::MAX));
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
                Incident.parse_ref(bad),
                Err("must be an incident id or number such as INC0000001".to_owned()),
                "{bad:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn number_and_id_both_parse_back_to_the_id(id in 1..=i64::MAX) {
            let n = number(id);
            prop_assert_eq!(Incident.parse_ref(n.as_str()), Ok(id));
            prop_assert_eq!(Incident.parse_ref(&n.as_str().to_lowercase()), Ok(id));
            prop_assert_eq!(Incident.parse_ref(&id.to_string()), Ok(id));
            prop_assert!(n.as_str().len() >= 10);
        }

        #[test]
        fn parse_never_panics_and_only_yields_positive_ids(text in "\\PC{0,24}|(?i:inc)?[+-]?[0-9]{0,22}") {
            if let Ok(id) = Incident.parse_ref(&text) {
                prop_assert!(id > 0);
            }
        }
    }
}
