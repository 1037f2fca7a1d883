//! Known errors (ISO/IEC 20000 term 3.2.9: a problem with an identified root cause or workaround)
//! and the signature that recognises their recurrence: terms that must all appear in a new
//! incident's text, as whole words where the language has words.

use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};

text_enum! {
    pub enum KnownErrorState {
        /// Matches new incidents and is offered to the service desk.
        Active => "active",
        /// The fix is in, or it was withdrawn: kept for the record, matches nothing.
        Retired => "retired",
    }
}

/// The terms a new incident's short description and description must all contain for the
/// incident to count as a recurrence; held in lower case with runs of white space as one space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct MatchTerms(Vec<String>);

impl MatchTerms {
    pub const MAX_TERMS: usize = 10;
    pub const MIN_CHARS: usize = 2;
    pub const MAX_CHARS: usize = 80;

    /// Each error names the term by its position (`[2]`), for the caller to prefix with the field.
    pub fn parse(terms: &[String]) -> Result<Self, (Option<usize>, String)> {
        if terms.is_empty() || terms.len() > Self::MAX_TERMS {
            return Err((
                None,
                format!("must hold between 1 and {} terms", Self::MAX_TERMS),
            ));
        }
        let mut kept: Vec<String> = Vec::with_capacity(terms.len());
        for (i, term) in terms.iter().enumerate() {
            let term = normalise(term);
            let chars = term.chars().count();
            if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&chars) {
                return Err((
                    Some(i),
                    format!(
                        "must be {} to {} characters long",
                        Self::MIN_CHARS,
                        Self::MAX_CHARS
                    ),
                ));
            }
            if term.chars().any(char::is_control) {
                return Err((Some(i), "must not contain control characters".to_owned()));
            }
            if kept.contains(&term) {
                return Err((Some(i), format!("repeats the term \"{term}\"")));
            }
            kept.push(term);
        }
        Ok(Self(kept))
    }

    pub fn terms(&self) -> &[String] {
        &self.0
    }

    /// Whether every term occurs in `text`, ignoring case and spacing. A Latin term must stand
    /// as a word of its own ("vpn" is not found in "openvpnd"); scripts written without spaces
    /// between words, such as Chinese, match anywhere.
    pub fn matches(&self, text: &str) -> bool {
        let text = normalise(text);
        self.0.iter().all(|term| occurs_as_word(&text, term))
    }
}

impl TryFrom<Vec<String>> for MatchTerms {
    type Error = String;

    fn try_from(terms: Vec<String>) -> Result<Self, String> {
        Self::parse(&terms).map_err(|(at, message)| match at {
            Some(i) => format!("[{i}]: {message}"),
            None => message,
        })
    }
}

impl From<MatchTerms> for Vec<String> {
    fn from(terms: MatchTerms) -> Self {
        terms.0
    }
}

impl schemars::JsonSchema for MatchTerms {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MatchTerms".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "array",
            "description": "Terms that must all appear in a new incident's short description or description (case and spacing ignored; Latin terms as whole words).",
            "minItems": 1,
            "maxItems": Self::MAX_TERMS,
            "items": {"type": "string", "minLength": Self::MIN_CHARS, "maxLength": Self::MAX_CHARS}
        })
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn occurs_as_word(text: &str, term: &str) -> bool {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let first = term.chars().next();
    let last = term.chars().next_back();
    text.match_indices(term).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + term.len()..].chars().next();
        let starts_inside_a_word = is_word(before) && is_word(first);
        let ends_inside_a_word = is_word(after) && is_word(last);
        !starts_inside_a_word && !ends_inside_a_word
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn terms(list: &[&str]) -> MatchTerms {
        let owned: Vec<String> = list.iter().map(|t| (*t).to_owned()).collect();
        MatchTerms::parse(&owned).expect("valid terms")
    }

    #[test]
    fn every_term_must_appear_as_a_word_whatever_the_case_and_spacing() {
        let vpn = terms(&["VPN", "error  809"]);
        assert_eq!(vpn.terms(), ["vpn", "error 809"]);
        assert!(vpn.matches("Cannot connect to the vpn: Error\n809 again"));
        assert!(!vpn.matches("Cannot connect to the VPN"));
        assert!(!vpn.matches("openvpnd crashed with error 809"));
        assert!(!vpn.matches("vpn error 8090"));
        assert!(vpn.matches("(VPN) error 809."));
    }

    #[test]
    fn chinese_terms_match_inside_a_sentence() {
        let printer = terms(&["打印机", "卡纸"]);
        assert!(printer.matches("三楼的打印机又卡纸了"));
        assert!(!printer.matches("三楼的打印机没有墨了"));
    }

    #[test]
    fn bad_term_lists_name_the_term_at_fault() {
        let parse = |list: &[&str]| {
            let owned: Vec<String> = list.iter().map(|t| (*t).to_owned()).collect();
            MatchTerms::parse(&owned)
        };
        assert_eq!(
            parse(&[]),
            Err((None, "must hold between 1 and 10 terms".to_owned()))
        );
        assert_eq!(
            parse(&["vpn", " x "]),
            Err((Some(1), "must be 2 to 80 characters long".to_owned()))
        );
        assert_eq!(
            parse(&["vpn", "VPN"]),
            Err((Some(1), "repeats the term \"vpn\"".to_owned()))
        );
        assert!(parse(&["a\u{7}b"]).is_err());
        assert!(parse(&["ab"; 11]).is_err());
    }

    #[test]
    fn terms_travel_as_a_json_list() {
        let parsed: MatchTerms = serde_json::from_str(r#"["Disk", "full"]"#).expect("list");
        assert_eq!(
            serde_json::to_string(&parsed).expect("json"),
            r#"["disk","full"]"#
        );
        let error = serde_json::from_str::<MatchTerms>(r#"["disk", "d"]"#).expect_err("short");
        assert!(
            error.to_string().contains("[1]: must be 2 to 80"),
            "{error}"
        );
    }

    proptest! {
        /// Any text made of words matches the terms taken from its own words, in any case.
        #[test]
        fn a_text_matches_terms_drawn_from_it(
            words in prop::collection::vec("[a-z]{2,8}", 1..8),
            pick in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
        ) {
            let text = words.join(" ").to_uppercase();
            let mut chosen: Vec<String> = Vec::new();
            for index in pick {
                let word = index.get(&words).clone();
                if !chosen.contains(&word) {
                    chosen.push(word);
                }
            }
            let parsed = MatchTerms::parse(&chosen).expect("valid");
            prop_assert!(parsed.matches(&text));
            // A term longer than any word of the text never matches inside one.
            let longer = MatchTerms::parse(&["zzzzzzzzz".to_owned()]).expect("valid");
            prop_assert!(!longer.matches(&text));
        }
    }
}
