//! Query strings of list routes, parsed one way everywhere: each parameter at most once, unknown
//! ones refused (so a typo never silently lists everything), and the page of results answered
//! with its `Link: rel="next"` header.

use crate::ApiError;
use crate::pagination::{Page, encode_cursor, next_link};
use axum::Json;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, header};
use serde::Serialize;

/// A list route's query string, checked against the parameters it accepts.
#[derive(Debug, Clone)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Accepts `allowed` filters plus `limit` and `cursor`.
    pub fn parse(
        raw: Result<Query<Vec<(String, String)>>, QueryRejection>,
        allowed: &[&str],
    ) -> Result<Self, ApiError> {
        let Query(pairs) = raw.map_err(|e| ApiError::BadRequest {
            detail: format!("the query string is malformed: {e}"),
            errors: Vec::new(),
        })?;
        let mut seen = std::collections::HashSet::new();
        for (key, _) in &pairs {
            if !seen.insert(key.as_str()) {
                return Err(ApiError::bad_field(key, "is given more than once"));
            }
            if !allowed.contains(&key.as_str()) && key != "limit" && key != "cursor" {
                let mut accepted: Vec<&str> = allowed.to_vec();
                accepted.extend(["limit", "cursor"]);
                return Err(ApiError::bad_field(
                    key,
                    format!(
                        "is not a parameter of this list: use {}",
                        accepted.join(", ")
                    ),
                ));
            }
        }
        Ok(Self { pairs })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A parameter parsed by `parse`, its error naming the parameter.
    pub fn parsed<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ApiError> {
        self.get(name)
            .map(|text| parse(text).map_err(|message| ApiError::bad_field(name, message)))
            .transpose()
    }

    /// A `true`/`false` parameter, such as `?active=true`.
    pub fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.parsed(name, |text| {
            text.parse::<bool>()
                .map_err(|_| "must be true or false".to_owned())
        })
    }

    pub fn page(&self) -> Result<Page, ApiError> {
        Page::parse(self.get("limit"), self.get("cursor"))
    }

    /// Answers a page fetched with `limit + 1` rows: the extra row only says a next page exists.
    pub fn respond<T: Serialize>(
        &self,
        path: &str,
        page: Page,
        mut items: Vec<T>,
        id_of: impl Fn(&T) -> i64,
    ) -> Response {
        let next_cursor = (items.len() > page.limit as usize).then(|| {
            items.truncate(page.limit as usize);
            encode_cursor(items.last().map_or(0, &id_of))
        });
        let mut response = Json(serde_json::json!({
            "items": items,
            "next_cursor": next_cursor,
        }))
        .into_response();
        if let Some(cursor) = &next_cursor
            && let Ok(link) = HeaderValue::from_str(&next_link(path, &self.pairs, cursor))
        {
            response.headers_mut().insert(header::LINK, link);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::FromRequestParts;

    async fn params(uri: &str, allowed: &[&str]) -> Result<QueryParams, ApiError> {
        let request = http::Request::builder().uri(uri).body(()).expect("request");
        let (mut parts, ()) = request.into_parts();
        let raw = Query::<Vec<(String, String)>>::from_request_parts(&mut parts, &()).await;
        QueryParams::parse(raw, allowed)
    }

    #[tokio::test]
    async fn unknown_and_repeated_parameters_are_refused_by_name() {
        let ok = params("/x?role=slm&limit=2", &["role"]).await.expect("ok");
        assert_eq!(ok.get("role"), Some("slm"));
        assert_eq!(ok.page().expect("page").limit, 2);
        let unknown = params("/x?rol=slm", &["role"]).await.expect_err("typo");
        assert!(
            unknown.to_string().contains("rol: is not a parameter"),
            "{unknown}"
        );
        let twice = params("/x?role=a&role=b", &["role"])
            .await
            .expect_err("twice");
        assert!(twice.to_string().contains("more than once"));
    }

    #[tokio::test]
    async fn flags_are_true_or_false_and_nothing_else() {
        let q = params("/x?a=true&b=false&c=yes", &["a", "b", "c"])
            .await
            .expect("ok");
        assert_eq!(q.flag("a").expect("valid"), Some(true));
        assert_eq!(q.flag("b").expect("valid"), Some(false));
        assert_eq!(q.flag("d").expect("absent"), None);
        let bad = q.flag("c").expect_err("not a flag");
        assert!(
            bad.to_string().contains("c: must be true or false"),
            "{bad}"
        );
    }

    #[tokio::test]
    async fn a_full_page_links_to_the_next() {
        let q = params("/x?role=slm&limit=2", &["role"]).await.expect("ok");
        let page = q.page().expect("page");
        let response = q.respond("/x", page, vec![9, 8, 7], |n| *n);
        let link = response.headers()[header::LINK].to_str().expect("text");
        assert!(link.starts_with("</x?role=slm&limit=2&cursor="), "{link}");
        let last = q.respond("/x", page, vec![9, 8], |n| *n);
        assert!(last.headers().get(header::LINK).is_none());
    }
}
