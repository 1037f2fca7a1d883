//! A fulfilled service request that its requester never confirms closes itself after the service
//! request process's own setting: shown closed on read at once, stored by the tick route exactly
//! once with the system as its actor, and too late to confirm or send back afterwards.

use itsm_api_tests::{TestApp, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    json_with(app.post_as(token, path, &body).await, 200).await
}

#[tokio::test]
async fn an_unconfirmed_fulfilment_closes_itself_once() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let ann = app
        .user_with("ann", &[("customer", Some("customer:acme"))])
        .await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let owner = app
        .user_with(
            "rosa",
            &[("process_owner", Some("process:service_request"))],
        )
        .await;
    let order = json!({"item": "desktop-om", "answers": {"problem_type": "printer_scanner", "description": "Toner is empty"}});
    let ordered = json_with(app.post_as(&ann, "/api/v1/requests", &order).await, 201).await;
    let number = ordered["number"].as_str().expect("number").to_owned();
    let path = format!("/api/v1/requests/{number}");
    // Each process has its own setting, decided by its own process owner.
    let put = |token: &str, hours: Value| {
        app.request_as(token, Method::PUT, "/api/v1/requests/settings")
            .json(&json!({"auto_close_after_hours": hours}))
            .send()
    };
    problem(put(&desk, json!(48)).await.expect("sent"), 403).await;
    let set = json_with(put(&owner, json!(48)).await.expect("sent"), 200).await;
    assert_eq!(set["auto_close_after_hours"], 48);
    let incidents = json_with(app.get_as(&desk, "/api/v1/incidents/settings").await, 200).await;
    assert_eq!(incidents["auto_close_after_hours"], 72);

    post(
        &app,
        &desk,
        &format!("{path}/assign"),
        json!({"assignee": "desk"}),
    )
    .await;
    post(&app, &desk, &format!("{path}/start"), json!({})).await;
    post(
        &app,
        &desk,
        &format!("{path}/fulfil"),
        json!({"notes": "Replaced the toner"}),
    )
    .await;

    // Two days and an hour pass without an answer from ann.
    let db = rusqlite::Connection::open(app.sqlite_path()).expect("open the database");
    let id = ordered["id"].as_i64().expect("id");
    db.execute(
        "UPDATE service_request SET fulfilled_at = strftime('%Y-%m-%dT%H:%M:%fZ', fulfilled_at, '-49 hours'),
            auto_close_at = strftime('%Y-%m-%dT%H:%M:%fZ', auto_close_at, '-49 hours')
         WHERE request_id = ?1",
        [id],
    )
    .expect("backdate");
    let deadline: String = db
        .query_row(
            "SELECT auto_close_at FROM service_request WHERE request_id = ?1",
            [id],
            |row| row.get(0),
        )
        .expect("a deadline");
    let seen = json_with(app.get_as(&ann, &path).await, 200).await;
    assert_eq!(
        (seen["state"].as_str(), seen["closure"].as_str()),
        (Some("closed"), Some("auto_closed"))
    );
    assert_eq!(seen["closed_at"], deadline.as_str());
    let closed = json_with(
        app.get_as(&desk, "/api/v1/requests?state=closed").await,
        200,
    )
    .await;
    assert_eq!(closed["items"][0]["number"], number.as_str());
    let fulfilled = json_with(
        app.get_as(&desk, "/api/v1/requests?state=fulfilled").await,
        200,
    )
    .await;
    assert_eq!(fulfilled["items"], json!([]));
    let late = problem(
        app.post_as(&ann, &format!("{path}/confirm"), &json!({}))
            .await,
        409,
    )
    .await;
    assert!(
        late["detail"].as_str().expect("detail").contains("closed"),
        "{late}"
    );

    let empty = json!({});
    let tick = || app.post_as(&app.token, "/api/v1/requests/tick", &empty);
    problem(
        app.post_as(&desk, "/api/v1/requests/tick", &json!({}))
            .await,
        403,
    )
    .await;
    assert_eq!(
        json_with(tick().await, 200).await,
        json!({"auto_closed": [number.clone()], "escalated": [], "escalations_skipped": [], "escalations_failed": [], "remaining": false})
    );
    assert_eq!(
        json_with(tick().await, 200).await,
        json!({"auto_closed": [], "escalated": [], "escalations_skipped": [], "escalations_failed": [], "remaining": false})
    );
    let entries = json_with(
        app.get(&format!(
            "/api/v1/audit-entries?entity_type=service_request&entity_id={id}"
        ))
        .await,
        200,
    )
    .await;
    let closing: Vec<&Value> = entries["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "auto_close")
        .collect();
    assert_eq!(closing.len(), 1, "{entries}");
    assert_eq!(closing[0]["actor"], "system");
}
