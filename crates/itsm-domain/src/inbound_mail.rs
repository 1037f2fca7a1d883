//! E-mail to the service desk, read: whether the provider really sent it (Mailgun signs a
//! timestamp and a one-time token with the account's webhook signing key), who wrote it and
//! whether the provider could verify that (SPF or DKIM), whether a person wrote it at all (not
//! an out-of-office reply or a bulk mailing), which record it answers (a number in the subject),
//! and the incident text it makes, cut to the fields' limits with the cut said, never silently.

use crate::chat::RecordRef;
use crate::chat::signature::fresh_timestamp;
use crate::text::{COMMENT_BODY_MAX_CHARS, DESCRIPTION_MAX_CHARS, SHORT_DESCRIPTION_MAX_CHARS};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Whether a Mailgun post is signed with `signing_key` (`signature` is the hex HMAC-SHA256 of
/// `timestamp` followed by `token`) and its timestamp within five minutes of `now_unix`.
pub fn mailgun_signature_valid(
    signing_key: &str,
    timestamp: &str,
    token: &str,
    signature: &str,
    now_unix: i64,
) -> Result<(), &'static str> {
    fresh_timestamp(timestamp, now_unix, "timestamp is not a number")?;
    let presented = hex::decode(signature.trim()).map_err(|_| "signature is not hex")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(signing_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(timestamp.trim().as_bytes());
    mac.update(token.as_bytes());
    mac.verify_slice(&presented)
        .map_err(|_| "the signature does not match")
}

/// The address in a `From` value such as `Ann Lee <Ann.Lee@Example.org>`, lower-cased; `None`
/// when there is no plausible address.
pub fn sender_address(from: &str) -> Option<String> {
    let from = from.trim();
    let address = match (from.rfind('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => &from[open + 1..close],
        _ => from,
    };
    let address = address.trim();
    let (local, domain) = address.split_once('@')?;
    let plausible = !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !address.chars().any(|c| c.is_whitespace() || c.is_control());
    plausible.then(|| address.to_lowercase())
}

/// A message header's value, by name in any case, from the provider's list of headers.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a message is not acted on, when it is not: written by a program, marked as spam, or
/// from a sender the provider could not verify.
pub fn refusal(headers: &[(String, String)], trust_unverified: bool) -> Option<&'static str> {
    let said = |name: &str| header(headers, name).map(|v| v.trim().to_ascii_lowercase());
    if said("Auto-Submitted").is_some_and(|v| v != "no")
        || said("Precedence")
            .is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply"))
        || header(headers, "X-Autoreply").is_some()
        || header(headers, "X-Autorespond").is_some()
    {
        return Some("an automatic reply or bulk mail, not a person writing");
    }
    if said("X-Mailgun-Sflag").as_deref() == Some("yes") {
        return Some("the provider marked it as spam");
    }
    let passed = |name: &str| said(name).as_deref() == Some("pass");
    if !trust_unverified && !passed("X-Mailgun-Spf") && !passed("X-Mailgun-Dkim-Check-Result") {
        return Some("the sender could not be verified: neither SPF nor DKIM passed");
    }
    None
}

/// The record a subject answers, such as `Re: [INC0000042] Printer` or `REQ7 question`: the
/// first word that reads as a record number.
pub fn referenced_record(subject: &str) -> Option<RecordRef> {
    subject
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| word.len() > 3 && word[3..].bytes().all(|b| b.is_ascii_digit()))
        .find_map(|word| RecordRef::parse(word).ok())
}

/// An attachment the message carried, which is named in the record but not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub bytes: usize,
}

/// What a message makes: an incident's short description and description, or a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    pub short_description: String,
    pub description: String,
}

/// The incident a message opens: the subject (or, without one, who wrote) as its short
/// description, and the body, with a note of attachments not kept and of whatever had to be
/// cut to fit.
pub fn incident_text(
    sender: &str,
    subject: &str,
    body: &str,
    attachments: &[Attachment],
) -> MailText {
    let subject = subject.trim();
    let short = if subject.is_empty() {
        format!("E-mail from {sender}")
    } else {
        subject.to_owned()
    };
    let mut head = String::new();
    if short.chars().count() > SHORT_DESCRIPTION_MAX_CHARS {
        head.push_str(&format!("Subject: {subject}\n\n"));
    }
    MailText {
        short_description: fit(&short, SHORT_DESCRIPTION_MAX_CHARS, "…"),
        description: fit_body(&head, body, attachments, DESCRIPTION_MAX_CHARS),
    }
}

/// A reply's text as a comment, with the same notes.
pub fn comment_text(body: &str, attachments: &[Attachment]) -> String {
    fit_body("", body, attachments, COMMENT_BODY_MAX_CHARS)
}

fn fit_body(head: &str, body: &str, attachments: &[Attachment], max: usize) -> String {
    let mut tail = String::new();
    if !attachments.is_empty() {
        let names: Vec<String> = attachments
            .iter()
            .map(|a| format!("{} ({} bytes)", a.name, a.bytes))
            .collect();
        tail = format!("\n\n[Attachments not kept: {}]", names.join(", "));
    }
    let body = body.trim();
    let body = if body.is_empty() { "(no text)" } else { body };
    let whole = format!("{head}{body}{tail}");
    if whole.chars().count() <= max {
        return whole;
    }
    let cut_note = format!(
        "\n\n[Cut here: the message had {} characters; the rest is in the e-mail]",
        body.chars().count()
    );
    let room =
        max.saturating_sub(head.chars().count() + tail.chars().count() + cut_note.chars().count());
    let kept: String = body.chars().take(room).collect();
    fit(&format!("{head}{kept}{cut_note}{tail}"), max, "…")
}

/// `text` cut to `max` characters, ending with `mark` when cut.
fn fit(text: &str, max: usize, mark: &str) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - mark.chars().count()).collect();
    cut.push_str(mark);
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::RecordKind;

    fn sign(key: &str, timestamp: &str, token: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("key");
        mac.update(format!("{timestamp}{token}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn mailgun_posts_must_be_signed_and_fresh() {
        let token = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0";
        let signed = sign("key-3ax6xnjp29jd6fds4gc373sgvjxteol0", "1000", token);
        let key = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
        assert_eq!(
            mailgun_signature_valid(key, "1000", token, &signed, 1_300),
            Ok(())
        );
        assert!(mailgun_signature_valid(key, "1000", token, &signed, 1_301).is_err());
        assert!(mailgun_signature_valid(key, "1000", token, &signed, 699).is_err());
        assert!(mailgun_signature_valid("other", "1000", token, &signed, 1_000).is_err());
        assert!(mailgun_signature_valid(key, "1001", token, &signed, 1_000).is_err());
        assert!(mailgun_signature_valid(key, "1000", "another token", &signed, 1_000).is_err());
        assert!(mailgun_signature_valid(key, "soon", token, &signed, 1_000).is_err());
        assert!(mailgun_signature_valid(key, "1000", token, "zz", 1_000).is_err());
    }

    #[test]
    fn senders_are_read_from_from_values() {
        assert_eq!(
            sender_address("Ann Lee <Ann.Lee@Example.org>").as_deref(),
            Some("ann.lee@example.org")
        );
        assert_eq!(
            sender_address("\"Lee, Ann\" <ann@example.org>").as_deref(),
            Some("ann@example.org")
        );
        assert_eq!(
            sender_address(" bob@example.org ").as_deref(),
            Some("bob@example.org")
        );
        for bad in [
            "",
            "Ann Lee",
            "<>",
            "a@b",
            "a b@example.org",
            "@example.org",
            "a@b@c.org",
        ] {
            assert_eq!(sender_address(bad), None, "{bad}");
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn only_verified_people_are_acted_on() {
        let verified = headers(&[
            ("X-Mailgun-Spf", "Pass"),
            ("X-Mailgun-Dkim-Check-Result", "Fail"),
        ]);
        assert_eq!(refusal(&verified, false), None);
        let dkim = headers(&[("x-mailgun-dkim-check-result", "Pass")]);
        assert_eq!(refusal(&dkim, false), None);
        let unverified = headers(&[("X-Mailgun-Spf", "SoftFail")]);
        assert!(refusal(&unverified, false).is_some_and(|why| why.contains("SPF")));
        assert_eq!(
            refusal(&unverified, true),
            None,
            "when the deployment trusts senders"
        );
        for program in [
            ("Auto-Submitted", "auto-replied"),
            ("Precedence", "bulk"),
            ("X-Autoreply", "yes"),
        ] {
            let mut h = verified.clone();
            h.push((program.0.to_owned(), program.1.to_owned()));
            assert!(
                refusal(&h, false).is_some_and(|why| why.contains("automatic")),
                "{program:?}"
            );
        }
        let mut person = verified.clone();
        person.push(("Auto-Submitted".to_owned(), "no".to_owned()));
        assert_eq!(refusal(&person, false), None);
        let mut spam = verified;
        spam.push(("X-Mailgun-Sflag".to_owned(), "Yes".to_owned()));
        assert!(refusal(&spam, false).is_some_and(|why| why.contains("spam")));
    }

    #[test]
    fn subjects_name_the_record_they_answer() {
        let inc42 = RecordRef {
            kind: RecordKind::Incident,
            id: 42,
        };
        assert_eq!(
            referenced_record("Re: [INC0000042] Printer on fire"),
            Some(inc42)
        );
        assert_eq!(referenced_record("AW: inc42 still broken"), Some(inc42));
        assert_eq!(
            referenced_record("Question about REQ0000007").map(|r| r.kind),
            Some(RecordKind::Request)
        );
        for none in [
            "Incident report",
            "Printer on fire",
            "INC",
            "Re: INCIDENT 42",
            "",
        ] {
            assert_eq!(referenced_record(none), None, "{none}");
        }
    }

    #[test]
    fn incident_text_keeps_everything_or_says_what_was_cut() {
        let text = incident_text(
            "ann@example.org",
            "VPN <b>down</b>",
            "Since 9:00.\n",
            &[Attachment {
                name: "trace.png".to_owned(),
                bytes: 2048,
            }],
        );
        assert_eq!(text.short_description, "VPN <b>down</b>");
        assert_eq!(
            text.description,
            "Since 9:00.\n\n[Attachments not kept: trace.png (2048 bytes)]"
        );
        assert_eq!(
            incident_text("ann@example.org", "  ", "", &[]).short_description,
            "E-mail from ann@example.org"
        );
        let long_subject = "s".repeat(SHORT_DESCRIPTION_MAX_CHARS + 10);
        let long_body = "b".repeat(DESCRIPTION_MAX_CHARS * 2);
        let cut = incident_text("ann@example.org", &long_subject, &long_body, &[]);
        assert_eq!(
            cut.short_description.chars().count(),
            SHORT_DESCRIPTION_MAX_CHARS
        );
        assert!(cut.short_description.ends_with('…'));
        assert_eq!(cut.description.chars().count(), DESCRIPTION_MAX_CHARS);
        assert!(
            cut.description
                .starts_with(&format!("Subject: {long_subject}"))
        );
        assert!(cut.description.ends_with("the rest is in the e-mail]"));
        assert!(
            cut.description
                .contains(&format!("had {} characters", DESCRIPTION_MAX_CHARS * 2))
        );
        let comment = comment_text(&"c".repeat(COMMENT_BODY_MAX_CHARS + 1), &[]);
        assert_eq!(comment.chars().count(), COMMENT_BODY_MAX_CHARS);
    }
}
