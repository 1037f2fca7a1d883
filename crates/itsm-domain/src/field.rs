//! Validation errors that name the offending field, collected so a client learns about every bad field in one response.

use std::fmt;

use serde::Serialize;

/// One field that failed validation, with a field-agnostic message such as "must not be empty".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Several field errors; serialized as a plain list so it can go straight into an error body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn as_slice(&self) -> &[FieldError] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// Records the error of a required field, keeping the value when valid.
    pub fn take<T>(&mut self, name: &str, result: Result<T, String>) -> Option<T> {
        result.map_err(|message| self.push(name, message)).ok()
    }

    /// An optional field: `Some(None)` when absent, `Some(Some(v))` when valid, and `None` when
    /// invalid (the error is recorded).
    pub fn take_optional<T>(
        &mut self,
        name: &str,
        text: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match text {
            None => Some(None),
            Some(text) => self.take(name, parse(text)).map(Some),
        }
    }

    /// Ends a validation pass: the value only escapes if nothing was wrong.
    pub fn finish<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<FieldError> for FieldErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|e| e.field.as_str()).collect();
        write!(f, "invalid fields: {}", names.join(", "))
    }
}

impl std::error::Error for FieldErrors {}

/// Records a failed parse under `field` and carries on, so later fields still get checked.
///
/// The `None` it returns on failure is only a placeholder: [`FieldErrors::finish`] refuses
/// to hand out a value once any error was recorded.
pub fn check<T>(errors: &mut FieldErrors, field: &str, result: Result<T, String>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(message) => {
            errors.push(field, message);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_passes_the_value_through_when_nothing_failed() {
        assert_eq!(FieldErrors::new().finish(7), Ok(7));
    }

    #[test]
    fn check_collects_every_failure_in_order() {
        let mut errors = FieldErrors::new();
        let a: Option<u8> = check(&mut errors, "a", Err("must not be empty".into()));
        let b = check(&mut errors, "b", Ok(2));
        let c: Option<u8> = check(&mut errors, "c", Err("too long".into()));
        assert_eq!((a, b, c), (None, Some(2), None));
        assert_eq!(errors.len(), 2);
        assert_eq!(
            errors.as_slice(),
            &[
                FieldError::new("a", "must not be empty"),
                FieldError::new("c", "too long")
            ]
        );
        assert_eq!(errors.to_string(), "invalid fields: a, c");
        let err = errors.clone().finish(()).err();
        assert_eq!(err, Some(errors));
    }

    #[test]
    fn a_single_error_converts_into_a_collection() {
        let errors = FieldErrors::from(FieldError::new("x", "bad"));
        assert_eq!(errors.to_string(), "invalid fields: x");
        assert_eq!(errors.into_vec(), vec![FieldError::new("x", "bad")]);
    }

    #[test]
    fn field_error_display_names_field_and_message() {
        assert_eq!(FieldError::new("impact", "bad").to_string(), "impact: bad");
    }
}
