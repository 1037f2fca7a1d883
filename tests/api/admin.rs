//! The admin component: the migrations route a real Spin deployment calls, and the audit
//! trail's append-only guarantee at the database itself.

use itsm_api_tests::{TestApp, incident, problem};
use serde_json::Value;

#[tokio::test]
async fn the_migrations_route_lists_what_ran_and_applying_again_changes_nothing() {
    let app = TestApp::spawn().await;
    let listed: Value = app
        .get("/api/v1/admin/migrations")
        .await
        .json()
        .await
        .expect("json");
    let items = listed["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(items.iter().all(|m| m["applied"] == true), "{listed}");
    let applied = app
        .post("/api/v1/admin/migrations", &serde_json::json!({}))
        .await;
    assert_eq!(applied.status(), 200);
    assert_eq!(
        applied.json::<Value>().await.expect("json")["applied"],
        serde_json::json!([])
    );
    let anonymous = app
        .client
        .post(app.url("/api/v1/admin/migrations"))
        .send()
        .await
        .expect("sent");
    problem(anonymous, 401).await;
}

#[tokio::test]
async fn audit_entries_cannot_be_altered_or_deleted_even_in_the_database() {
    let app = TestApp::spawn().await;
    app.create_incident(&incident("Evidence")).await;
    let db = rusqlite::Connection::open(app.sqlite_path()).expect("open");
    let update = db.execute("UPDATE audit_entry SET actor = 'mallory'", []);
    assert!(update.is_err_and(|e| e.to_string().contains("append-only")));
    let delete = db.execute("DELETE FROM audit_entry", []);
    assert!(delete.is_err_and(|e| e.to_string().contains("append-only")));
    let history: Value = app
        .get("/api/v1/incidents/1/history")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(history["items"][0]["actor"], "bootstrap-admin");
}
