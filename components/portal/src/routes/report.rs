//! `GET`/`POST /portal/report`: a visitor reports a problem. The form keeps everything typed
//! when something must be corrected, names each mistake next to its field and in a summary; a
//! post must carry a token this portal gave to this browser (else the form comes back, as typed,
//! to be sent again); a robot that fills in the honeypot is thanked and nothing is recorded; the
//! same form sent twice makes one incident (its token's form id is the Idempotency-Key). The
//! incident is logged through the incident process as the portal's account, on channel `web`,
//! and the visitor is sent to the report's own page, whose address is the key to follow it.

use super::home::LangQuery;
use crate::form::{self, Mistakes, guards, input, summary, text_area};
use crate::lang::Texts;
use crate::page::{document, form_document};
use crate::visit::{Refusal, Setup, Visit};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, StatusCode};
use itsm_http::process_api::ProcessApi;
use itsm_http::{ApiError, RawBody, Services};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use itsm_domain::text::SHORT_DESCRIPTION_MAX_CHARS;

/// Who is affected, as the form offers it: the incident's impact and its words.
fn impacts(texts: &Texts) -> [(&'static str, &'static str); 3] {
    [
        ("low", texts.impact_low),
        ("medium", texts.impact_medium),
        ("high", texts.impact_high),
    ]
}
/// The longest details taken: the description also carries who reported it.
const DETAILS_MAX_CHARS: usize = 3000;

/// The form as posted; every field optional, so nothing typed is lost to a missing one.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    name: String,
    email: String,
    summary: String,
    details: String,
    impact: String,
    website: String,
    form_token: String,
}

pub async fn form(
    State(services): State<Services>,
    headers: HeaderMap,
    Query(query): Query<LangQuery>,
) -> Result<Response, ApiError> {
    let setup = Setup::read(&services).await?;
    let visit = Visit::read(&headers, query.lang.as_deref())?;
    let page = report_page(&setup, &visit, &blank(), &Mistakes::default(), None)?;
    Ok(visit.respond(StatusCode::OK, page))
}

pub async fn submit(
    State(services): State<Services>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let setup = Setup::read(&services).await?;
    let visit = Visit::read(&headers, None)?;
    let texts = visit.lang.texts();
    let posted: ReportForm = form::read(&body)?;
    let form_id = match setup.admit(&headers, &visit, &posted.form_token, &posted.website)? {
        Ok(form_id) => form_id,
        Err(Refusal::Robot) => return Ok(visit.respond(StatusCode::OK, thanks(&visit))),
        Err(refusal) => {
            let blank = blank();
            let typed = if refusal.keeps_typed() {
                &posted
            } else {
                &blank
            };
            let notice = Some(refusal.notice(texts));
            let page = report_page(&setup, &visit, typed, &Mistakes::default(), notice)?;
            return Ok(visit.respond(StatusCode::FORBIDDEN, page));
        }
    };
    let mut mistakes = Mistakes::default();
    let name = mistakes.line(texts, "name", &posted.name, 100, true);
    let email = mistakes.email(texts, "email", &posted.email);
    let summary = mistakes.line(
        texts,
        "summary",
        &posted.summary,
        SHORT_DESCRIPTION_MAX_CHARS,
        true,
    );
    let details = mistakes.text(texts, "details", &posted.details, DETAILS_MAX_CHARS, false);
    mistakes.choice(
        texts,
        "impact",
        &posted.impact,
        &impacts(texts).map(|(value, _)| value),
    );
    if !mistakes.is_empty() {
        let page = report_page(&setup, &visit, &posted, &mistakes, None)?;
        return Ok(visit.respond(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let reporter = format!("Reported through the portal by {name} <{email}>.");
    let description = if details.is_empty() {
        reporter
    } else {
        format!("{reporter}\n\n{details}")
    };
    let incident = json!({"short_description": summary, "description": description,
                          "impact": posted.impact, "urgency": "medium",
                          "caller": setup.user, "channel": "web"});
    let answer = setup
        .processes()?
        .post_once(
            "/api/v1/incidents",
            &incident,
            &format!("portal-report-{form_id}"),
        )
        .await;
    let Some(address) = setup.page_of_new(answer, "log a report")? else {
        // Nothing was logged: the form comes back as typed, to be sent again in a moment.
        let page = report_page(
            &setup,
            &visit,
            &posted,
            &Mistakes::default(),
            Some(texts.not_sent),
        )?;
        return Ok(visit.respond(StatusCode::SERVICE_UNAVAILABLE, page));
    };
    Ok(Redirect::to(&address).into_response())
}

fn blank() -> ReportForm {
    ReportForm {
        impact: "low".to_owned(),
        ..ReportForm::default()
    }
}

/// The form, with what was typed, its mistakes and a notice, and a fresh token.
fn report_page(
    setup: &Setup,
    visit: &Visit,
    typed: &ReportForm,
    mistakes: &Mistakes,
    notice: Option<&str>,
) -> Result<Markup, ApiError> {
    let texts = visit.lang.texts();
    let token = setup.new_form_token(visit)?;
    Ok(form_document(
        visit.lang,
        "/portal/report",
        !mistakes.is_empty(),
        texts.report_title,
        html! {
            (summary(texts, mistakes, &[
                ("name", texts.name), ("email", texts.email), ("summary", texts.summary),
                ("details", texts.details), ("impact", texts.impact),
            ]))
            @if let Some(notice) = notice {
                p.notice role="alert" { (notice) }
            }
            p { (texts.report_intro) }
            form method="post" action="/portal/report" novalidate {
                (guards(texts, &token))
                (input(texts.name, texts.name_hint, "name", "text", &typed.name, "name", mistakes))
                (input(texts.email, texts.email_hint, "email", "email", &typed.email, "email", mistakes))
                (input(texts.summary, texts.summary_hint, "summary", "text", &typed.summary, "off", mistakes))
                (text_area(&format!("{}{}", texts.details, texts.optional), texts.details_hint, "details", &typed.details, mistakes))
                (impact(texts, &typed.impact, mistakes))
                button type="submit" { (texts.send_report) }
            }
        },
    ))
}

fn impact(texts: &Texts, chosen: &str, mistakes: &Mistakes) -> Markup {
    let error = mistakes.of("impact");
    let options = impacts(texts);
    html! {
        div class=[error.map(|_| "field-error")] {
            label for="impact" { (texts.impact) }
            @if let Some(error) = error {
                span.error #impact-error { (error) }
            }
            select #impact name="impact" aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| "impact-error")] {
                @for (value, label) in options {
                    option value=(value) selected[chosen == value] { (label) }
                }
            }
        }
    }
}

/// What a robot that filled in the honeypot sees: the same thanks as anyone, no address.
pub(crate) fn thanks(visit: &Visit) -> Markup {
    let texts = visit.lang.texts();
    document(
        visit.lang,
        "/portal/report",
        texts.thanks_title,
        html! { p { (texts.thanks_text) } },
    )
}
