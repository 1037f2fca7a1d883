//! The incident API end to end: health, authentication, the lifecycle with its audit trail,
//! assignment, lists, notes, and the priority matrix as data.

use itsm_api_tests::{TestApp, incident, json_with, problem};
use serde_json::{Value, json};

#[tokio::test]
async fn health_is_public_and_every_api_route_needs_a_valid_token() {
    let app = TestApp::spawn().await;
    let health = app
        .client
        .get(app.url("/.well-known/spin/health"))
        .send()
        .await
        .expect("sent");
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.expect("body"), "OK");

    let anonymous = app
        .client
        .get(app.url("/api/v1/incidents"))
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    problem(anonymous, 401).await;
    let wrong = app
        .client
        .get(app.url("/api/v1/incidents"))
        .bearer_auth("not-the-token")
        .send()
        .await
        .expect("sent");
    problem(wrong, 401).await;
    let unrouted = app.get("/nowhere").await;
    assert_eq!(unrouted.status(), 404);
}

#[tokio::test]
async fn an_incident_moves_through_its_states_and_every_step_is_in_its_history() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/api/v1/incidents", &incident("Mail server down"))
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], "/api/v1/incidents/1");
    assert_eq!(response.headers()["etag"], "\"1\"");
    let created: Value = response.json().await.expect("json");
    assert_eq!(created["number"], "INC0000001");
    assert_eq!(created["state"], "new");
    // medium impact × high urgency is "high" in the default matrix.
    assert_eq!(created["priority"], "high");
    assert_eq!(created["created_by"], "bootstrap-admin");

    let by_number: Value = app
        .get("/api/v1/incidents/INC0000001")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(by_number["short_description"], "Mail server down");

    let steps = [
        ("start", json!({}), "in_progress"),
        ("hold", json!({"hold_reason": "awaiting_caller"}), "on_hold"),
        ("resume", json!({}), "in_progress"),
        (
            "resolve",
            json!({"resolution_code": "solved_permanently", "resolution_notes": "Restarted the MTA"}),
            "resolved",
        ),
        (
            "reopen",
            json!({"reason": "Mail bounces again"}),
            "in_progress",
        ),
        (
            "resolve",
            json!({"resolution_code": "solved_workaround", "resolution_notes": "Queue flushed"}),
            "resolved",
        ),
        ("close", json!({}), "closed"),
    ];
    for (action, body, expected) in &steps {
        let response = app.transition(&created["id"], action, body).await;
        let incident = json_with(response, 200).await;
        assert_eq!(incident["state"], *expected, "after {action}");
    }
    let closed: Value = app
        .get("/api/v1/incidents/1")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(closed["reopen_count"], 1);
    assert_eq!(closed["resolution_code"], "solved_workaround");
    assert_eq!(closed["version"], 8);
    assert_eq!(closed["allowed_actions"], json!([]));
    assert!(closed["closed_at"].is_string());

    let history: Value = app
        .get("/api/v1/incidents/1/history")
        .await
        .json()
        .await
        .expect("json");
    let actions: Vec<&str> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        actions,
        [
            "create", "start", "hold", "resume", "resolve", "reopen", "resolve", "close"
        ]
    );
    let reopen = &history["items"][5];
    assert_eq!(reopen["reason"], "Mail bounces again");
    assert_eq!(reopen["before"]["state"], "resolved");
    assert_eq!(reopen["after"]["state"], "in_progress");
    assert_eq!(reopen["actor"], "bootstrap-admin");
}

#[tokio::test]
async fn moving_an_incident_between_groups_or_people_counts_reassignments() {
    let app = TestApp::spawn().await;
    let mut body = incident("VPN drops");
    body["assignment_group"] = json!("network");
    let created = app.create_incident(&body).await;
    assert_eq!(created["reassignment_count"], 0);

    let assign = |body: Value| {
        let app = &app;
        async move {
            app.post("/api/v1/incidents/1/assign", &body)
                .await
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    // First assignee: not a reassignment. Another group, then another person: two.
    assert_eq!(
        assign(json!({"assignee": "bo"})).await["reassignment_count"],
        0
    );
    assert_eq!(
        assign(json!({"assignment_group": "service-desk"})).await["reassignment_count"],
        1
    );
    let moved = assign(json!({"assignee": "cy"})).await;
    assert_eq!(moved["reassignment_count"], 2);
    assert_eq!(moved["assignee"], "cy");
    assert_eq!(moved["assignment_group"], "service-desk");
}

#[tokio::test]
async fn a_patch_updates_fields_and_a_new_urgency_reprioritises() {
    let app = TestApp::spawn().await;
    app.create_incident(&incident("Printer jam")).await;
    let response = app
        .patch(
            "/api/v1/incidents/1",
            &json!({"urgency": "low", "category": "hardware", "description": null}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let updated: Value = response.json().await.expect("json");
    assert_eq!(updated["priority"], "low");
    assert_eq!(updated["category"], "hardware");
    // The same values again change nothing: no new version, no audit entry.
    let again: Value = app
        .patch("/api/v1/incidents/1", &json!({"urgency": "low"}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again["version"], 2);
    let history: Value = app
        .get("/api/v1/incidents/1/history")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(history["items"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn lists_filter_and_page_through_a_next_link_without_gaps() {
    let app = TestApp::spawn().await;
    for n in 1..=5 {
        let mut body = incident(&format!("Incident {n}"));
        body["assignment_group"] = json!(if n % 2 == 0 { "even" } else { "odd" });
        app.create_incident(&body).await;
    }
    let first = app.get("/api/v1/incidents?limit=2").await;
    let link = first.headers()["link"].to_str().expect("link").to_owned();
    let page: Value = first.json().await.expect("json");
    let numbers = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["number"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(numbers(&page), ["INC0000005", "INC0000004"]);
    let next = link
        .trim_start_matches('<')
        .split('>')
        .next()
        .expect("url")
        .to_owned();
    let page2: Value = app.get(&next).await.json().await.expect("json");
    assert_eq!(numbers(&page2), ["INC0000003", "INC0000002"]);

    let odd: Value = app
        .get("/api/v1/incidents?assignment_group=odd")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(numbers(&odd), ["INC0000005", "INC0000003", "INC0000001"]);
    assert_eq!(odd["next_cursor"], Value::Null);

    app.transition(&json!(3), "start", &json!({})).await;
    let started: Value = app
        .get("/api/v1/incidents?state=in_progress")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(numbers(&started), ["INC0000003"]);
    let high: Value = app
        .get("/api/v1/incidents?priority=high&limit=10")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(numbers(&high).len(), 5);
}

#[tokio::test]
async fn comments_and_work_notes_are_kept_apart() {
    let app = TestApp::spawn().await;
    app.create_incident(&incident("Slow laptop")).await;
    let comment = app
        .post(
            "/api/v1/incidents/1/comments",
            &json!({"body": "We are looking into it"}),
        )
        .await;
    assert_eq!(comment.status(), 201);
    let note = app
        .post(
            "/api/v1/incidents/1/work-notes",
            &json!({"body": "Disk 98% full"}),
        )
        .await;
    assert_eq!(note.status(), 201);
    let comments: Value = app
        .get("/api/v1/incidents/1/comments")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(comments["items"][0]["body"], "We are looking into it");
    assert_eq!(comments["items"].as_array().map(Vec::len), Some(1));
    let notes: Value = app
        .get("/api/v1/incidents/1/work-notes")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(notes["items"][0]["body"], "Disk 98% full");
    assert_eq!(notes["items"][0]["author"], "bootstrap-admin");
}

#[tokio::test]
async fn the_priority_matrix_is_data_that_new_incidents_follow() {
    let app = TestApp::spawn().await;
    let matrix = app.get("/api/v1/incidents/priority-matrix").await;
    let etag = matrix.headers()["etag"].to_str().expect("etag").to_owned();
    let mut matrix: Value = matrix.json().await.expect("json");
    assert_eq!(matrix["cells"].as_array().map(Vec::len), Some(9));
    for cell in matrix["cells"].as_array_mut().expect("cells") {
        if cell["impact"] == "low" && cell["urgency"] == "low" {
            cell["priority"] = json!("planning");
        }
    }
    let put = app
        .request(reqwest::Method::PUT, "/api/v1/incidents/priority-matrix")
        .header("if-match", &etag)
        .json(&matrix)
        .send()
        .await
        .expect("sent");
    assert_eq!(put.status(), 200);
    let mut body = incident("Wallpaper request");
    body["impact"] = json!("low");
    body["urgency"] = json!("low");
    assert_eq!(app.create_incident(&body).await["priority"], "planning");

    // The old ETag is stale now.
    let stale = app
        .request(reqwest::Method::PUT, "/api/v1/incidents/priority-matrix")
        .header("if-match", &etag)
        .json(&matrix)
        .send()
        .await
        .expect("sent");
    problem(stale, 412).await;
}
