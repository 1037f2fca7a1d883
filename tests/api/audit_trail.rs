//! The audit trail for auditors: the global query, and the hash chain verifying until a row is
//! altered directly in SQLite, when verification names the first broken entry.

use itsm_api_tests::{TestApp, incident, json_of};

#[tokio::test]
async fn the_chain_verifies_until_a_row_is_altered_behind_the_apis_back() {
    let app = TestApp::spawn().await;
    for n in 0..3 {
        app.create_incident(&incident(&format!("Incident {n}")))
            .await;
    }
    let auditor = app.user_with("ida", &[("internal_auditor", None)]).await;
    let intact = json_of(app.get_as(&auditor, "/api/v1/audit-entries/verify").await).await;
    assert_eq!(intact["intact"], true, "{intact}");
    let head = intact["head"].clone();
    assert!(intact["checked"].as_u64().expect("count") >= 5);

    let creates = json_of(
        app.get_as(
            &auditor,
            "/api/v1/audit-entries?entity_type=incident&action=create",
        )
        .await,
    )
    .await;
    let items = creates["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    let second = items[1]["audit_id"].as_i64().expect("id");
    assert_eq!(items[1]["actor"], "bootstrap-admin");

    let db = rusqlite::Connection::open(app.sqlite_path()).expect("open");
    db.execute_batch("DROP TRIGGER audit_entry_is_append_only_update")
        .expect("an attacker with file access can drop the trigger");
    db.execute(
        "UPDATE audit_entry SET actor = 'someone-else' WHERE audit_id = ?1",
        [second],
    )
    .expect("alter");
    let broken = json_of(app.get_as(&auditor, "/api/v1/audit-entries/verify").await).await;
    assert_eq!(broken["intact"], false);
    assert_eq!(broken["first_broken"]["audit_id"], second);
    assert_eq!(broken["first_broken"]["problem"], "content_altered");

    let anchored = json_of(
        app.get_as(
            &auditor,
            &format!(
                "/api/v1/audit-entries/verify?anchor_id={}&anchor_hash={}",
                head["audit_id"],
                head["entry_hash"].as_str().expect("hash")
            ),
        )
        .await,
    )
    .await;
    assert_eq!(anchored["anchor"]["matches"], true);
}

#[tokio::test]
async fn the_global_query_filters_by_actor_time_and_entity_and_pages() {
    let app = TestApp::spawn().await;
    let created = app.create_incident(&incident("Mail down")).await;
    let desk = app.user_with("sam", &[("service_desk", None)]).await;
    let path = format!("/api/v1/incidents/{}/start", created["id"]);
    assert_eq!(
        app.post_as(&desk, &path, &serde_json::json!({}))
            .await
            .status(),
        200
    );
    let by_sam = json_of(app.get("/api/v1/audit-entries?actor=sam").await).await;
    let entry = &by_sam["items"][0];
    assert_eq!(entry["action"], "start");
    assert_eq!(entry["actor_roles"], "service_desk");
    assert_eq!(entry["entity_id"], created["id"]);
    let future = json_of(
        app.get("/api/v1/audit-entries?from=2999-01-01T00:00:00Z")
            .await,
    )
    .await;
    assert_eq!(future["items"], serde_json::json!([]));
    let paged = app.get("/api/v1/audit-entries?limit=1").await;
    assert!(
        paged.headers()["link"]
            .to_str()
            .expect("text")
            .contains("rel=\"next\"")
    );
    let bad = app.get("/api/v1/audit-entries?form=2020").await;
    assert_eq!(bad.status(), 400);
    let desk_read = app.get_as(&desk, "/api/v1/audit-entries").await;
    assert_eq!(desk_read.status(), 403);
}
