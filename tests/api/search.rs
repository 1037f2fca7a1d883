//! Search across incidents, requests, problems and knowledge: ranked by relevance, in English and
//! Chinese, paged, kept in step with every change, and showing each caller only what the owning
//! process would show them.

use itsm_api_tests::{TestApp, incident, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

async fn found(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let answer = json_with(
        app.get_as(token, &format!("/api/v1/search?{query}")).await,
        200,
    )
    .await;
    answer["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|hit| hit["number"].as_str().map(str::to_owned))
        .collect()
}

async fn report(app: &TestApp, token: &str, body: Value) -> String {
    let created = json_with(app.post_as(token, "/api/v1/incidents", &body).await, 201).await;
    created["number"].as_str().expect("number").to_owned()
}

#[tokio::test]
async fn search_ranks_finds_chinese_and_shows_each_caller_only_what_they_may_read() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let pat = app.user_with("pat", &[("practitioner", None)]).await;
    let sam = app.user_with("sam", &[("security_manager", None)]).await;
    let editor = app.user_with("lee", &[("problem_manager", None)]).await;
    let ann = app
        .user_with("ann", &[("customer", Some("customer:acme"))])
        .await;

    let mut in_title = incident("Printer jams on floor 3");
    in_title["customer"] = json!("acme");
    let in_title = report(&app, &desk, in_title).await;
    let mut in_body = incident("Paper stuck again");
    in_body["description"] = json!("The printer in room 12 keeps jamming");
    let in_body = report(&app, &desk, in_body).await;
    let chinese = report(&app, &desk, incident("三楼的打印机卡纸了")).await;
    let mut secret = incident("Printer sends scans to an unknown address");
    secret["security"] = json!(true);
    let secret = report(&app, &pat, secret).await;
    let problem_number = json_with(
        app.post_as(
            &desk,
            "/api/v1/problems",
            &json!({"title": "Printers jam with recycled paper", "service": "desktop-om"}),
        )
        .await,
        201,
    )
    .await["number"]
        .as_str()
        .expect("number")
        .to_owned();
    let article = json!({"title": {"en": "Clearing a printer jam", "zh": "清除打印机卡纸"},
                         "body": {"en": "Open tray 2 and pull the sheet out."}, "audience": "customer"});
    json_with(
        app.post_as(&desk, "/api/v1/knowledge/articles", &article)
            .await,
        201,
    )
    .await;
    let mut internal = article.clone();
    internal["title"] = json!({"en": "Printer firmware rollback"});
    internal["audience"] = json!("internal");
    json_with(
        app.post_as(&desk, "/api/v1/knowledge/articles", &internal)
            .await,
        201,
    )
    .await;
    for n in ["KB0000001", "KB0000002"] {
        json_with(
            app.post_as(
                &editor,
                &format!("/api/v1/knowledge/articles/{n}/publish"),
                &json!({}),
            )
            .await,
            200,
        )
        .await;
    }
    let order = json!({"item": "desktop-om", "answers": {"problem_type": "printer_scanner", "description": "Printer needs toner"}});
    let request = json_with(app.post_as(&ann, "/api/v1/requests", &order).await, 201).await;
    let request = request["number"].as_str().expect("number").to_owned();

    // Staff find every kind; a match in the title ranks above one in the text.
    let hits = found(&app, &desk, "q=printer").await;
    for expected in [
        &in_title,
        &in_body,
        &problem_number,
        &request,
        &"KB0000001".to_owned(),
        &"KB0000002".to_owned(),
    ] {
        assert!(hits.contains(expected), "{expected} in {hits:?}");
    }
    let position = |number: &str| hits.iter().position(|n| n == number).expect("found");
    assert!(position(&in_title) < position(&in_body), "{hits:?}");
    assert!(
        !hits.contains(&secret),
        "a security incident is not the desk's to find"
    );
    assert!(found(&app, &sam, "q=printer").await.contains(&secret));
    assert!(
        found(&app, &pat, "q=printer").await.contains(&secret),
        "its reporter finds it"
    );

    // Chinese, with words of three characters or more and of two.
    assert_eq!(
        found(&app, &desk, "q=打印机卡纸&kind=incident").await,
        [chinese.as_str()]
    );
    assert_eq!(
        found(&app, &desk, "q=卡纸&kind=incident").await,
        [chinese.as_str()]
    );
    assert_eq!(
        found(&app, &desk, "q=卡纸&kind=article").await,
        ["KB0000001"]
    );

    // A customer contact finds their organisation's incident, their request and the article
    // published for customers; nothing else.
    let mut theirs = found(&app, &ann, "q=printer").await;
    theirs.sort();
    let mut expected = vec![in_title.clone(), request.clone(), "KB0000001".to_owned()];
    expected.sort();
    assert_eq!(theirs, expected);

    // Pages follow the ranking; every change is searchable at once.
    let first = json_with(
        app.get_as(&desk, "/api/v1/search?q=printer&kind=incident&limit=1")
            .await,
        200,
    )
    .await;
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let second = json_with(
        app.get_as(
            &desk,
            &format!("/api/v1/search?q=printer&kind=incident&limit=1&cursor={cursor}"),
        )
        .await,
        200,
    )
    .await;
    assert_ne!(first["items"][0]["number"], second["items"][0]["number"]);
    assert!(first["items"][0]["snippet"].as_str().is_some());
    let renamed = app
        .request_as(
            &desk,
            Method::PATCH,
            &format!("/api/v1/incidents/{in_body}"),
        )
        .json(&json!({"description": "The scanner in room 12 keeps failing"}))
        .send()
        .await
        .expect("sent");
    json_with(renamed, 200).await;
    assert!(
        !found(&app, &desk, "q=printer&kind=incident")
            .await
            .contains(&in_body)
    );
    assert_eq!(
        found(&app, &desk, "q=scanner%20room&kind=incident").await,
        [in_body.as_str()]
    );

    // Stored JSON is indexed as its text: keys match nothing.
    assert!(found(&app, &desk, "q=problem_type").await.is_empty());
    assert_eq!(found(&app, &desk, "q=toner").await, [request.as_str()]);

    // Bad input names the parameter.
    let refused = problem(app.get_as(&desk, "/api/v1/search").await, 400).await;
    assert_eq!(refused["errors"][0]["field"], "q");
    let refused = problem(
        app.get_as(&desk, &format!("/api/v1/search?q={}", "x".repeat(201)))
            .await,
        400,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "q");
    let refused = problem(
        app.get_as(&desk, "/api/v1/search?q=printer&kind=incidents")
            .await,
        400,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "kind");
    assert!(
        found(&app, &desk, "q=%22%20OR%20NEAR(*)").await.is_empty(),
        "FTS syntax is taken as text"
    );
}
