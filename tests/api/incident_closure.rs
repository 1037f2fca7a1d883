//! The end of an incident's life through the host: the caller confirms or rejects a resolution
//! (and nobody else answers for them), the desk may close on the caller's word, and a
//! resolution left unanswered past the process owner's setting closes itself, shown on read at
//! once and stored by the tick route exactly once, with the system as its actor.

use itsm_api_tests::{TestApp, incident, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

const RESOLVE: &str =
    r#"{"resolution_code": "solved_permanently", "resolution_notes": "Cleared the print queue"}"#;

fn resolve_body() -> Value {
    serde_json::from_str(RESOLVE).expect("valid JSON")
}

/// An incident of customer acme that `ann` called in, recorded and resolved by the desk.
async fn resolved_for_ann(app: &TestApp, desk: &str) -> String {
    let mut body = incident("Printer jams");
    body["customer"] = json!("acme");
    body["caller"] = json!("ann");
    let created = json_with(app.post_as(desk, "/api/v1/incidents", &body).await, 201).await;
    let number = created["number"].as_str().expect("number").to_owned();
    let started = act(app, desk, &number, "start", &json!({})).await;
    assert!(json_with(started, 200).await["responded_at"].is_string());
    json_with(
        act(app, desk, &number, "resolve", &resolve_body()).await,
        200,
    )
    .await;
    number
}

async fn act(
    app: &TestApp,
    token: &str,
    number: &str,
    action: &str,
    body: &Value,
) -> reqwest::Response {
    app.post_as(token, &format!("/api/v1/incidents/{number}/{action}"), body)
        .await
}

async fn read(app: &TestApp, token: &str, path: &str) -> Value {
    json_with(app.get_as(token, path).await, 200).await
}

#[tokio::test]
async fn the_caller_confirms_or_rejects_a_resolution_and_only_the_caller() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let ann = app
        .user_with("ann", &[("customer", Some("customer:acme"))])
        .await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let number = resolved_for_ann(&app, &desk).await;

    // The desk does not answer for the caller, and the caller does not reopen like the desk.
    let refused = problem(act(&app, &desk, &number, "confirm", &json!({})).await, 403).await;
    assert_eq!(refused["authority"], "caller");
    assert!(
        refused["detail"].as_str().expect("detail").contains("ann"),
        "{refused}"
    );
    let refused = problem(
        act(&app, &ann, &number, "reopen", &json!({"reason": "no"})).await,
        403,
    )
    .await;
    assert_eq!(refused["authority"], "incident.write");
    // Someone of another customer learns nothing, not even the caller's name.
    app.customer("globex").await;
    let stranger = app
        .user_with("gil", &[("customer", Some("customer:globex"))])
        .await;
    problem(
        act(&app, &stranger, &number, "confirm", &json!({})).await,
        404,
    )
    .await;
    // Rejecting needs a reason; with one, the incident goes back to work and counts a reopen.
    let missing = problem(act(&app, &ann, &number, "reject", &json!({})).await, 422).await;
    assert_eq!(missing["errors"][0]["field"], "reason");
    let rejected = json_with(
        act(
            &app,
            &ann,
            &number,
            "reject",
            &json!({"reason": "Still jams on A3"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (
            rejected["state"].as_str(),
            rejected["reopen_count"].as_i64()
        ),
        (Some("in_progress"), Some(1))
    );
    assert!(rejected["resolution_code"].is_null());

    json_with(
        act(&app, &desk, &number, "resolve", &resolve_body()).await,
        200,
    )
    .await;
    let confirmed = json_with(
        act(
            &app,
            &ann,
            &number,
            "confirm",
            &json!({"reason": "Works now, thanks"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(confirmed["state"], "closed");
    assert_eq!(confirmed["closure"], "caller_confirmed");
    assert_eq!(confirmed["allowed_actions"], json!([]));
    let history = read(&app, &desk, &format!("/api/v1/incidents/{number}/history")).await;
    let last = &history["items"]
        .as_array()
        .expect("items")
        .last()
        .cloned()
        .expect("an entry");
    assert_eq!(
        (last["action"].as_str(), last["actor"].as_str()),
        (Some("confirm"), Some("ann"))
    );
    assert_eq!(last["reason"], "Works now, thanks");

    // The desk may close on the caller's word given some other way; that is recorded apart.
    let other = resolved_for_ann(&app, &desk).await;
    let closed = json_with(act(&app, &desk, &other, "close", &json!({})).await, 200).await;
    assert_eq!(closed["closure"], "desk_closed");
    // A confirmation after closure is a transition the state does not allow.
    let late = problem(act(&app, &ann, &other, "confirm", &json!({})).await, 409).await;
    assert_eq!(late["allowed_actions"], json!([]));
}

#[tokio::test]
async fn an_unanswered_resolution_closes_itself_on_read_and_by_the_tick_exactly_once() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let ann = app
        .user_with("ann", &[("customer", Some("customer:acme"))])
        .await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let owner = app
        .user_with("olga", &[("process_owner", Some("process:incident"))])
        .await;

    // The default is three days; only the incident process's owner changes it, within limits.
    assert_eq!(
        read(&app, &desk, "/api/v1/incidents/settings").await["auto_close_after_hours"],
        72
    );
    let put = |token: &str, body: Value| {
        app.request_as(token, Method::PUT, "/api/v1/incidents/settings")
            .json(&body)
            .send()
    };
    let refused = problem(
        put(&desk, json!({"auto_close_after_hours": 24}))
            .await
            .expect("sent"),
        403,
    )
    .await;
    assert_eq!(refused["authority"], "process.configure");
    for bad in [
        json!({"auto_close_after_hours": 0}),
        json!({"auto_close_after_hours": 9000}),
        json!({"auto_close_after_hours": -1}),
        json!({}),
    ] {
        let refused = problem(put(&owner, bad.clone()).await.expect("sent"), 422).await;
        assert!(
            refused.to_string().contains("auto_close_after_hours"),
            "{bad}: {refused}"
        );
    }
    let set = json_with(
        put(&owner, json!({"auto_close_after_hours": 24}))
            .await
            .expect("sent"),
        200,
    )
    .await;
    assert_eq!(set["auto_close_after_hours"], 24);

    let number = resolved_for_ann(&app, &desk).await;
    let id = number.trim_start_matches("INC").parse::<i64>().expect("id");
    // The deadline is fixed at resolution, from the setting then in force.
    let resolved = read(&app, &ann, &format!("/api/v1/incidents/{number}")).await;
    let at = |field: &str| {
        chrono::DateTime::parse_from_rfc3339(resolved[field].as_str().expect("a time"))
            .expect("RFC 3339")
    };
    assert_eq!(
        at("auto_close_at") - at("resolved_at"),
        chrono::Duration::hours(24)
    );
    // A day and an hour pass without an answer.
    let deadline = backdate_resolution(&app, id, 25).expect("a deadline");
    let seen = read(&app, &ann, &format!("/api/v1/incidents/{number}")).await;
    assert_eq!(
        (seen["state"].as_str(), seen["closure"].as_str()),
        (Some("closed"), Some("auto_closed"))
    );
    assert_eq!(seen["closed_at"], deadline.as_str());
    // A later change of the setting does not move a deadline already given.
    json_with(
        put(&owner, json!({"auto_close_after_hours": 200}))
            .await
            .expect("sent"),
        200,
    )
    .await;
    let still = read(&app, &ann, &format!("/api/v1/incidents/{number}")).await;
    assert_eq!(still["state"], "closed");
    let listed = |state: &'static str| {
        let app = &app;
        let desk = desk.clone();
        async move {
            let page = read(app, &desk, &format!("/api/v1/incidents?state={state}")).await;
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["number"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed("closed").await, std::slice::from_ref(&number));
    assert!(listed("resolved").await.is_empty());
    // Too late to answer: the write stores the closure first, then refuses.
    let late = problem(
        act(
            &app,
            &ann,
            &number,
            "reject",
            &json!({"reason": "Jams again"}),
        )
        .await,
        409,
    )
    .await;
    assert!(
        late["detail"].as_str().expect("detail").contains("closed"),
        "{late}"
    );

    // The tick is the scheduler's; it stores the closure once, with the system as its actor.
    let tick = |token: String| {
        let app = &app;
        async move {
            app.post_as(&token, "/api/v1/incidents/tick", &json!({}))
                .await
        }
    };
    let refused = problem(tick(desk.clone()).await, 403).await;
    assert_eq!(refused["authority"], "schedule.run");
    let first = json_with(tick(app.token.clone()).await, 200).await;
    assert_eq!(
        first,
        json!({"auto_closed": [number.clone()], "escalated": [], "escalations_skipped": [], "escalations_failed": [], "remaining": false})
    );
    let second = json_with(tick(app.token.clone()).await, 200).await;
    assert_eq!(
        second,
        json!({"auto_closed": [], "escalated": [], "escalations_skipped": [], "escalations_failed": [], "remaining": false})
    );
    let history = read(&app, &desk, &format!("/api/v1/incidents/{number}/history")).await;
    let closing: Vec<&Value> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "auto_close")
        .collect();
    assert_eq!(closing.len(), 1, "{history}");
    assert_eq!(closing[0]["actor"], "system");
    assert!(
        closing[0]["reason"]
            .as_str()
            .expect("reason")
            .contains(&format!("by its deadline, {deadline}")),
        "{}",
        closing[0]
    );

    // Switched off, resolutions wait however long it takes.
    json_with(
        put(&owner, json!({"auto_close_after_hours": null}))
            .await
            .expect("sent"),
        200,
    )
    .await;
    let waiting = resolved_for_ann(&app, &desk).await;
    backdate_resolution(
        &app,
        waiting.trim_start_matches("INC").parse().expect("id"),
        24 * 400,
    );
    assert_eq!(
        read(&app, &desk, &format!("/api/v1/incidents/{waiting}")).await["state"],
        "resolved"
    );
    assert_eq!(
        json_with(tick(app.token.clone()).await, 200).await["auto_closed"],
        json!([])
    );
}

/// Moves an incident's resolution and its auto-close deadline `hours` into the past, as if that
/// time had gone by; returns the deadline as it now stands.
fn backdate_resolution(app: &TestApp, id: i64, hours: i64) -> Option<String> {
    let db = rusqlite::Connection::open(app.sqlite_path()).expect("open the database");
    let shift = format!("-{hours} hours");
    let changed = db
        .execute(
            "UPDATE incident SET resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ', resolved_at, ?1),
                auto_close_at = strftime('%Y-%m-%dT%H:%M:%fZ', auto_close_at, ?1)
             WHERE incident_id = ?2",
            rusqlite::params![shift, id],
        )
        .expect("backdate");
    assert_eq!(changed, 1);
    db.query_row(
        "SELECT auto_close_at FROM incident WHERE incident_id = ?1",
        [id],
        |row| row.get(0),
    )
    .expect("read back")
}
