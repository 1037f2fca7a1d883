//! E-mail to the service desk, read: whether the provider really sent it (Mailgun signs a
//! timestamp and a one-time token with the account's webhook signing key), who wrote it and
//! whether that is proven (Mailgun's SPF or DKIM verdict, counted only for the From address's
//! own domain), whether a person wrote it at all (not an out-of-office reply or a bulk
//! mailing), which record it answers (a number in the subject), and the incident text it
//! makes, cut to the fields' limits with the cut said, never silently.

use crate::chat::RecordRef;
use crate::text::{COMMENT_BODY_MAX_CHARS, DESCRIPTION_MAX_CHARS, SHORT_DESCRIPTION_MAX_CHARS};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How old a Mailgun post may be: Mailgun sends a failed post again for eight hours, and may
/// send it with its first signature, so a retry must not be refused as stale. A signature is
/// still good for one message only (the caller binds its token to the message).
pub const MAILGUN_WINDOW_SECONDS: i64 = 9 * 3600;
/// How far ahead of our clock a post's timestamp may be.
const CLOCK_SKEW_SECONDS: i64 = 300;

/// Whether a Mailgun post is signed with `signing_key` (`signature` is the hex HMAC-SHA256 of
/// `timestamp` followed by `token`) and its timestamp within the window before `now_unix`.
pub fn mailgun_signature_valid(
    signing_key: &str,
    timestamp: &str,
    token: &str,
    signature: &str,
    now_unix: i64,
) -> Result<(), &'static str> {
    let sent: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| "timestamp is not a number")?;
    if sent > now_unix + CLOCK_SKEW_SECONDS || sent < now_unix - MAILGUN_WINDOW_SECONDS {
        return Err("the post is older than Mailgun's retries (or from the future)");
    }
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
    // ASCII only, as the database compares addresses.
    plausible_address(address).then(|| address.to_ascii_lowercase())
}

/// Whether `address` reads as an e-mail address: something before one `@`, a dotted domain
/// after it, no spaces or control characters. Whether it is anyone's only mail can tell.
pub fn plausible_address(address: &str) -> bool {
    address.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
    }) && !address.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The domain of an address such as `ann@example.org`.
fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

/// Whether two domains belong together: the same, or one a subdomain of the other (as DMARC's
/// relaxed alignment lets `mail.example.org` speak for `example.org`).
fn aligned(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    !a.is_empty()
        && !b.is_empty()
        && (a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}")))
}

/// A message header's value, by name in any case, from the provider's list of headers.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Who sent a message, as the post tells it.
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    /// The From address, lower-case.
    pub from: &'a str,
    /// The envelope sender (SMTP MAIL FROM), which SPF checks.
    pub envelope: &'a str,
}

/// The one value of a header Mailgun writes; `None` when it is missing or appears more than
/// once (a message carrying its own copy, to pass for Mailgun's verdict).
fn verdict(headers: &[(String, String)], name: &str) -> Option<String> {
    let mut values = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    match (values.next(), values.next()) {
        (Some((_, value)), None) => Some(value.trim().to_ascii_lowercase()),
        _ => None,
    }
}

/// Whether the From address is proven: SPF passed for an envelope sender of the From domain,
/// or DKIM passed and every signature is the From domain's.
fn proven(headers: &[(String, String)], sender: Sender<'_>) -> bool {
    let from_domain = domain_of(sender.from);
    let spf = verdict(headers, "X-Mailgun-Spf").as_deref() == Some("pass")
        && aligned(domain_of(sender.envelope), from_domain);
    let signers: Vec<&str> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("DKIM-Signature"))
        .map(|(_, v)| dkim_domain(v))
        .collect();
    let dkim = verdict(headers, "X-Mailgun-Dkim-Check-Result").as_deref() == Some("pass")
        && !signers.is_empty()
        && signers.iter().all(|d| aligned(d, from_domain));
    spf || dkim
}

/// The signing domain (`d=`) of a DKIM-Signature header's value.
fn dkim_domain(signature: &str) -> &str {
    signature
        .split(';')
        .filter_map(|tag| tag.split_once('='))
        .find(|(name, _)| name.trim() == "d")
        .map_or("", |(_, value)| value.trim())
}

/// Why a message is not acted on, when it is not: written by a program, marked as spam, or
/// from a sender that is not proven. `trusted_domains` are mail domains the deployment takes
/// on trust (ones with neither SPF nor DKIM).
pub fn refusal(
    headers: &[(String, String)],
    sender: Sender<'_>,
    trusted_domains: &[String],
) -> Option<&'static str> {
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
    let trusted = trusted_domains
        .iter()
        .any(|d| d.eq_ignore_ascii_case(domain_of(sender.from)));
    if !trusted && !proven(headers, sender) {
        return Some(
            "the sender is not proven: neither SPF nor DKIM passed for the From address's domain",
        );
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

/// What a message makes when it opens an incident: its short description and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    pub short_description: String,
    pub description: String,
}

/// How much of an over-long subject is repeated in the description, and how many attachments
/// are named: enough to recognise the message, leaving room for what it says.
const SUBJECT_KEPT_CHARS: usize = 1000;
const ATTACHMENTS_NAMED: usize = 10;

/// The incident a message opens: the subject (or, without one, who wrote) as its short
/// description, and `note` (why it is a new incident, if that needs saying) and the body as
/// its description, with a note of attachments not kept and of whatever had to be cut.
pub fn incident_text(
    sender: &str,
    subject: &str,
    note: &str,
    body: &str,
    attachments: &[Attachment],
) -> MailText {
    let subject = one_line(subject);
    let short = if subject.is_empty() {
        format!("E-mail from {sender}")
    } else {
        subject.clone()
    };
    let mut head = note.to_owned();
    if short.chars().count() > SHORT_DESCRIPTION_MAX_CHARS {
        head = format!(
            "Subject: {}\n\n{head}",
            fit(&subject, SUBJECT_KEPT_CHARS, "…")
        );
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

/// `head`, the body and the attachments' names, cut to `max` characters with a note saying so.
/// `head` and the attachment note are bounded, so the cut note always fits.
fn fit_body(head: &str, body: &str, attachments: &[Attachment], max: usize) -> String {
    let mut tail = String::new();
    if !attachments.is_empty() {
        let mut names: Vec<String> = attachments
            .iter()
            .take(ATTACHMENTS_NAMED)
            .map(|a| format!("{} ({} bytes)", fit(&one_line(&a.name), 100, "…"), a.bytes))
            .collect();
        if attachments.len() > ATTACHMENTS_NAMED {
            names.push(format!(
                "and {} more",
                attachments.len() - ATTACHMENTS_NAMED
            ));
        }
        tail = format!("\n\n[Attachments not kept: {}]", names.join(", "));
    }
    let body = printable(body.trim());
    let body = if body.is_empty() {
        "(no text)".to_owned()
    } else {
        body
    };
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
    format!("{head}{kept}{cut_note}{tail}")
}

/// Text as a record keeps it: control characters other than line breaks and tabs (form feeds,
/// escapes, which the record fields refuse) dropped.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

/// A header's text on one line, without control characters.
fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
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
    fn mailgun_posts_must_be_signed_and_no_older_than_its_retries() {
        let key = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
        let token = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0";
        let sent = 100_000;
        let signed = sign(key, "100000", token);
        let valid = |now| mailgun_signature_valid(key, "100000", token, &signed, now);
        assert_eq!(valid(sent), Ok(()));
        assert_eq!(
            valid(sent + MAILGUN_WINDOW_SECONDS),
            Ok(()),
            "a retry hours later"
        );
        assert!(valid(sent + MAILGUN_WINDOW_SECONDS + 1).is_err());
        assert_eq!(valid(sent - 300), Ok(()), "a clock a little behind");
        assert!(valid(sent - 301).is_err(), "from the future");
        assert!(mailgun_signature_valid("other", "100000", token, &signed, sent).is_err());
        assert!(mailgun_signature_valid(key, "100001", token, &signed, sent).is_err());
        assert!(mailgun_signature_valid(key, "100000", "another", &signed, sent).is_err());
        assert!(mailgun_signature_valid(key, "soon", token, &signed, sent).is_err());
        assert!(mailgun_signature_valid(key, "100000", token, "zz", sent).is_err());
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
            "ann@.example.org",
            "ann@example.",
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

    const ANN: Sender<'static> = Sender {
        from: "ann@example.org",
        envelope: "bounces@mail.example.org",
    };

    #[test]
    fn spf_counts_only_for_an_envelope_sender_of_the_from_domain() {
        let spf = headers(&[("X-Mailgun-Spf", "Pass")]);
        assert_eq!(refusal(&spf, ANN, &[]), None);
        let elsewhere = Sender {
            from: "ceo@example.org",
            envelope: "me@attacker.example",
        };
        assert!(
            refusal(&spf, elsewhere, &[]).is_some_and(|why| why.contains("not proven")),
            "the attacker's own domain passing SPF proves nothing about the From address"
        );
        let soft = headers(&[("X-Mailgun-Spf", "SoftFail")]);
        assert!(refusal(&soft, ANN, &[]).is_some());
        assert_eq!(
            refusal(&soft, ANN, &["Example.org".to_owned()]),
            None,
            "a domain the deployment trusts"
        );
        assert!(refusal(&soft, elsewhere, &["example.net".to_owned()]).is_some());
    }

    #[test]
    fn dkim_counts_only_when_every_signature_is_the_from_domains() {
        let signed_by = |d: &str| {
            headers(&[
                ("X-Mailgun-Spf", "Neutral"),
                ("X-Mailgun-Dkim-Check-Result", "Pass"),
                (
                    "DKIM-Signature",
                    &format!("v=1; a=rsa-sha256; d={d}; s=s1; h=from:subject; bh=x; b=y"),
                ),
            ])
        };
        let stranger = Sender {
            from: "ann@example.org",
            envelope: "x@attacker.example",
        };
        assert_eq!(refusal(&signed_by("example.org"), stranger, &[]), None);
        assert_eq!(refusal(&signed_by("mail.example.org"), stranger, &[]), None);
        assert!(refusal(&signed_by("attacker.example"), stranger, &[]).is_some());
        let mut two = signed_by("example.org");
        two.push((
            "DKIM-Signature".to_owned(),
            "v=1; d=attacker.example; b=z".to_owned(),
        ));
        assert!(refusal(&two, stranger, &[]).is_some());
        let unsigned = headers(&[("X-Mailgun-Dkim-Check-Result", "Pass")]);
        assert!(refusal(&unsigned, stranger, &[]).is_some());
    }

    #[test]
    fn a_message_carrying_its_own_verdict_is_not_believed() {
        let injected = headers(&[
            ("X-Mailgun-Spf", "Fail"),
            ("Subject", "hello"),
            ("X-Mailgun-Spf", "Pass"),
        ]);
        assert!(refusal(&injected, ANN, &[]).is_some());
        assert!(refusal(&[], ANN, &[]).is_some(), "no verdict at all");
    }

    #[test]
    fn programs_and_spam_are_not_acted_on() {
        let verified = headers(&[("X-Mailgun-Spf", "Pass")]);
        for program in [
            ("Auto-Submitted", "auto-replied"),
            ("Precedence", "bulk"),
            ("X-Autoreply", "yes"),
        ] {
            let mut h = verified.clone();
            h.push((program.0.to_owned(), program.1.to_owned()));
            assert!(
                refusal(&h, ANN, &[]).is_some_and(|why| why.contains("automatic")),
                "{program:?}"
            );
        }
        let mut person = verified.clone();
        person.push(("Auto-Submitted".to_owned(), "no".to_owned()));
        assert_eq!(refusal(&person, ANN, &[]), None);
        let mut spam = verified;
        spam.push(("X-Mailgun-Sflag".to_owned(), "Yes".to_owned()));
        assert!(refusal(&spam, ANN, &[]).is_some_and(|why| why.contains("spam")));
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
            "回复：INC事故",
            "",
        ] {
            assert_eq!(referenced_record(none), None, "{none}");
        }
    }

    #[test]
    fn incident_text_keeps_everything_or_says_what_was_cut() {
        let png = Attachment {
            name: "trace.png".to_owned(),
            bytes: 2048,
        };
        let text = incident_text(
            "ann@example.org",
            "VPN <b>down</b>",
            "",
            "Since 9:00.\n",
            std::slice::from_ref(&png),
        );
        assert_eq!(text.short_description, "VPN <b>down</b>");
        assert_eq!(
            text.description,
            "Since 9:00.\n\n[Attachments not kept: trace.png (2048 bytes)]"
        );
        assert_eq!(
            incident_text("ann@example.org", "  ", "", "", &[]).short_description,
            "E-mail from ann@example.org"
        );
        let long_subject = "s".repeat(SHORT_DESCRIPTION_MAX_CHARS + 10);
        let long_body = "体".repeat(DESCRIPTION_MAX_CHARS * 2);
        let cut = incident_text(
            "ann@example.org",
            &long_subject,
            "Note.\n\n",
            &long_body,
            &[],
        );
        assert_eq!(
            cut.short_description.chars().count(),
            SHORT_DESCRIPTION_MAX_CHARS
        );
        assert!(cut.short_description.ends_with('…'));
        assert_eq!(cut.description.chars().count(), DESCRIPTION_MAX_CHARS);
        assert!(
            cut.description
                .starts_with(&format!("Subject: {long_subject}\n\nNote."))
        );
        assert!(cut.description.ends_with(&format!(
            "[Cut here: the message had {} characters; the rest is in the e-mail]",
            DESCRIPTION_MAX_CHARS * 2
        )));
        let huge = incident_text(
            "ann@example.org",
            &"s".repeat(10_000),
            "",
            "body",
            &vec![png; 50],
        );
        assert!(
            huge.description.contains("and 40 more]"),
            "{}",
            huge.description
        );
        assert!(huge.description.contains("body"));
        let comment = comment_text(&"c".repeat(COMMENT_BODY_MAX_CHARS + 1), &[]);
        assert_eq!(comment.chars().count(), COMMENT_BODY_MAX_CHARS);
        assert!(comment.contains("[Cut here"));
    }

    #[test]
    fn control_characters_that_records_refuse_are_dropped() {
        let text = incident_text(
            "ann@example.org",
            "Patch\tfor\r\nprinter\u{7}",
            "",
            "diff\u{c}\n\u{1b}[31mred\tok",
            &[],
        );
        assert_eq!(text.short_description, "Patch for printer");
        assert_eq!(text.description, "diff\n[31mred\tok");
    }
}
