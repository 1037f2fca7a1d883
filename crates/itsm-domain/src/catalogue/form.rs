//! Request forms: the typed fields an orderable catalogue entry asks for (text, number, date,
//! choice, multi-choice, user, configuration item), checked once when the entry is saved, and the
//! answers of an order checked against them, every bad answer named.

use super::localized::Localized;
use crate::code::{CODE_PATTERN, Code};
use crate::field::FieldErrors;
use crate::text::{BoundedText, DESCRIPTION_MAX_CHARS, Label};
use crate::text_enum::text_enum;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub const MAX_FIELDS: usize = 50;
pub const MAX_OPTIONS: usize = 100;
/// The longest text answer any form may allow.
pub const MAX_TEXT_ANSWER: u32 = DESCRIPTION_MAX_CHARS as u32;

text_enum! {
    pub enum FieldType {
        Text => "text",
        Number => "number",
        /// A calendar date, `YYYY-MM-DD`.
        Date => "date",
        Choice => "choice",
        MultiChoice => "multi_choice",
        /// A user name of this service desk.
        User => "user",
        /// A configuration item's name.
        ConfigurationItem => "configuration_item",
    }
}

/// What an order must answer. Field keys are unique; limits apply to their own type only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestForm {
    #[schemars(length(max = 50))]
    pub fields: Vec<FormField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// The answer's name in an order's `answers`.
    pub key: Code,
    #[serde(rename = "type")]
    pub kind: FieldType,
    pub label: Localized<100>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Localized<500>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// Text: fewest characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// Text: most characters (4000 when not given, and never more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Number: smallest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Number: largest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Number: whole numbers only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub integer: bool,
    /// Date: earliest, in days from the day of the order (0: today; negative: in the past).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_days_ahead: Option<i32>,
    /// Date: latest, in days from the day of the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_days_ahead: Option<i32>,
    /// Choice and multi-choice: what may be chosen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    pub options: Vec<ChoiceOption>,
    /// Multi-choice: fewest options chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_choices: Option<u32>,
    /// Multi-choice: most options chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_choices: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: Code,
    pub label: Localized<100>,
}

/// One checked answer, as stored with the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Answer {
    Number(f64),
    Text(String),
    Choices(Vec<String>),
}

/// The checked answers of one order, by field key; unanswered optional fields are left out.
pub type Answers = BTreeMap<String, Answer>;

impl RequestForm {
    /// Checks the definition itself; errors are named below `prefix` (such as `request_form`).
    pub fn check(&self, prefix: &str, errors: &mut FieldErrors) {
        if self.fields.len() > MAX_FIELDS {
            errors.push(
                format!("{prefix}.fields"),
                format!("at most {MAX_FIELDS} fields"),
            );
        }
        let mut keys = BTreeSet::new();
        for (i, field) in self.fields.iter().enumerate() {
            let at = format!("{prefix}.fields[{i}]");
            if !keys.insert(field.key.as_str()) {
                errors.push(
                    format!("{at}.key"),
                    format!("{} is used by an earlier field", field.key),
                );
            }
            field.check(&at, errors);
        }
    }

    /// Checks an order's answers: every required field answered, every answer of its field's
    /// type and within its limits, no answer to a field the form lacks. `today` anchors the
    /// date limits. Errors are named `answers.<key>`.
    pub fn answer(
        &self,
        answers: &BTreeMap<String, Value>,
        today: NaiveDate,
    ) -> Result<Answers, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut checked = Answers::new();
        for key in answers.keys() {
            if !self.fields.iter().any(|f| f.key.as_str() == key) {
                errors.push(format!("answers.{key}"), "is not a field of this form");
            }
        }
        for field in &self.fields {
            let name = format!("answers.{}", field.key);
            match answers.get(field.key.as_str()) {
                None | Some(Value::Null) if field.required => errors.push(name, "is required"),
                None | Some(Value::Null) => {}
                Some(value) => match field.answer(value, today) {
                    Ok(Some(answer)) => {
                        checked.insert(field.key.as_str().to_owned(), answer);
                    }
                    Ok(None) if field.required => errors.push(name, "is required"),
                    Ok(None) => {}
                    Err(message) => errors.push(name, message),
                },
            }
        }
        errors.finish(checked)
    }

    /// The user names among the answers with their field keys, for the caller to check that
    /// they exist.
    pub fn users_in<'a>(&'a self, answers: &'a Answers) -> Vec<(&'a str, &'a str)> {
        self.fields
            .iter()
            .filter(|f| f.kind == FieldType::User)
            .filter_map(|f| match answers.get(f.key.as_str()) {
                Some(Answer::Text(user)) => Some((f.key.as_str(), user.as_str())),
                _ => None,
            })
            .collect()
    }
}

impl FormField {
    fn check(&self, at: &str, errors: &mut FieldErrors) {
        use FieldType as T;
        let mut misplaced = |set: bool, name: &str, types: &str| {
            if set {
                errors.push(
                    format!("{at}.{name}"),
                    format!("applies to {types} fields only"),
                );
            }
        };
        let text = self.kind == T::Text;
        let number = self.kind == T::Number;
        let date = self.kind == T::Date;
        let choice = matches!(self.kind, T::Choice | T::MultiChoice);
        let multi = self.kind == T::MultiChoice;
        misplaced(!text && self.min_length.is_some(), "min_length", "text");
        misplaced(!text && self.max_length.is_some(), "max_length", "text");
        misplaced(!number && self.min.is_some(), "min", "number");
        misplaced(!number && self.max.is_some(), "max", "number");
        misplaced(!number && self.integer, "integer", "number");
        misplaced(
            !date && self.min_days_ahead.is_some(),
            "min_days_ahead",
            "date",
        );
        misplaced(
            !date && self.max_days_ahead.is_some(),
            "max_days_ahead",
            "date",
        );
        misplaced(
            !choice && !self.options.is_empty(),
            "options",
            "choice and multi_choice",
        );
        misplaced(
            !multi && self.min_choices.is_some(),
            "min_choices",
            "multi_choice",
        );
        misplaced(
            !multi && self.max_choices.is_some(),
            "max_choices",
            "multi_choice",
        );

        let mut inverted = |low: bool, name: &str, other: &str| {
            if low {
                errors.push(format!("{at}.{name}"), format!("must not exceed {other}"));
            }
        };
        inverted(
            matches!((self.min_length, self.max_length), (Some(a), Some(b)) if a > b),
            "min_length",
            "max_length",
        );
        inverted(
            matches!((self.min, self.max), (Some(a), Some(b)) if a > b),
            "min",
            "max",
        );
        inverted(
            matches!((self.min_days_ahead, self.max_days_ahead), (Some(a), Some(b)) if a > b),
            "min_days_ahead",
            "max_days_ahead",
        );
        inverted(
            matches!((self.min_choices, self.max_choices), (Some(a), Some(b)) if a > b),
            "min_choices",
            "max_choices",
        );
        if self
            .max_length
            .is_some_and(|n| n == 0 || n > MAX_TEXT_ANSWER)
        {
            errors.push(
                format!("{at}.max_length"),
                format!("must be from 1 to {MAX_TEXT_ANSWER}"),
            );
        }
        if choice {
            self.check_options(at, errors);
        }
    }

    fn check_options(&self, at: &str, errors: &mut FieldErrors) {
        if self.options.is_empty() {
            errors.push(
                format!("{at}.options"),
                "give at least one option to choose from",
            );
        }
        if self.options.len() > MAX_OPTIONS {
            errors.push(
                format!("{at}.options"),
                format!("at most {MAX_OPTIONS} options"),
            );
        }
        let mut values = BTreeSet::new();
        for (i, option) in self.options.iter().enumerate() {
            if !values.insert(option.value.as_str()) {
                errors.push(
                    format!("{at}.options[{i}].value"),
                    format!("{} is used by an earlier option", option.value),
                );
            }
        }
        let most = self.options.len() as u32;
        if self
            .max_choices
            .or(self.min_choices)
            .is_some_and(|n| n > most)
        {
            errors.push(
                format!("{at}.max_choices"),
                format!("cannot exceed the {most} options"),
            );
        }
    }

    /// One answer checked; `None` for an empty answer (blank text, no choices).
    fn answer(&self, value: &Value, today: NaiveDate) -> Result<Option<Answer>, String> {
        use FieldType as T;
        match self.kind {
            T::Text => self.text_answer(value),
            T::Number => self.number_answer(value).map(Some),
            T::Date => self.date_answer(value, today).map(Some),
            T::Choice => self.choice_answer(value),
            T::MultiChoice => self.choices_answer(value),
            T::User => user_answer(value).map(Some),
            T::ConfigurationItem => {
                let name = string(value, "the configuration item's name")?;
                Label::parse(name).map(|n| Some(Answer::Text(n.into_string())))
            }
        }
    }

    fn text_answer(&self, value: &Value) -> Result<Option<Answer>, String> {
        let text = string(value, "text")?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        let text = BoundedText::<DESCRIPTION_MAX_CHARS>::parse(text)?.into_string();
        let length = text.chars().count() as u32;
        let max = self.max_length.unwrap_or(MAX_TEXT_ANSWER);
        if length > max {
            return Err(format!("must be at most {max} characters"));
        }
        if let Some(min) = self.min_length.filter(|&min| length < min) {
            return Err(format!("must be at least {min} characters"));
        }
        Ok(Some(Answer::Text(text)))
    }

    fn number_answer(&self, value: &Value) -> Result<Answer, String> {
        let number = value
            .as_f64()
            .ok_or_else(|| "must be a number".to_owned())?;
        if self.integer && number.fract() != 0.0 {
            return Err("must be a whole number".to_owned());
        }
        if let Some(min) = self.min.filter(|&min| number < min) {
            return Err(format!("must be at least {min}"));
        }
        if let Some(max) = self.max.filter(|&max| number > max) {
            return Err(format!("must be at most {max}"));
        }
        Ok(Answer::Number(number))
    }

    fn date_answer(&self, value: &Value, today: NaiveDate) -> Result<Answer, String> {
        let text = string(value, "a date such as 2026-12-01")?;
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| "must be a date such as 2026-12-01".to_owned())?;
        let shifted = |days: i32| {
            let step = Days::new(u64::from(days.unsigned_abs()));
            if days >= 0 {
                today.checked_add_days(step)
            } else {
                today.checked_sub_days(step)
            }
        };
        if let Some(earliest) = self.min_days_ahead.and_then(shifted).filter(|&d| date < d) {
            return Err(format!("must be on or after {earliest}"));
        }
        if let Some(latest) = self.max_days_ahead.and_then(shifted).filter(|&d| date > d) {
            return Err(format!("must be on or before {latest}"));
        }
        Ok(Answer::Text(date.to_string()))
    }

    fn choice_answer(&self, value: &Value) -> Result<Option<Answer>, String> {
        let chosen = string(value, "one of the options")?;
        if chosen.is_empty() {
            return Ok(None);
        }
        self.option(chosen)?;
        Ok(Some(Answer::Text(chosen.to_owned())))
    }

    fn choices_answer(&self, value: &Value) -> Result<Option<Answer>, String> {
        let Some(items) = value.as_array() else {
            return Err("must be a list of options".to_owned());
        };
        let mut chosen = Vec::new();
        for item in items {
            let option = string(item, "a list of options")?;
            self.option(option)?;
            if chosen.iter().any(|c| c == option) {
                return Err(format!("chooses {option} twice"));
            }
            chosen.push(option.to_owned());
        }
        let count = chosen.len() as u32;
        if let Some(min) = self.min_choices.filter(|&min| count < min) {
            return Err(format!("choose at least {min}"));
        }
        if let Some(max) = self.max_choices.filter(|&max| count > max) {
            return Err(format!("choose at most {max}"));
        }
        Ok((!chosen.is_empty()).then_some(Answer::Choices(chosen)))
    }

    fn option(&self, value: &str) -> Result<(), String> {
        if self.options.iter().any(|o| o.value.as_str() == value) {
            return Ok(());
        }
        let values: Vec<&str> = self.options.iter().map(|o| o.value.as_str()).collect();
        Err(format!(
            "{value:?} is not an option: use {}",
            values.join(", ")
        ))
    }
}

fn user_answer(value: &Value) -> Result<Answer, String> {
    let name = string(value, "a user name")?;
    Code::parse(name)
        .map(|code| Answer::Text(code.as_str().to_owned()))
        .map_err(|_| format!("must be a user name matching {CODE_PATTERN}"))
}

fn string<'a>(value: &'a Value, what: &str) -> Result<&'a str, String> {
    value.as_str().ok_or_else(|| format!("must be {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(fields: Value) -> RequestForm {
        serde_json::from_value(json!({ "fields": fields })).unwrap_or_else(|e| panic!("{e}"))
    }

    fn problems(form: &RequestForm) -> Vec<String> {
        let mut errors = FieldErrors::new();
        form.check("request_form", &mut errors);
        errors
            .as_slice()
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect()
    }

    fn laptop_form() -> RequestForm {
        form(json!([
            {"key": "model", "type": "choice", "label": {"en": "Model", "zh": "型號"}, "required": true,
             "options": [{"value": "small", "label": {"en": "13 inch"}}, {"value": "large", "label": {"en": "15 inch"}}]},
            {"key": "reason", "type": "text", "label": {"en": "Why"}, "required": true, "min_length": 10, "max_length": 200},
            {"key": "count", "type": "number", "label": {"en": "How many"}, "integer": true, "min": 1, "max": 5},
            {"key": "needed_by", "type": "date", "label": {"en": "Needed by"}, "min_days_ahead": 2, "max_days_ahead": 90},
            {"key": "extras", "type": "multi_choice", "label": {"en": "Extras"}, "max_choices": 2,
             "options": [{"value": "dock", "label": {"en": "Dock"}}, {"value": "bag", "label": {"en": "Bag"}},
                         {"value": "mouse", "label": {"en": "Mouse"}}]},
            {"key": "for_user", "type": "user", "label": {"en": "For whom"}},
            {"key": "replaces", "type": "configuration_item", "label": {"en": "Replaces"}}
        ]))
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default()
    }

    fn answers(value: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(value).unwrap_or_else(|e| panic!("{e}"))
    }

    fn refused(form: &RequestForm, value: Value) -> Vec<String> {
        match form.answer(&answers(value), today()) {
            Ok(ok) => panic!("accepted {ok:?}"),
            Err(errors) => errors
                .as_slice()
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect(),
        }
    }

    #[test]
    fn a_sound_form_has_no_problems() {
        assert_eq!(problems(&laptop_form()), Vec::<String>::new());
    }

    #[test]
    fn definitions_with_misplaced_inverted_or_missing_limits_are_named() {
        let bad = form(json!([
            {"key": "a", "type": "text", "label": {"en": "A"}, "min": 1, "min_length": 9, "max_length": 3},
            {"key": "a", "type": "choice", "label": {"en": "B"}},
            {"key": "c", "type": "multi_choice", "label": {"en": "C"}, "max_choices": 3,
             "options": [{"value": "x", "label": {"en": "X"}}, {"value": "x", "label": {"en": "X again"}}]},
            {"key": "d", "type": "text", "label": {"en": "D"}, "max_length": 5000},
            {"key": "e", "type": "date", "label": {"en": "E"}, "min_days_ahead": 5, "max_days_ahead": 1}
        ]));
        assert_eq!(
            problems(&bad),
            [
                "request_form.fields[0].min: applies to number fields only",
                "request_form.fields[0].min_length: must not exceed max_length",
                "request_form.fields[1].key: a is used by an earlier field",
                "request_form.fields[1].options: give at least one option to choose from",
                "request_form.fields[2].options[1].value: x is used by an earlier option",
                "request_form.fields[2].max_choices: cannot exceed the 2 options",
                "request_form.fields[3].max_length: must be from 1 to 4000",
                "request_form.fields[4].min_days_ahead: must not exceed max_days_ahead",
            ]
        );
    }

    #[test]
    fn unknown_properties_and_types_are_refused_when_read() {
        let unknown: Result<RequestForm, _> = serde_json::from_value(json!({"fields": [
            {"key": "a", "type": "colour", "label": {"en": "A"}}]}));
        assert!(unknown.is_err());
        let extra: Result<RequestForm, _> = serde_json::from_value(json!({"fields": [
            {"key": "a", "type": "text", "label": {"en": "A"}, "colour": "red"}]}));
        assert!(extra.is_err());
    }

    #[test]
    fn good_answers_come_back_checked_and_trimmed() {
        let checked = laptop_form()
            .answer(
                &answers(
                    json!({"model": "small", "reason": "  the old one died  ", "count": 2,
                    "needed_by": "2026-12-01", "extras": ["dock", "bag"], "for_user": "ann.lee",
                    "replaces": "LAPTOP-0042"}),
                ),
                today(),
            )
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            checked.get("reason"),
            Some(&Answer::Text("the old one died".into()))
        );
        assert_eq!(checked.get("count"), Some(&Answer::Number(2.0)));
        assert_eq!(
            checked.get("extras"),
            Some(&Answer::Choices(vec!["dock".into(), "bag".into()]))
        );
        assert_eq!(laptop_form().users_in(&checked), [("for_user", "ann.lee")]);
    }

    #[test]
    fn optional_fields_may_be_left_out_blank_or_null() {
        let checked = laptop_form()
            .answer(
                &answers(
                    json!({"model": "large", "reason": "a new starter joins", "extras": [],
                    "replaces": null}),
                ),
                today(),
            )
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(checked.len(), 2);
    }

    #[test]
    fn every_bad_answer_is_named() {
        let errors = refused(
            &laptop_form(),
            json!({"model": "huge", "reason": "short", "count": 2.5, "needed_by": "2026-11-22",
                "extras": ["dock", "bag", "mouse"], "for_user": "Ann Lee", "colour": "red"}),
        );
        assert_eq!(
            errors,
            [
                "answers.colour: is not a field of this form",
                "answers.model: \"huge\" is not an option: use small, large",
                "answers.reason: must be at least 10 characters",
                "answers.count: must be a whole number",
                "answers.needed_by: must be on or after 2026-11-23",
                "answers.extras: choose at most 2",
                "answers.for_user: must be a user name matching ^[a-z0-9._-]{1,64}$",
            ]
        );
    }

    #[test]
    fn required_fields_and_types_are_enforced() {
        let errors = refused(
            &laptop_form(),
            json!({"reason": "   ", "count": "two", "needed_by": "1 December", "extras": "dock"}),
        );
        assert_eq!(
            errors,
            [
                "answers.model: is required",
                "answers.reason: is required",
                "answers.count: must be a number",
                "answers.needed_by: must be a date such as 2026-12-01",
                "answers.extras: must be a list of options",
            ]
        );
        let errors = refused(
            &laptop_form(),
            json!({"model": "small", "reason": "long enough now",
            "count": 9, "needed_by": "2027-06-01", "extras": ["dock", "dock"]}),
        );
        assert_eq!(
            errors,
            [
                "answers.count: must be at most 5",
                "answers.needed_by: must be on or before 2027-02-19",
                "answers.extras: chooses dock twice",
            ]
        );
    }

    #[test]
    fn stored_answers_read_back_the_same() {
        let checked = laptop_form()
            .answer(
                &answers(json!({"model": "small", "reason": "the old one died", "count": 1})),
                today(),
            )
            .unwrap_or_else(|e| panic!("{e:?}"));
        let text = serde_json::to_string(&checked).unwrap_or_default();
        let back: Answers = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, checked);
    }
}
