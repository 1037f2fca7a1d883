//! One search result as the API shows it: what it is, its number, a readable title and the
//! matching passage with the matches between « and ».

use crate::kind::Kind;
use crate::store::Found;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize, JsonSchema)]
pub struct Hit {
    pub kind: Kind,
    pub id: i64,
    /// INC0000001, REQ0000001, PRB0000001 or KB0000001.
    pub number: String,
    pub title: String,
    /// The best matching passage of the text, the matches marked « », omissions as ….
    pub snippet: String,
    /// The record's state now.
    pub state: String,
    /// Its place in the whole result list, which the cursor continues from.
    #[serde(skip)]
    pub position: i64,
}

impl Hit {
    pub fn new(found: Found, position: i64) -> Self {
        Hit {
            kind: found.kind,
            id: found.id,
            number: found.kind.record_kind().number_text(found.id),
            title: readable(&found.title),
            snippet: found
                .snippet
                .replace(['{', '}', '"'], "")
                .replace("\\n", " "),
            state: found.state,
            position,
        }
    }
}

/// Text stored by language (`{"en": "…", "zh": "…"}`) as one line, every language in it (the
/// index holds such titles as plain text since migration 0019; this reads any left as JSON).
fn readable(title: &str) -> String {
    match serde_json::from_str::<BTreeMap<String, String>>(title) {
        Ok(by_language) if !by_language.is_empty() => {
            by_language.into_values().collect::<Vec<_>>().join(" / ")
        }
        _ => title.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_by_language_read_as_one_line_and_others_as_they_are() {
        assert_eq!(
            readable(r#"{"en": "Desktop support", "zh": "桌面運維"}"#),
            "Desktop support / 桌面運維"
        );
        assert_eq!(readable("VPN {down}"), "VPN {down}");
    }
}
