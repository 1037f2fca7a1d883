//! Knowledge articles end to end: written as drafts, published in numbered versions that never
//! change, revised without readers seeing it until the next version, reviewed on time, shown to
//! customers only when meant for them, linked to the problems, known errors and services they
//! document, and retired.

use itsm_api_tests::{TestApp, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

async fn send(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Value,
) -> reqwest::Response {
    app.request_as(token, method, path)
        .json(&body)
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn articles_are_published_in_versions_and_customers_see_only_theirs() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let editor = app.user_with("lee", &[("problem_manager", None)]).await;
    let contact = app
        .user_with("cy", &[("customer", Some("customer:acme"))])
        .await;
    let created = json_with(
        app.post_as(
            &desk,
            "/api/v1/problems",
            &json!({"title": "VPN refuses logins", "service": "network-om"}),
        )
        .await,
        201,
    )
    .await;
    let prb = created["number"].as_str().expect("number").to_owned();

    // A draft, linked to what it documents; bad links are named and nothing is stored.
    let draft = json!({
        "title": {"en": "Reconnect the VPN after error 809", "zh": "出现809错误后重新连接VPN"},
        "body": {"en": "1. Open the client.\n2. Choose IKEv2.", "zh": "1. 打开客户端。\n2. 选择IKEv2。"},
        "audience": "customer", "category": "network",
        "problems": [prb], "services": ["network-om"]
    });
    let mut bad = draft.clone();
    bad["problems"] = json!(["PRB0000999"]);
    let refused = problem(
        app.post_as(&desk, "/api/v1/knowledge/articles", &bad).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "problems[0]");
    let mut bad = draft.clone();
    bad["title"] = json!({"english": "x"});
    problem(
        app.post_as(&desk, "/api/v1/knowledge/articles", &bad).await,
        422,
    )
    .await;
    problem(
        app.post_as(&contact, "/api/v1/knowledge/articles", &draft)
            .await,
        403,
    )
    .await;
    let written = json_with(
        app.post_as(&desk, "/api/v1/knowledge/articles", &draft)
            .await,
        201,
    )
    .await;
    assert_eq!(
        (written["number"].as_str(), written["state"].as_str()),
        (Some("KB0000001"), Some("draft"))
    );
    assert_eq!(written["documents"]["problems"], json!([prb]));
    let path = "/api/v1/knowledge/articles/KB0000001";

    // Customers do not see drafts; only a publisher publishes.
    problem(app.get_as(&contact, path).await, 404).await;
    let listed = json_with(
        app.get_as(&contact, "/api/v1/knowledge/articles").await,
        200,
    )
    .await;
    assert_eq!(listed["items"], json!([]));
    let refused = problem(
        app.post_as(&desk, &format!("{path}/publish"), &json!({}))
            .await,
        403,
    )
    .await;
    assert_eq!(refused["authority"], "knowledge.publish");
    let early = problem(
        app.post_as(
            &editor,
            &format!("{path}/publish"),
            &json!({"review_due": "2020-01-01"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(early["errors"][0]["field"], "review_due");
    let published = json_with(
        app.post_as(
            &editor,
            &format!("{path}/publish"),
            &json!({"change_note": "First issue"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (
            published["published_version"].as_i64(),
            published["unpublished_changes"].as_bool()
        ),
        (Some(1), Some(false))
    );
    assert!(
        published["review_due"]
            .as_str()
            .is_some_and(|d| d.len() == 10),
        "{published}"
    );
    problem(
        app.post_as(&editor, &format!("{path}/publish"), &json!({}))
            .await,
        409,
    )
    .await;

    // The customer sees version 1, in both languages, without internal links.
    let seen = json_with(app.get_as(&contact, path).await, 200).await;
    assert_eq!(seen["version_number"], 1);
    assert_eq!(seen["title"]["zh"], "出现809错误后重新连接VPN");
    assert_eq!(seen["services"], json!(["network-om"]));
    assert!(
        seen.get("documents").is_none() && seen.get("created_by").is_none(),
        "{seen}"
    );
    problem(app.get_as(&contact, &format!("{path}/versions")).await, 404).await;
    problem(
        send(
            &app,
            &contact,
            Method::PATCH,
            path,
            json!({"category": "x"}),
        )
        .await,
        403,
    )
    .await;

    // A revision waits for the next version; readers keep the published one, and its tag.
    let before = app.get_as(&contact, path).await;
    let customer_tag = before.headers().get("etag").cloned().expect("an ETag");
    json_with(before, 200).await;
    json_with(
        send(
            &app,
            &desk,
            Method::PATCH,
            path,
            json!({"services": ["desktop-om"]}),
        )
        .await,
        200,
    )
    .await;
    let revised = json_with(
        send(
            &app,
            &desk,
            Method::PATCH,
            path,
            json!({"body": {"en": "1. Open the client.\n2. Choose IKEv2.\n3. Restart."}}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(revised["unpublished_changes"], true);
    let unchanged = app.get_as(&contact, path).await;
    assert_eq!(
        unchanged.headers().get("etag"),
        Some(&customer_tag),
        "drafts do not show"
    );
    let seen = json_with(unchanged, 200).await;
    assert_eq!(
        seen["services"],
        json!(["network-om"]),
        "links reach customers when published"
    );
    assert!(
        !seen["body"]["en"]
            .as_str()
            .unwrap_or_default()
            .contains("Restart")
    );
    json_with(
        app.post_as(
            &editor,
            &format!("{path}/publish"),
            &json!({"change_note": "Restart step"}),
        )
        .await,
        200,
    )
    .await;
    let history = json_with(app.get_as(&desk, &format!("{path}/versions")).await, 200).await;
    let numbers: Vec<i64> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|v| v["version_number"].as_i64())
        .collect();
    assert_eq!(numbers, [2, 1]);
    let first = json_with(app.get_as(&desk, &format!("{path}/versions/1")).await, 200).await;
    assert!(
        !first["body"]["en"]
            .as_str()
            .unwrap_or_default()
            .contains("Restart"),
        "version 1 never changes"
    );

    // An internal article never reaches customers, even published.
    let mut internal = draft.clone();
    internal["audience"] = json!("internal");
    internal["problems"] = json!([]);
    json_with(
        app.post_as(&desk, "/api/v1/knowledge/articles", &internal)
            .await,
        201,
    )
    .await;
    json_with(
        app.post_as(
            &editor,
            "/api/v1/knowledge/articles/KB0000002/publish",
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    problem(
        app.get_as(&contact, "/api/v1/knowledge/articles/KB0000002")
            .await,
        404,
    )
    .await;
    let listed = json_with(
        app.get_as(&contact, "/api/v1/knowledge/articles").await,
        200,
    )
    .await;
    let numbers: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|a| a["number"].as_str())
        .collect();
    assert_eq!(numbers, ["KB0000001"]);
    let by_problem = json_with(
        app.get_as(&desk, &format!("/api/v1/knowledge/articles?problem={prb}"))
            .await,
        200,
    )
    .await;
    assert_eq!(by_problem["items"].as_array().map(Vec::len), Some(1));

    // Customers filter what they are shown, never what only staff know of.
    for staff_only in [
        format!("problem={prb}"),
        "review_overdue=true".to_owned(),
        "audience=internal".to_owned(),
    ] {
        let refused = problem(
            app.get_as(
                &contact,
                &format!("/api/v1/knowledge/articles?{staff_only}"),
            )
            .await,
            400,
        )
        .await;
        assert_eq!(
            refused["errors"][0]["field"],
            staff_only.split('=').next().unwrap_or_default()
        );
    }
    let by_service = json_with(
        app.get_as(&contact, "/api/v1/knowledge/articles?service=desktop-om")
            .await,
        200,
    )
    .await;
    assert_eq!(
        by_service["items"][0]["number"], "KB0000001",
        "the published version's services"
    );
    let missing = problem(
        app.get_as(&contact, "/api/v1/knowledge/articles/KB0000099/versions")
            .await,
        404,
    )
    .await;
    let hidden = problem(
        app.get_as(&contact, "/api/v1/knowledge/articles/KB0000002/versions")
            .await,
        404,
    )
    .await;
    assert_eq!(
        missing["detail"]
            .as_str()
            .map(|d| d.replace("KB0000099", "KB")),
        hidden["detail"]
            .as_str()
            .map(|d| d.replace("KB0000002", "KB")),
        "an internal article answers like a missing one"
    );

    // Reviews keep it current; an overdue review shows in the list, and on its due day it is
    // not overdue yet.
    let db = rusqlite::Connection::open(app.sqlite_path()).expect("open the database");
    db.execute(
        "UPDATE knowledge_article SET review_due = '2026-01-01' WHERE article_id = 1",
        [],
    )
    .expect("backdate the review");
    let overdue = json_with(
        app.get_as(&desk, "/api/v1/knowledge/articles?review_overdue=true")
            .await,
        200,
    )
    .await;
    assert_eq!(overdue["items"][0]["number"], "KB0000001");
    assert_eq!(overdue["items"][0]["review_overdue"], true);
    let reviewed = json_with(
        app.post_as(&editor, &format!("{path}/review"), &json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            reviewed["last_reviewed_by"].as_str(),
            reviewed["review_overdue"].as_bool()
        ),
        (Some("lee"), Some(false))
    );

    let today: String = db
        .query_row("SELECT strftime('%Y-%m-%d', 'now')", [], |row| row.get(0))
        .expect("today");
    db.execute(
        "UPDATE knowledge_article SET review_due = ?1 WHERE article_id = 1",
        [&today],
    )
    .expect("due today");
    let due = json_with(app.get_as(&desk, path).await, 200).await;
    assert_eq!(due["review_overdue"], false, "due today is not overdue");

    // A draft may be retired too.
    json_with(
        app.post_as(&desk, "/api/v1/knowledge/articles", &internal)
            .await,
        201,
    )
    .await;
    let dropped = json_with(
        app.post_as(
            &editor,
            "/api/v1/knowledge/articles/KB0000003/retire",
            &json!({"reason": "Duplicate"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (
            dropped["state"].as_str(),
            dropped["published_version"].as_i64()
        ),
        (Some("retired"), None)
    );

    // Retired, it leaves the customers' view and changes no more.
    problem(
        app.post_as(&editor, &format!("{path}/retire"), &json!({}))
            .await,
        422,
    )
    .await;
    json_with(
        app.post_as(
            &editor,
            &format!("{path}/retire"),
            &json!({"reason": "VPN replaced"}),
        )
        .await,
        200,
    )
    .await;
    problem(app.get_as(&contact, path).await, 404).await;
    problem(
        send(&app, &desk, Method::PATCH, path, json!({"category": "old"})).await,
        409,
    )
    .await;
}
