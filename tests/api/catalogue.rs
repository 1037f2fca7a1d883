//! The service portfolio and catalogue through the host: the seed catalogue in English and
//! Chinese, a service's lifecycle with retirement reserved to its owner, entries checked and
//! written whole, publication as numbered versions that never change, and what customers see.

use itsm_api_tests::{TestApp, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

/// A user of the service department, who compiles and publishes the catalogue.
async fn department(app: &TestApp) -> String {
    app.user_with("dept", &[("service_dept_manager", None)])
        .await
}

async fn put_entry(
    app: &TestApp,
    token: &str,
    code: &str,
    body: &Value,
    if_match: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .request_as(
            token,
            Method::PUT,
            &format!("/api/v1/catalogue/entries/{code}"),
        )
        .json(body);
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    request.send().await.expect("request sent")
}

fn mailbox_entry() -> Value {
    json!({
        "service": "mail",
        "view": "business",
        "name": {"en": "Mailbox", "zh": "郵箱"},
        "content_items": [{"en": "A mailbox of 50 GB", "zh": "50 GB 郵箱"}],
        "service_hours": {"en": "Monday to Friday, 08:00-18:00"},
        "request_form": {"fields": [
            {"key": "size", "type": "choice", "label": {"en": "Size", "zh": "容量"}, "required": true,
             "options": [{"value": "standard", "label": {"en": "50 GB"}}, {"value": "large", "label": {"en": "100 GB"}}]}
        ]},
        "approval": {"rule": "any", "approvers": [{"role": "service_dept_manager"}]}
    })
}

/// Adds the service `code` and takes it to `live`.
async fn live_service(app: &TestApp, token: &str, code: &str) {
    let body = json!({"code": code, "name": {"en": code}, "state": "live"});
    json_with(app.post_as(token, "/api/v1/services", &body).await, 201).await;
}

#[tokio::test]
async fn the_seed_catalogue_is_published_in_english_and_chinese() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let contact = app
        .user_with("contact", &[("customer", Some("customer:acme"))])
        .await;
    let catalogue = json_with(app.get_as(&contact, "/api/v1/catalogue").await, 200).await;
    assert_eq!(catalogue["version"], 1);
    let items = catalogue["items"].as_array().expect("items");
    assert_eq!(items.len(), 6);
    for item in items {
        for language in ["en", "zh"] {
            assert!(
                item["name"][language].is_string(),
                "{} in {language}",
                item["code"]
            );
            assert!(item["service_name"][language].is_string());
            for content in item["content_items"].as_array().expect("content items") {
                assert!(content[language].is_string(), "{content}");
            }
        }
    }
    let hotline = items
        .iter()
        .find(|i| i["code"] == "hotline")
        .expect("hotline");
    assert_eq!(
        hotline["name"],
        json!({"en": "Hotline service", "zh": "熱線服務"})
    );
    assert_eq!(hotline["content_items"].as_array().map(Vec::len), Some(7));
    let business = json_with(
        app.get_as(&contact, "/api/v1/catalogue?view=business")
            .await,
        200,
    )
    .await;
    assert_eq!(business["items"].as_array().map(Vec::len), Some(5));
    let technical = json_with(
        app.get_as(&contact, "/api/v1/catalogue?view=technical")
            .await,
        200,
    )
    .await;
    assert_eq!(technical["items"][0]["name"]["zh"], "計算機系統維護");
    // A customer sees that an order needs approval, not who approves it; staff see both.
    let item = json_with(
        app.get_as(&contact, "/api/v1/catalogue/items/key-applications")
            .await,
        200,
    )
    .await;
    assert_eq!(
        (item["orderable"].clone(), item["requires_approval"].clone()),
        (json!(true), json!(true))
    );
    assert!(item.get("approval").is_none(), "{item}");
    assert_eq!(
        item["request_form"]["fields"][1]["options"][1]["label"]["zh"],
        "生產"
    );
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let item = json_with(
        app.get_as(&desk, "/api/v1/catalogue/items/key-applications")
            .await,
        200,
    )
    .await;
    assert_eq!(
        item["approval"]["approvers"][0]["role"],
        "service_dept_manager"
    );
    // The working copy and the portfolio are for staff.
    problem(app.get_as(&contact, "/api/v1/catalogue/entries").await, 403).await;
    problem(app.get_as(&contact, "/api/v1/services").await, 403).await;
    problem(
        app.get_as(&contact, "/api/v1/catalogue/items/nothing-here")
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_service_moves_through_its_lifecycle_and_only_its_owner_retires_it() {
    let app = TestApp::spawn().await;
    let dept = department(&app).await;
    let created = app
        .post_as(
            &dept,
            "/api/v1/services",
            &json!({"code": "mail", "name": {"en": "E-mail", "zh": "電子郵件"}}),
        )
        .await;
    assert_eq!(created.headers()["location"], "/api/v1/services/mail");
    let mail = json_with(created, 201).await;
    assert_eq!(mail["state"], "planned");
    assert_eq!(mail["allowed_actions"], json!(["design", "retire"]));
    for (action, state) in [
        ("design", "design"),
        ("transition", "transition"),
        ("launch", "live"),
    ] {
        let moved = json_with(
            app.post_as(
                &dept,
                &format!("/api/v1/services/mail/{action}"),
                &json!({}),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(moved["state"], state);
    }
    let refused = problem(
        app.post_as(&dept, "/api/v1/services/mail/launch", &json!({}))
            .await,
        409,
    )
    .await;
    assert_eq!(refused["allowed_actions"], json!(["retire"]));
    problem(
        app.post_as(&dept, "/api/v1/services/mail/fly", &json!({}))
            .await,
        404,
    )
    .await;

    // Not the department, not another service's owner: only mail's owner retires mail.
    let retire = json!({"reason": "replaced by the cloud suite"});
    let refused = problem(
        app.post_as(&dept, "/api/v1/services/mail/retire", &retire)
            .await,
        403,
    )
    .await;
    assert_eq!(refused["authority"], "service.retire");
    let other_owner = app
        .user_with(
            "owner-hotline",
            &[("service_owner", Some("service:hotline"))],
        )
        .await;
    problem(
        app.post_as(&other_owner, "/api/v1/services/mail/retire", &retire)
            .await,
        403,
    )
    .await;
    let owner = app
        .user_with("owner-mail", &[("service_owner", Some("service:mail"))])
        .await;
    let unexplained = problem(
        app.post_as(&owner, "/api/v1/services/mail/retire", &json!({}))
            .await,
        422,
    )
    .await;
    assert_eq!(unexplained["errors"][0]["field"], "reason");
    let still = json_with(app.get_as(&owner, "/api/v1/services/mail").await, 200).await;
    assert_eq!(
        (still["state"].clone(), still["owners"].clone()),
        (json!("live"), json!(["owner-mail"]))
    );
    let retired = json_with(
        app.post_as(&owner, "/api/v1/services/mail/retire", &retire)
            .await,
        200,
    )
    .await;
    assert_eq!(retired["state"], "retired");
    assert_eq!(retired["retire_reason"], "replaced by the cloud suite");
    assert!(retired["retired_at"].is_string());
    assert_eq!(retired["allowed_actions"], json!([]));

    let history = json_with(
        app.get("/api/v1/audit-entries?entity_type=service").await,
        200,
    )
    .await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in ["create", "design", "transition", "launch", "retire"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    // A service owner grant must name a service the catalogue knows.
    app.post(
        "/api/v1/users",
        &json!({"user_name": "nobody", "display_name": "Nobody"}),
    )
    .await;
    let unknown = problem(
        app.post(
            "/api/v1/users/nobody/roles",
            &json!({"role": "service_owner", "reason": "r",
            "scope": {"kind": "service", "key": "no-such-service"}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(unknown["errors"][0]["field"], "scope");
}

#[tokio::test]
async fn entries_are_checked_written_whole_and_published_as_numbered_versions() {
    let app = TestApp::spawn().await;
    let dept = department(&app).await;
    live_service(&app, &dept, "mail").await;

    let created = put_entry(&app, &dept, "mailbox", &mailbox_entry(), None).await;
    assert_eq!(created.headers()["etag"], "\"1\"");
    let entry = json_with(created, 201).await;
    assert_eq!(
        (entry["orderable"].clone(), entry["version"].clone()),
        (json!(true), json!(1))
    );
    let mut changed = mailbox_entry();
    changed["fees"] = json!({"en": "Free for staff", "zh": "員工免費"});
    problem(
        put_entry(&app, &dept, "mailbox", &changed, Some("\"7\"")).await,
        412,
    )
    .await;
    let replaced = json_with(
        put_entry(&app, &dept, "mailbox", &changed, Some("\"1\"")).await,
        200,
    )
    .await;
    assert_eq!(
        (replaced["version"].clone(), replaced["fees"]["zh"].clone()),
        (json!(2), json!("員工免費"))
    );

    // Bad definitions are refused whole, each problem named, and nothing changes.
    let mut bad = mailbox_entry();
    bad["request_form"]["fields"][0]["options"] = json!([]);
    bad["request_form"]["fields"][0]["max_length"] = json!(10);
    let refused = problem(put_entry(&app, &dept, "mailbox", &bad, None).await, 422).await;
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "request_form.fields[0].max_length",
            "request_form.fields[0].options"
        ]
    );
    let mut untranslated = mailbox_entry();
    untranslated["name"] = json!({});
    let refused = problem(
        put_entry(&app, &dept, "mailbox", &untranslated, None).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "name");
    let mut elsewhere = mailbox_entry();
    elsewhere["service"] = json!("no-such-service");
    let refused = problem(
        put_entry(&app, &dept, "mailbox", &elsewhere, None).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "service");
    let mut orphan_approval = mailbox_entry();
    orphan_approval
        .as_object_mut()
        .expect("object")
        .remove("request_form");
    problem(
        put_entry(&app, &dept, "mailbox", &orphan_approval, None).await,
        422,
    )
    .await;
    let stored = json_with(
        app.get_as(&dept, "/api/v1/catalogue/entries/mailbox").await,
        200,
    )
    .await;
    assert_eq!(stored["version"], 2);

    // Publishing freezes the working copy: six seed entries and the mailbox.
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let refused = problem(
        app.post_as(&desk, "/api/v1/catalogue/versions", &json!({}))
            .await,
        403,
    )
    .await;
    assert_eq!(refused["authority"], "catalogue.publish");
    let stale = json!({"review_due": "2020-01-01"});
    let refused = problem(
        app.post_as(&dept, "/api/v1/catalogue/versions", &stale)
            .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "review_due");
    let published = app
        .post_as(
            &dept,
            "/api/v1/catalogue/versions",
            &json!({"notes": "Mailboxes can be ordered", "review_due": "2099-01-01"}),
        )
        .await;
    assert_eq!(
        published.headers()["location"],
        "/api/v1/catalogue/versions/2"
    );
    let published = json_with(published, 201).await;
    assert_eq!(
        (
            published["version"].clone(),
            published["item_count"].clone()
        ),
        (json!(2), json!(7))
    );
    assert_eq!(published["left_out"], json!([]));
    let conflict = problem(
        app.post_as(&dept, "/api/v1/catalogue/versions", &json!({}))
            .await,
        409,
    )
    .await;
    assert!(
        conflict["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("version 2"),
        "{conflict}"
    );

    // An entry of a service not yet live is left out, and says why; a withdrawn one goes.
    let planned = json!({"code": "chat", "name": {"en": "Chat"}});
    json_with(app.post_as(&dept, "/api/v1/services", &planned).await, 201).await;
    let chat = json!({"service": "chat", "view": "business", "name": {"en": "Team chat"}});
    json_with(put_entry(&app, &dept, "team-chat", &chat, None).await, 201).await;
    let withdrawn = app
        .request_as(&dept, Method::DELETE, "/api/v1/catalogue/entries/hotline")
        .send()
        .await
        .expect("sent");
    let withdrawn = json_with(withdrawn, 200).await;
    assert_eq!(withdrawn["withdrawn_by"], "dept");
    let third = json_with(
        app.post_as(&dept, "/api/v1/catalogue/versions", &json!({}))
            .await,
        201,
    )
    .await;
    assert_eq!(
        third["left_out"],
        json!([{"code": "team-chat", "reason": "its service chat is planned, not live"}])
    );
    let codes: Vec<&str> = third["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"mailbox") && !codes.contains(&"hotline"),
        "{codes:?}"
    );

    // Past versions never change; the list is newest first.
    let first = json_with(app.get_as(&desk, "/api/v1/catalogue/versions/1").await, 200).await;
    assert_eq!(first["items"].as_array().map(Vec::len), Some(6));
    let versions = json_with(app.get_as(&desk, "/api/v1/catalogue/versions").await, 200).await;
    let numbers: Vec<i64> = versions["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|v| v["version"].as_i64())
        .collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(versions["items"][1]["review_due"], "2099-01-01");
    let item = json_with(
        app.get_as(&desk, "/api/v1/catalogue/items/mailbox").await,
        200,
    )
    .await;
    assert_eq!(
        (
            item["catalogue_version"].clone(),
            item["fees"]["en"].clone()
        ),
        (json!(3), json!("Free for staff"))
    );
    problem(
        app.get_as(&desk, "/api/v1/catalogue/items/hotline").await,
        404,
    )
    .await;
    problem(
        app.get_as(&desk, "/api/v1/catalogue/versions/99").await,
        404,
    )
    .await;
}

#[tokio::test]
async fn service_owners_write_their_own_entries_only_and_retired_services_take_none() {
    let app = TestApp::spawn().await;
    let dept = department(&app).await;
    live_service(&app, &dept, "mail").await;
    let owner = app
        .user_with(
            "owner-hotline",
            &[("service_owner", Some("service:hotline"))],
        )
        .await;
    let hotline =
        json!({"service": "hotline", "view": "business", "name": {"en": "Hotline", "zh": "熱線"}});
    json_with(
        put_entry(&app, &owner, "hotline", &hotline, None).await,
        200,
    )
    .await;
    let refused = problem(
        put_entry(&app, &owner, "mailbox", &mailbox_entry(), None).await,
        403,
    )
    .await;
    assert_eq!(refused["authority"], "catalogue.write");
    // Moving an entry away needs the right over the service it leaves as well.
    let mut moved = hotline.clone();
    moved["service"] = json!("mail");
    problem(put_entry(&app, &owner, "hotline", &moved, None).await, 403).await;

    let owner_mail = app
        .user_with("owner-mail", &[("service_owner", Some("service:mail"))])
        .await;
    json_with(
        app.post_as(
            &owner_mail,
            "/api/v1/services/mail/retire",
            &json!({"reason": "gone"}),
        )
        .await,
        200,
    )
    .await;
    let refused = problem(
        put_entry(&app, &dept, "mailbox", &mailbox_entry(), None).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["message"], "service mail is retired");
    problem(
        app.get_as(&dept, "/api/v1/catalogue/entries/mailbox").await,
        404,
    )
    .await;
}

#[tokio::test]
async fn incidents_name_only_services_the_catalogue_knows_and_has_not_retired() {
    let app = TestApp::spawn().await;
    let mut body = itsm_api_tests::incident("The hotline drops calls");
    body["service"] = json!("hotline");
    let recorded = app.create_incident(&body).await;
    assert_eq!(recorded["service"], "hotline");
    body["service"] = json!("no-such-service");
    let refused = problem(app.post("/api/v1/incidents", &body).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "service");
    assert_eq!(
        refused["errors"][0]["message"],
        "there is no service no-such-service"
    );

    let owner = app
        .user_with("owner-lan", &[("service_owner", Some("service:lan-om"))])
        .await;
    json_with(
        app.post_as(
            &owner,
            "/api/v1/services/lan-om/retire",
            &json!({"reason": "moved to the new network"}),
        )
        .await,
        200,
    )
    .await;
    let moved = app
        .patch(
            &format!("/api/v1/incidents/{}", recorded["id"]),
            &json!({"service": "lan-om"}),
        )
        .await;
    let refused = problem(moved, 422).await;
    assert_eq!(refused["errors"][0]["message"], "service lan-om is retired");
    let kept = json_with(
        app.get(&format!("/api/v1/incidents/{}", recorded["id"]))
            .await,
        200,
    )
    .await;
    assert_eq!(kept["service"], "hotline");
}
