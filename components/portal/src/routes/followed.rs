//! The keyed pages of what a visitor ordered or complained about (`/portal/tickets/REQ…/{key}`,
//! `/portal/tickets/CMP…/{key}`), and the opening of any keyed record: a record exists for a
//! visitor only when the key in the address is its own, so a wrong key, a right key on another
//! number and a number that does not exist are the same 404.

use super::survey::Survey;
use crate::lang::{Lang, Texts};
use crate::page::document;
use crate::visit::{Setup, Visit, settled};
use http::{Method, StatusCode};
use itsm_domain::catalogue::Localized;
use itsm_http::process_api::ProcessApi;
use itsm_http::{ApiError, Services};
use maud::{Markup, html};
use serde_json::Value;

/// The record at `path` (its process's address for `number`), if `key` is the number's.
pub async fn open(setup: &Setup, number: &str, key: &str, path: &str) -> Result<Value, ApiError> {
    let missing = || ApiError::NotFound {
        detail: "no such record".to_owned(),
    };
    if !setup.holds_key(number, key) {
        return Err(missing());
    }
    let answer = setup.processes()?.call(Method::GET, path, None).await;
    if answer.as_ref().is_ok_and(|answer| answer.status == 404) {
        return Err(missing());
    }
    let shown = settled(answer, "show a record")?.ok_or_else(|| ApiError::NotConfigured {
        detail: format!("the process did not show {number}"),
    })?;
    Ok(shown.body)
}

/// An order's page: what was ordered and asked for, where it stands, what was delivered.
pub async fn request(
    services: &Services,
    visit: &Visit,
    number: &str,
    key: &str,
) -> Result<axum::response::Response, ApiError> {
    let setup = Setup::read(services).await?;
    let request = open(&setup, number, key, &format!("/api/v1/requests/{number}")).await?;
    let item = request["item"].as_str().unwrap_or_default();
    let labels = field_labels(&setup, item).await;
    let texts = visit.lang.texts();
    let code = visit.lang.code();
    let text = |field: &str| request[field].as_str().unwrap_or_default().to_owned();
    let item_name = serde_json::from_value::<Localized<160>>(request["item_name"].clone())
        .map(|name| name.get(code).to_owned())
        .unwrap_or_else(|_| item.to_owned());
    let answers = labels.answers(visit.lang, &request["answers"]);
    let title = format!("{} {number}", texts.request_title);
    let here = format!("/portal/tickets/{number}/{key}");
    let survey = Survey::of(&setup, number, &text("state")).await?;
    let token = setup.new_form_token(visit)?;
    let page = document(
        visit.lang,
        &here,
        &title,
        html! {
            p.notice { (texts.ticket_link_note) }
            dl {
                dt { (texts.service) } dd { (item_name) }
                dt { (texts.state) } dd #state { (texts.state_name(&text("state"))) }
                dt { (texts.ordered) } dd { (when(&text("created_at"))) }
            }
            @if !answers.is_empty() {
                h2 { (texts.your_answers) }
                dl #answers {
                    @for (label, value) in &answers {
                        dt { (label) } dd.prose { (value) }
                    }
                }
            }
            @if let Some(notes) = request["fulfilment_notes"].as_str() {
                h2 { (texts.delivered) }
                p.prose #delivered { (notes) }
            }
            (survey.section(texts, &here, &token))
            (complain_link(texts, number, key))
        },
    );
    Ok(visit.respond(StatusCode::OK, page))
}

/// A complaint's or feedback's page: what was said, where it stands, the answers given.
pub async fn complaint(
    services: &Services,
    visit: &Visit,
    number: &str,
    key: &str,
) -> Result<axum::response::Response, ApiError> {
    let setup = Setup::read(services).await?;
    let complaint = open(&setup, number, key, &format!("/api/v1/complaints/{number}")).await?;
    let texts = visit.lang.texts();
    let text = |field: &str| complaint[field].as_str().unwrap_or_default().to_owned();
    let kind = match text("kind").as_str() {
        "feedback" => texts.kind_feedback,
        _ => texts.kind_complaint,
    };
    let title = format!("{} {number}", texts.complaint_page_title);
    let here = format!("/portal/tickets/{number}/{key}");
    let survey = Survey::of(&setup, number, &text("state")).await?;
    let token = setup.new_form_token(visit)?;
    let page = document(
        visit.lang,
        &here,
        &title,
        html! {
            p.notice { (texts.ticket_link_note) }
            dl {
                dt { (texts.kind_shown) } dd { (kind) }
                @if let Some(about) = complaint["about"].as_str() {
                    dt { (texts.complaint_about) } dd { (about) }
                }
                dt { (texts.subject) } dd { (text("subject")) }
                dt { (texts.state) } dd #state { (texts.state_name(&text("state"))) }
                dt { (texts.reported) } dd { (when(&text("created_at"))) }
            }
            h2 { (texts.content_shown) }
            p.prose { (text("content")) }
            @if let Some(response) = complaint["response"].as_str() {
                h2 { (texts.our_response) }
                p.prose #response { (response) }
            }
            @if let Some(result) = complaint["result"].as_str() {
                h2 { (texts.our_result) }
                p.prose #result { (result) }
            }
            (survey.section(texts, &here, &token))
        },
    );
    Ok(visit.respond(StatusCode::OK, page))
}

/// The way from a record's page to a complaint about it, carrying the record's key.
pub fn complain_link(texts: &Texts, number: &str, key: &str) -> Markup {
    html! {
        p #complain {
            a href={ "/portal/complaint?about=" (number) "&key=" (key) } { (texts.complain_about_this) }
        }
    }
}

/// The labels of an entry's form fields and choices, in every language the catalogue gives,
/// to show an order's answers by; empty when the entry is no longer published.
struct FieldLabels(Vec<itsm_domain::catalogue::FormField>);

async fn field_labels(setup: &Setup, item: &str) -> FieldLabels {
    #[derive(serde::Deserialize)]
    struct Published {
        request_form: Option<itsm_domain::catalogue::RequestForm>,
    }
    let Ok(processes) = setup.processes() else {
        return FieldLabels(Vec::new());
    };
    let path = format!("/api/v1/catalogue/items/{item}");
    let answer = processes.call(Method::GET, &path, None).await;
    let fields = answer
        .ok()
        .filter(|a| a.ok())
        .and_then(|a| serde_json::from_value::<Published>(a.body).ok())
        .and_then(|p| p.request_form)
        .map(|form| form.fields)
        .unwrap_or_default();
    FieldLabels(fields)
}

impl FieldLabels {
    /// An order's answers as a visitor reads them, in the form's order (answers to fields the
    /// entry no longer has last, by key).
    fn answers(&self, lang: Lang, answers: &Value) -> Vec<(String, String)> {
        let mut given: Vec<(&String, &Value)> = answers.as_object().into_iter().flatten().collect();
        let place = |key: &str| {
            self.0
                .iter()
                .position(|f| f.key.as_str() == key)
                .unwrap_or(usize::MAX)
        };
        given.sort_by_key(|(key, _)| place(key));
        given
            .into_iter()
            .map(|(key, value)| self.answer(lang, key, value))
            .collect()
    }

    /// An answer as a visitor reads it: its field's label, and chosen options by their labels.
    fn answer(&self, lang: Lang, key: &str, value: &Value) -> (String, String) {
        let code = lang.code();
        let field = self.0.iter().find(|f| f.key.as_str() == key);
        let label = field.map_or_else(|| key.to_owned(), |f| f.label.get(code).to_owned());
        let option = |chosen: &str| {
            field
                .and_then(|f| f.options.iter().find(|o| o.value.as_str() == chosen))
                .map_or_else(|| chosen.to_owned(), |o| o.label.get(code).to_owned())
        };
        let shown = match value {
            Value::String(text) => option(text),
            Value::Array(items) => items
                .iter()
                .map(|item| option(item.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(", "),
            other => other
                .as_f64()
                .map_or_else(|| other.to_string(), |n| n.to_string()),
        };
        (label, shown)
    }
}

/// A stored time (RFC 3339, UTC) as people read it: `2027-01-11 09:00 UTC`.
pub fn when(stored: &str) -> String {
    match (stored.get(..10), stored.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => stored.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_read_as_day_and_minute() {
        assert_eq!(when("2027-01-11T09:00:00.000Z"), "2027-01-11 09:00 UTC");
        assert_eq!(when("soon"), "soon");
    }

    #[test]
    fn answers_read_by_their_labels_in_the_visitors_language() {
        let form: itsm_domain::catalogue::RequestForm = serde_json::from_value(json!({"fields": [
            {"key": "model", "type": "choice", "label": {"en": "Model", "zh": "型号"},
             "options": [{"value": "small", "label": {"en": "13 inch", "zh": "13 英寸"}}]},
            {"key": "extras", "type": "multi_choice", "label": {"en": "Extras"},
             "options": [{"value": "dock", "label": {"en": "Dock"}}]}
        ]}))
        .unwrap_or_else(|e| panic!("{e}"));
        let labels = FieldLabels(form.fields);
        assert_eq!(
            labels.answer(Lang::Zh, "model", &json!("small")),
            ("型号".to_owned(), "13 英寸".to_owned())
        );
        assert_eq!(
            labels.answer(Lang::En, "extras", &json!(["dock", "gone"])),
            ("Extras".to_owned(), "Dock, gone".to_owned())
        );
        let shown = labels.answers(
            Lang::En,
            &json!({"count": 1, "extras": ["dock"], "model": "small"}),
        );
        let order: Vec<&str> = shown.iter().map(|(label, _)| label.as_str()).collect();
        assert_eq!(order, ["Model", "Extras", "count"], "the form's order");
        assert_eq!(
            labels.answer(Lang::En, "count", &json!(2.0)),
            ("count".to_owned(), "2".to_owned()),
            "a field the entry no longer has reads by its key"
        );
    }
}
