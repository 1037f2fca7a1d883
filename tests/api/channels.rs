//! What the chat, e-mail and portal tests share: linking a chat account as an administrator
//! does, and reading back what a channel did (incidents, their actors, refused signatures).

use itsm_api_tests::{TestApp, json_with};
use reqwest::Method;
use serde_json::json;

/// Links a chat account to `user`, as an administrator does.
pub async fn link_account(
    app: &TestApp,
    platform: &str,
    workspace: &str,
    account: &str,
    user: &str,
) {
    let linked = app
        .request(
            Method::PUT,
            &format!("/api/v1/channels/identities/{platform}/{workspace}/{account}"),
        )
        .json(&json!({"user": user}))
        .send()
        .await
        .expect("sent");
    json_with(linked, 201).await;
}

pub async fn incident_count(app: &TestApp) -> usize {
    let page = json_with(app.get("/api/v1/incidents?limit=100").await, 200).await;
    page["items"].as_array().map_or(0, Vec::len)
}

/// How many refused signatures the audit trail records.
pub fn refusals_on_record(app: &TestApp) -> i64 {
    let db = rusqlite::Connection::open(app.sqlite_path()).expect("open");
    db.query_row(
        "SELECT COUNT(*) FROM audit_entry WHERE action = 'signature.refused'",
        [],
        |row| row.get(0),
    )
    .expect("counted")
}

/// Everyone the audit trail names as having changed incident `id`.
pub async fn incident_actors(app: &TestApp, id: i64) -> Vec<String> {
    let history = json_with(
        app.get(&format!(
            "/api/v1/audit-entries?entity_type=incident&entity_id={id}"
        ))
        .await,
        200,
    )
    .await;
    history["items"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["actor"].as_str().map(str::to_owned))
        .collect()
}
