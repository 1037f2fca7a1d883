//! `GET /portal/tickets/{number}/{key}` and `POST …/comments`: a report's own page, opened by the
//! key in its address (else it does not exist, as far as anyone can tell): what was reported,
//! where it stands, the messages between the visitor and the service desk (never the desk's
//! internal notes), and a form to write another message. A message sent twice is added once.

use super::followed::{self, complain_link, when};
use super::home::LangQuery;
use super::survey::Survey;
use crate::form::{self, Mistakes, guards, summary, text_area};
use crate::page::form_document;
use crate::visit::{Refusal, Setup, Visit, settled};
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
    let visit = Visit::read(&headers, query.lang.as_deref())?;
    match number.get(..3) {
        Some("REQ") => return followed::request(&services, &visit, &number, &key).await,
        Some("CMP") => return followed::complaint(&services, &visit, &number, &key).await,
        _ => {}
    }
    let setup = Setup::read(&services).await?;
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
    if report.is_closed() {
        let page = ticket_page(&setup, &visit, &report, "", &Mistakes::default(), None)?;
        return Ok(visit.respond(StatusCode::CONFLICT, page));
    }
    let address = format!("/portal/tickets/{}/{key}", report.number);
    let form_id = match setup.admit(&headers, &visit, &posted.form_token, &posted.website)? {
        Ok(form_id) => form_id,
        Err(Refusal::Robot) => return Ok(Redirect::to(&address).into_response()),
        Err(refusal) => {
            let typed = if refusal.keeps_typed() {
                posted.comment.as_str()
            } else {
                ""
            };
            let notice = Some(refusal.notice(texts));
            let page = ticket_page(&setup, &visit, &report, typed, &Mistakes::default(), notice)?;
            return Ok(visit.respond(StatusCode::FORBIDDEN, page));
        }
    };
    let mut mistakes = Mistakes::default();
    let text = mistakes.text(texts, "comment", &posted.comment, COMMENT_MAX_CHARS, true);
    if !mistakes.is_empty() {
        let page = ticket_page(&setup, &visit, &report, &posted.comment, &mistakes, None)?;
        return Ok(visit.respond(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let path = format!("/api/v1/incidents/{}/comments", report.number);
    let added = setup
        .processes()?
        .post_once(
            &path,
            &json!({"body": text}),
            &format!("portal-comment-{form_id}"),
        )
        .await;
    if settled(added, "add a message")?.is_none() {
        let mut refused = Mistakes::default();
        refused.add("comment", texts.comment_refused);
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
    survey: Survey,
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
        let path = format!("/api/v1/incidents/{number}");
        let incident = followed::open(setup, number, key, &path).await?;
        let comments = setup
            .processes()?
            .call(Method::GET, &format!("{path}/comments"), None)
            .await;
        let comments = settled(comments, "show a report's messages")?.ok_or_else(|| {
            ApiError::NotConfigured {
                detail: "the incident process did not show the report's messages".to_owned(),
            }
        })?;
        let state = incident["state"].as_str().unwrap_or_default();
        let survey = Survey::of(setup, number, state).await?;
        Ok(Self {
            number: number.to_owned(),
            key: key.to_owned(),
            survey,
            incident,
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
            (report.survey.section(texts, &here, &token))
            (complain_link(texts, &report.number, &report.key))
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
