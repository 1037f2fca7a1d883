//! Microsoft Teams outgoing-webhook commands end to end: message activities shaped as Teams'
//! "Create an outgoing webhook" guide and the Bot Framework activity schema describe them,
//! signed here with the HMAC crates (not the product's code); answers are written for the whole
//! channel; bad, stale and replayed requests change nothing.

use crate::channels::{incident_actors, incident_count, link_account, refusals_on_record};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use itsm_api_tests::{TEAMS_SECURITY_TOKEN, TestApp, json_with, problem};
use serde_json::{Value, json};
use sha2::Sha256;

const NOW: &str = "2027-01-11T09:00:00Z";
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// Ann's Microsoft Entra object id and Teams id; Bob is linked by his Teams id.
const ANN_AAD: &str = "8b2a6f04-f1a0-4a1b-9f5e-3c1d2e4f5a6b";
const ANN_TEAMS: &str = "29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7";
const BOB_TEAMS: &str = "29:1bObQwErTy0123456789AbCdEfGhIjKlMnOpQrStUv";

/// The message activity Teams posts when `from` writes `@ITSM <text>` (with `mentions` of
/// people, as `(display name, Teams id)`) at `timestamp`.
fn activity(
    from: (&str, Option<&str>),
    text: &str,
    mentions: &[(&str, &str)],
    timestamp: &str,
) -> String {
    let mut typed = format!("<at>ITSM</at>&nbsp;{text}");
    let mut entities = vec![
        json!({"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web"}),
        json!({"type": "mention", "text": "<at>ITSM</at>",
               "mentioned": {"id": "28:c9e8c047-2a74-40a2-b28a-b162d5f5327c", "name": "ITSM"}}),
    ];
    for (name, id) in mentions {
        let mention = format!("<at>{name}</at>");
        typed = typed.replacen(&format!("@{name}"), &mention, 1);
        entities.push(
            json!({"type": "mention", "text": mention, "mentioned": {"id": id, "name": name}}),
        );
    }
    let (id, aad) = from;
    json!({
        "type": "message",
        "id": "1485983408511",
        "timestamp": timestamp,
        "localTimestamp": "2027-01-11T01:00:00.437-08:00",
        "serviceUrl": "https://smba.trafficmanager.net/amer/",
        "channelId": "msteams",
        "from": {"id": id, "name": "Ann Lee", "aadObjectId": aad},
        "conversation": {"isGroup": true, "id": "19:253b1f341670408fb6fcb5ad0d0ec8e7@thread.skype;messageid=1485983408511", "name": null, "conversationType": "channel"},
        "recipient": null,
        "textFormat": "plain",
        "attachmentLayout": null,
        "membersAdded": [],
        "membersRemoved": [],
        "topicName": null,
        "historyDisclosed": null,
        "locale": "en-US",
        "text": typed,
        "summary": null,
        "attachments": [{"contentType": "text/html", "content": format!("<div>{typed}</div>")}],
        "entities": entities,
        "channelData": {"teamsChannelId": "19:253b1f341670408fb6fcb5ad0d0ec8e7@thread.skype",
                        "teamsTeamId": "19:712c61d0ef384e5fa681ba90ce943398@thread.skype",
                        "channel": {"id": "19:253b1f341670408fb6fcb5ad0d0ec8e7@thread.skype"},
                        "team": {"id": "19:712c61d0ef384e5fa681ba90ce943398@thread.skype"},
                        "tenant": {"id": TENANT}},
        "replyToId": null,
        "value": null,
        "name": null,
        "relatesTo": null,
        "action": null
    })
    .to_string()
}

/// `Authorization: HMAC <base64>` of `body` under `token` (base64, as Teams shows it).
fn hmac_header(token: &str, body: &str) -> String {
    let key = STANDARD.decode(token).expect("base64 token");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key");
    mac.update(body.as_bytes());
    format!("HMAC {}", STANDARD.encode(mac.finalize().into_bytes()))
}

async fn post(app: &TestApp, body: &str, authorization: Option<&str>) -> reqwest::Response {
    let request = app
        .client
        .post(app.url("/api/v1/channels/teams/messages"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    let request = match authorization {
        Some(value) => request.header("authorization", value),
        None => request,
    };
    request.send().await.expect("sent")
}

/// Ann writes `@ITSM <text>` now, signed; the answer Teams would post.
async fn say(app: &TestApp, text: &str, mentions: &[(&str, &str)]) -> Value {
    let body = activity(
        (ANN_TEAMS, Some(ANN_AAD)),
        text,
        mentions,
        "2027-01-11T09:00:00.437Z",
    );
    json_with(
        post(app, &body, Some(&hmac_header(TEAMS_SECURITY_TOKEN, &body))).await,
        200,
    )
    .await
}

/// What Teams shows of an answer: every text run of its card, in order.
fn shown(answer: &Value) -> String {
    assert_eq!(answer["type"], "message", "{answer}");
    let card = &answer["attachments"][0];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let mut runs = Vec::new();
    for block in card["content"]["body"].as_array().expect("a card body") {
        assert_eq!(block["type"], "RichTextBlock", "{block}");
        for run in block["inlines"].as_array().expect("inlines") {
            assert_eq!(run["type"], "TextRun");
            runs.push(run["text"].as_str().expect("text").to_owned());
        }
    }
    runs.join("\n")
}

async fn link(app: &TestApp, account: &str, user: &str) {
    link_account(app, "teams", TENANT, account, user).await;
}

#[tokio::test]
async fn a_linked_teams_user_works_from_a_channel_that_sees_where_records_stand_only() {
    let app = TestApp::spawn().await;
    app.set_time(NOW);
    let ann = app
        .user_with("ann", &[("service_desk", None), ("security_manager", None)])
        .await;
    app.user_with("bob", &[("service_desk", None)]).await;
    // Pasted in upper case, as the Entra admin center may show it.
    link(&app, &ANN_AAD.to_uppercase(), "ann").await;
    link(&app, BOB_TEAMS, "bob").await;

    let logged = say(
        &app,
        // Teams writes what was typed with `<` and `&` as entities.
        "new Payroll export fails for &lt;b&gt;acme&lt;/b&gt; &amp; co",
        &[],
    )
    .await;
    assert_eq!(
        shown(&logged),
        "INC0000001 logged by ann: Payroll export fails for <b>acme</b> & co"
    );
    assert!(logged.get("text").is_none(), "no Markdown text: {logged}");
    let incident = json_with(app.get("/api/v1/incidents/INC0000001").await, 200).await;
    assert_eq!(
        (incident["created_by"].clone(), incident["channel"].clone()),
        (json!("ann"), json!("chat"))
    );
    assert_eq!(
        incident["short_description"],
        "Payroll export fails for <b>acme</b> & co"
    );

    // Everyone in the channel reads the answer: where the record stands, not what it says.
    let shown_record = shown(&say(&app, "show inc1", &[]).await);
    assert!(shown_record.starts_with("INC0000001\n"), "{shown_record}");
    assert!(shown_record.contains("State: new"), "{shown_record}");
    assert!(!shown_record.contains("Payroll"), "{shown_record}");

    // A person @mentioned is the user their Teams id is linked to.
    let assigned = say(
        &app,
        "assign INC0000001 to @Bob Stone",
        &[("Bob Stone", BOB_TEAMS)],
    )
    .await;
    assert_eq!(shown(&assigned), "INC0000001 assigned to bob by ann");
    let unknown = say(&app, "assign INC0000001 to @Zed", &[("Zed", "29:zed")]).await;
    assert!(
        shown(&unknown).contains("29:zed is not linked"),
        "{unknown}"
    );
    say(&app, "assign INC0000001", &[]).await;
    let mine = shown(&say(&app, "mine", &[]).await);
    assert!(mine.contains("• INC0000001 [new]"), "{mine}");
    assert!(!mine.contains("Payroll"), "{mine}");

    // Of a security incident the channel hears nothing: not its contents, not that it is one,
    // not that ann holds it, not what was done to it.
    let secret = json!({"short_description": "Phishing mail asked for passwords", "impact": "medium",
                        "urgency": "medium", "caller": "ann", "security": true});
    json_with(app.post_as(&ann, "/api/v1/incidents", &secret).await, 201).await;
    let taken = shown(&say(&app, "assign INC0000002", &[]).await);
    assert_eq!(taken, "Done.");
    let hidden = shown(&say(&app, "show INC0000002", &[]).await);
    assert_eq!(hidden, "INC0000002 cannot be shown in a channel.");
    let mine = shown(&say(&app, "mine", &[]).await);
    assert!(!mine.contains("INC0000002"), "{mine}");
    let incident = json_with(app.get("/api/v1/incidents/INC0000002").await, 200).await;
    assert_eq!(incident["assignee"], "ann", "yet it was done");

    // Elsewhere than `assign … to`, a mention is the person's name.
    let named = say(
        &app,
        "new Laptop broken for @Bob Stone",
        &[("Bob Stone", BOB_TEAMS)],
    )
    .await;
    assert_eq!(
        shown(&named),
        "INC0000003 logged by ann: Laptop broken for Bob Stone"
    );

    let resolved = say(&app, "resolve INC0000001 Re-ran the export", &[]).await;
    assert_eq!(
        shown(&resolved),
        "INC0000001 resolved by ann: Re-ran the export"
    );
    let incident = json_with(app.get("/api/v1/incidents/INC0000001").await, 200).await;
    assert_eq!(incident["state"], "resolved");
    let actors = incident_actors(&app, 1).await;
    assert!(
        !actors.is_empty() && actors.iter().all(|a| *a == "ann"),
        "{actors:?}"
    );
    let help = shown(&say(&app, "frobnicate", &[]).await);
    assert!(
        help.contains("not a command I know") && help.contains("mine"),
        "{help}"
    );
}

#[tokio::test]
async fn bad_stale_replayed_and_unknown_messages_change_nothing() {
    let app = TestApp::spawn().await;
    app.set_time(NOW);
    app.user_with("ann", &[("service_desk", None)]).await;
    link(&app, ANN_TEAMS, "ann").await;
    let body = activity(
        (ANN_TEAMS, Some(ANN_AAD)),
        "new Printer on fire",
        &[],
        "2027-01-11T08:59:30.000Z",
    );
    let signed = hmac_header(TEAMS_SECURITY_TOKEN, &body);

    // Another token, an altered body, no header, stale, from the future, no timestamp.
    let other = STANDARD.encode(b"some other webhook's security token");
    problem(
        post(&app, &body, Some(&hmac_header(&other, &body))).await,
        401,
    )
    .await;
    let altered = body.replace("Printer", "Plotter");
    problem(post(&app, &altered, Some(&signed)).await, 401).await;
    problem(post(&app, &body, None).await, 401).await;
    for (at, why) in [
        ("2027-01-11T08:54:59.000Z", "five minutes"),
        ("2027-01-11T09:05:01.000Z", "five minutes"),
    ] {
        let old = activity((ANN_TEAMS, None), "new Printer on fire", &[], at);
        let refused = problem(
            post(&app, &old, Some(&hmac_header(TEAMS_SECURITY_TOKEN, &old))).await,
            401,
        )
        .await;
        assert!(
            refused["detail"].as_str().is_some_and(|d| d.contains(why)),
            "{refused}"
        );
    }
    let mut undated: Value = serde_json::from_str(&body).expect("json");
    undated.as_object_mut().expect("object").remove("timestamp");
    let undated = undated.to_string();
    problem(
        post(
            &app,
            &undated,
            Some(&hmac_header(TEAMS_SECURITY_TOKEN, &undated)),
        )
        .await,
        401,
    )
    .await;
    assert_eq!(incident_count(&app).await, 0);
    let refusals = refusals_on_record(&app);
    assert_eq!(refusals, 1, "the minute's first refusal is on record");

    // The genuine message, linked under the Teams id, then the same bytes again: one incident.
    let first = json_with(post(&app, &body, Some(&signed)).await, 200).await;
    let again = json_with(post(&app, &body, Some(&signed)).await, 200).await;
    assert_eq!(first, again);
    assert_eq!(shown(&first), "INC0000001 logged by ann: Printer on fire");
    assert_eq!(incident_count(&app).await, 1);

    // Someone nobody linked gets told how, and nothing is done.
    let stranger = activity(("29:stranger", Some("0000-stranger")), "new Hi", &[], NOW);
    let hint = json_with(
        post(
            &app,
            &stranger,
            Some(&hmac_header(TEAMS_SECURITY_TOKEN, &stranger)),
        )
        .await,
        200,
    )
    .await;
    let hint = shown(&hint);
    assert!(
        hint.contains("not linked")
            && hint.contains(&format!(
                "/api/v1/channels/identities/teams/{TENANT}/0000-stranger"
            )),
        "{hint}"
    );
    assert_eq!(incident_count(&app).await, 1);

    // Signed but not what an outgoing webhook sends: named fields, nothing done.
    let mut tenantless: Value =
        serde_json::from_str(&activity((ANN_TEAMS, None), "new Hi", &[], NOW)).expect("json");
    tenantless["channelData"] = json!({});
    let tenantless = tenantless.to_string();
    let refused = problem(
        post(
            &app,
            &tenantless,
            Some(&hmac_header(TEAMS_SECURITY_TOKEN, &tenantless)),
        )
        .await,
        400,
    )
    .await;
    assert!(
        refused.to_string().contains("channelData.tenant.id"),
        "{refused}"
    );
    let garbage = r#"{"type":"message","timestamp":"2027-01-11T09:00:00Z"}"#;
    let refused = problem(
        post(
            &app,
            garbage,
            Some(&hmac_header(TEAMS_SECURITY_TOKEN, garbage)),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "body", "{refused}");
    assert_eq!(incident_count(&app).await, 1);
}

/// What a message gets from a deployment whose token is `token`: a 503 naming the variable.
async fn misconfigured(token: &str) -> (TestApp, String) {
    let app = TestApp::spawn_with(&[("teams_security_token", token)]).await;
    app.set_time(NOW);
    let body = activity((ANN_TEAMS, None), "mine", &[], NOW);
    let refused = problem(
        post(&app, &body, Some(&hmac_header(TEAMS_SECURITY_TOKEN, &body))).await,
        503,
    )
    .await;
    let detail = refused["detail"].as_str().unwrap_or_default().to_owned();
    assert!(detail.contains("teams_security_token"), "{refused}");
    (app, detail)
}

#[tokio::test]
async fn without_a_security_token_teams_commands_are_not_set_up() {
    misconfigured("").await;
}

#[tokio::test]
async fn a_security_token_that_is_not_base64_is_the_deployments_mistake() {
    let (app, detail) = misconfigured("not base64!").await;
    assert!(detail.contains("base64"), "{detail}");
    assert_eq!(refusals_on_record(&app), 0, "not the sender's fault");
}
