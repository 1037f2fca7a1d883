//! An order form generated from a catalogue item's request form: one labelled control per field
//! in the visitor's language, what was typed read back from the post (kept exactly, to be shown
//! again), and its mistakes found by the rules the service request process applies
//! (`RequestForm::check_answers`), said in the visitor's language.

use crate::form::{Group, Mistakes, described_by, head, option_group};
use crate::lang::Lang;
use chrono::NaiveDate;
use itsm_domain::catalogue::{AnswerError, FieldType, FormField, RequestForm};
use maud::{Markup, html};
use serde_json::Value;
use std::collections::BTreeMap;

/// What the names of the form's own fields start with, so they never clash with the portal's
/// (name, e-mail, token, honeypot).
pub const PREFIX: &str = "answers.";

/// A choice with more options than this is a list to pick from rather than radio buttons.
const MOST_RADIOS: usize = 6;
/// A text field that takes more characters than this is a text area.
const MOST_ONE_LINE: u32 = 200;

/// What was typed into the form's fields, by field key, each value as sent (check boxes send
/// one value each).
#[derive(Debug, Default, Clone)]
pub struct Typed(BTreeMap<String, Vec<String>>);

impl Typed {
    /// The form's fields among posted name-value pairs.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut typed = BTreeMap::<String, Vec<String>>::new();
        for (name, value) in pairs {
            if let Some(key) = name.strip_prefix(PREFIX) {
                typed.entry(key.to_owned()).or_default().push(value.clone());
            }
        }
        Self(typed)
    }

    fn first(&self, key: &str) -> &str {
        self.all(key).first().map_or("", String::as_str)
    }

    fn all(&self, key: &str) -> &[String] {
        self.0.get(key).map_or(&[], Vec::as_slice)
    }
}

/// The answers as the service request process takes them (a blank field left out), and the
/// mistakes in them, in the visitor's language, named `answers.<key>`.
pub fn answers(
    form: &RequestForm,
    typed: &Typed,
    lang: Lang,
    today: NaiveDate,
) -> (BTreeMap<String, Value>, Mistakes) {
    let texts = lang.texts();
    let mut mistakes = Mistakes::default();
    let mut values = BTreeMap::new();
    for field in &form.fields {
        let key = field.key.as_str();
        let first = typed.first(key).trim();
        let value = match field.kind {
            FieldType::MultiChoice => {
                let chosen: Vec<Value> = typed
                    .all(key)
                    .iter()
                    .filter(|v| !v.is_empty())
                    .map(|v| Value::String(v.clone()))
                    .collect();
                (!chosen.is_empty()).then_some(Value::Array(chosen))
            }
            _ if first.is_empty() => None,
            FieldType::Number => match number(first) {
                Some(n) => Some(n),
                None => {
                    let error = AnswerError::WrongType {
                        expected: "a number",
                    };
                    mistakes.add(&format!("{PREFIX}{key}"), texts.answer_error(&error));
                    continue;
                }
            },
            _ => Some(Value::String(typed.first(key).to_owned())),
        };
        if let Some(value) = value {
            values.insert(key.to_owned(), value);
        }
    }
    let (_, wrong) = form.check_answers(&values, today);
    for (key, error) in wrong {
        let field = format!("{PREFIX}{key}");
        if mistakes.of(&field).is_none() {
            mistakes.add(&field, texts.answer_error(&error));
        }
    }
    (values, order_of(form, mistakes))
}

/// A number as people type it (`3`, `2.5`, `-1`), never `inf` or `NaN`.
fn number(text: &str) -> Option<Value> {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'));
    let parsed = text.parse::<f64>().ok().filter(|n| n.is_finite())?;
    plain.then(|| serde_json::Number::from_f64(parsed).map(Value::Number))?
}

/// The mistakes in the order of the form's fields, as the summary lists them.
fn order_of(form: &RequestForm, mistakes: Mistakes) -> Mistakes {
    let mut ordered = Mistakes::default();
    for field in &form.fields {
        let name = format!("{PREFIX}{}", field.key);
        if let Some(message) = mistakes.of(&name) {
            ordered.add(&name, message);
        }
    }
    ordered
}

/// Each field's name and label, for the summary of mistakes.
pub fn labels(form: &RequestForm, lang: Lang) -> Vec<(String, String)> {
    form.fields
        .iter()
        .map(|f| (format!("{PREFIX}{}", f.key), label(f, lang)))
        .collect()
}

fn label(field: &FormField, lang: Lang) -> String {
    let text = field.label.get(lang.code()).to_owned();
    if field.required {
        text
    } else {
        format!("{text}{}", lang.texts().optional)
    }
}

/// The form's controls, with what was typed and the mistakes.
pub fn controls(
    form: &RequestForm,
    lang: Lang,
    typed: &Typed,
    mistakes: &Mistakes,
    today: NaiveDate,
) -> Markup {
    html! {
        @for field in &form.fields {
            (control(field, lang, typed, mistakes, today))
        }
    }
}

fn control(
    field: &FormField,
    lang: Lang,
    typed: &Typed,
    mistakes: &Mistakes,
    today: NaiveDate,
) -> Markup {
    let texts = lang.texts();
    let name = format!("{PREFIX}{}", field.key);
    let error = mistakes.of(&name);
    let label = label(field, lang);
    let help = field
        .help
        .as_ref()
        .map_or("", |h| h.get(lang.code()))
        .to_owned();
    let value = typed.first(field.key.as_str());
    let one_line = |kind: &str, mode: Option<&str>, hint: &str| {
        let described = described_by(&name, hint, error);
        html! {
            div class=[error.map(|_| "field-error")] {
                (head(&label, hint, &name, error))
                input #(name) name=(name) type=(kind) value=(value) inputmode=[mode]
                    aria-describedby=[(!described.is_empty()).then_some(&described)]
                    aria-invalid=[error.map(|_| "true")];
            }
        }
    };
    match field.kind {
        FieldType::Text if field.max_length.unwrap_or(u32::MAX) > MOST_ONE_LINE => {
            let described = described_by(&name, &help, error);
            html! {
                div class=[error.map(|_| "field-error")] {
                    (head(&label, &help, &name, error))
                    textarea #(name) name=(name) rows="6"
                        aria-describedby=[(!described.is_empty()).then_some(&described)]
                        aria-invalid=[error.map(|_| "true")] { (value) }
                }
            }
        }
        FieldType::Number => {
            let mode = if field.integer { "numeric" } else { "decimal" };
            one_line("text", Some(mode), &help)
        }
        FieldType::Date => {
            let hint = [help.as_str(), texts.date_hint]
                .into_iter()
                .filter(|h| !h.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let (earliest, latest) = field.date_limits(today);
            let described = described_by(&name, &hint, error);
            html! {
                div class=[error.map(|_| "field-error")] {
                    (head(&label, &hint, &name, error))
                    input #(name) name=(name) type="date" value=(value)
                        min=[earliest.map(|d| d.to_string())] max=[latest.map(|d| d.to_string())]
                        aria-describedby=(described) aria-invalid=[error.map(|_| "true")];
                }
            }
        }
        FieldType::Choice if field.options.len() > MOST_RADIOS => {
            let described = described_by(&name, &help, error);
            html! {
                div class=[error.map(|_| "field-error")] {
                    (head(&label, &help, &name, error))
                    select #(name) name=(name)
                        aria-describedby=[(!described.is_empty()).then_some(&described)]
                        aria-invalid=[error.map(|_| "true")] {
                        option value="" { (texts.choose) }
                        @for option in &field.options {
                            option value=(option.value) selected[value == option.value.as_str()] {
                                (option.label.get(lang.code()))
                            }
                        }
                    }
                }
            }
        }
        FieldType::Choice | FieldType::MultiChoice => {
            let group = Group {
                legend: &label,
                hint: &help,
                name: &name,
                multiple: field.kind == FieldType::MultiChoice,
            };
            let options: Vec<(&str, &str)> = field
                .options
                .iter()
                .map(|o| (o.value.as_str(), o.label.get(lang.code())))
                .collect();
            let chosen: Vec<&str> = typed
                .all(field.key.as_str())
                .iter()
                .map(String::as_str)
                .collect();
            option_group(&group, &options, &chosen, error)
        }
        FieldType::Text | FieldType::User | FieldType::ConfigurationItem => {
            one_line("text", None, &help)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn laptop_form() -> RequestForm {
        serde_json::from_value(json!({"fields": [
            {"key": "model", "type": "choice", "label": {"en": "Model", "zh": "型号"}, "required": true,
             "options": [{"value": "small", "label": {"en": "13 inch", "zh": "13 英寸"}},
                         {"value": "large", "label": {"en": "15 inch", "zh": "15 英寸"}}]},
            {"key": "reason", "type": "text", "label": {"en": "Why"}, "required": true,
             "min_length": 10, "max_length": 200, "help": {"en": "Who it is for.", "zh": "给谁用。"}},
            {"key": "count", "type": "number", "label": {"en": "How many"}, "integer": true, "min": 1, "max": 5},
            {"key": "needed_by", "type": "date", "label": {"en": "Needed by"}, "min_days_ahead": 2},
            {"key": "extras", "type": "multi_choice", "label": {"en": "Extras"}, "max_choices": 1,
             "options": [{"value": "dock", "label": {"en": "Dock"}}, {"value": "bag", "label": {"en": "Bag"}}]},
            {"key": "notes", "type": "text", "label": {"en": "Notes"}}
        ]}))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, 10).unwrap_or_default()
    }

    fn posted(pairs: &[(&str, &str)]) -> Typed {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        Typed::from_pairs(&pairs)
    }

    #[test]
    fn a_right_post_becomes_the_answers_the_process_takes() {
        let typed = posted(&[
            ("name", "Ann"),
            ("answers.model", "large"),
            ("answers.reason", "a new starter on Monday"),
            ("answers.count", "2"),
            ("answers.needed_by", "2027-01-20"),
            ("answers.extras", "bag"),
            ("answers.notes", ""),
        ]);
        let (values, mistakes) = answers(&laptop_form(), &typed, Lang::En, today());
        assert!(mistakes.is_empty(), "{mistakes:?}");
        assert_eq!(
            serde_json::to_value(&values).unwrap_or_default(),
            json!({"model": "large", "reason": "a new starter on Monday", "count": 2.0,
                   "needed_by": "2027-01-20", "extras": ["bag"]})
        );
    }

    #[test]
    fn each_wrong_answer_is_named_in_the_visitors_language_in_the_forms_order() {
        let typed = posted(&[
            ("answers.extras", "dock"),
            ("answers.extras", "bag"),
            ("answers.needed_by", "2027-01-11"),
            ("answers.count", "two"),
            ("answers.reason", "short"),
        ]);
        let (_, mistakes) = answers(&laptop_form(), &typed, Lang::Zh, today());
        let found: Vec<(&str, &str)> = mistakes
            .0
            .iter()
            .map(|m| (m.field.as_str(), m.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("answers.model", "请填写此项。"),
                ("answers.reason", "至少 10 个字符。"),
                ("answers.count", "请输入数字，例如 3。"),
                ("answers.needed_by", "请选择 2027-01-12 或之后的日期。"),
                ("answers.extras", "最多选择 1 项。"),
            ]
        );
        for odd in ["inf", "NaN", "1e400", "0x10", "3 apples"] {
            let (_, mistakes) = answers(
                &laptop_form(),
                &posted(&[("answers.count", odd)]),
                Lang::En,
                today(),
            );
            assert_eq!(
                mistakes.of("answers.count"),
                Some(crate::lang::EN.need_number),
                "{odd}"
            );
        }
    }

    #[test]
    fn controls_keep_what_was_typed_and_say_what_is_wrong() {
        let typed = posted(&[
            ("answers.reason", "<b>"),
            ("answers.extras", "dock"),
            ("answers.model", "small"),
        ]);
        let (_, mistakes) = answers(&laptop_form(), &typed, Lang::Zh, today());
        let html = controls(&laptop_form(), Lang::Zh, &typed, &mistakes, today()).into_string();
        assert!(html.contains("<legend>型号</legend>"), "{html}");
        assert!(html.contains(
            "id=\"answers.model\" name=\"answers.model\" value=\"small\" type=\"radio\" checked"
        ));
        assert!(html.contains("value=\"&lt;b&gt;\""));
        assert!(html.contains("至少 10 个字符。"));
        assert!(html.contains("aria-describedby=\"answers.reason-hint answers.reason-error\""));
        assert!(html.contains("给谁用。"));
        assert!(html.contains("inputmode=\"numeric\""));
        assert!(html.contains("type=\"date\" value=\"\" min=\"2027-01-12\""));
        assert!(html.contains("type=\"checkbox\" checked"));
        assert!(html.contains("<label for=\"answers.notes\">Notes（可选）</label>"));
        assert!(
            html.contains("<textarea id=\"answers.notes\""),
            "a long text is an area"
        );
    }
}
