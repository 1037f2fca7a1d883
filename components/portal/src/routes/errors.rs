//! The portal's answers when something is wrong, as pages in the visitor's language: any
//! problem (a 404, the rate limit's 429, a 413 past the size limit, a 503 when the portal is not
//! set up) is turned from problem+json into HTML on its way out, keeping its status and headers
//! (such as Retry-After).

use crate::lang::{Lang, Texts};
use crate::page::{self, document};
use crate::visit::lang_for;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{StatusCode, header};
use itsm_http::ApiError;
use maud::html;

pub async fn html_errors(request: Request, next: Next) -> Response {
    let asked = request.uri().query().and_then(|query| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("lang="))
            .map(str::to_owned)
    });
    let lang = lang_for(request.headers(), asked.as_deref());
    let here = request.uri().path().to_owned();
    let response = next.run(request).await;
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if !is_problem {
        return response;
    }
    let status = response.status();
    let headers = response.headers().clone();
    if status.is_server_error() {
        // The page says only that the portal is not available; the log says why.
        let detail = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap_or_default();
        eprintln!(
            "the portal answered {status}: {}",
            String::from_utf8_lossy(&detail)
        );
    }
    let mut page = error_page(lang, &here, status);
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(value) = headers.get(&name) {
            page.headers_mut().insert(name, value.clone());
        }
    }
    page
}

/// Unknown paths and methods.
pub async fn not_found() -> ApiError {
    ApiError::NotFound {
        detail: "no such page".to_owned(),
    }
}

fn error_page(lang: Lang, here: &str, status: StatusCode) -> Response {
    let texts = lang.texts();
    let (title, text) = explain(texts, status);
    let markup = document(
        lang,
        here,
        title,
        html! {
            p { (text) }
            p { a href="/portal" { (texts.back_home) } }
        },
    );
    page::respond(status, markup, None)
}

fn explain(texts: &Texts, status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => {
            (texts.not_found_title, texts.not_found_text)
        }
        StatusCode::TOO_MANY_REQUESTS => (texts.error_title, texts.too_many),
        StatusCode::PAYLOAD_TOO_LARGE => (texts.error_title, texts.too_large),
        status if status.is_client_error() => (texts.error_title, texts.bad_request),
        _ => (texts.error_title, texts.unavailable),
    }
}
