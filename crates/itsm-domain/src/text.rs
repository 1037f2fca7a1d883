//! Free text bounded in length and cleaned of control characters, so storage and UIs never see unbounded or invisible input.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

pub const SHORT_DESCRIPTION_MAX_CHARS: usize = 160;
pub const DESCRIPTION_MAX_CHARS: usize = 4000;
pub const LABEL_MAX_CHARS: usize = 100;
pub const REASON_MAX_CHARS: usize = 1000;
pub const COMMENT_BODY_MAX_CHARS: usize = 4000;
/// Room for a name and an e-mail address (up to 254 characters) with a telephone number.
pub const CONTACT_DETAILS_MAX_CHARS: usize = 400;

pub type ShortDescription = BoundedText<SHORT_DESCRIPTION_MAX_CHARS>;
pub type Description = BoundedText<DESCRIPTION_MAX_CHARS>;
/// Names: category, caller, group, assignee, configuration item, service.
pub type Label = BoundedText<LABEL_MAX_CHARS>;
pub type Reason = BoundedText<REASON_MAX_CHARS>;
pub type CommentBody = BoundedText<COMMENT_BODY_MAX_CHARS>;
/// How to reach someone outside the product: a name, an e-mail address, a telephone number.
pub type ContactDetails = BoundedText<CONTACT_DETAILS_MAX_CHARS>;

/// Trimmed, non-empty text of at most `MAX` characters (Unicode scalar values, not bytes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct BoundedText<const MAX: usize>(String);

/// Documented as what `parse` accepts, bar the control characters JSON Schema cannot express
/// simply: 1 to `MAX` characters, not all white space.
impl<const MAX: usize> schemars::JsonSchema for BoundedText<MAX> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Text{MAX}").into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "maxLength": MAX,
            "pattern": "\\S",
        })
    }
}

impl<const MAX: usize> BoundedText<MAX> {
    pub const MAX_CHARS: usize = MAX;

    /// Messages are field-agnostic so the caller can attach the field name.
    pub fn parse(input: &str) -> Result<Self, String> {
        clean_text(input, MAX).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The rule behind [`BoundedText`], for one maximum given at run time: trimmed, not empty, at most
/// `max` characters, no control characters but line breaks and tabs. Not generic, so the wasm
/// files carry it once whatever the number of maximums.
pub fn clean_text(input: &str, max: usize) -> Result<String, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("must not be empty".to_owned());
    }
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    // Line breaks and tabs are legitimate in descriptions and comments; the rest
    // (NUL, escape sequences, C1 controls) only ever corrupt displays or logs.
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err("must not contain control characters".to_owned());
    }
    Ok(text.to_owned())
}

// Deserializing goes through `parse`, so no unchecked text can enter by that door.
impl<'de, const MAX: usize> Deserialize<'de> for BoundedText<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl<const MAX: usize> AsRef<str> for BoundedText<MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> fmt::Display for BoundedText<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{from_serde_text, serde_text};
    use proptest::prelude::*;

    type Tiny = BoundedText<5>;

    #[test]
    fn trims_surrounding_whitespace() {
        assert_eq!(
            Tiny::parse("  abc \n").map(|t| t.into_string()),
            Ok("abc".into())
        );
    }

    #[test]
    fn rejects_empty_and_blank() {
        assert_eq!(Tiny::parse(""), Err("must not be empty".into()));
        assert_eq!(Tiny::parse(" \t\r\n "), Err("must not be empty".into()));
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(Tiny::parse("ééééé").is_ok());
        assert_eq!(
            Tiny::parse("éééééé"),
            Err("must be at most 5 characters".into())
        );
        assert!(Tiny::parse("abcde").is_ok());
        assert!(Tiny::parse("abcdef").is_err());
    }

    #[test]
    fn rejects_control_characters_but_keeps_line_breaks_and_tabs() {
        let msg = Err("must not contain control characters".to_owned());
        assert_eq!(Tiny::parse("a\0b"), msg);
        assert_eq!(Tiny::parse("a\u{1b}b"), msg);
        assert_eq!(Tiny::parse("a\u{7f}b"), msg);
        assert_eq!(Tiny::parse("a\u{85}b"), msg);
        assert_eq!(
            Tiny::parse("a\r\n\tb").map(|t| t.into_string()),
            Ok("a\r\n\tb".into())
        );
    }

    #[test]
    fn aliases_carry_their_limits() {
        assert_eq!(ShortDescription::MAX_CHARS, 160);
        assert_eq!(Description::MAX_CHARS, 4000);
        assert_eq!(Label::MAX_CHARS, 100);
        assert_eq!(Reason::MAX_CHARS, 1000);
        assert_eq!(CommentBody::MAX_CHARS, 4000);
        assert!(Label::parse(&"x".repeat(100)).is_ok());
        assert_eq!(
            Label::parse(&"x".repeat(101)),
            Err("must be at most 100 characters".into())
        );
    }

    #[test]
    fn serializes_as_a_plain_string_and_deserializes_through_parse() {
        let text = Tiny::parse("abc").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text.to_string(), "abc");
        assert_eq!(text.as_ref(), "abc");
        assert_eq!(serde_text(&text), Ok("abc".to_owned()));
        assert_eq!(from_serde_text::<Tiny>(" abc "), Ok(text));
        assert!(from_serde_text::<Tiny>("   ").is_err());
    }

    proptest! {
        #[test]
        fn accepted_text_is_trimmed_bounded_and_reparses_to_itself(input in any::<String>()) {
            if let Ok(text) = BoundedText::<20>::parse(&input) {
                prop_assert_eq!(text.as_str(), input.trim());
                prop_assert!(text.as_str().chars().count() <= 20);
                prop_assert_eq!(BoundedText::<20>::parse(text.as_str()), Ok(text.clone()));
            }
        }
    }
}
