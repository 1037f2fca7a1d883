//! E-mail to the service desk end to end: posts shaped as a Mailgun route's `forward()` sends
//! them (its "Receiving messages via HTTP" guide: form-encoded, multipart with attachments),
//! signed here with the HMAC crates; a user's mail opens an incident or comments on the one
//! its subject names, as that user; forged, replayed, repeated, automatic, unverified and
//! unknown mail changes nothing.

use crate::channels::{incident_count, refusals_on_record};
use hmac::{Hmac, Mac};
use itsm_api_tests::{MAILGUN_SIGNING_KEY, TestApp, json_with, problem};
use serde_json::{Value, json};
use sha2::Sha256;

const NOW: &str = "2027-01-11T09:00:00Z";
const NOW_UNIX: i64 = 1_799_658_000;

/// One message as Mailgun would post it.
struct Mail {
    from: String,
    /// The SMTP envelope sender: the From address's own domain's bounce address, as a mail
    /// service sends it, unless a test says otherwise.
    envelope: String,
    subject: String,
    body: String,
    stripped: String,
    headers: Vec<(String, String)>,
    timestamp: i64,
    token: String,
}

impl Mail {
    fn new(from: &str, subject: &str, body: &str, message_id: &str) -> Self {
        let domain = from
            .rsplit_once('@')
            .map_or("nowhere.example", |(_, d)| d.trim_end_matches('>'));
        Self {
            from: from.to_owned(),
            envelope: format!("bounces@{domain}"),
            subject: subject.to_owned(),
            body: body.to_owned(),
            stripped: String::new(),
            headers: vec![
                (
                    "Received".to_owned(),
                    "from mail.example.org by mxa.mailgun.org with ESMTP".to_owned(),
                ),
                ("X-Mailgun-Spf".to_owned(), "Pass".to_owned()),
                ("X-Mailgun-Dkim-Check-Result".to_owned(), "Pass".to_owned()),
                ("X-Mailgun-Sflag".to_owned(), "No".to_owned()),
                ("From".to_owned(), from.to_owned()),
                ("Subject".to_owned(), subject.to_owned()),
                (
                    "Message-Id".to_owned(),
                    format!("<{message_id}@mail.example.org>"),
                ),
                ("Mime-Version".to_owned(), "1.0".to_owned()),
            ],
            timestamp: NOW_UNIX,
            token: format!("{:x<50}", message_id.replace(['.', '-'], "")),
        }
    }

    fn envelope(mut self, envelope: &str) -> Self {
        self.envelope = envelope.to_owned();
        self
    }

    /// The same message posted again under a new signature.
    fn resigned(mut self, token: &str) -> Self {
        self.token = format!("{token:x<50}");
        self
    }

    fn signed_at(self, timestamp: i64) -> Self {
        Self { timestamp, ..self }
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn signed_fields(&self, key: &str) -> Vec<(String, String)> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key");
        mac.update(format!("{}{}", self.timestamp, self.token).as_bytes());
        let signature = hex::encode(mac.finalize().into_bytes());
        let stripped = if self.stripped.is_empty() {
            &self.body
        } else {
            &self.stripped
        };
        [
            ("recipient", "support@itsm.example.com"),
            ("sender", &self.envelope),
            ("from", &self.from),
            ("subject", &self.subject),
            ("body-plain", &self.body),
            ("stripped-text", stripped),
            ("stripped-signature", "--\nAnn"),
            ("body-html", &format!("<p>{}</p>", self.body)),
            (
                "message-headers",
                &serde_json::to_string(&self.headers).expect("json"),
            ),
            ("timestamp", &self.timestamp.to_string()),
            ("token", &self.token),
            ("signature", &signature),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
    }
}

async fn post_form(app: &TestApp, fields: &[(String, String)]) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/channels/email/mailgun"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(fields).expect("form"))
        .send()
        .await
        .expect("sent")
}

/// The message posted as multipart/form-data, with `files` as attachments.
async fn post_multipart(
    app: &TestApp,
    fields: &[(String, String)],
    files: &[(&str, Vec<u8>)],
) -> reqwest::Response {
    let boundary = "------------------------d74496d66958873e";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .bytes(),
        );
    }
    for (i, (file, bytes)) in files.iter().enumerate() {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment-{}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                i + 1
            )
            .bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    app.client
        .post(app.url("/api/v1/channels/email/mailgun"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("sent")
}

async fn deliver(app: &TestApp, mail: &Mail) -> Value {
    json_with(
        post_form(app, &mail.signed_fields(MAILGUN_SIGNING_KEY)).await,
        200,
    )
    .await
}

async fn with_email(app: &TestApp, user: &str, email: &str) {
    json_with(
        app.patch(&format!("/api/v1/users/{user}"), &json!({"email": email}))
            .await,
        200,
    )
    .await;
}

#[tokio::test]
async fn a_users_mail_opens_an_incident_and_their_reply_comments_on_it() {
    let app = TestApp::spawn().await;
    app.set_time(NOW);
    app.customer("acme").await;
    let cy = app
        .user_with("cy", &[("customer", Some("customer:acme"))])
        .await;
    with_email(&app, "cy", "Cy.Young@Acme.example").await;

    let first = Mail::new(
        "Cy Young <cy.young@acme.example>",
        "VPN <script>alert(1)</script> drops",
        "Since 9:00 the VPN drops every minute.\u{c}\n\nCy",
        "m1",
    );
    let created = deliver(&app, &first).await;
    assert_eq!(
        created,
        json!({"outcome": "created", "record": "INC0000001", "user": "cy"})
    );
    let incident = json_with(app.get_as(&cy, "/api/v1/incidents/INC0000001").await, 200).await;
    assert_eq!(
        incident["short_description"],
        "VPN <script>alert(1)</script> drops"
    );
    assert_eq!(
        incident["description"], "Since 9:00 the VPN drops every minute.\n\nCy",
        "the form feed the record would refuse is dropped"
    );
    assert_eq!(
        (incident["channel"].clone(), incident["caller"].clone()),
        (json!("email"), json!("cy"))
    );
    assert_eq!(incident["customer"], "acme", "cy writes for acme");
    assert_eq!(incident["created_by"], "cy");

    // Mailgun posts the message again, with its first signature hours later or with a new
    // one: the first answer, nothing new.
    let late =
        Mail::new(&first.from, &first.subject, &first.body, "m1").signed_at(NOW_UNIX - 8 * 3600);
    assert_eq!(deliver(&app, &late).await, created);
    let again = Mail::new(&first.from, &first.subject, &first.body, "m1").resigned("fresh-token");
    assert_eq!(deliver(&app, &again).await, created);
    assert_eq!(incident_count(&app).await, 1);

    // The reply names the incident: its new text (not the quote) becomes a comment, as cy.
    let mut reply = Mail::new(
        "cy.young@acme.example",
        "Re: [INC0000001] VPN drops",
        "Now it is fine.\n\n> Since 9:00 the VPN drops every minute.",
        "m2",
    );
    reply.stripped = "Now it is fine.".to_owned();
    let commented = deliver(&app, &reply).await;
    assert_eq!(
        commented,
        json!({"outcome": "commented", "record": "INC0000001", "user": "cy"})
    );
    let comments = json_with(
        app.get_as(&cy, "/api/v1/incidents/INC0000001/comments")
            .await,
        200,
    )
    .await;
    let comment = &comments["items"][0];
    assert_eq!(
        (comment["body"].clone(), comment["author"].clone()),
        (json!("Now it is fine."), json!("cy")),
        "{comments}"
    );
    assert_eq!(incident_count(&app).await, 1);

    // A subject naming a record that takes no comments, or an incident that is not cy's,
    // opens an incident that says so.
    let request = Mail::new("cy.young@acme.example", "About REQ0000007", "When?", "m3");
    assert_eq!(deliver(&app, &request).await["outcome"], "created");
    let opened = json_with(app.get_as(&cy, "/api/v1/incidents/INC0000002").await, 200).await;
    assert_eq!(
        opened["description"],
        "This e-mail is about REQ0000007, which takes no comments.\n\nWhen?"
    );
    app.customer("globex").await;
    let mut theirs = itsm_api_tests::incident("Globex's printer");
    theirs["customer"] = json!("globex");
    json_with(app.post("/api/v1/incidents", &theirs).await, 201).await;
    let stray = Mail::new("cy.young@acme.example", "Re: INC0000003", "Mine too?", "m4");
    assert_eq!(
        deliver(&app, &stray).await,
        json!({"outcome": "created", "record": "INC0000004", "user": "cy"})
    );
    let opened = json_with(app.get_as(&cy, "/api/v1/incidents/INC0000004").await, 200).await;
    let description = opened["description"].as_str().unwrap_or_default();
    assert!(
        description.starts_with("This e-mail answers INC0000003, which could not take it:")
            && description.ends_with("Mine too?")
            && !description.contains("Globex"),
        "{description}"
    );
}

#[tokio::test]
async fn attachments_are_named_and_long_mail_is_cut_with_a_note() {
    let app = TestApp::spawn().await;
    app.set_time(NOW);
    app.user_with("ann", &[("service_desk", None)]).await;
    with_email(&app, "ann", "ann@example.org").await;

    // Larger than other routes take (64 KiB), as mail with a screenshot is.
    let screenshot = vec![0x89_u8; 200 * 1024];
    let mail = Mail::new("ann@example.org", "Printer jam", &"x".repeat(5000), "m1");
    let answer = post_multipart(
        &app,
        &mail.signed_fields(MAILGUN_SIGNING_KEY),
        &[("jam.png", screenshot), ("log.txt", b"E42".to_vec())],
    )
    .await;
    let created = json_with(answer, 200).await;
    assert_eq!(created["record"], "INC0000001", "{created}");
    let incident = json_with(app.get("/api/v1/incidents/INC0000001").await, 200).await;
    let description = incident["description"].as_str().expect("description");
    assert_eq!(description.chars().count(), 4000);
    assert!(
        description.ends_with(
            "[Cut here: the message had 5000 characters; the rest is in the e-mail]\n\n[Attachments not kept: jam.png (204800 bytes), log.txt (3 bytes)]"
        ),
        "{description}"
    );

    // Past a route's limit the answer is a problem, not the framework's plain text.
    let oversized = app
        .client
        .post(app.url("/api/v1/channels/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'x'; 70 * 1024])
        .send()
        .await
        .expect("sent");
    problem(oversized, 413).await;
}

#[tokio::test]
async fn forged_replayed_automatic_unproven_and_unknown_mail_changes_nothing() {
    let app = TestApp::spawn().await;
    app.set_time(NOW);
    app.user_with("ann", &[("service_desk", None)]).await;
    with_email(&app, "ann", "ann@example.org").await;
    app.user_with("twin", &[("service_desk", None)]).await;
    with_email(&app, "twin", "shared@example.org").await;
    app.user_with("twin2", &[("service_desk", None)]).await;
    with_email(&app, "twin2", "shared@example.org").await;

    // Signed with another key, older than Mailgun's retries, from the future, unsigned: 401.
    let mail = || Mail::new("ann@example.org", "Printer on fire", "Help", "m1");
    problem(
        post_form(&app, &mail().signed_fields("another key")).await,
        401,
    )
    .await;
    for at in [NOW_UNIX - 9 * 3600 - 1, NOW_UNIX + 301] {
        let old = mail().signed_at(at);
        problem(
            post_form(&app, &old.signed_fields(MAILGUN_SIGNING_KEY)).await,
            401,
        )
        .await;
    }
    let unsigned: Vec<(String, String)> = mail()
        .signed_fields(MAILGUN_SIGNING_KEY)
        .into_iter()
        .filter(|(n, _)| n != "signature")
        .collect();
    problem(post_form(&app, &unsigned).await, 401).await;
    assert_eq!(incident_count(&app).await, 0);
    assert_eq!(
        refusals_on_record(&app),
        1,
        "the minute's first refusal is on record"
    );

    // A captured signature carrying another message: refused, though the signature is good.
    let genuine = mail().signed_fields(MAILGUN_SIGNING_KEY);
    deliver(&app, &mail()).await;
    let swapped: Vec<(String, String)> = genuine
        .into_iter()
        .map(|(n, v)| match n.as_str() {
            "subject" => (n, "Wire money to this account".to_owned()),
            _ => (n, v),
        })
        .collect();
    let refused = problem(post_form(&app, &swapped).await, 401).await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("another message")),
        "{refused}"
    );
    assert_eq!(incident_count(&app).await, 1);

    // Answered with the reason, 200, so Mailgun does not send them again; nothing done.
    let cases = [
        (
            Mail::new("ann@example.org", "Out of office", "Back Monday", "m2")
                .header("Auto-Submitted", "auto-replied"),
            "automatic",
        ),
        (
            Mail::new("ann@example.org", "Newsletter", "News", "m3").header("Precedence", "bulk"),
            "automatic",
        ),
        (
            Mail::new("ann@example.org", "Cheap pills", "Buy", "m4")
                .header("X-Mailgun-Sflag", "Yes"),
            "spam",
        ),
        (
            Mail::new("ann@example.org", "Forged", "I am ann", "m5")
                .header("X-Mailgun-Spf", "Fail")
                .header("X-Mailgun-Dkim-Check-Result", "Fail"),
            "not proven",
        ),
        (
            // The attacker's own domain passes SPF; that says nothing about ann's address.
            Mail::new("ann@example.org", "Pay this", "Now", "m6")
                .envelope("me@attacker.example")
                .header("X-Mailgun-Dkim-Check-Result", "Fail"),
            "not proven",
        ),
        (
            // A message carrying a verdict of its own beside Mailgun's.
            {
                let mut m = Mail::new("ann@example.org", "Trust me", "x", "m7")
                    .envelope("me@attacker.example")
                    .header("X-Mailgun-Dkim-Check-Result", "Fail");
                m.headers
                    .push(("X-Mailgun-Dkim-Check-Result".to_owned(), "Pass".to_owned()));
                m.headers.push((
                    "DKIM-Signature".to_owned(),
                    "v=1; d=example.org; b=x".to_owned(),
                ));
                m
            },
            "not proven",
        ),
        (
            Mail::new("stranger@example.net", "Hello", "Who?", "m8"),
            "not the address of an active user",
        ),
        (
            Mail::new("shared@example.org", "Hi", "Which?", "m9"),
            "more than one user",
        ),
        (
            Mail::new("Just A Name", "Hi", "No address", "m10"),
            "not an e-mail address",
        ),
    ];
    for (mail, why) in cases {
        let answer = deliver(&app, &mail).await;
        assert_eq!(answer["outcome"], "refused", "{answer}");
        assert!(
            answer["reason"].as_str().is_some_and(|r| r.contains(why)),
            "{why}: {answer}"
        );
    }
    assert_eq!(incident_count(&app).await, 1);

    // Someone else's mail reusing ann's Message-Id is not taken for a copy of hers.
    let imitation =
        Mail::new("stranger@example.net", "Printer on fire", "Help", "m1").resigned("imitation");
    assert_eq!(deliver(&app, &imitation).await["outcome"], "refused");

    // A post that is not a message at all names what is wrong.
    let mut broken =
        Mail::new("ann@example.org", "x", "y", "m11").signed_fields(MAILGUN_SIGNING_KEY);
    for (name, value) in &mut broken {
        if name == "message-headers" {
            *value = "not json".to_owned();
        }
    }
    let bad = problem(post_form(&app, &broken).await, 400).await;
    assert_eq!(bad["errors"][0]["field"], "message-headers", "{bad}");
    assert_eq!(incident_count(&app).await, 1);
}

#[tokio::test]
async fn without_a_signing_key_email_is_not_set_up() {
    let app = TestApp::spawn_with(&[("mailgun_signing_key", "")]).await;
    app.set_time(NOW);
    let mail = Mail::new("ann@example.org", "x", "y", "m1");
    let refused = problem(
        post_form(&app, &mail.signed_fields(MAILGUN_SIGNING_KEY)).await,
        503,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("mailgun_signing_key")),
        "{refused}"
    );
}
