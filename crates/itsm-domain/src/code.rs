//! Codes: the short, lowercase keys that name users, customers, services and catalogue entries in
//! paths, scopes and logs, checked in one place so every component accepts the same ones.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// What a code may look like, for schemas and error messages.
pub const CODE_PATTERN: &str = "^[a-z0-9._-]{1,64}$";

/// Checks a code against [`CODE_PATTERN`].
pub fn parse_code(text: &str) -> Result<String, String> {
    let ok = (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b));
    if ok {
        Ok(text.to_owned())
    } else {
        Err("use 1 to 64 lowercase letters, digits, '.', '-' or '_'".to_owned())
    }
}

/// A checked code; it deserializes through [`parse_code`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Code(#[schemars(regex(pattern = CODE_PATTERN))] String);

impl Code {
    pub fn parse(text: &str) -> Result<Self, String> {
        parse_code(text).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::from_serde_text;

    #[test]
    fn accepts_lowercase_keys_and_refuses_the_rest() {
        for good in ["a", "lan-om", "desk_2", "v1.2", &"x".repeat(64)] {
            assert_eq!(
                Code::parse(good).map(|c| c.to_string()),
                Ok(good.to_owned())
            );
        }
        for bad in ["", "Lan", "a b", "é", "a/b", &"x".repeat(65)] {
            assert!(Code::parse(bad).is_err(), "{bad:?}");
            assert!(from_serde_text::<Code>(bad).is_err(), "{bad:?}");
        }
    }
}
