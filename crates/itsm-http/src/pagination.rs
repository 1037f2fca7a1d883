//! Cursor pagination: `limit` (1–200, default 50) and an opaque `cursor`; the next page's URL goes
//! in `Link: <…>; rel="next"`. Cursors carry the last id seen, so pages stay index scans at any
//! depth and never skip or repeat a row when rows are added meanwhile.

use crate::ApiError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u32,
    /// Rows strictly after this id in the list's order.
    pub after: Option<i64>,
}

impl Page {
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Page, ApiError> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::bad_field(
                        "limit",
                        format!("must be a whole number from 1 to {MAX_LIMIT}"),
                    ));
                }
            },
        };
        let after = cursor.map(decode_cursor).transpose()?;
        Ok(Page { limit, after })
    }
}

pub fn encode_cursor(last_id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("id:{last_id}"))
}

fn decode_cursor(cursor: &str) -> Result<i64, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("id:").and_then(|id| id.parse().ok()))
        .ok_or_else(|| ApiError::bad_field("cursor", "is not a cursor this API returned"))
}

/// The `Link` header value for the next page: the same path and query, with `cursor` replaced.
pub fn next_link(path: &str, query: &[(String, String)], cursor: &str) -> String {
    let mut pairs: Vec<String> = query
        .iter()
        .filter(|(k, _)| k != "cursor")
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    pairs.push(format!("cursor={cursor}"));
    format!("<{path}?{}>; rel=\"next\"", pairs.join("&"))
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let page = Page::parse(Some("10"), Some(&encode_cursor(42))).expect("valid");
        assert_eq!(
            page,
            Page {
                limit: 10,
                after: Some(42)
            }
        );
        assert!(Page::parse(None, Some("not-a-cursor")).is_err());
    }

    #[test]
    fn limits_outside_the_range_are_refused() {
        assert_eq!(
            Page::parse(None, None).expect("default").limit,
            DEFAULT_LIMIT
        );
        for bad in ["0", "201", "-1", "ten"] {
            assert!(Page::parse(Some(bad), None).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_next_link_keeps_filters_and_replaces_the_cursor() {
        let query = vec![
            ("state".to_owned(), "new".to_owned()),
            ("cursor".to_owned(), "old".to_owned()),
        ];
        assert_eq!(
            next_link("/api/v1/incidents", &query, "abc"),
            "</api/v1/incidents?state=new&cursor=abc>; rel=\"next\""
        );
    }
}
