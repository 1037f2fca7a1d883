//! Optimistic concurrency: every record carries a version; reads return it as a strong `ETag`,
//! and a write with `If-Match` proceeds only if the version is still current (else 412).

use crate::ApiError;
use http::HeaderMap;

pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The version the client requires, if it sent `If-Match` (`*` requires nothing).
pub fn if_match(headers: &HeaderMap) -> Result<Option<Vec<String>>, ApiError> {
    let Some(value) = headers.get(http::header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_field("If-Match", "must be an entity tag such as \"3\""))?;
    if text.trim() == "*" {
        return Ok(None);
    }
    Ok(Some(
        text.split(',').map(|tag| tag.trim().to_owned()).collect(),
    ))
}

/// 412 unless the current version is among those required; weak tags never match (RFC 9110
/// strong comparison).
pub fn check(
    required: Option<&[String]>,
    current_version: i64,
    what: &str,
) -> Result<(), ApiError> {
    let Some(required) = required else {
        return Ok(());
    };
    let current = etag(current_version);
    if required.contains(&current) {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed {
            detail: format!(
                "{what} has changed since you read it: its ETag is now {current}; read it again and retry"
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::IF_MATCH, value.parse().expect("header"));
        h
    }

    #[test]
    fn a_matching_tag_passes_and_a_stale_one_fails() {
        let required = if_match(&headers("\"3\"")).expect("parse");
        assert!(check(required.as_deref(), 3, "x").is_ok());
        assert!(matches!(
            check(required.as_deref(), 4, "x"),
            Err(ApiError::PreconditionFailed { .. })
        ));
    }

    #[test]
    fn star_or_no_header_requires_nothing_and_weak_tags_never_match() {
        assert_eq!(if_match(&HeaderMap::new()).expect("none"), None);
        assert_eq!(if_match(&headers("*")).expect("star"), None);
        let weak = if_match(&headers("W/\"3\"")).expect("weak");
        assert!(check(weak.as_deref(), 3, "x").is_err());
    }
}
