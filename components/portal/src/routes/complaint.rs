//! `GET`/`POST /portal/complaint`: a visitor makes a complaint or gives feedback, recorded
//! through the business relationship process as the portal's account (channel `web`), with the
//! visitor's name and e-mail address as contact details; its clocks (a response within 24 hours,
//! the result within 72) start at once. Opened from a record's own page, the form carries that
//! record's number and key (`?about=INC…&key=…`), so the complaint names what it is about, and
//! nobody can name a record whose key they do not hold. The same guards as every form: the
//! token, the honeypot, mistakes beside their fields, one record for a form sent twice.

use crate::form::{self, Group, Mistakes, guards, input, option_group, summary, text_area};
use crate::lang::Texts;
use crate::page::form_document;
use crate::visit::{Refusal, Setup, Visit};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, StatusCode};
use itsm_domain::text::{DESCRIPTION_MAX_CHARS, SHORT_DESCRIPTION_MAX_CHARS};
use itsm_http::process_api::ProcessApi;
use itsm_http::{ApiError, RawBody, Services};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

/// The form as posted (and, for `about`, `key` and `lang`, as opened); every field optional, so
/// nothing typed is lost to a missing one.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ComplaintForm {
    kind: String,
    name: String,
    email: String,
    subject: String,
    message: String,
    about: String,
    key: String,
    website: String,
    form_token: String,
    lang: Option<String>,
}

/// What a visitor may bring, and its words.
fn kinds(texts: &Texts) -> [(&'static str, &'static str); 2] {
    [
        ("complaint", texts.kind_complaint),
        ("feedback", texts.kind_feedback),
    ]
}

pub async fn form(
    State(services): State<Services>,
    headers: HeaderMap,
    Query(opened): Query<ComplaintForm>,
) -> Result<Response, ApiError> {
    let setup = Setup::read(&services).await?;
    let visit = Visit::read(&headers, opened.lang.as_deref())?;
    let blank = ComplaintForm {
        kind: "complaint".to_owned(),
        about: opened.about.clone(),
        key: opened.key.clone(),
        ..ComplaintForm::default()
    };
    about(&setup, &blank)?;
    let page = complaint_page(&setup, &visit, &blank, &Mistakes::default(), None)?;
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
    let posted: ComplaintForm = form::read(&body)?;
    let about = about(&setup, &posted)?;
    let form_id = match setup.admit(&headers, &visit, &posted.form_token, &posted.website)? {
        Ok(form_id) => form_id,
        Err(Refusal::Robot) => {
            return Ok(visit.respond(StatusCode::OK, super::report::thanks(&visit)));
        }
        Err(refusal) => {
            // Blank but for the record it is about, which came with the page's own link.
            let blank = ComplaintForm {
                kind: "complaint".to_owned(),
                about: posted.about.clone(),
                key: posted.key.clone(),
                ..ComplaintForm::default()
            };
            let typed = if refusal.keeps_typed() {
                &posted
            } else {
                &blank
            };
            let notice = Some(refusal.notice(texts));
            let page = complaint_page(&setup, &visit, typed, &Mistakes::default(), notice)?;
            return Ok(visit.respond(StatusCode::FORBIDDEN, page));
        }
    };
    let mut mistakes = Mistakes::default();
    mistakes.choice(
        texts,
        "kind",
        &posted.kind,
        &kinds(texts).map(|(value, _)| value),
    );
    let name = mistakes.line(texts, "name", &posted.name, 100, true);
    let email = mistakes.email(texts, "email", &posted.email);
    let subject = mistakes.line(
        texts,
        "subject",
        &posted.subject,
        SHORT_DESCRIPTION_MAX_CHARS,
        true,
    );
    let content = mistakes.text(
        texts,
        "message",
        &posted.message,
        DESCRIPTION_MAX_CHARS,
        true,
    );
    if !mistakes.is_empty() {
        let page = complaint_page(&setup, &visit, &posted, &mistakes, None)?;
        return Ok(visit.respond(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let mut complaint = json!({"kind": posted.kind, "subject": subject, "content": content,
                               "channel": "web", "contact_details": format!("{name} <{email}>")});
    if let Some(about) = about {
        complaint["about"] = json!(about);
    }
    let answer = setup
        .processes()?
        .post_once(
            "/api/v1/complaints",
            &complaint,
            &format!("portal-complaint-{form_id}"),
        )
        .await;
    let Some(address) = setup.page_of_new(answer, "record a complaint")? else {
        let page = complaint_page(
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

/// The record the complaint is about: none, or one whose key came with it (else 404, as for a
/// record's page with a wrong key).
fn about(setup: &Setup, form: &ComplaintForm) -> Result<Option<String>, ApiError> {
    if form.about.is_empty() && form.key.is_empty() {
        return Ok(None);
    }
    if setup.holds_key(&form.about, &form.key) {
        return Ok(Some(form.about.clone()));
    }
    Err(ApiError::NotFound {
        detail: "no such record".to_owned(),
    })
}

/// The form, with what was typed, its mistakes and a notice, and a fresh token.
fn complaint_page(
    setup: &Setup,
    visit: &Visit,
    typed: &ComplaintForm,
    mistakes: &Mistakes,
    notice: Option<&str>,
) -> Result<Markup, ApiError> {
    let texts = visit.lang.texts();
    let token = setup.new_form_token(visit)?;
    let here = if typed.about.is_empty() {
        "/portal/complaint".to_owned()
    } else {
        format!("/portal/complaint?about={}&key={}", typed.about, typed.key)
    };
    let kind_group = Group {
        legend: texts.kind,
        hint: "",
        name: "kind",
        multiple: false,
    };
    Ok(form_document(
        visit.lang,
        &here,
        !mistakes.is_empty(),
        texts.complaint_title,
        html! {
            (summary(texts, mistakes, &[
                ("kind", texts.kind), ("name", texts.name), ("email", texts.email),
                ("subject", texts.subject), ("message", texts.content),
            ]))
            @if let Some(notice) = notice {
                p.notice role="alert" { (notice) }
            }
            p { (texts.complaint_intro) }
            form method="post" action="/portal/complaint" novalidate {
                (guards(texts, &token))
                @if !typed.about.is_empty() {
                    input type="hidden" name="about" value=(typed.about);
                    input type="hidden" name="key" value=(typed.key);
                    dl { dt { (texts.complaint_about) } dd #about { (typed.about) } }
                }
                (option_group(&kind_group, &kinds(texts), &[typed.kind.as_str()], mistakes.of("kind")))
                (input(texts.name, texts.name_hint, "name", "text", &typed.name, "name", mistakes))
                (input(texts.email, texts.email_hint, "email", "email", &typed.email, "email", mistakes))
                (input(texts.subject, texts.subject_hint, "subject", "text", &typed.subject, "off", mistakes))
                (text_area(texts.content, texts.content_hint, "message", &typed.message, mistakes))
                button type="submit" { (texts.send_complaint) }
            }
        },
    ))
}
