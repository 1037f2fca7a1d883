//! `GET /portal/tickets/{number}/{key}` and `POST …/comments`: a report's own page, opened by the
//! key in its address (else it does not exist, as far as anyone can tell): what was reported,
//! where it stands, the messages between the visitor and the service desk (never the desk's
//! internal notes), and a form to write another message. A message sent twice is added once.

use super::home::LangQuery;
use crate::form::{self, Mistakes, guards, summary, text_area};
use crate::page::form_document;
use crate::visit::{Setup, Visit, from_elsewhere, settled};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, Method, StatusCode};
use itsm_http::process_api::ProcessApi;
use itsm_http::{ApiError, RawBody, Services};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use itsm_domain::text::COMMENT_BODY_MAX_CHARS as COMMENT_MAX_CHARS;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    comment: String,
    website: String,
    form_token: String,
}

pub async fn show(
    State(services): State<Services>,
    headers: HeaderMap,
    Path((number, key)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
) -> Result<Response, ApiError> {
    let setup = Setup::read(&services).await?;
    let visit = Visit::read(&headers, query.lang.as_deref())?;
    let report = Report::load(&setup, &number, &key).await?;
    let page = ticket_page(&setup, &visit, &report, "", &Mistakes::default(), None)?;
    Ok(visit.respond(StatusCode::OK, page))
}

pub async fn comment(
    State(services): State<Services>,
    headers: HeaderMap,
    Path((number, key)): Path<(String, String)>,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let setup = Setup::read(&services).await?;
    let visit = Visit::read(&headers, None)?;
    let texts = visit.lang.texts();
    let posted: CommentForm = form::read(&body)?;
    let report = Report::load(&setup, &number, &key).await?;
    if from_elsewhere(&headers) {
        let page = ticket_page(
            &setup,
            &visit,
            &report,
            "",
            &Mistakes::default(),
            Some(texts.cross_site),
        )?;
        return Ok(visit.respond(StatusCode::FORBIDDEN, page));
    }
    if report.is_closed() {
        let page = ticket_page(&setup, &visit, &report, "", &Mistakes::default(), None)?;
        return Ok(visit.respond(StatusCode::CONFLICT, page));
    }
    let Some(form_id) = setup.form_id(&posted.form_token, &visit)? else {
        let page = ticket_page(
            &setup,
            &visit,
            &report,
            &posted.comment,
            &Mistakes::default(),
            Some(texts.expired_form),
        )?;
        return Ok(visit.respond(StatusCode::FORBIDDEN, page));
    };
    let address = format!("/portal/tickets/{}/{key}", report.number);
    if !posted.website.is_empty() {
        eprintln!("the portal's honeypot was filled in; nothing was recorded");
        return Ok(Redirect::to(&address).into_response());
    }
    let mut mistakes = Mistakes::default();
    let text = mistakes.text(texts, "comment", &posted.comment, COMMENT_MAX_CHARS, true);
    if !mistakes.is_empty() {
        let page = ticket_page(&setup, &visit, &report, &posted.comment, &mistakes, None)?;
        return Ok(visit.respond(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let path = format!("/api/v1/incidents/{}/comments", report.number);
    let now_unix = itsm_http::time::unix_seconds(&itsm_http::now())?;
    let added = setup
        .processes(now_unix)
        .post_once(
            &path,
            &json!({"body": text}),
            &format!("portal-comment-{form_id}"),
        )
        .await;
    if settled(added, "add a message")?.is_none() {
        let refused = Mistakes(vec![crate::form::Mistake {
            field: "comment",
            message: texts.comment_refused.to_owned(),
        }]);
        let page = ticket_page(&setup, &visit, &report, &posted.comment, &refused, None)?;
        return Ok(visit.respond(StatusCode::SERVICE_UNAVAILABLE, page));
    }
    Ok(Redirect::to(&format!("{address}#messages")).into_response())
}

/// A message form's address opened as a page (the language switch on a page that answered a
/// post): the report's own page.
pub async fn back_to_report(
    Path((number, key)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
) -> Response {
    let lang = query
        .lang
        .as_deref()
        .and_then(crate::lang::Lang::from_tag)
        .map(|l| format!("?lang={}", l.code()))
        .unwrap_or_default();
    let safe = |text: &str| {
        text.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !(safe(&number) && safe(&key)) {
        return ApiError::NotFound {
            detail: "no such page".to_owned(),
        }
        .into_response();
    }
    Redirect::to(&format!("/portal/tickets/{number}/{key}{lang}")).into_response()
}

/// A report as its page shows it.
struct Report {
    number: String,
    key: String,
    incident: Value,
    comments: Vec<Value>,
}

impl Report {
    /// Closed or cancelled: finished, so nothing written to it would be read.
    fn is_closed(&self) -> bool {
        matches!(
            self.incident["state"].as_str(),
            Some("closed" | "cancelled")
        )
    }

    /// The report the address names, if its key is right and the incident process shows it.
    async fn load(setup: &Setup, number: &str, key: &str) -> Result<Self, ApiError> {
        let missing = || ApiError::NotFound {
            detail: "no such report".to_owned(),
        };
        let well_formed = number.len() <= 20 && number.chars().all(|c| c.is_ascii_alphanumeric());
        if !well_formed || !setup.keys.ticket_key_valid(number, key) {
            return Err(missing());
        }
        let now_unix = itsm_http::time::unix_seconds(&itsm_http::now())?;
        let api = setup.processes(now_unix);
        let path = format!("/api/v1/incidents/{number}");
        let incident = api.call(Method::GET, &path, None).await;
        if incident.as_ref().is_ok_and(|answer| answer.status == 404) {
            return Err(missing());
        }
        let unavailable = || ApiError::NotConfigured {
            detail: "the incident process did not show the report".to_owned(),
        };
        let incident = settled(incident, "show a report")?.ok_or_else(unavailable)?;
        let comments = api
            .call(Method::GET, &format!("{path}/comments"), None)
            .await;
        let comments = settled(comments, "show a report's messages")?.ok_or_else(unavailable)?;
        Ok(Self {
            number: number.to_owned(),
            key: key.to_owned(),
            incident: incident.body,
            comments: comments.body["items"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        })
    }
}

fn ticket_page(
    setup: &Setup,
    visit: &Visit,
    report: &Report,
    typed: &str,
    mistakes: &Mistakes,
    notice: Option<&str>,
) -> Result<Markup, ApiError> {
    let texts = visit.lang.texts();
    let token = setup.new_form_token(visit)?;
    let incident = &report.incident;
    let text = |field: &str| incident[field].as_str().unwrap_or_default().to_owned();
    let title = format!("{} {}", texts.ticket_title, report.number);
    let here = format!("/portal/tickets/{}/{}", report.number, report.key);
    Ok(form_document(
        visit.lang,
        &here,
        !mistakes.is_empty(),
        &title,
        html! {
            (summary(texts, mistakes, &[("comment", texts.comment)]))
            @if let Some(notice) = notice {
                p.notice role="alert" { (notice) }
            }
            p.notice { (texts.ticket_link_note) }
            dl {
                dt { (texts.problem) } dd { (text("short_description")) }
                dt { (texts.state) } dd #state { (texts.state_name(&text("state"))) }
                dt { (texts.reported) } dd { (when(&text("created_at"))) }
            }
            h2 #messages { (texts.comments) }
            @if report.comments.is_empty() {
                p { (texts.no_comments) }
            }
            @for comment in &report.comments {
                @let author = comment["author"].as_str().unwrap_or_default();
                div.message {
                    small {
                        // The desk's people are the desk to a visitor, not their login names.
                        strong { @if author == setup.user { (texts.you) } @else { (texts.desk) } }
                        " · " (when(comment["created_at"].as_str().unwrap_or_default()))
                    }
                    (comment["body"].as_str().unwrap_or_default())
                }
            }
            @if report.is_closed() {
                p.notice #closed { (texts.closed_note) " " a href="/portal/report" { (texts.report_link) } }
            } @else {
                h2 { (texts.add_comment) }
                form method="post" action={ (here) "/comments" } novalidate {
                    (guards(texts, &token))
                    (text_area(texts.comment, "", "comment", typed, mistakes))
                    button type="submit" { (texts.send_comment) }
                }
            }
        },
    ))
}

/// A stored time (RFC 3339, UTC) as people read it: `2027-01-11 09:00 UTC`.
fn when(stored: &str) -> String {
    match (stored.get(..10), stored.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => stored.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_day_and_minute() {
        assert_eq!(when("2027-01-11T09:00:00.000Z"), "2027-01-11 09:00 UTC");
        assert_eq!(when("soon"), "soon");
    }
}
