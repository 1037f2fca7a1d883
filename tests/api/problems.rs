//! Problem management end to end: a problem logged from incidents, investigated to a root cause,
//! its solution decided only by the problem management team (never by its own proposer), fixed
//! through a change raised from it and tracked, then resolved and closed; and the refusals.

use itsm_api_tests::{TestApp, incident, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

async fn act(app: &TestApp, token: &str, path: &str, body: Value, status: u16) -> Value {
    let response = app.post_as(token, path, &body).await;
    if status < 300 {
        json_with(response, status).await
    } else {
        problem(response, status).await
    }
}

async fn patch(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.request_as(token, Method::PATCH, path)
        .json(&body)
        .send()
        .await
        .expect("sent")
}

async fn put(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.request_as(token, Method::PUT, path)
        .json(&body)
        .send()
        .await
        .expect("sent")
}

async fn lan_incident(app: &TestApp, token: &str, text: &str) -> String {
    let mut body = incident(text);
    body["service"] = json!("lan-om");
    let created = json_with(app.post_as(token, "/api/v1/incidents", &body).await, 201).await;
    created["number"].as_str().expect("number").to_owned()
}

#[tokio::test]
async fn a_problem_is_fixed_through_a_solution_only_the_problem_team_approves() {
    let app = TestApp::spawn().await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let pat = app.user_with("pat", &[("practitioner", None)]).await;
    let pm = app.user_with("pm", &[("problem_manager", None)]).await;
    let pm2 = app.user_with("pm2", &[("problem_manager", None)]).await;
    let first = lan_incident(&app, &desk, "Office LAN drops every hour").await;
    let second = lan_incident(&app, &desk, "LAN down again on floor 3").await;

    let logged = json_with(
        app.post_as(
            &desk,
            "/api/v1/problems",
            &json!({"title": "Hourly LAN outages", "service": "lan-om", "priority": "high",
                    "assignee": "pat", "incidents": [first]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        (logged["state"].as_str(), logged["incident_count"].as_i64()),
        (Some("new"), Some(1))
    );
    let number = logged["number"].as_str().expect("number").to_owned();
    let path = format!("/api/v1/problems/{number}");

    // Incidents: linked once, only existing ones, and the incident sees the link as caused_by.
    let linked = act(
        &app,
        &desk,
        &format!("{path}/incidents"),
        json!({"incident": second}),
        201,
    )
    .await;
    assert_eq!(linked["number"], second.as_str());
    act(
        &app,
        &desk,
        &format!("{path}/incidents"),
        json!({"incident": second}),
        409,
    )
    .await;
    let unknown = act(
        &app,
        &desk,
        &format!("{path}/incidents"),
        json!({"incident": "INC0009999"}),
        422,
    )
    .await;
    assert_eq!(unknown["errors"][0]["field"], "incident");
    let links = json_with(
        app.get_as(&desk, &format!("/api/v1/incidents/{first}/links"))
            .await,
        200,
    )
    .await;
    assert_eq!(links["items"][0]["relation"], "caused_by");
    assert_eq!(links["items"][0]["target"], number.as_str());
    let listed = json_with(app.get_as(&pat, &format!("{path}/incidents")).await, 200).await;
    let numbers: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["number"].as_str())
        .collect();
    assert_eq!(numbers, [first.as_str(), second.as_str()]);

    // Investigation: a solution needs a root cause first.
    act(&app, &pat, &format!("{path}/start"), json!({}), 200).await;
    let early = problem(
        put(
            &app,
            &pat,
            &format!("{path}/solution"),
            json!({"description": "x", "requires_change": true}),
        )
        .await,
        409,
    )
    .await;
    assert!(
        early["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("root cause"),
        "{early}"
    );
    let analysed = json_with(
        patch(&app, &pat, &path, json!({
            "root_cause": {"summary": "DHCP lease of 60 minutes on the core switch", "category": "configuration", "method": "five_whys"},
            "workaround": "Renew the lease by hand: ipconfig /renew"
        }))
        .await,
        200,
    )
    .await;
    assert_eq!(analysed["root_cause"]["recorded_by"], "pat");
    let proposed = json_with(
        put(
            &app,
            &pat,
            &format!("{path}/solution"),
            json!({"description": "Set the lease to 8 days", "requires_change": true}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(proposed["solution"]["status"], "proposed");

    // Only the problem team decides; a rejection needs a reason and sends it back.
    let refused = act(
        &app,
        &pat,
        &format!("{path}/solution/approve"),
        json!({}),
        403,
    )
    .await;
    assert_eq!(refused["authority"], "problem.solution.approve");
    act(
        &app,
        &desk,
        &format!("{path}/solution/approve"),
        json!({}),
        403,
    )
    .await;
    let unreasoned = act(
        &app,
        &pm,
        &format!("{path}/solution/reject"),
        json!({}),
        422,
    )
    .await;
    assert_eq!(unreasoned["errors"][0]["field"], "reason");
    let rejected = act(
        &app,
        &pm,
        &format!("{path}/solution/reject"),
        json!({"reason": "8 days exhausts the pool"}),
        200,
    )
    .await;
    assert_eq!(
        (
            rejected["state"].as_str(),
            rejected["solution"]["status"].as_str()
        ),
        (Some("investigating"), Some("rejected"))
    );
    act(
        &app,
        &pm,
        &format!("{path}/solution/approve"),
        json!({}),
        409,
    )
    .await;

    // The problem manager proposes the next one, so another member must decide it.
    json_with(
        put(&app, &pm, &format!("{path}/solution"), json!({"description": "Set the lease to 1 day and grow the pool", "requires_change": true})).await,
        200,
    )
    .await;
    let own = act(
        &app,
        &pm,
        &format!("{path}/solution/approve"),
        json!({}),
        403,
    )
    .await;
    assert!(
        own["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("pm proposed"),
        "{own}"
    );
    let approved = act(
        &app,
        &pm2,
        &format!("{path}/solution/approve"),
        json!({"reason": "Pool has room"}),
        200,
    )
    .await;
    assert_eq!(
        (
            approved["state"].as_str(),
            approved["solution"]["decided_by"].as_str()
        ),
        (Some("fix_in_progress"), Some("pm2"))
    );

    // The fix goes in through a change, raised from the problem and tracked by its state.
    let early = act(&app, &pat, &format!("{path}/resolve"), json!({}), 409).await;
    assert!(
        early["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("raise one"),
        "{early}"
    );
    let change = act(
        &app,
        &pat,
        &format!("{path}/changes"),
        json!({"title": "Change DHCP lease on core switch"}),
        201,
    )
    .await;
    assert_eq!(
        (change["state"].as_str(), change["number"].as_str()),
        (Some("requested"), Some("CHG0000001"))
    );
    let waiting = act(&app, &pat, &format!("{path}/resolve"), json!({}), 409).await;
    assert!(
        waiting["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("CHG0000001"),
        "{waiting}"
    );
    // A problem is not cancelled from under its open change.
    let held = act(
        &app,
        &pat,
        &format!("{path}/cancel"),
        json!({"reason": "never mind"}),
        409,
    )
    .await;
    assert!(
        held["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("CHG0000001"),
        "{held}"
    );
    // Change management (its own component, a later issue) implements it.
    let db = rusqlite::Connection::open(app.sqlite_path()).expect("open the database");
    db.execute(
        "UPDATE change_request SET state = 'implemented' WHERE change_id = 1",
        [],
    )
    .expect("implement the change");
    let tracked = json_with(app.get_as(&desk, &format!("{path}/changes")).await, 200).await;
    assert_eq!(tracked["items"][0]["state"], "implemented");
    let resolved = act(&app, &pat, &format!("{path}/resolve"), json!({}), 200).await;
    assert_eq!(
        resolved["resolution_notes"],
        "Set the lease to 1 day and grow the pool"
    );
    assert_eq!(resolved["changes"][0]["number"], "CHG0000001");

    // The incidents recur: reopened, it needs a new solution, approved again, and a new change;
    // the first fix's change proves nothing for the second.
    let reopened = act(
        &app,
        &pat,
        &format!("{path}/reopen"),
        json!({"reason": "Drops are back"}),
        200,
    )
    .await;
    assert_eq!(
        (
            reopened["state"].as_str(),
            reopened["reopen_count"].as_i64()
        ),
        (Some("investigating"), Some(1))
    );
    assert_eq!(reopened["solution"], Value::Null);
    json_with(
        put(
            &app,
            &pat,
            &format!("{path}/solution"),
            json!({"description": "Replace the core switch", "requires_change": true}),
        )
        .await,
        200,
    )
    .await;
    act(
        &app,
        &pm,
        &format!("{path}/solution/approve"),
        json!({}),
        200,
    )
    .await;
    let stale = act(&app, &pat, &format!("{path}/resolve"), json!({}), 409).await;
    assert!(
        stale["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("raise one"),
        "{stale}"
    );
    act(
        &app,
        &pat,
        &format!("{path}/changes"),
        json!({"title": "Replace the core switch"}),
        201,
    )
    .await;
    db.execute(
        "UPDATE change_request SET state = 'closed' WHERE change_id = 2",
        [],
    )
    .expect("implement the second change");
    act(
        &app,
        &pat,
        &format!("{path}/resolve"),
        json!({"notes": "Switch replaced"}),
        200,
    )
    .await;
    let closed = act(&app, &pat, &format!("{path}/close"), json!({}), 200).await;
    assert_eq!(closed["allowed_actions"], json!([]));
    let frozen = problem(
        patch(&app, &pat, &path, json!({"workaround": "none"})).await,
        409,
    )
    .await;
    assert!(
        frozen["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("closed"),
        "{frozen}"
    );
    act(
        &app,
        &desk,
        &format!("{path}/incidents"),
        json!({"incident": first}),
        409,
    )
    .await;
}

#[tokio::test]
async fn problems_refuse_what_their_state_and_the_role_matrix_do_not_allow() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let pat = app.user_with("pat", &[("practitioner", None)]).await;
    let contact = app
        .user_with("cy", &[("customer", Some("customer:acme"))])
        .await;
    let pm = app.user_with("pm", &[("problem_manager", None)]).await;

    // Bad input names the field and stores nothing.
    let bad = act(
        &app,
        &desk,
        "/api/v1/problems",
        json!({"title": "x", "service": "no-such-service"}),
        422,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "service");
    let bad = act(
        &app,
        &desk,
        "/api/v1/problems",
        json!({"title": "x", "service": "lan-om", "assignee": "desk"}),
        422,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "assignee");
    let bad = act(
        &app,
        &desk,
        "/api/v1/problems",
        json!({"title": "x", "service": "lan-om", "incidents": ["INC1", "inc0000001"]}),
        422,
    )
    .await;
    assert_eq!(
        bad["errors"][0]["field"], "incidents[1]",
        "the same incident twice"
    );
    let bad = act(
        &app,
        &desk,
        "/api/v1/problems",
        json!({"title": "x", "service": "lan-om", "incidents": ["INC0000404"]}),
        422,
    )
    .await;
    assert_eq!(
        bad["errors"][0]["field"], "incidents[0]",
        "no such incident"
    );
    let listed = json_with(app.get_as(&desk, "/api/v1/problems").await, 200).await;
    assert_eq!(listed["items"], json!([]), "nothing was stored");

    // Customers do not read problems; only the problem process's roles log them.
    act(
        &app,
        &contact,
        "/api/v1/problems",
        json!({"title": "x", "service": "lan-om"}),
        403,
    )
    .await;
    problem(app.get_as(&contact, "/api/v1/problems").await, 403).await;

    let created = act(
        &app,
        &desk,
        "/api/v1/problems",
        json!({"title": "Printer queue stalls", "service": "desktop-om"}),
        201,
    )
    .await;
    let path = format!(
        "/api/v1/problems/{}",
        created["number"].as_str().expect("number")
    );
    let refused = act(&app, &desk, &format!("{path}/start"), json!({}), 403).await;
    assert_eq!(refused["authority"], "problem.investigate");
    let wrong = act(&app, &pat, &format!("{path}/close"), json!({}), 409).await;
    assert_eq!(wrong["allowed_actions"], json!(["start", "cancel"]));
    let unreasoned = act(&app, &pat, &format!("{path}/cancel"), json!({}), 422).await;
    assert_eq!(unreasoned["errors"][0]["field"], "reason");
    problem(
        app.post_as(&pat, &format!("{path}/explode"), &json!({}))
            .await,
        404,
    )
    .await;
    problem(app.get_as(&pat, "/api/v1/problems/PRB0000999").await, 404).await;

    // A security incident is not the problem team's to see (only its reporter's and the security
    // team's), so they cannot link it either.
    let mut secret = incident("Phishing mail opened");
    secret["security"] = json!(true);
    let secret = json_with(app.post_as(&desk, "/api/v1/incidents", &secret).await, 201).await;
    let hidden = act(
        &app,
        &pm,
        &format!("{path}/incidents"),
        json!({"incident": secret["number"]}),
        422,
    )
    .await;
    assert!(
        hidden["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("you can see"),
        "{hidden}"
    );

    // A problem of one customer takes only that customer's incidents.
    let acme = act(
        &app,
        &desk,
        "/api/v1/problems",
        json!({"title": "Acme mail bounces", "service": "desktop-om", "customer": "acme"}),
        201,
    )
    .await;
    let general = json_with(
        app.post_as(&desk, "/api/v1/incidents", &incident("Mail bounces"))
            .await,
        201,
    )
    .await;
    let foreign = act(
        &app,
        &desk,
        &format!(
            "/api/v1/problems/{}/incidents",
            acme["number"].as_str().expect("number")
        ),
        json!({"incident": general["number"]}),
        422,
    )
    .await;
    assert!(
        foreign["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("not an incident of acme"),
        "{foreign}"
    );

    let cancelled = act(
        &app,
        &pat,
        &format!("{path}/cancel"),
        json!({"reason": "Duplicate of the print server problem"}),
        200,
    )
    .await;
    assert_eq!(
        (
            cancelled["state"].as_str(),
            cancelled["cancel_reason"].as_str()
        ),
        (
            Some("cancelled"),
            Some("Duplicate of the print server problem")
        )
    );
    let filtered = json_with(
        app.get_as(&desk, "/api/v1/problems?state=cancelled").await,
        200,
    )
    .await;
    assert_eq!(filtered["items"].as_array().map(Vec::len), Some(1));
}
