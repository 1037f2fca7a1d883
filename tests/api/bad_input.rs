//! Bad input gets a clear problem+json naming what is wrong, never a 500, and changes nothing
//! already stored: each case below snapshots the incident before and compares after.

use itsm_api_tests::{TestApp, incident, problem};
use reqwest::Method;
use serde_json::{Value, json};

async fn snapshot(app: &TestApp) -> Value {
    let list: Value = app
        .get("/api/v1/incidents")
        .await
        .json()
        .await
        .expect("json");
    let history: Value = app
        .get("/api/v1/incidents/1/history")
        .await
        .json()
        .await
        .expect("json");
    json!({ "list": list, "history": history })
}

fn field_names(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn invalid_creates_name_each_bad_field_and_store_nothing() {
    let app = TestApp::spawn().await;
    app.create_incident(&incident("The one stored incident"))
        .await;
    let before = snapshot(&app).await;

    let long = "x".repeat(161);
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({"short_description": "", "impact": "medium", "urgency": "high", "caller": "a"}),
            vec!["short_description"],
        ),
        (
            json!({"short_description": long, "impact": "medium", "urgency": "high", "caller": "a"}),
            vec!["short_description"],
        ),
        (
            json!({"short_description": "x", "impact": "huge", "urgency": "soon", "caller": "a"}),
            vec!["impact", "urgency"],
        ),
        (
            json!({"short_description": "x", "impact": "low", "urgency": "low", "caller": "a", "channel": "pigeon"}),
            vec!["channel"],
        ),
        (
            json!({"short_description": "x", "impact": "low", "urgency": "low"}),
            vec!["caller"],
        ),
        (
            json!({"short_description": "x", "impact": "low", "urgency": "low", "caller": "a", "colour": "red"}),
            vec!["colour"],
        ),
        (
            json!({"short_description": 42, "impact": "low", "urgency": "low", "caller": "a"}),
            vec!["short_description"],
        ),
        (
            json!({"short_description": "x", "impact": "low", "urgency": "low", "caller": "   "}),
            vec!["caller"],
        ),
    ];
    for (body, fields) in cases {
        let response = app.post("/api/v1/incidents", &body).await;
        let problem = problem(response, 422).await;
        assert_eq!(field_names(&problem), fields, "{body}: {problem}");
    }
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn malformed_oversized_and_mistyped_bodies_are_refused() {
    let app = TestApp::spawn().await;
    app.create_incident(&incident("The one stored incident"))
        .await;
    let before = snapshot(&app).await;
    let send = |method: Method, path: &str, content_type: &str, body: Vec<u8>| {
        app.request(method, path)
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    let malformed = send(
        Method::POST,
        "/api/v1/incidents",
        "application/json",
        b"{\"short_description\": ".to_vec(),
    )
    .await
    .expect("sent");
    problem(malformed, 400).await;
    let not_json = send(
        Method::POST,
        "/api/v1/incidents",
        "text/plain",
        b"hello".to_vec(),
    )
    .await
    .expect("sent");
    problem(not_json, 415).await;
    let mut huge = incident("big");
    huge["description"] = json!("y".repeat(100 * 1024));
    let oversized = send(
        Method::POST,
        "/api/v1/incidents",
        "application/json",
        huge.to_string().into_bytes(),
    )
    .await
    .expect("sent");
    problem(oversized, 413).await;
    let patch = send(
        Method::PATCH,
        "/api/v1/incidents/1",
        "application/json",
        b"[1, 2]".to_vec(),
    )
    .await
    .expect("sent");
    problem(patch, 422).await;
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn forbidden_transitions_unknown_ids_and_stale_versions_change_nothing() {
    let app = TestApp::spawn().await;
    app.create_incident(&incident("The one stored incident"))
        .await;
    let before = snapshot(&app).await;

    let close_new = problem(app.transition(&json!(1), "close", &json!({})).await, 409).await;
    assert_eq!(close_new["detail"], "cannot close an incident that is new");
    assert_eq!(
        close_new["allowed_actions"],
        json!(["start", "hold", "resolve", "cancel"])
    );
    let no_reason = problem(app.transition(&json!(1), "hold", &json!({})).await, 422).await;
    assert_eq!(field_names(&no_reason), ["hold_reason"]);
    let bad_reason = problem(
        app.transition(&json!(1), "hold", &json!({"hold_reason": "lunch"}))
            .await,
        422,
    )
    .await;
    assert_eq!(field_names(&bad_reason), ["hold_reason"]);
    problem(app.transition(&json!(1), "explode", &json!({})).await, 404).await;
    problem(app.get("/api/v1/incidents/99").await, 404).await;
    problem(app.get("/api/v1/incidents/INC0000099").await, 404).await;
    problem(app.get("/api/v1/incidents/not-an-id").await, 404).await;
    problem(
        app.patch("/api/v1/incidents/99", &json!({"urgency": "low"}))
            .await,
        404,
    )
    .await;

    let stale = app
        .request(Method::PATCH, "/api/v1/incidents/1")
        .header("if-match", "\"7\"")
        .json(&json!({"urgency": "low"}))
        .send()
        .await
        .expect("sent");
    let stale = problem(stale, 412).await;
    assert!(
        stale["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("\"1\""),
        "{stale}"
    );
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn bad_list_parameters_are_named() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=abc", "limit"),
        ("?cursor=garbage", "cursor"),
        ("?state=sleeping", "state"),
        ("?sort=up", "sort"),
        ("?state=new&state=closed", "state"),
    ] {
        let body = problem(app.get(&format!("/api/v1/incidents{query}")).await, 400).await;
        assert_eq!(field_names(&body), [field], "{query}");
    }
    let wrong_method = app
        .request(Method::DELETE, "/api/v1/incidents/1")
        .send()
        .await
        .expect("sent");
    problem(wrong_method, 405).await;
}

#[tokio::test]
async fn a_closed_incident_cannot_be_edited() {
    let app = TestApp::spawn().await;
    app.create_incident(&incident("Done soon")).await;
    app.transition(&json!(1), "cancel", &json!({"reason": "Raised twice"}))
        .await;
    problem(
        app.patch("/api/v1/incidents/1", &json!({"urgency": "low"}))
            .await,
        409,
    )
    .await;
    let cancelled: Value = app
        .get("/api/v1/incidents/1")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(cancelled["cancel_reason"], "Raised twice");
    assert_eq!(cancelled["urgency"], "high");
}
