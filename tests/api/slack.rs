//! Slack slash commands end to end: requests shaped and signed as Slack's "Verifying requests"
//! and "Slash commands" guides describe them (the signature computed here with the HMAC crates,
//! not the product's code), carried out through the processes as the linked user; bad and stale
//! signatures, replays, unknown accounts and refused steps change nothing.

use crate::channels::{incident_actors, incident_count, link_account, refusals_on_record};
use crate::requests::awaiting_bobs_approval;
use hmac::{Hmac, Mac};
use itsm_api_tests::{SLACK_SIGNING_SECRET, TestApp, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;

/// 2027-01-11T09:00:00Z, the components' clock in these tests.
const NOW_UNIX: i64 = 1_799_658_000;
const TEAM: &str = "T0001";
const ANN: &str = "U2147483697";

/// A slash command's body as Slack posts it, for `user` typing `/itsm <text>`.
fn body(user: &str, text: &str, trigger: &str) -> String {
    serde_urlencoded::to_string([
        ("token", "gIkuvaNzQIHg97ATvDxqgjtO"),
        ("team_id", TEAM),
        ("team_domain", "example"),
        ("enterprise_id", "E0001"),
        ("channel_id", "C2147483705"),
        ("channel_name", "service-desk"),
        ("user_id", user),
        ("user_name", "Steve"),
        ("command", "/itsm"),
        ("text", text),
        ("api_app_id", "A123456"),
        ("is_enterprise_install", "false"),
        ("response_url", "https://hooks.slack.com/commands/1234/5678"),
        ("trigger_id", trigger),
    ])
    .expect("a form")
}

fn signature(timestamp: i64, body: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(format!("v0:{timestamp}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

async fn post_signed(
    app: &TestApp,
    body: &str,
    timestamp: i64,
    signature: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/channels/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", timestamp.to_string())
        .header("x-slack-signature", signature)
        .body(body.to_owned())
        .send()
        .await
        .expect("sent")
}

/// Sends `/itsm <text>` as `user`, signed and fresh, and reads Slack's answer.
async fn slash(app: &TestApp, user: &str, text: &str) -> Value {
    let trigger = format!("{}.{}", text.len(), rand_trigger(text));
    let body = body(user, text, &trigger);
    let signed = signature(NOW_UNIX, &body, SLACK_SIGNING_SECRET);
    json_with(post_signed(app, &body, NOW_UNIX, &signed).await, 200).await
}

/// Slack's trigger ids differ per invocation; the text and a counter stand in for that here.
fn rand_trigger(text: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{}-{}", NEXT.fetch_add(1, Ordering::Relaxed), text.len())
}

/// What Slack would show: the headline and every line and field, as plain text.
fn shown(answer: &Value) -> String {
    let mut parts = Vec::new();
    for block in answer["blocks"].as_array().into_iter().flatten() {
        if let Some(text) = block["text"]["text"].as_str() {
            parts.push(text.to_owned());
        }
        for field in block["fields"].as_array().into_iter().flatten() {
            parts.push(field["text"].as_str().unwrap_or_default().to_owned());
        }
    }
    parts.join("\n")
}

async fn link(app: &TestApp, slack_user: &str, user: &str) {
    link_account(app, "slack", TEAM, slack_user, user).await;
}

#[tokio::test]
async fn a_linked_slack_user_logs_assigns_lists_and_resolves_incidents_as_themselves() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    app.user_with("ann", &[("service_desk", None)]).await;
    link(&app, ANN, "ann").await;

    let help = slash(&app, ANN, "").await;
    assert_eq!(help["response_type"], "ephemeral");
    assert!(shown(&help).contains("new <what is wrong>"), "{help}");

    let logged = slash(&app, ANN, "new VPN drops for the sales team").await;
    assert_eq!(logged["response_type"], "in_channel");
    assert_eq!(
        logged["text"],
        "INC0000001 logged by ann: VPN drops for the sales team"
    );
    let incident = json_with(app.get("/api/v1/incidents/INC0000001").await, 200).await;
    assert_eq!(
        (incident["caller"].clone(), incident["channel"].clone()),
        (json!("ann"), json!("chat"))
    );
    assert_eq!(
        incident["created_by"], "ann",
        "done as ann, not as the channel"
    );

    let shown_record = slash(&app, ANN, "show inc1").await;
    assert_eq!(shown_record["response_type"], "ephemeral");
    assert!(
        shown(&shown_record).contains("State: new"),
        "{shown_record}"
    );

    let assigned = slash(&app, ANN, "assign INC0000001").await;
    assert_eq!(assigned["text"], "INC0000001 assigned to ann by ann");
    let mine = slash(&app, ANN, "mine").await;
    assert!(
        shown(&mine).contains("• INC0000001 [new] VPN drops for the sales team"),
        "{mine}"
    );

    let resolved = slash(
        &app,
        ANN,
        "resolve INC0000001 Restarted the VPN concentrator",
    )
    .await;
    assert_eq!(resolved["response_type"], "in_channel");
    let incident = json_with(app.get("/api/v1/incidents/INC0000001").await, 200).await;
    assert_eq!(incident["state"], "resolved");
    assert_eq!(
        incident["resolution_notes"],
        "Restarted the VPN concentrator"
    );
    let actors = incident_actors(&app, 1).await;
    assert!(
        !actors.is_empty() && actors.iter().all(|a| *a == "ann"),
        "{actors:?}"
    );
    let nothing = slash(&app, ANN, "mine").await;
    assert_eq!(
        nothing["text"],
        "Nothing open is assigned to you or awaits your approval."
    );
}

#[tokio::test]
async fn bad_stale_and_replayed_requests_change_nothing() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    app.user_with("ann", &[("service_desk", None)]).await;
    link(&app, ANN, "ann").await;
    let form = body(ANN, "new Printer on fire", "1.1");

    // Signed with another secret, altered after signing, stale, from the future, unsigned.
    let wrong = signature(NOW_UNIX, &form, "not the app's signing secret at all");
    problem(post_signed(&app, &form, NOW_UNIX, &wrong).await, 401).await;
    let altered = form.replace("Printer", "Plotter");
    let signed = signature(NOW_UNIX, &form, SLACK_SIGNING_SECRET);
    problem(post_signed(&app, &altered, NOW_UNIX, &signed).await, 401).await;
    let old = NOW_UNIX - 301;
    let stale = problem(
        post_signed(
            &app,
            &form,
            old,
            &signature(old, &form, SLACK_SIGNING_SECRET),
        )
        .await,
        401,
    )
    .await;
    assert!(
        stale["detail"]
            .as_str()
            .is_some_and(|d| d.contains("five minutes")),
        "{stale}"
    );
    let ahead = NOW_UNIX + 301;
    problem(
        post_signed(
            &app,
            &form,
            ahead,
            &signature(ahead, &form, SLACK_SIGNING_SECRET),
        )
        .await,
        401,
    )
    .await;
    let unsigned = app
        .client
        .post(app.url("/api/v1/channels/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.clone())
        .send()
        .await
        .expect("sent");
    problem(unsigned, 401).await;
    assert_eq!(incident_count(&app).await, 0);
    let refusals = refusals_on_record(&app);
    assert_eq!(
        refusals, 1,
        "the minute's first refusal is on record; all are in the log"
    );

    // The genuine request, then Slack's retry of it (X-Slack-Retry-Num): one incident, one answer.
    let first = json_with(post_signed(&app, &form, NOW_UNIX, &signed).await, 200).await;
    let retry = app
        .client
        .post(app.url("/api/v1/channels/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", NOW_UNIX.to_string())
        .header("x-slack-signature", &signed)
        .header("x-slack-retry-num", "1")
        .header("x-slack-retry-reason", "http_timeout")
        .body(form.clone())
        .send()
        .await
        .expect("sent");
    assert_eq!(json_with(retry, 200).await, first);
    assert_eq!(incident_count(&app).await, 1);
}

#[tokio::test]
async fn unknown_accounts_mistakes_and_refusals_get_a_helpful_private_answer() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    app.customer("acme").await;
    app.user_with("cy", &[("customer", Some("customer:acme"))])
        .await;
    link(&app, "U0CY", "cy").await;

    let stranger = slash(&app, "U0NOBODY", "new Help").await;
    assert_eq!(stranger["response_type"], "ephemeral");
    let hint = shown(&stranger);
    assert!(
        hint.contains("not linked")
            && hint.contains("/api/v1/channels/identities/slack/T0001/U0NOBODY"),
        "{hint}"
    );
    assert_eq!(incident_count(&app).await, 0);

    let mistake = slash(&app, "U0CY", "delete INC0000001").await;
    assert!(
        shown(&mistake).starts_with("`delete` is not a command I know. Commands:"),
        "{mistake}"
    );

    // A customer contact may report an incident but not assign one: the process says why.
    let mut body = itsm_api_tests::incident("Their printer");
    body["customer"] = json!("acme");
    json_with(app.post("/api/v1/incidents", &body).await, 201).await;
    let refused = slash(&app, "U0CY", "assign INC0000001 to cy").await;
    assert_eq!(refused["response_type"], "ephemeral");
    assert!(
        shown(&refused).starts_with("Could not assign INC0000001:"),
        "{refused}"
    );
    let unchanged = json_with(app.get("/api/v1/incidents/INC0000001").await, 200).await;
    assert_eq!(unchanged["assignee"], Value::Null);

    // What a record says is plain text in the message and escaped in the notification line.
    let sly = slash(
        &app,
        "U0CY",
        "new <!channel> <script>alert(1)</script> & co",
    )
    .await;
    assert_eq!(
        sly["text"],
        "INC0000002 logged by cy: &lt;!channel&gt; &lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    );
    assert_eq!(sly["blocks"][0]["text"]["type"], "plain_text");
}

#[tokio::test]
async fn an_approver_decides_a_request_from_slack() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    awaiting_bobs_approval(&app).await;
    link(&app, "U0BOB", "bob").await;

    let mine = slash(&app, "U0BOB", "mine").await;
    assert!(
        shown(&mine).contains("Requests awaiting your approval (1):"),
        "{mine}"
    );
    let approved = slash(&app, "U0BOB", "approve REQ0000001 Within budget").await;
    assert_eq!(approved["text"], "REQ0000001 approved by bob");
    let request = json_with(app.get("/api/v1/requests/REQ0000001").await, 200).await;
    assert_eq!(request["approvals"][0]["decided_by"], "bob");
    assert_eq!(request["state"], "submitted");
}

#[tokio::test]
async fn only_administrators_link_accounts_and_bad_links_are_refused() {
    let app = TestApp::spawn().await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let path = format!("/api/v1/channels/identities/slack/{TEAM}/{ANN}");
    let refused = app
        .request_as(&desk, Method::PUT, &path)
        .json(&json!({"user": "desk"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(problem(refused, 403).await["authority"], "token.manage");
    let nobody = app
        .request(Method::PUT, &path)
        .json(&json!({"user": "nobody"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(problem(nobody, 422).await["errors"][0]["field"], "user");
    let bad_platform = app
        .request(Method::PUT, "/api/v1/channels/identities/discord/T1/U1")
        .json(&json!({"user": "desk"}))
        .send()
        .await
        .expect("sent");
    problem(bad_platform, 404).await;
    let bad_id = app
        .request(Method::PUT, "/api/v1/channels/identities/slack/T1/U%201")
        .json(&json!({"user": "desk"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        problem(bad_id, 400).await["errors"][0]["field"],
        "external_id"
    );
    link(&app, ANN, "desk").await;
    let relinked = app
        .request(Method::PUT, &path)
        .json(&json!({"user": "desk"}))
        .send()
        .await
        .expect("sent");
    json_with(relinked, 200).await;
    let listed = json_with(app.get("/api/v1/channels/identities").await, 200).await;
    assert_eq!(listed["items"][0]["user"], "desk");
    let removed = app
        .request(Method::DELETE, &path)
        .send()
        .await
        .expect("sent");
    assert_eq!(removed.status(), 204);
    let again = app
        .request(Method::DELETE, &path)
        .send()
        .await
        .expect("sent");
    problem(again, 404).await;
}

#[tokio::test]
async fn mentions_deactivated_users_forged_relays_and_missing_secrets_are_handled() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    app.user_with("ann", &[("service_desk", None)]).await;
    app.user_with("bob", &[("service_desk", None)]).await;
    link(&app, ANN, "ann").await;
    link(&app, "U0BOB", "bob").await;
    slash(&app, ANN, "new Projector flickers").await;

    // A Slack mention names the user that Slack account is linked to.
    let assigned = slash(&app, ANN, "assign INC0000001 to <@U0BOB|bob>").await;
    assert_eq!(assigned["text"], "INC0000001 assigned to bob by ann");
    let unknown = slash(&app, ANN, "assign INC0000001 to <@U0ZED|zed>").await;
    assert!(shown(&unknown).contains("not linked"), "{unknown}");

    // A deactivated user's linked account acts no more.
    let off = app
        .patch("/api/v1/users/bob", &json!({"active": false}))
        .await;
    json_with(off, 200).await;
    let gone = slash(&app, "U0BOB", "mine").await;
    assert!(shown(&gone).contains("not linked"), "{gone}");

    // Nobody outside the deployment can make a relayed credential.
    let forged = app
        .client
        .get(app.url("/api/v1/incidents"))
        .header("authorization", "Relay ann;1799658060;00ff")
        .send()
        .await
        .expect("sent");
    problem(forged, 401).await;

    // The signed route answers only POST; an unknown path still wants a token first.
    let get = app
        .client
        .get(app.url("/api/v1/channels/slack/commands"))
        .send()
        .await
        .expect("sent");
    assert_eq!(get.status(), 405);
    let unknown_path = app
        .client
        .get(app.url("/api/v1/channels/nothing"))
        .send()
        .await
        .expect("sent");
    assert_eq!(unknown_path.status(), 401);
}

#[tokio::test]
async fn without_a_signing_secret_slack_commands_are_not_set_up() {
    let app = TestApp::spawn_with(&[
        ("rate_limit_per_minute", "0"),
        ("rate_limit_address_per_minute", "0"),
        ("slack_signing_secret", ""),
    ])
    .await;
    app.set_time("2027-01-11T09:00:00Z");
    let form = body(ANN, "mine", "9.9");
    let answer = post_signed(
        &app,
        &form,
        NOW_UNIX,
        &signature(NOW_UNIX, &form, SLACK_SIGNING_SECRET),
    )
    .await;
    let refused = problem(answer, 503).await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("slack_signing_secret")),
        "{refused}"
    );
}

#[tokio::test]
async fn buttons_act_as_the_clicker_and_the_outcome_follows_up_through_response_url() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    let receiver = itsm_api_tests::receiver::Receiver::start().await;
    app.user_with("ann", &[("service_desk", None)]).await;
    link(&app, ANN, "ann").await;
    slash(&app, ANN, "new Badge reader dead at gate 2").await;
    let shown_record = slash(&app, ANN, "show INC0000001").await;
    let actions = shown_record["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .find(|b| b["type"] == "actions")
        .expect("an actions block")
        .clone();
    let button = &actions["elements"][0];
    assert_eq!(
        (button["action_id"].clone(), button["value"].clone()),
        (json!("itsm_assign_me"), json!("INC0000001"))
    );

    // Slack's block_actions payload for that click, as the interactivity guide shapes it.
    let payload = json!({
        "type": "block_actions",
        "user": {"id": ANN, "username": "steve", "name": "steve", "team_id": TEAM},
        "api_app_id": "A123456",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": {"type": "message", "message_ts": "1548261231.000200", "channel_id": "C2147483705", "is_ephemeral": true},
        "trigger_id": "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
        "team": {"id": TEAM, "domain": "example"},
        "channel": {"id": "C2147483705", "name": "service-desk"},
        "response_url": receiver.url("/actions/T0001/1524/H7mQ2Tz3"),
        "actions": [{"action_id": button["action_id"], "block_id": "b1",
                     "text": {"type": "plain_text", "text": "Assign to me"},
                     "value": button["value"], "type": "button", "action_ts": "1548426417.840180"}]
    });
    let form = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form");
    let signed = signature(NOW_UNIX, &form, SLACK_SIGNING_SECRET);
    let click = |signed: String| {
        let form = form.clone();
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/v1/channels/slack/interactions"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-slack-request-timestamp", NOW_UNIX.to_string())
                .header("x-slack-signature", signed)
                .body(form)
                .send()
                .await
                .expect("sent")
        }
    };
    assert_eq!(json_with(click(signed.clone()).await, 200).await, json!({}));
    let followed = receiver.received();
    assert_eq!(followed.len(), 1);
    assert_eq!(followed[0].path, "/actions/T0001/1524/H7mQ2Tz3");
    let message = followed[0].json();
    assert_eq!(message["text"], "INC0000001 assigned to ann by ann");
    assert_eq!(
        (
            message["response_type"].clone(),
            message["replace_original"].clone()
        ),
        (json!("in_channel"), json!(false))
    );
    let incident = json_with(app.get("/api/v1/incidents/INC0000001").await, 200).await;
    assert_eq!(incident["assignee"], "ann");

    // The same click again does nothing again; a forged one is refused.
    json_with(click(signed).await, 200).await;
    assert_eq!(receiver.received().len(), 1);
    problem(
        click(signature(NOW_UNIX, &form, "a forger's secret")).await,
        401,
    )
    .await;
}
