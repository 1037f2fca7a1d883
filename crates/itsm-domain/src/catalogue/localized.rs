//! Text in several languages (`{"en": "Hotline service", "zh": "熱線服務"}`), so one catalogue
//! serves English and Chinese readers and a reader always gets some text.

use crate::text::{BoundedText, clean_text};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// How many languages one text may carry.
pub const MAX_LANGUAGES: usize = 10;

/// BCP 47 language tags, simplified: a primary language and optional subtags (`en`, `zh-Hant`).
pub const LANGUAGE_TAG_PATTERN: &str = "^[a-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$";

/// One text per language tag, each trimmed and at most `MAX` characters; at least one language.
/// The texts are plain strings checked by one non-generic function, so each `MAX` adds no
/// serde code of its own to the wasm files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Localized<const MAX: usize>(BTreeMap<String, String>);

impl<const MAX: usize> Localized<MAX> {
    /// The text for `language`: the exact tag, else the same primary language, else English,
    /// else the first stored.
    pub fn get(&self, language: &str) -> &str {
        let primary = |tag: &str| tag.split('-').next().unwrap_or(tag).to_owned();
        let wanted = primary(language);
        self.0
            .get(language)
            .or_else(|| {
                self.0
                    .iter()
                    .find(|(tag, _)| primary(tag) == wanted)
                    .map(|(_, text)| text)
            })
            .or_else(|| self.0.get("en"))
            .or_else(|| self.0.values().next())
            .map_or("", String::as_str)
    }

    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Builds one from (language, text) pairs, checking them as deserializing would.
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Self, String> {
        let texts = pairs
            .iter()
            .map(|(tag, text)| ((*tag).to_owned(), (*text).to_owned()))
            .collect();
        check_texts(texts, MAX).map(Self)
    }
}

/// The rules of [`Localized`] for one maximum given at run time.
fn check_texts(
    texts: BTreeMap<String, String>,
    max: usize,
) -> Result<BTreeMap<String, String>, String> {
    if texts.is_empty() {
        return Err("give the text in at least one language, such as {\"en\": \"…\"}".to_owned());
    }
    if texts.len() > MAX_LANGUAGES {
        return Err(format!("at most {MAX_LANGUAGES} languages"));
    }
    let mut checked = BTreeMap::new();
    for (tag, text) in texts {
        if !is_language_tag(&tag) {
            return Err(format!(
                "{tag:?} is not a language tag: use one such as en, zh or zh-Hant"
            ));
        }
        let text = clean_text(&text, max).map_err(|e| format!("{tag}: {e}"))?;
        checked.insert(tag, text);
    }
    Ok(checked)
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    let subtags: Vec<&str> = parts.collect();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && subtags.len() <= 3
        && subtags
            .iter()
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

impl<'de, const MAX: usize> Deserialize<'de> for Localized<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let texts = BTreeMap::<String, String>::deserialize(deserializer)?;
        check_texts(texts, MAX)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

impl<const MAX: usize> schemars::JsonSchema for Localized<MAX> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Localized{MAX}").into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let text = generator.subschema_for::<BoundedText<MAX>>();
        schemars::json_schema!({
            "description": "The text by language tag, such as {\"en\": \"Hotline service\", \"zh\": \"熱線服務\"}.",
            "type": "object",
            "minProperties": 1,
            "maxProperties": MAX_LANGUAGES,
            "propertyNames": { "pattern": LANGUAGE_TAG_PATTERN },
            "additionalProperties": text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Name = Localized<20>;

    fn name(pairs: &[(&str, &str)]) -> Name {
        Name::from_pairs(pairs).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn picks_the_closest_language_then_english_then_any() {
        let text = name(&[("en", "Hotline"), ("zh-Hant", "熱線服務")]);
        assert_eq!(text.get("en"), "Hotline");
        assert_eq!(text.get("zh-Hant"), "熱線服務");
        assert_eq!(text.get("zh"), "熱線服務");
        assert_eq!(text.get("zh-CN"), "熱線服務");
        assert_eq!(text.get("fr"), "Hotline");
        assert_eq!(name(&[("zh", "熱線")]).get("fr"), "熱線");
    }

    #[test]
    fn refuses_no_language_bad_tags_and_bad_text() {
        assert!(Name::from_pairs(&[]).is_err());
        for tag in ["EN", "e", "english", "en_GB", "en-", "en-toolongsubtag"] {
            assert!(Name::from_pairs(&[(tag, "x")]).is_err(), "{tag}");
        }
        assert_eq!(
            Name::from_pairs(&[("en", "ok"), ("zh", "  ")]).err(),
            Some("zh: must not be empty".to_owned())
        );
        assert!(Name::from_pairs(&[("en", &"x".repeat(21))]).is_err());
        let many: Vec<(String, &str)> = (0..11)
            .map(|i| (format!("a{}", (b'a' + i) as char), "x"))
            .collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(t, x)| (t.as_str(), *x)).collect();
        assert_eq!(
            Name::from_pairs(&many).err(),
            Some("at most 10 languages".to_owned())
        );
        assert!(Name::from_pairs(&many[..10]).is_ok());
    }

    #[test]
    fn lists_its_languages() {
        let text = name(&[("zh", "熱線"), ("en", "Hotline")]);
        assert_eq!(text.languages().collect::<Vec<_>>(), ["en", "zh"]);
    }
}
