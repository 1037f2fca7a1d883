//! Outbound webhooks end to end, against a receiver in the test process and on the components'
//! own clock: deliveries arrive signed as Standard Webhooks says (checked here with the HMAC
//! crates, not the product's code), failed ones are retried on the schedule, refused ones fail
//! and can be sent again, only what a subscription asked for reaches it, chat formats escape
//! what records say, and bad set-ups are refused by field with nothing stored.

use crate::requests::awaiting_bobs_approval;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use itsm_api_tests::receiver::{Received, Receiver};
use itsm_api_tests::{TestApp, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;

/// Checks a delivery's `webhook-signature` the way a receiver would: one of its `v1,` entries
/// must be the HMAC of `id.timestamp.body` under the secret.
fn signed_by(received: &Received, secret: &str) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .expect("base64");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key");
    mac.update(
        format!(
            "{}.{}.",
            received.header("webhook-id"),
            received.header("webhook-timestamp")
        )
        .as_bytes(),
    );
    mac.update(&received.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    received
        .header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}

async fn subscribe(app: &TestApp, body: Value) -> Value {
    json_with(app.post("/api/v1/webhooks", &body).await, 201).await
}

async fn tick(app: &TestApp) -> Value {
    json_with(app.post("/api/v1/webhooks/tick", &json!({})).await, 200).await
}

async fn deliveries(app: &TestApp, subscription: &Value) -> Vec<Value> {
    let page = json_with(
        app.get(&format!(
            "/api/v1/webhooks/{}/deliveries",
            subscription["id"]
        ))
        .await,
        200,
    )
    .await;
    page["items"].as_array().expect("items").clone()
}

async fn log_incident(app: &TestApp, body: Value) -> Value {
    json_with(app.post("/api/v1/incidents", &body).await, 201).await
}

#[tokio::test]
async fn deliveries_arrive_signed_and_failures_are_retried_on_the_schedule() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    let receiver = Receiver::start().await;
    let created = subscribe(
        &app,
        json!({"name": "Ops bus", "url": receiver.url("/hooks/itsm?token=abc"),
               "events": ["incident.created", "incident.state_changed", "incident.assigned"]}),
    )
    .await;
    let secret = created["secret"]
        .as_str()
        .expect("secret shown once")
        .to_owned();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(created["url"], format!("{}/hooks/…", receiver.base));
    assert_eq!(created["active"], true);
    let shown = json_with(
        app.get(&format!("/api/v1/webhooks/{}", created["id"]))
            .await,
        200,
    )
    .await;
    assert!(shown.get("secret").is_none(), "never shown again: {shown}");

    // A logged incident reaches the receiver at the next tick, signed, as the standard envelope.
    let incident = log_incident(&app, itsm_api_tests::incident("Mail is down")).await;
    let first = tick(&app).await;
    assert_eq!(
        (first["events_read"].clone(), first["queued"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(first["delivered"].as_array().map(Vec::len), Some(1));
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    let delivery = &got[0];
    assert_eq!(delivery.path, "/hooks/itsm");
    assert_eq!(delivery.header("content-type"), "application/json");
    assert_eq!(
        delivery.header("content-length"),
        delivery.body.len().to_string(),
        "a known length, not a chunked body, which not every receiver reads"
    );
    assert_eq!(
        delivery.header("webhook-timestamp"),
        "1799658000",
        "the components' clock"
    );
    assert!(delivery.header("webhook-id").starts_with("dlv_"));
    assert!(signed_by(delivery, &secret), "{:?}", delivery.headers);
    assert!(!signed_by(
        delivery,
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    ));
    let body = delivery.json();
    assert_eq!(body["type"], "incident.created");
    assert_eq!(body["timestamp"], "2027-01-11T09:00:00.000Z");
    assert_eq!(body["data"]["record"], incident["number"]);
    assert_eq!(body["data"]["object"]["short_description"], "Mail is down");
    assert_eq!(body["data"]["actor"], "bootstrap-admin");

    // The receiver is down: assigning and starting work raise two events; both fail and
    // wait a minute.
    receiver.answer_next(&[503, 503]);
    let id = incident["id"].clone();
    json_with(
        app.transition(
            &id,
            "assign",
            &json!({"assignee": "bootstrap", "assignment_group": "desk"}),
        )
        .await,
        200,
    )
    .await;
    json_with(app.transition(&id, "start", &json!({})).await, 200).await;
    let failing = tick(&app).await;
    assert_eq!(
        failing["retrying"].as_array().map(Vec::len),
        Some(2),
        "{failing}"
    );
    let waiting = deliveries(&app, &created).await;
    assert_eq!(waiting[0]["status"], "pending");
    assert_eq!(waiting[0]["next_attempt_at"], "2027-01-11T09:01:00.000Z");
    assert_eq!(waiting[0]["last_status"], 503);
    let standing = json_with(
        app.get(&format!("/api/v1/webhooks/{}", created["id"]))
            .await,
        200,
    )
    .await;
    assert_eq!(standing["deliveries"]["pending"], 2);
    assert_eq!(standing["deliveries"]["last_failure"], "HTTP 503");

    // Not yet due: nothing is sent. A minute on, both go through with the same webhook-id.
    assert!(
        tick(&app).await["delivered"]
            .as_array()
            .expect("list")
            .is_empty()
    );
    app.advance(1);
    let retried = tick(&app).await;
    assert_eq!(
        retried["delivered"].as_array().map(Vec::len),
        Some(2),
        "{retried}"
    );
    let got = receiver.received();
    assert_eq!(got.len(), 5);
    assert_eq!(got[1].header("webhook-id"), got[3].header("webhook-id"));
    assert!(got[3..].iter().all(|r| signed_by(r, &secret)));
    let types: Vec<String> = got[3..]
        .iter()
        .map(|r| r.json()["type"].as_str().expect("type").to_owned())
        .collect();
    assert_eq!(types, ["incident.assigned", "incident.state_changed"]);
    assert_eq!(
        got[3].json()["data"]["changes"]["assignee"],
        json!({"from": null, "to": "bootstrap"})
    );
    assert_eq!(
        got[4].json()["data"]["changes"]["state"],
        json!({"from": "new", "to": "in_progress"})
    );

    // The log shows both attempts of one, with the receiver's answers.
    let log = deliveries(&app, &created).await;
    let detail = json_with(
        app.get(&format!(
            "/api/v1/webhooks/{}/deliveries/{}",
            created["id"], log[0]["id"]
        ))
        .await,
        200,
    )
    .await;
    assert_eq!(detail["status"], "delivered");
    let statuses: Vec<Value> = detail["attempt_log"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(503), json!(200)]);
    assert_eq!(detail["attempt_log"][1]["response_excerpt"], "answered 200");
    assert_eq!(detail["body"]["type"], "incident.state_changed");

    // Calling again finds nothing new and sends nothing twice.
    let idle = tick(&app).await;
    assert_eq!(
        (idle["queued"].clone(), idle["remaining"].clone()),
        (json!(0), json!(false))
    );
    assert_eq!(receiver.received().len(), 5);
}

#[tokio::test]
async fn refused_deliveries_fail_at_once_and_can_be_sent_again() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    let receiver = Receiver::start().await;
    let sub = subscribe(
        &app,
        json!({"name": "Picky", "url": receiver.url("/hook"), "events": ["incident.created"]}),
    )
    .await;
    receiver.answer_next(&[400]);
    log_incident(&app, itsm_api_tests::incident("Printer jammed")).await;
    let refused = tick(&app).await;
    assert_eq!(
        refused["failed"].as_array().map(Vec::len),
        Some(1),
        "{refused}"
    );
    let failed = &deliveries(&app, &sub).await[0];
    assert_eq!(
        (failed["status"].clone(), failed["last_status"].clone()),
        (json!("failed"), json!(400))
    );
    let path = format!(
        "/api/v1/webhooks/{}/deliveries/{}",
        sub["id"],
        failed["webhook_id"].as_str().expect("id")
    );
    let queued = json_with(
        app.post(&format!("{path}/redeliver"), &json!({})).await,
        202,
    )
    .await;
    assert_eq!(
        (queued["status"].clone(), queued["attempts"].clone()),
        (json!("pending"), json!(0))
    );
    assert_eq!(
        tick(&app).await["delivered"].as_array().map(Vec::len),
        Some(1)
    );
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    let after = json_with(app.get(&path).await, 200).await;
    assert_eq!(after["attempt_log"].as_array().map(Vec::len), Some(2));

    // Another subscription's delivery is not found under this one.
    let other = subscribe(
        &app,
        json!({"name": "Other", "url": receiver.url("/other"), "events": ["problem.created"]}),
    )
    .await;
    problem(
        app.get(&format!(
            "/api/v1/webhooks/{}/deliveries/{}",
            other["id"], failed["id"]
        ))
        .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn only_what_a_subscription_asked_for_reaches_it() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    app.customer("acme").await;
    app.customer("globex").await;
    let receiver = Receiver::start().await;
    let acme = subscribe(
        &app,
        json!({"name": "Acme's desk", "url": receiver.url("/acme"), "events": ["incident.created"], "customer": "acme"}),
    )
    .await;
    for (customer, title) in [("acme", "Acme VPN down"), ("globex", "Globex VPN down")] {
        let mut body = itsm_api_tests::incident(title);
        body["customer"] = json!(customer);
        log_incident(&app, body).await;
    }
    let mut secret = itsm_api_tests::incident("Phishing mail opened");
    secret["customer"] = json!("acme");
    secret["security"] = json!(true);
    log_incident(&app, secret).await;
    // Logged as an ordinary incident, then marked a security incident before the tick ran.
    let mut body = itsm_api_tests::incident("Acme laptop stolen");
    body["customer"] = json!("acme");
    let stolen = log_incident(&app, body).await;
    json_with(
        app.patch(
            &format!("/api/v1/incidents/{}", stolen["id"]),
            &json!({"security": true}),
        )
        .await,
        200,
    )
    .await;
    let first = tick(&app).await;
    assert_eq!(first["failed"].as_array().map(Vec::len), Some(1), "{first}");
    let withheld = deliveries(&app, &acme).await;
    assert!(
        withheld[0]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("security incident")),
        "{withheld:?}"
    );
    let titles: Vec<Value> = receiver
        .received()
        .iter()
        .map(|r| r.json()["data"]["object"]["short_description"].clone())
        .collect();
    assert_eq!(
        titles,
        [json!("Acme VPN down")],
        "not globex's, never a security incident"
    );

    // Paused, nothing new is queued for it; resumed, it starts from what happens next.
    let paused = json_with(
        app.patch(
            &format!("/api/v1/webhooks/{}", acme["id"]),
            &json!({"active": false}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(paused["active"], false);
    let mut body = itsm_api_tests::incident("Acme printer down");
    body["customer"] = json!("acme");
    log_incident(&app, body.clone()).await;
    assert_eq!(tick(&app).await["queued"], 0);
    json_with(
        app.patch(
            &format!("/api/v1/webhooks/{}", acme["id"]),
            &json!({"active": true}),
        )
        .await,
        200,
    )
    .await;
    body["short_description"] = json!("Acme scanner down");
    log_incident(&app, body).await;
    tick(&app).await;
    let last = receiver
        .received()
        .last()
        .map(|r| r.json()["data"]["object"]["short_description"].clone());
    assert_eq!(last, Some(json!("Acme scanner down")));
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn slack_and_teams_messages_escape_what_records_say_and_pings_answer_at_once() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    let receiver = Receiver::start().await;
    let slack = subscribe(
        &app,
        json!({"name": "#service-desk", "url": receiver.url("/services/T000/B000/XXXX"), "format": "slack",
               "events": ["incident.created"]}),
    )
    .await;
    assert_eq!(
        slack["url"],
        format!("{}/services/…", receiver.base),
        "the credential in the path is not shown"
    );
    let teams = subscribe(
        &app,
        json!({"name": "IT channel", "url": receiver.url("/teams"), "format": "teams", "events": ["incident.created"]}),
    )
    .await;

    let ping = json_with(
        app.post(
            &format!("/api/v1/webhooks/{}/ping", slack["id"]),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ping["status"], "delivered");
    assert_eq!(ping["event_type"], "ping");
    assert_eq!(ping["attempt_log"][0]["status"], 200);
    assert_eq!(
        receiver.received()[0].json()["text"],
        "Test delivery: this webhook is set up"
    );

    log_incident(
        &app,
        itsm_api_tests::incident("<script>alert(1)</script> & <!channel> *bold*"),
    )
    .await;
    tick(&app).await;
    let got = receiver.received();
    let slack_body = got
        .iter()
        .rfind(|r| r.path.starts_with("/services"))
        .map(|r| r.json())
        .expect("slack message");
    let headline = slack_body["text"].as_str().expect("text");
    assert!(
        headline.ends_with(
            "logged: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt; *bold*"
        ),
        "{headline}"
    );
    // In the message itself the words are plain text, which Slack shows as written.
    assert_eq!(slack_body["blocks"][0]["text"]["type"], "plain_text");
    assert!(
        slack_body["blocks"][0]["text"]["text"]
            .as_str()
            .is_some_and(|t| t.ends_with("logged: <script>alert(1)</script> & <!channel> *bold*")),
        "{slack_body}"
    );
    let teams_body = got
        .iter()
        .find(|r| r.path == "/teams")
        .map(|r| r.json())
        .expect("teams card");
    let card = &teams_body["attachments"][0];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let headline_run = &card["content"]["body"][0]["inlines"][0];
    assert_eq!(card["content"]["body"][0]["type"], "RichTextBlock");
    assert_eq!(headline_run["type"], "TextRun", "never read as markdown");
    assert!(
        headline_run["text"]
            .as_str()
            .is_some_and(|t| t.ends_with("logged: <script>alert(1)</script> & <!channel> *bold*")),
        "{headline_run}"
    );

    // A receiver that is not there: the ping says why, and is not retried.
    let gone = subscribe(&app, json!({"name": "Gone", "url": "http://127.0.0.1:9/nothing", "events": ["incident.created"]})).await;
    let failed = json_with(
        app.post(&format!("/api/v1/webhooks/{}/ping", gone["id"]), &json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["attempt_log"][0]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{failed}"
    );
    let _ = teams;
}

#[tokio::test]
async fn clocks_approvals_and_rotated_secrets_are_delivered_too() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    let receiver = Receiver::start().await;
    let sub = subscribe(
        &app,
        json!({"name": "Everything", "url": receiver.url("/all"),
               "events": ["sla.warning", "sla.breach", "request.approval_needed", "complaint.created"]}),
    )
    .await;
    let first_secret = sub["secret"].as_str().expect("secret").to_owned();

    // A complaint's response clock (24 h round the clock) warns at 18 h and breaches at 24 h.
    let complaint = json_with(
        app.post(
            "/api/v1/complaints",
            &json!({"subject": "Nobody called back", "content": "Three days of silence."}),
        )
        .await,
        201,
    )
    .await;
    app.advance(25 * 60);
    json_with(app.post("/api/v1/slas/tick", &json!({})).await, 200).await;

    // A request whose item needs approval.
    let ordered = awaiting_bobs_approval(&app).await;

    // Rotated: deliveries carry both signatures for a day.
    let rotated = json_with(
        app.post(
            &format!("/api/v1/webhooks/{}/rotate-secret", sub["id"]),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let second_secret = rotated["secret"].as_str().expect("secret").to_owned();
    assert_ne!(first_secret, second_secret);
    tick(&app).await;
    let got = receiver.received();
    let types: Vec<String> = got
        .iter()
        .map(|r| r.json()["type"].as_str().expect("type").to_owned())
        .collect();
    assert_eq!(
        types,
        [
            "complaint.created",
            "request.approval_needed",
            "sla.warning",
            "sla.breach"
        ],
        "record events first, then clocks"
    );
    assert!(
        got.iter()
            .all(|r| signed_by(r, &first_secret) && signed_by(r, &second_secret))
    );
    let breach = got[3].json();
    assert_eq!(breach["data"]["record"], complaint["number"]);
    assert_eq!(breach["data"]["object"]["metric"], "response");
    assert_eq!(
        got[1].json()["data"]["object"]["approvals"][0]["approver"],
        json!({"user": "bob"})
    );
    assert_eq!(got[1].json()["data"]["record"], ordered["number"]);

    // A day later the old secret no longer signs.
    app.advance(24 * 60 + 1);
    json_with(
        app.post(&format!("/api/v1/webhooks/{}/ping", sub["id"]), &json!({}))
            .await,
        200,
    )
    .await;
    let ping = receiver.received().pop().expect("ping");
    assert!(signed_by(&ping, &second_secret) && !signed_by(&ping, &first_secret));

    // Secrets are shown once and stored nowhere: not in the audit trail, not in the tables.
    let db = rusqlite::Connection::open(app.sqlite_path()).expect("open");
    let mentions: i64 = db
        .query_row(
            "SELECT (SELECT COUNT(*) FROM audit_entry WHERE after_json LIKE '%whsec_%' OR before_json LIKE '%whsec_%')
                  + (SELECT COUNT(*) FROM webhook_subscription WHERE secret_salt LIKE 'whsec_%')",
            [],
            |row| row.get(0),
        )
        .expect("counted");
    assert_eq!(mentions, 0);
    let rotations: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM audit_entry WHERE entity_type = 'webhook_subscription' AND action = 'rotate_secret'",
            [],
            |row| row.get(0),
        )
        .expect("counted");
    assert_eq!(rotations, 1, "the rotation itself is audited");
}

#[tokio::test]
async fn bad_set_ups_are_refused_by_field_and_store_nothing() {
    let app = TestApp::spawn().await;
    let ok =
        json!({"name": "Hook", "url": "https://example.org/hook", "events": ["incident.created"]});
    let mut cases: Vec<(Value, &str)> = Vec::new();
    for (field, value, named) in [
        ("events", json!([]), "events"),
        ("events", json!(["ping"]), "events[0]"),
        (
            "events",
            json!(["incident.created", "incident.deleted"]),
            "events[1]",
        ),
        (
            "events",
            json!(["incident.created", "incident.created"]),
            "events[1]",
        ),
        ("url", json!("ftp://example.org/hook"), "url"),
        ("url", json!("https://user:secret@example.org/hook"), "url"),
        ("url", json!("example.org/hook"), "url"),
        ("format", json!("discord"), "format"),
        ("name", json!("   "), "name"),
        ("customer", json!("nobody"), "customer"),
        ("secret", json!("whsec_mine"), "secret"),
    ] {
        let mut body = ok.clone();
        body[field] = value;
        cases.push((body, named));
    }
    for (body, named) in cases {
        let refused = problem(app.post("/api/v1/webhooks", &body).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], named, "{refused}");
    }
    let listed = json_with(app.get("/api/v1/webhooks").await, 200).await;
    assert_eq!(listed["items"], json!([]));

    // Only administrators set them up; auditors read them; the desk does neither.
    let auditor = app.user_with("ida", &[("internal_auditor", None)]).await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let refused = problem(app.post_as(&auditor, "/api/v1/webhooks", &ok).await, 403).await;
    assert_eq!(refused["authority"], "webhook.manage");
    json_with(app.get_as(&auditor, "/api/v1/webhooks").await, 200).await;
    json_with(
        app.get_as(&auditor, "/api/v1/webhooks/event-types").await,
        200,
    )
    .await;
    problem(app.get_as(&desk, "/api/v1/webhooks").await, 403).await;
    let sub = subscribe(&app, ok.clone()).await;
    for path in ["ping", "rotate-secret"] {
        let refused = problem(
            app.post_as(
                &auditor,
                &format!("/api/v1/webhooks/{}/{path}", sub["id"]),
                &json!({}),
            )
            .await,
            403,
        )
        .await;
        assert_eq!(refused["authority"], "webhook.manage");
    }
    let renamed = app
        .request_as(
            &auditor,
            Method::PATCH,
            &format!("/api/v1/webhooks/{}", sub["id"]),
        )
        .json(&json!({"name": "Mine"}))
        .send()
        .await
        .expect("sent");
    problem(renamed, 403).await;
    problem(
        app.post_as(&desk, "/api/v1/webhooks/tick", &json!({}))
            .await,
        403,
    )
    .await;
    let anonymous = app
        .client
        .get(app.url("/api/v1/webhooks"))
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), 401);

    // A stale If-Match changes nothing; an unknown subscription is 404.
    let stale = app
        .request(Method::PATCH, &format!("/api/v1/webhooks/{}", sub["id"]))
        .header("if-match", "\"7\"")
        .json(&json!({"name": "Renamed"}))
        .send()
        .await
        .expect("sent");
    problem(stale, 412).await;
    problem(app.get("/api/v1/webhooks/999").await, 404).await;
    let bad_patch = problem(
        app.patch(
            &format!("/api/v1/webhooks/{}", sub["id"]),
            &json!({"events": ["ping"]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(bad_patch["errors"][0]["field"], "events[0]");
    let unchanged = json_with(
        app.get(&format!("/api/v1/webhooks/{}", sub["id"])).await,
        200,
    )
    .await;
    assert_eq!(
        (unchanged["name"].clone(), unchanged["events"].clone()),
        (json!("Hook"), json!(["incident.created"]))
    );
    let removed = app
        .request(Method::DELETE, &format!("/api/v1/webhooks/{}", sub["id"]))
        .send()
        .await
        .expect("sent");
    assert_eq!(removed.status(), 204);
    problem(
        app.get(&format!("/api/v1/webhooks/{}", sub["id"])).await,
        404,
    )
    .await;
}

#[tokio::test]
async fn without_a_signing_key_webhooks_cannot_be_set_up_nor_reach_internal_hosts() {
    let app = TestApp::spawn_with(&[
        ("rate_limit_per_minute", "0"),
        ("rate_limit_address_per_minute", "0"),
        ("webhook_signing_key", ""),
        ("webhook_allow_internal_hosts", "false"),
    ])
    .await;
    // This machine and private networks are refused unless the deployment allows them.
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://169.254.169.254/latest",
        "http://incident.spin.internal/x",
    ] {
        let refused = problem(
            app.post(
                "/api/v1/webhooks",
                &json!({"name": "Hook", "url": url, "events": ["incident.created"]}),
            )
            .await,
            422,
        )
        .await;
        assert_eq!(refused["errors"][0]["field"], "url", "{refused}");
    }
    let refused = problem(
        app.post("/api/v1/webhooks", &json!({"name": "Hook", "url": "https://example.org/hook", "events": ["incident.created"]}))
            .await,
        503,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("webhook_signing_key")),
        "{refused}"
    );
    assert_eq!(
        json_with(app.get("/api/v1/webhooks").await, 200).await["items"],
        json!([])
    );
}
