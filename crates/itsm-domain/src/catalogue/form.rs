//! Request forms: the typed fields an orderable catalogue entry asks for (text, number, date,
//! choice, multi-choice, user, configuration item), checked once when the entry is saved. An
//! order's answers are checked against them in `answer.rs`.

use super::localized::Localized;
use crate::code::Code;
use crate::field::FieldErrors;
use crate::text::DESCRIPTION_MAX_CHARS;
use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

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
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::{Value, json};

    pub(crate) fn form(fields: Value) -> RequestForm {
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

    pub(crate) fn laptop_form() -> RequestForm {
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
}
