//! `GET /portal/catalogue`, `GET`/`POST /portal/catalogue/{code}`: the published catalogue's
//! business view as customers read it, one entry's page, and ordering it through a form made
//! from its request form. The order is placed through the service request process as the
//! portal's account, with the visitor's name and e-mail address as its contact details, and the
//! visitor is sent to the order's own page. As with a report: everything typed comes back with
//! its mistakes, a post needs this browser's token, the honeypot records nothing, and the same
//! form sent twice makes one order.

use super::home::LangQuery;
use crate::form::{self, Mistakes, guards, input, summary};
use crate::lang::Lang;
use crate::order_form::{self, Typed};
use crate::page::{document, form_document};
use crate::visit::{Refusal, Setup, Visit, settled};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use http::{HeaderMap, Method, StatusCode};
use itsm_domain::Code;
use itsm_domain::catalogue::{Localized, RequestForm};
use itsm_http::process_api::ProcessApi;
use itsm_http::{ApiError, RawBody, Services};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

/// An entry of the published catalogue, as much of it as a customer reads.
#[derive(Debug, Deserialize)]
pub struct Item {
    code: String,
    name: Localized<160>,
    #[serde(default)]
    class: Option<Localized<100>>,
    #[serde(default)]
    description: Option<Localized<4000>>,
    #[serde(default)]
    content_items: Vec<Localized<1000>>,
    #[serde(default)]
    service_hours: Option<Localized<1000>>,
    #[serde(default)]
    fees: Option<Localized<1000>>,
    #[serde(default)]
    contact: Option<Localized<1000>>,
    #[serde(default)]
    recipient_guide: Option<Localized<4000>>,
    #[serde(default)]
    request_form: Option<RequestForm>,
    #[serde(default)]
    requires_approval: bool,
}

#[derive(Debug, Deserialize)]
struct Catalogue {
    items: Vec<Item>,
}

pub async fn list(
    State(services): State<Services>,
    headers: HeaderMap,
    Query(query): Query<LangQuery>,
) -> Result<Response, ApiError> {
    let setup = Setup::read(&services).await?;
    let visit = Visit::read(&headers, query.lang.as_deref())?;
    let items = published(&setup).await?;
    Ok(visit.respond(StatusCode::OK, list_page(visit.lang, &items)))
}

pub async fn item(
    State(services): State<Services>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, ApiError> {
    let setup = Setup::read(&services).await?;
    let visit = Visit::read(&headers, query.lang.as_deref())?;
    let item = load_item(&setup, &code).await?;
    let page = item_page(
        &setup,
        &visit,
        &item,
        &OrderForm::default(),
        &Mistakes::default(),
        None,
    )?;
    Ok(visit.respond(StatusCode::OK, page))
}

/// The order form as posted: the visitor's own fields, and the item's as name-value pairs.
#[derive(Debug, Default)]
struct OrderForm {
    name: String,
    email: String,
    website: String,
    form_token: String,
    answers: Typed,
}

impl OrderForm {
    fn read(body: &[u8]) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = form::read(body)?;
        let field = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        Ok(Self {
            name: field("name"),
            email: field("email"),
            website: field(form::HONEYPOT),
            form_token: field(form::TOKEN),
            answers: Typed::from_pairs(&pairs),
        })
    }
}

pub async fn order(
    State(services): State<Services>,
    headers: HeaderMap,
    Path(code): Path<String>,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let setup = Setup::read(&services).await?;
    let visit = Visit::read(&headers, None)?;
    let texts = visit.lang.texts();
    let posted = OrderForm::read(&body)?;
    let item = load_item(&setup, &code).await?;
    let refuse = |status: StatusCode, typed: &OrderForm, mistakes: &Mistakes, notice| {
        let page = item_page(&setup, &visit, &item, typed, mistakes, notice)?;
        Ok::<_, ApiError>(visit.respond(status, page))
    };
    let blank = OrderForm::default();
    let Some(request_form) = &item.request_form else {
        return refuse(StatusCode::CONFLICT, &blank, &Mistakes::default(), None);
    };
    let form_id = match setup.admit(&headers, &visit, &posted.form_token, &posted.website)? {
        Ok(form_id) => form_id,
        Err(Refusal::Robot) => {
            return Ok(visit.respond(StatusCode::OK, super::report::thanks(&visit)));
        }
        Err(refusal) => {
            let typed = if refusal.keeps_typed() {
                &posted
            } else {
                &blank
            };
            let notice = Some(refusal.notice(texts));
            return refuse(StatusCode::FORBIDDEN, typed, &Mistakes::default(), notice);
        }
    };
    let mut mistakes = Mistakes::default();
    let name = mistakes.line(texts, "name", &posted.name, 100, true);
    let email = mistakes.email(texts, "email", &posted.email);
    let (answers, wrong) = order_form::answers(request_form, &posted.answers, visit.lang, today());
    mistakes.0.extend(wrong.0);
    if !mistakes.is_empty() {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &posted, &mistakes, None);
    }
    let order = json!({"item": item.code, "answers": answers,
                       "contact_details": format!("{name} <{email}>")});
    let placed = setup
        .processes()?
        .post_once(
            "/api/v1/requests",
            &order,
            &format!("portal-order-{form_id}"),
        )
        .await;
    if let Ok(answer) = &placed
        && answer.status == 422
    {
        // The catalogue changed since the page was shown, or a user named is unknown: the
        // process's words, beside the field it names.
        let refused = refusals(answer.body["errors"].as_array(), texts.order_refused);
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &posted, &refused, None);
    }
    let Some(address) = setup.page_of_new(placed, "place an order")? else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            &posted,
            &Mistakes::default(),
            Some(texts.order_not_sent),
        );
    };
    Ok(Redirect::to(&address).into_response())
}

/// The process's refusals of an order, as mistakes: of the form's fields beside them, of
/// anything else (the entry itself) under the order's heading.
fn refusals(errors: Option<&Vec<serde_json::Value>>, prefix: &str) -> Mistakes {
    let mut mistakes = Mistakes::default();
    for error in errors.into_iter().flatten() {
        let field = error["field"].as_str().unwrap_or_default();
        let message = error["message"].as_str().unwrap_or_default();
        let field = if field.starts_with(order_form::PREFIX) {
            field
        } else {
            ORDER
        };
        mistakes.add(field, format!("{prefix} {message}"));
    }
    mistakes
}

/// Where mistakes of the order as a whole point: its heading.
const ORDER: &str = "order";

/// The day an order's date limits count from, as the service request process counts it.
fn today() -> NaiveDate {
    itsm_http::time::day_of(&itsm_http::now())
}

/// The business view of the latest published catalogue; none when nothing is published.
async fn published(setup: &Setup) -> Result<Vec<Item>, ApiError> {
    let answer = setup
        .processes()?
        .call(Method::GET, "/api/v1/catalogue?view=business", None)
        .await;
    if answer.as_ref().is_ok_and(|a| a.status == 404) {
        return Ok(Vec::new());
    }
    let answer = settled(answer, "read the catalogue")?.ok_or_else(|| unavailable("catalogue"))?;
    let catalogue: Catalogue = serde_json::from_value(answer.body)
        .map_err(|e| ApiError::Internal(format!("the catalogue could not be read: {e}")))?;
    Ok(catalogue.items)
}

/// The published entry `code` names, customers' view of it; 404 when there is none.
async fn load_item(setup: &Setup, code: &str) -> Result<Item, ApiError> {
    let missing = || ApiError::NotFound {
        detail: "no such catalogue entry".to_owned(),
    };
    let code = Code::parse(code).map_err(|_| missing())?;
    if code.as_str().starts_with('.') {
        return Err(missing());
    }
    let path = format!("/api/v1/catalogue/items/{code}");
    let answer = setup.processes()?.call(Method::GET, &path, None).await;
    if answer.as_ref().is_ok_and(|a| a.status == 404) {
        return Err(missing());
    }
    let answer = settled(answer, "read a catalogue entry")?.ok_or_else(|| unavailable("entry"))?;
    serde_json::from_value(answer.body)
        .map_err(|e| ApiError::Internal(format!("the catalogue entry could not be read: {e}")))
}

fn unavailable(what: &str) -> ApiError {
    ApiError::NotConfigured {
        detail: format!("the catalogue process did not show the {what}"),
    }
}

fn list_page(lang: Lang, items: &[Item]) -> Markup {
    let texts = lang.texts();
    let code = lang.code();
    // Entries grouped by their class, in the order the catalogue lists them.
    let mut classes: Vec<(String, Vec<&Item>)> = Vec::new();
    for item in items {
        let class = item
            .class
            .as_ref()
            .map_or(texts.other_services, |c| c.get(code))
            .to_owned();
        match classes.iter_mut().find(|(name, _)| *name == class) {
            Some((_, members)) => members.push(item),
            None => classes.push((class, vec![item])),
        }
    }
    document(
        lang,
        "/portal/catalogue",
        texts.catalogue_title,
        html! {
            p { (texts.catalogue_intro) }
            @if items.is_empty() {
                p.notice { (texts.catalogue_empty) }
            }
            @for (class, members) in &classes {
                h2 { (class) }
                ul.entries {
                    @for item in members {
                        li {
                            a href={ "/portal/catalogue/" (item.code) } { (item.name.get(code)) }
                            @if item.request_form.is_some() {
                                " " span.tag { (texts.orderable) }
                            }
                            @if let Some(description) = &item.description {
                                br;
                                span.hint { (first_sentence(description.get(code))) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The start of a description, to show in a list: its first line, at most 200 characters.
fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= 200 {
        return line.to_owned();
    }
    let cut: String = line.chars().take(199).collect();
    format!("{cut}…")
}

fn item_page(
    setup: &Setup,
    visit: &Visit,
    item: &Item,
    typed: &OrderForm,
    mistakes: &Mistakes,
    notice: Option<&str>,
) -> Result<Markup, ApiError> {
    let lang = visit.lang;
    let texts = lang.texts();
    let code = lang.code();
    let here = format!("/portal/catalogue/{}", item.code);
    let token = setup.new_form_token(visit)?;
    let today = today();
    let mut labels = vec![
        (ORDER.to_owned(), texts.order_heading.to_owned()),
        ("name".to_owned(), texts.name.to_owned()),
        ("email".to_owned(), texts.email.to_owned()),
    ];
    if let Some(form) = &item.request_form {
        labels.extend(order_form::labels(form, lang));
    }
    let labels: Vec<(&str, &str)> = labels
        .iter()
        .map(|(f, l)| (f.as_str(), l.as_str()))
        .collect();
    let sections = [
        (texts.service_hours, &item.service_hours),
        (texts.fees, &item.fees),
        (texts.contact, &item.contact),
    ];
    Ok(form_document(
        lang,
        &here,
        !mistakes.is_empty(),
        item.name.get(code),
        html! {
            (summary(texts, mistakes, &labels))
            @if let Some(notice) = notice {
                p.notice role="alert" { (notice) }
            }
            @if let Some(description) = &item.description {
                p.prose { (description.get(code)) }
            }
            @if !item.content_items.is_empty() {
                h2 { (texts.includes) }
                ul { @for content in &item.content_items { li { (content.get(code)) } } }
            }
            dl {
                @for (title, text) in sections {
                    @if let Some(text) = text {
                        dt { (title) } dd.prose { (text.get(code)) }
                    }
                }
            }
            @if let Some(guide) = &item.recipient_guide {
                h2 { (texts.guide) }
                p.prose { (guide.get(code)) }
            }
            @match &item.request_form {
                Some(form) => {
                    h2 #order { (texts.order_heading) }
                    p { (texts.order_intro) }
                    @if item.requires_approval {
                        p.notice { (texts.order_approval) }
                    }
                    form method="post" action=(here) novalidate {
                        (guards(texts, &token))
                        (input(texts.name, texts.name_hint, "name", "text", &typed.name, "name", mistakes))
                        (input(texts.email, texts.email_hint, "email", "email", &typed.email, "email", mistakes))
                        (order_form::controls(form, lang, &typed.answers, mistakes, today))
                        button type="submit" { (texts.send_order) }
                    }
                }
                None => p.notice #not-orderable { (texts.not_orderable) },
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_description_is_cut_at_its_first_line_or_200_characters() {
        assert_eq!(first_sentence("One line.\nAnother."), "One line.");
        let long = "字".repeat(250);
        let cut = first_sentence(&long);
        assert_eq!(cut.chars().count(), 200);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn the_processs_refusals_sit_beside_their_fields() {
        let errors = vec![
            json!({"field": "answers.for_user", "message": "no active user x"}),
            json!({"field": "item", "message": "desk is not in the published catalogue"}),
        ];
        let mistakes = refusals(Some(&errors), "Not accepted:");
        assert_eq!(
            mistakes.of("answers.for_user"),
            Some("Not accepted: no active user x")
        );
        assert_eq!(
            mistakes.of(ORDER),
            Some("Not accepted: desk is not in the published catalogue")
        );
    }
}
