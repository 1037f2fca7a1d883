//! `GET /portal`: where a visitor starts: what the portal is for, and the way to each form
//! (report a problem, order from the catalogue, complain or give feedback).

use crate::lang::Lang;
use crate::page::document;
use crate::visit::Visit;
use axum::extract::Query;
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_http::ApiError;
use maud::html;
use serde::Deserialize;

/// The language switch, which every page takes.
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

pub async fn show(
    headers: HeaderMap,
    Query(query): Query<LangQuery>,
) -> Result<Response, ApiError> {
    let visit = Visit::read(&headers, query.lang.as_deref())?;
    Ok(visit.respond(StatusCode::OK, home(visit.lang)))
}

fn home(lang: Lang) -> maud::Markup {
    let texts = lang.texts();
    document(
        lang,
        "/portal",
        texts.home_title,
        html! {
            p { (texts.home_intro) }
            ul {
                li {
                    a href="/portal/report" { (texts.report_link) }
                    " – " (texts.report_link_hint)
                }
                li {
                    a href="/portal/catalogue" { (texts.catalogue_link) }
                    " – " (texts.catalogue_link_hint)
                }
                li {
                    a href="/portal/complaint" { (texts.complaint_link) }
                    " – " (texts.complaint_link_hint)
                }
            }
        },
    )
}
