//! The search text as typed, turned into what SQLite can run safely: an FTS5 expression of
//! quoted phrases for terms of three characters or more (the trigram index's unit), and `LIKE`
//! patterns for shorter ones (two-character Chinese words such as 打印). Nothing the user types
//! is ever read as FTS5 syntax.

/// At most this many characters and terms, so one query cannot turn into a scan of everything
/// many times over.
pub const MAX_CHARS: usize = 200;
pub const MAX_TERMS: usize = 10;

/// A checked search text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    /// `"vpn" "error 809"`-style phrases for the index, or `None` when every term is short.
    pub fts: Option<String>,
    /// `%term%` patterns (with `\` escaping) that titles or bodies must contain.
    pub like: Vec<String>,
}

impl TextQuery {
    pub fn parse(text: &str) -> Result<Self, String> {
        // The length as sent, spaces included, as the API document states it.
        if text.chars().count() > MAX_CHARS {
            return Err(format!("must be at most {MAX_CHARS} characters"));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err("say what to search for".to_owned());
        }
        if text.chars().any(char::is_control) {
            return Err("must not contain control characters".to_owned());
        }
        let terms: Vec<&str> = text.split_whitespace().collect();
        if terms.len() > MAX_TERMS {
            return Err(format!("must have at most {MAX_TERMS} words"));
        }
        let (long, short): (Vec<&str>, Vec<&str>) =
            terms.into_iter().partition(|t| t.chars().count() >= 3);
        let fts = (!long.is_empty()).then(|| {
            long.iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" ")
        });
        let like = short
            .iter()
            .map(|t| format!("%{}%", escape_like(t)))
            .collect();
        Ok(Self { fts, like })
    }
}

fn escape_like(term: &str) -> String {
    let mut escaped = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_terms_become_quoted_phrases_and_short_ones_like_patterns() {
        let query = TextQuery::parse(" VPN  error 809 打印 ").expect("valid");
        assert_eq!(query.fts.as_deref(), Some(r#""VPN" "error" "809""#));
        assert_eq!(query.like, ["%打印%"]);
        let short = TextQuery::parse("ok").expect("valid");
        assert_eq!((short.fts, short.like), (None, vec!["%ok%".to_owned()]));
    }

    #[test]
    fn fts_syntax_and_like_wildcards_are_taken_literally() {
        let query = TextQuery::parse(r#"a"b NEAR(x) OR* 5%"#).expect("valid");
        assert_eq!(query.fts.as_deref(), Some(r#""a""b" "NEAR(x)" "OR*""#));
        assert_eq!(query.like, [r"%5\%%"]);
    }

    #[test]
    fn empty_long_and_wordy_texts_are_refused() {
        assert!(TextQuery::parse("   ").is_err());
        assert!(TextQuery::parse(&"x".repeat(201)).is_err());
        assert!(
            TextQuery::parse(&format!(" {} ", "x".repeat(199))).is_err(),
            "spaces count"
        );
        assert!(TextQuery::parse(&"ab ".repeat(11)).is_err());
        assert!(TextQuery::parse("a\u{0}b").is_err());
    }
}
