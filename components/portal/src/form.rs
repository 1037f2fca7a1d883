//! Forms as people fill them in: what was typed (kept, to be shown again with any mistakes),
//! each mistake in the visitor's language next to its field and in a summary at the top, and
//! the pieces every form shares: its token, the honeypot, labelled inputs.

use crate::lang::Texts;
use itsm_domain::inbound_mail::plausible_address;
use maud::{Markup, html};

/// The honeypot's name: a field people never see, which robots fill in.
pub const HONEYPOT: &str = "website";
/// The form token's name.
pub const TOKEN: &str = "form_token";

/// A mistake in one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistake {
    pub field: String,
    pub message: String,
}

/// The mistakes of one post, in the order of the fields.
#[derive(Debug, Default, Clone)]
pub struct Mistakes(pub Vec<Mistake>);

impl Mistakes {
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|m| m.field == field)
            .map(|m| m.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds a mistake in `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(Mistake {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// Checks a text field: required or not, at most `max` characters, no characters the
    /// records refuse. The trimmed text, when it is right.
    pub fn text(
        &mut self,
        texts: &Texts,
        field: &str,
        value: &str,
        max: usize,
        required: bool,
    ) -> String {
        let trimmed = value.trim();
        let message = if trimmed.is_empty() {
            required.then(|| texts.required.to_owned())
        } else if trimmed.chars().count() > max {
            Some(texts.too_long(max))
        } else if trimmed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            Some(texts.bad_characters.to_owned())
        } else {
            None
        };
        if let Some(message) = message {
            self.add(field, message);
        }
        trimmed.to_owned()
    }

    /// Checks a one-line text: as `text`, and no line breaks (which could pass for lines the
    /// portal writes itself).
    pub fn line(
        &mut self,
        texts: &Texts,
        field: &str,
        value: &str,
        max: usize,
        required: bool,
    ) -> String {
        let text = self.text(texts, field, value, max, required);
        if text.contains(['\n', '\r']) && self.of(field).is_none() {
            self.add(field, texts.bad_characters);
        }
        text
    }

    /// Checks an e-mail address: one `@`, a dot in the domain, no spaces.
    pub fn email(&mut self, texts: &Texts, field: &str, value: &str) -> String {
        let address = self.line(texts, field, value, 254, true);
        if !address.is_empty() && !plausible_address(&address) && self.of(field).is_none() {
            self.add(field, texts.bad_email);
        }
        address
    }

    /// Checks a choice among `options`.
    pub fn choice(&mut self, texts: &Texts, field: &str, value: &str, options: &[&str]) {
        if !options.contains(&value) {
            self.add(field, texts.bad_choice);
        }
    }
}

/// The summary at the top of a form that has mistakes: each one, under its field's label
/// (`labels`, by field), a link to the field.
pub fn summary(texts: &Texts, mistakes: &Mistakes, labels: &[(&str, &str)]) -> Markup {
    let label = |field: &str| {
        labels
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, l)| *l)
    };
    html! {
        @if !mistakes.is_empty() {
            div.summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus {
                h2 #error-summary-title { (texts.error_summary) }
                ul {
                    @for mistake in &mistakes.0 {
                        li { a href={ "#" (mistake.field) } { strong { (label(&mistake.field)) } " – " (mistake.message) } }
                    }
                }
            }
        }
    }
}

/// A field's label, hint and mistake, above the field.
pub(crate) fn head(label: &str, hint: &str, field: &str, error: Option<&str>) -> Markup {
    html! {
        label for=(field) { (label) }
        @if !hint.is_empty() {
            span.hint #{ (field) "-hint" } { (hint) }
        }
        @if let Some(error) = error {
            span.error #{ (field) "-error" } { (error) }
        }
    }
}

/// The ids of what describes a field: its hint, if any, and its mistake, if any.
pub(crate) fn described_by(field: &str, hint: &str, error: Option<&str>) -> String {
    let mut ids = Vec::new();
    if !hint.is_empty() {
        ids.push(format!("{field}-hint"));
    }
    if error.is_some() {
        ids.push(format!("{field}-error"));
    }
    ids.join(" ")
}

/// A posted form read into `T`, whose fields all default, so nothing typed is lost to a
/// missing one.
pub fn read<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, itsm_http::ApiError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|e| itsm_http::ApiError::bad_field("body", format!("not a form: {e}")))
}

/// A labelled one-line input with its hint and mistake.
pub fn input(
    label: &str,
    hint: &str,
    field: &str,
    kind: &str,
    value: &str,
    autocomplete: &str,
    mistakes: &Mistakes,
) -> Markup {
    let error = mistakes.of(field);
    html! {
        div class=[error.map(|_| "field-error")] {
            (head(label, hint, field, error))
            input #(field) name=(field) type=(kind) value=(value) autocomplete=(autocomplete)
                aria-describedby=(described_by(field, hint, error))
                aria-invalid=[error.map(|_| "true")];
        }
    }
}

/// A labelled text area with its hint and mistake.
pub fn text_area(label: &str, hint: &str, field: &str, value: &str, mistakes: &Mistakes) -> Markup {
    let error = mistakes.of(field);
    html! {
        div class=[error.map(|_| "field-error")] {
            (head(label, hint, field, error))
            textarea #(field) name=(field) rows="8"
                aria-describedby=(described_by(field, hint, error))
                aria-invalid=[error.map(|_| "true")] { (value) }
        }
    }
}

/// What an option group is called and how it is answered.
pub struct Group<'a> {
    pub legend: &'a str,
    pub hint: &'a str,
    /// The field's name, and the first option's id, where the summary's link to it lands.
    pub name: &'a str,
    /// Tick boxes, any number of them; else radio buttons, one.
    pub multiple: bool,
}

/// Radio buttons or tick boxes in a fieldset under their legend, with the hint and mistake:
/// `options` as value and label, `chosen` ticked.
pub fn option_group(
    group: &Group<'_>,
    options: &[(&str, &str)],
    chosen: &[&str],
    error: Option<&str>,
) -> Markup {
    let name = group.name;
    let described = described_by(name, group.hint, error);
    html! {
        div class=[error.map(|_| "field-error")] {
            fieldset aria-describedby=[(!described.is_empty()).then_some(&described)] {
                legend { (group.legend) }
                @if !group.hint.is_empty() {
                    span.hint #{ (name) "-hint" } { (group.hint) }
                }
                @if let Some(error) = error {
                    span.error #{ (name) "-error" } { (error) }
                }
                @for (i, (value, label)) in options.iter().enumerate() {
                    @let id = if i == 0 { name.to_owned() } else { format!("{name}-{i}") };
                    div.option {
                        input #(id) name=(name) value=(value)
                            type=(if group.multiple { "checkbox" } else { "radio" })
                            checked[chosen.contains(value)]
                            aria-invalid=[error.map(|_| "true")];
                        label for=(id) { (label) }
                    }
                }
            }
        }
    }
}

/// The hidden parts every form carries: its token, and the honeypot, out of sight and out of
/// the keyboard's way.
pub fn guards(texts: &Texts, token: &str) -> Markup {
    html! {
        input type="hidden" name=(TOKEN) value=(token);
        div.trap aria-hidden="true" {
            // The label holds its field rather than naming its id: a page with two forms
            // (a message and a rating) would otherwise have the id twice.
            label {
                (texts.honeypot)
                input name=(HONEYPOT) type="text" tabindex="-1" autocomplete="off" value="";
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{EN, ZH};

    #[test]
    fn mistakes_are_said_in_the_visitors_language() {
        let mut mistakes = Mistakes::default();
        mistakes.text(&ZH, "summary", "  ", 160, true);
        mistakes.text(&ZH, "details", &"x".repeat(11), 10, false);
        mistakes.text(&EN, "name", "Ann\u{1b}[31m", 100, true);
        mistakes.email(&EN, "email", "ann@example");
        mistakes.choice(&EN, "impact", "huge", &["low", "medium", "high"]);
        assert_eq!(mistakes.of("summary"), Some("请填写此项。"));
        assert_eq!(mistakes.of("details"), Some("最多 10 个字符。"));
        assert_eq!(mistakes.of("name"), Some(EN.bad_characters));
        assert_eq!(mistakes.of("email"), Some(EN.bad_email));
        assert_eq!(mistakes.of("impact"), Some(EN.bad_choice));
        let mut none = Mistakes::default();
        assert_eq!(
            none.email(&EN, "email", " ann@example.org "),
            "ann@example.org"
        );
        none.text(&EN, "details", "", 10, false);
        assert!(none.is_empty());
    }

    #[test]
    fn a_field_with_a_mistake_says_so_to_assistive_technology() {
        let mut mistakes = Mistakes::default();
        mistakes.text(&EN, "name", "", 100, true);
        let markup = input("Name", "Hint", "name", "text", "<b>", "name", &mistakes).into_string();
        assert!(markup.contains("aria-invalid=\"true\""));
        assert!(markup.contains("aria-describedby=\"name-hint name-error\""));
        assert!(markup.contains("value=\"&lt;b&gt;\""));
        let summary = summary(&EN, &mistakes, &[("name", "Your name")]).into_string();
        assert!(
            summary.contains("href=\"#name\"><strong>Your name</strong> – Fill this in.</a>"),
            "{summary}"
        );
    }
}
