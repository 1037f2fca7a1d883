//! An order's answers checked against its item's request form: every required field answered,
//! every answer of its field's type and within its limits, no answer to a field the form lacks.
//! Each bad answer is a typed [`AnswerError`], so the API can name it in English and the portal
//! in its visitor's language from one set of rules.

use super::form::{FieldType, FormField, MAX_TEXT_ANSWER, RequestForm};
use crate::code::{CODE_PATTERN, Code};
use crate::field::FieldErrors;
use crate::text::{BoundedText, DESCRIPTION_MAX_CHARS, Label};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use thiserror::Error;

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

/// What is wrong with one answer.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AnswerError {
    #[error("is not a field of this form")]
    NotAField,
    #[error("is required")]
    Required,
    /// The answer is not of its field's type; `expected` says what it must be.
    #[error("must be {expected}")]
    WrongType { expected: &'static str },
    /// The text holds what no record may hold (control characters, say).
    #[error("{0}")]
    BadText(String),
    #[error("must be at least {0} characters")]
    TooShort(u32),
    #[error("must be at most {0} characters")]
    TooLong(u32),
    #[error("must be a whole number")]
    NotWhole,
    #[error("must be at least {0}")]
    BelowMin(f64),
    #[error("must be at most {0}")]
    AboveMax(f64),
    #[error("must be a date such as 2026-12-01")]
    NotDate,
    #[error("must be on or after {0}")]
    Before(NaiveDate),
    #[error("must be on or before {0}")]
    After(NaiveDate),
    #[error("{chosen:?} is not an option: use {}", options.join(", "))]
    NotAnOption {
        chosen: String,
        options: Vec<String>,
    },
    #[error("chooses {0} twice")]
    ChosenTwice(String),
    #[error("choose at least {0}")]
    TooFewChoices(u32),
    #[error("choose at most {0}")]
    TooManyChoices(u32),
    #[error("must be a user name matching {CODE_PATTERN}")]
    NotUserName,
}

impl RequestForm {
    /// Checks an order's answers; `today` anchors the date limits. Errors are named
    /// `answers.<key>`.
    pub fn answer(
        &self,
        answers: &BTreeMap<String, Value>,
        today: NaiveDate,
    ) -> Result<Answers, FieldErrors> {
        let (checked, wrong) = self.check_answers(answers, today);
        let mut errors = FieldErrors::new();
        for (key, error) in wrong {
            errors.push(format!("answers.{key}"), error.to_string());
        }
        errors.finish(checked)
    }

    /// The answers that are right, and each wrong one by field key: first answers to fields the
    /// form lacks, then the form's fields in order.
    pub fn check_answers(
        &self,
        answers: &BTreeMap<String, Value>,
        today: NaiveDate,
    ) -> (Answers, Vec<(String, AnswerError)>) {
        let mut wrong = Vec::new();
        let mut checked = Answers::new();
        for key in answers.keys() {
            if !self.fields.iter().any(|f| f.key.as_str() == key) {
                wrong.push((key.clone(), AnswerError::NotAField));
            }
        }
        for field in &self.fields {
            let key = field.key.as_str().to_owned();
            let answer = match answers.get(&key) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => field.answer(value, today),
            };
            match answer {
                Ok(Some(answer)) => {
                    checked.insert(key, answer);
                }
                Ok(None) if field.required => wrong.push((key, AnswerError::Required)),
                Ok(None) => {}
                Err(error) => wrong.push((key, error)),
            }
        }
        (checked, wrong)
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
    /// One answer checked; `None` for an empty answer (blank text, no choices).
    fn answer(&self, value: &Value, today: NaiveDate) -> Result<Option<Answer>, AnswerError> {
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
                Label::parse(name)
                    .map(|n| Some(Answer::Text(n.into_string())))
                    .map_err(AnswerError::BadText)
            }
        }
    }

    fn text_answer(&self, value: &Value) -> Result<Option<Answer>, AnswerError> {
        let text = string(value, "text")?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        let text = BoundedText::<DESCRIPTION_MAX_CHARS>::parse(text)
            .map_err(AnswerError::BadText)?
            .into_string();
        let length = text.chars().count() as u32;
        let max = self.max_length.unwrap_or(MAX_TEXT_ANSWER);
        if length > max {
            return Err(AnswerError::TooLong(max));
        }
        if let Some(min) = self.min_length.filter(|&min| length < min) {
            return Err(AnswerError::TooShort(min));
        }
        Ok(Some(Answer::Text(text)))
    }

    fn number_answer(&self, value: &Value) -> Result<Answer, AnswerError> {
        let number = value.as_f64().ok_or(AnswerError::WrongType {
            expected: "a number",
        })?;
        if self.integer && number.fract() != 0.0 {
            return Err(AnswerError::NotWhole);
        }
        if let Some(min) = self.min.filter(|&min| number < min) {
            return Err(AnswerError::BelowMin(min));
        }
        if let Some(max) = self.max.filter(|&max| number > max) {
            return Err(AnswerError::AboveMax(max));
        }
        Ok(Answer::Number(number))
    }

    fn date_answer(&self, value: &Value, today: NaiveDate) -> Result<Answer, AnswerError> {
        let text = value.as_str().ok_or(AnswerError::NotDate)?;
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| AnswerError::NotDate)?;
        let (earliest, latest) = self.date_limits(today);
        if let Some(earliest) = earliest.filter(|&d| date < d) {
            return Err(AnswerError::Before(earliest));
        }
        if let Some(latest) = latest.filter(|&d| date > d) {
            return Err(AnswerError::After(latest));
        }
        Ok(Answer::Text(date.to_string()))
    }

    /// The earliest and latest dates a date field takes on `today`, as a form can show them.
    pub fn date_limits(&self, today: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let shifted = |days: i32| {
            let step = Days::new(u64::from(days.unsigned_abs()));
            if days >= 0 {
                today.checked_add_days(step)
            } else {
                today.checked_sub_days(step)
            }
        };
        (
            self.min_days_ahead.and_then(shifted),
            self.max_days_ahead.and_then(shifted),
        )
    }

    fn choice_answer(&self, value: &Value) -> Result<Option<Answer>, AnswerError> {
        let chosen = string(value, "one of the options")?;
        if chosen.is_empty() {
            return Ok(None);
        }
        self.option(chosen)?;
        Ok(Some(Answer::Text(chosen.to_owned())))
    }

    fn choices_answer(&self, value: &Value) -> Result<Option<Answer>, AnswerError> {
        let Some(items) = value.as_array() else {
            return Err(AnswerError::WrongType {
                expected: "a list of options",
            });
        };
        let mut chosen = Vec::new();
        for item in items {
            let option = string(item, "a list of options")?;
            self.option(option)?;
            if chosen.iter().any(|c| c == option) {
                return Err(AnswerError::ChosenTwice(option.to_owned()));
            }
            chosen.push(option.to_owned());
        }
        let count = chosen.len() as u32;
        if let Some(min) = self.min_choices.filter(|&min| count < min) {
            return Err(AnswerError::TooFewChoices(min));
        }
        if let Some(max) = self.max_choices.filter(|&max| count > max) {
            return Err(AnswerError::TooManyChoices(max));
        }
        Ok((!chosen.is_empty()).then_some(Answer::Choices(chosen)))
    }

    fn option(&self, value: &str) -> Result<(), AnswerError> {
        if self.options.iter().any(|o| o.value.as_str() == value) {
            return Ok(());
        }
        Err(AnswerError::NotAnOption {
            chosen: value.to_owned(),
            options: self
                .options
                .iter()
                .map(|o| o.value.as_str().to_owned())
                .collect(),
        })
    }
}

fn user_answer(value: &Value) -> Result<Answer, AnswerError> {
    let name = string(value, "a user name")?;
    Code::parse(name)
        .map(|code| Answer::Text(code.as_str().to_owned()))
        .map_err(|_| AnswerError::NotUserName)
}

fn string<'a>(value: &'a Value, expected: &'static str) -> Result<&'a str, AnswerError> {
    value.as_str().ok_or(AnswerError::WrongType { expected })
}

#[cfg(test)]
mod tests {
    use super::super::form::tests::{form, laptop_form};
    use super::*;
    use serde_json::json;

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
    fn wrong_answers_are_typed_for_callers_that_speak_other_languages() {
        let (checked, wrong) = laptop_form().check_answers(
            &answers(
                json!({"model": "small", "reason": "x", "count": 0, "needed_by": "2026-11-21"}),
            ),
            today(),
        );
        assert_eq!(checked.len(), 1, "the right answer is kept: {checked:?}");
        assert_eq!(
            wrong,
            [
                ("reason".to_owned(), AnswerError::TooShort(10)),
                ("count".to_owned(), AnswerError::BelowMin(1.0)),
                (
                    "needed_by".to_owned(),
                    AnswerError::Before(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default())
                ),
            ]
        );
        let limits = laptop_form().fields[3].date_limits(today());
        assert_eq!(
            limits,
            (
                NaiveDate::from_ymd_opt(2026, 11, 23),
                NaiveDate::from_ymd_opt(2027, 2, 19)
            )
        );
        let one = form(json!([{"key": "a", "type": "number", "label": {"en": "A"}}]));
        assert_eq!(one.fields[0].date_limits(today()), (None, None));
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
