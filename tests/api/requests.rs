//! Service requests through the host: an order from the published catalogue through its tasks
//! to the requester's verification; approvals by role and by named user under `all` and `any`,
//! refused to anyone else and to the orderer; and bad orders refused without storing anything.

use itsm_api_tests::{TestApp, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

/// A valid order of the seed item desktop-om, which needs no approval.
fn desktop_order() -> Value {
    json!({
        "item": "desktop-om",
        "answers": {"problem_type": "printer_scanner", "description": "  The printer on floor 3 jams on every page  "}
    })
}

/// Posts `body` to the request's tasks route followed by `rest` (such as `/1/complete`).
async fn on_tasks(
    app: &TestApp,
    token: &str,
    number: &str,
    rest: &str,
    body: &Value,
) -> reqwest::Response {
    app.post_as(
        token,
        &format!("/api/v1/requests/{number}/tasks{rest}"),
        body,
    )
    .await
}

async fn act(
    app: &TestApp,
    token: &str,
    number: &str,
    action: &str,
    body: &Value,
) -> reqwest::Response {
    app.post_as(token, &format!("/api/v1/requests/{number}/{action}"), body)
        .await
}

async fn acted(app: &TestApp, token: &str, number: &str, action: &str, body: &Value) -> Value {
    json_with(act(app, token, number, action, body).await, 200).await
}

#[tokio::test]
async fn an_order_is_fulfilled_through_its_tasks_and_verified_by_the_requester() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let contact = app
        .user_with("ann", &[("customer", Some("customer:acme"))])
        .await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    app.user_with("tech", &[("practitioner", None)]).await;

    let created = app
        .post_as(&contact, "/api/v1/requests", &desktop_order())
        .await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let order = json_with(created, 201).await;
    let number = order["number"].as_str().expect("number").to_owned();
    assert!(number.starts_with("REQ"), "{number}");
    assert_eq!(location, format!("/api/v1/requests/{}", order["id"]));
    assert_eq!(
        (
            order["state"].clone(),
            order["customer"].clone(),
            order["requested_for"].clone()
        ),
        (json!("submitted"), json!("acme"), json!("ann"))
    );
    assert_eq!(order["catalogue_version"], 1);
    assert_eq!(order["item_name"]["zh"], "桌面計算機系統運行維護(個人用戶)");
    assert_eq!(
        order["answers"]["description"],
        "The printer on floor 3 jams on every page"
    );
    assert_eq!(order["approvals"], json!([]));

    // Tasks with assignees; the request cannot be fulfilled while one is open.
    for (title, assignee) in [
        ("Check the printer", "tech"),
        ("Order a spare roller", "desk"),
    ] {
        let task = json_with(
            on_tasks(
                &app,
                &desk,
                &number,
                "",
                &json!({"title": title, "assignee": assignee}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(
            (task["state"].clone(), task["request"].clone()),
            (json!("open"), json!(number))
        );
    }
    problem(
        on_tasks(
            &app,
            &desk,
            &number,
            "",
            &json!({"title": "x", "assignee": "ghost"}),
        )
        .await,
        422,
    )
    .await;
    problem(
        on_tasks(&app, &contact, &number, "", &json!({"title": "mine"})).await,
        403,
    )
    .await;
    let assigned = acted(
        &app,
        &desk,
        &number,
        "assign",
        &json!({"assignee": "tech", "assignment_group": "field-support"}),
    )
    .await;
    assert_eq!(assigned["state"], "assigned");
    let started = acted(&app, &desk, &number, "start", &json!({})).await;
    assert_eq!(
        started["allowed_actions"],
        json!(["assign", "fulfil", "cancel"])
    );
    let fulfil = json!({"notes": "Replaced the roller; prints cleanly"});
    let refused = problem(act(&app, &desk, &number, "fulfil", &fulfil).await, 409).await;
    assert!(
        refused["detail"].as_str().expect("detail").contains("1, 2"),
        "{refused}"
    );
    json_with(
        on_tasks(
            &app,
            &desk,
            &number,
            "/1/complete",
            &json!({"notes": "Roller worn"}),
        )
        .await,
        200,
    )
    .await;
    let needs_reason = problem(
        on_tasks(&app, &desk, &number, "/2/cancel", &json!({})).await,
        422,
    )
    .await;
    assert_eq!(needs_reason["errors"][0]["field"], "notes");
    json_with(
        on_tasks(
            &app,
            &desk,
            &number,
            "/2/cancel",
            &json!({"notes": "A spare was in stock"}),
        )
        .await,
        200,
    )
    .await;
    problem(
        on_tasks(&app, &desk, &number, "/1/complete", &json!({})).await,
        409,
    )
    .await;
    let fulfilled = acted(&app, &desk, &number, "fulfil", &fulfil).await;
    assert_eq!(fulfilled["state"], "fulfilled");

    // Only the requester verifies: the desk cannot confirm for them.
    let refused = problem(act(&app, &desk, &number, "confirm", &json!({})).await, 403).await;
    assert_eq!(refused["authority"], "requester");
    let reopened = acted(
        &app,
        &contact,
        &number,
        "reopen",
        &json!({"reason": "It still jams on A3"}),
    )
    .await;
    assert_eq!(
        (reopened["state"].clone(), reopened["reopen_count"].clone()),
        (json!("in_progress"), json!(1))
    );
    acted(&app, &desk, &number, "fulfil", &fulfil).await;
    let closed = acted(
        &app,
        &contact,
        &number,
        "confirm",
        &json!({"notes": "Works now, thanks"}),
    )
    .await;
    assert_eq!(closed["state"], "closed");
    assert!(closed["closed_at"].is_string());
    assert_eq!(closed["allowed_actions"], json!([]));
    problem(
        act(
            &app,
            &contact,
            &number,
            "cancel",
            &json!({"reason": "late"}),
        )
        .await,
        409,
    )
    .await;
    problem(
        on_tasks(&app, &desk, &number, "", &json!({"title": "late"})).await,
        409,
    )
    .await;
    let tasks = json_with(
        app.get_as(&contact, &format!("/api/v1/requests/{number}/tasks"))
            .await,
        200,
    )
    .await;
    let states: Vec<&str> = tasks["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| t["state"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(states, ["done", "cancelled"]);

    // A contact orders at the desk's priority, for fellow contacts only; work goes to staff only;
    // cancelling stops the work in progress with it.
    let field_of = |p: Value| {
        p["errors"][0]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let mut urgent = desktop_order();
    urgent["priority"] = json!("critical");
    let refused = app.post_as(&contact, "/api/v1/requests", &urgent).await;
    assert_eq!(field_of(problem(refused, 422).await), "priority");
    let mut for_desk = desktop_order();
    for_desk["requested_for"] = json!("desk");
    let refused = app.post_as(&contact, "/api/v1/requests", &for_desk).await;
    assert_eq!(field_of(problem(refused, 422).await), "requested_for");
    let second = json_with(
        app.post_as(&contact, "/api/v1/requests", &desktop_order())
            .await,
        201,
    )
    .await;
    let second = second["number"].as_str().expect("number").to_owned();
    let refused = act(&app, &desk, &second, "assign", &json!({"assignee": "ann"})).await;
    assert_eq!(field_of(problem(refused, 422).await), "assignee");
    json_with(
        on_tasks(&app, &desk, &second, "", &json!({"title": "Visit"})).await,
        201,
    )
    .await;
    let cancelled = acted(
        &app,
        &contact,
        &second,
        "cancel",
        &json!({"reason": "Fixed it myself"}),
    )
    .await;
    assert_eq!(
        (
            cancelled["state"].clone(),
            cancelled["cancel_reason"].clone()
        ),
        (json!("cancelled"), json!("Fixed it myself"))
    );
    let task = json_with(
        app.get_as(&desk, &format!("/api/v1/requests/{second}/tasks/1"))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (task["state"].clone(), task["notes"].clone()),
        (json!("cancelled"), json!("Fixed it myself"))
    );

    // Another customer's contact does not see it; the desk lists it by "me" filters.
    app.customer("globex").await;
    let stranger = app
        .user_with("gus", &[("customer", Some("customer:globex"))])
        .await;
    problem(
        app.get_as(&stranger, &format!("/api/v1/requests/{number}"))
            .await,
        404,
    )
    .await;
    let theirs = json_with(app.get_as(&stranger, "/api/v1/requests").await, 200).await;
    assert_eq!(theirs["items"], json!([]));
    let mine = json_with(
        app.get_as(&contact, "/api/v1/requests?requested_by=me&state=closed")
            .await,
        200,
    )
    .await;
    assert_eq!(mine["items"][0]["number"], json!(number));
}

/// Puts an orderable entry `code` for the seed service desktop-om with `approval`, and
/// publishes the catalogue so it can be ordered.
async fn publish_entry_with(app: &TestApp, dept: &str, code: &str, approval: Value) {
    let entry = json!({
        "service": "desktop-om",
        "view": "business",
        "name": {"en": "Laptop", "zh": "筆記本電腦"},
        "request_form": {"fields": [
            {"key": "model", "type": "choice", "label": {"en": "Model"}, "required": true,
             "options": [{"value": "small", "label": {"en": "13 inch"}}, {"value": "large", "label": {"en": "15 inch"}}]},
            {"key": "for_user", "type": "user", "label": {"en": "Who will use it"}}
        ]},
        "approval": approval
    });
    let put = app
        .request_as(
            dept,
            Method::PUT,
            &format!("/api/v1/catalogue/entries/{code}"),
        )
        .json(&entry)
        .send()
        .await
        .expect("request sent");
    json_with(put, 201).await;
    json_with(
        app.post_as(dept, "/api/v1/catalogue/versions", &json!({}))
            .await,
        201,
    )
    .await;
}

/// A laptop ordered by the bootstrap administrator for practitioner bob, who must approve it:
/// REQ0000001, awaiting approval (for tests of what others do with approvals).
pub(crate) async fn awaiting_bobs_approval(app: &TestApp) -> Value {
    let dept = app
        .user_with("dept", &[("service_dept_manager", None)])
        .await;
    app.user_with("bob", &[("practitioner", None)]).await;
    publish_entry_with(
        app,
        &dept,
        "laptop",
        json!({"rule": "all", "approvers": [{"user": "bob"}]}),
    )
    .await;
    let ordered = json_with(
        app.post(
            "/api/v1/requests",
            &json!({"item": "laptop", "answers": {"model": "small", "for_user": "bob"}}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(ordered["state"], "awaiting_approval");
    ordered
}

#[tokio::test]
async fn approvers_by_role_and_by_name_decide_under_all_and_any() {
    let app = TestApp::spawn().await;
    let dept = app
        .user_with("dept", &[("service_dept_manager", None)])
        .await;
    let manager = app
        .user_with("mia", &[("service_dept_manager", None)])
        .await;
    let bob = app.user_with("bob", &[("practitioner", None)]).await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let both = app
        .user_with(
            "max",
            &[("service_desk", None), ("service_dept_manager", None)],
        )
        .await;
    publish_entry_with(
        &app,
        &dept,
        "laptop",
        json!({"rule": "all", "approvers": [{"role": "service_dept_manager"}, {"user": "bob"}]}),
    )
    .await;
    let answers = json!({"model": "small", "for_user": "bob"});
    let ordered = json_with(
        app.post_as(
            &both,
            "/api/v1/requests",
            &json!({"item": "laptop", "answers": answers}),
        )
        .await,
        201,
    )
    .await;
    let number = ordered["number"].as_str().expect("number").to_owned();
    assert_eq!(ordered["state"], "awaiting_approval");
    assert_eq!(ordered["approval_rule"], "all");
    assert_eq!(ordered["approvals"][1]["approver"], json!({"user": "bob"}));
    assert_eq!(ordered["allowed_actions"], json!(["cancel"]));

    // Not an approver; the orderer, though holding the role; an action before approval.
    let refused = problem(act(&app, &desk, &number, "approve", &json!({})).await, 403).await;
    assert_eq!(refused["authority"], "approver");
    assert!(
        refused["detail"]
            .as_str()
            .expect("detail")
            .contains("user bob"),
        "{refused}"
    );
    let own = problem(act(&app, &both, &number, "approve", &json!({})).await, 403).await;
    assert!(
        own["detail"]
            .as_str()
            .expect("detail")
            .contains("ordered by or for you"),
        "{own}"
    );
    problem(
        act(&app, &desk, &number, "assign", &json!({"assignee": "desk"})).await,
        409,
    )
    .await;

    // The approver by role reads it and finds it awaiting their decision.
    let awaiting = json_with(
        app.get_as(&manager, "/api/v1/requests?approver=me").await,
        200,
    )
    .await;
    assert_eq!(awaiting["items"][0]["number"], json!(number));
    problem(
        app.get_as(&manager, "/api/v1/requests?approver=you").await,
        400,
    )
    .await;
    let half = acted(
        &app,
        &manager,
        &number,
        "approve",
        &json!({"reason": "budget agreed"}),
    )
    .await;
    assert_eq!(half["state"], "awaiting_approval");
    assert_eq!(half["approvals"][0]["decided_by"], "mia");
    let twice = problem(
        act(&app, &manager, &number, "approve", &json!({})).await,
        409,
    )
    .await;
    assert!(
        twice["detail"]
            .as_str()
            .expect("detail")
            .contains("already approved"),
        "{twice}"
    );
    let empty = json_with(
        app.get_as(&manager, "/api/v1/requests?approver=me").await,
        200,
    )
    .await;
    assert_eq!(empty["items"], json!([]));
    let approved = acted(&app, &bob, &number, "approve", &json!({})).await;
    assert_eq!(approved["state"], "submitted");
    assert!(approved["approved_at"].is_string());
    problem(
        act(&app, &bob, &number, "reject", &json!({"reason": "late"})).await,
        409,
    )
    .await;

    // bob approves laptops, so he cannot order one for himself: nobody could decide it.
    let refused = app
        .post_as(
            &bob,
            "/api/v1/requests",
            &json!({"item": "laptop", "answers": {"model": "small"}}),
        )
        .await;
    let refused = problem(refused, 422).await;
    assert_eq!(refused["errors"][0]["field"], "item");

    // A rejection needs a reason and, under `all`, ends the order at once.
    let second = json_with(
        app.post_as(
            &desk,
            "/api/v1/requests",
            &json!({"item": "laptop", "answers": {"model": "large"}}),
        )
        .await,
        201,
    )
    .await;
    let second = second["number"].as_str().expect("number").to_owned();
    let no_reason = problem(act(&app, &bob, &second, "reject", &json!({})).await, 422).await;
    assert_eq!(no_reason["errors"][0]["field"], "reason");
    let rejected = acted(
        &app,
        &bob,
        &second,
        "reject",
        &json!({"reason": "13 inch is the standard"}),
    )
    .await;
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(
        rejected["approvals"][1]["reason"],
        "13 inch is the standard"
    );

    // The seed item key-applications: any one holder of the role approves.
    let any = json_with(
        app.post_as(
            &desk,
            "/api/v1/requests",
            &json!({"item": "key-applications", "priority": "high", "answers": {
                "application": "Payroll", "environment": "test", "details": "A test environment for the upgrade",
                "go_live_date": "2999-01-01"}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(any["errors"][0]["field"], "answers.go_live_date");
    let in_ten_days = (chrono::Utc::now().date_naive() + chrono::Days::new(10)).to_string();
    let any = json_with(
        app.post_as(
            &desk,
            "/api/v1/requests",
            &json!({"item": "key-applications", "priority": "high", "answers": {
                "application": "Payroll", "environment": "test", "details": "A test environment for the upgrade",
                "go_live_date": in_ten_days}}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        (any["approval_rule"].clone(), any["priority"].clone()),
        (json!("any"), json!("high"))
    );
    let number = any["number"].as_str().expect("number").to_owned();
    let approved = acted(&app, &manager, &number, "approve", &json!({})).await;
    assert_eq!(approved["state"], "submitted");
    assert_eq!(approved["approvals"][0]["decision"], "approved");
}

#[tokio::test]
async fn bad_orders_are_refused_by_field_and_store_nothing() {
    let app = TestApp::spawn().await;
    let dept = app
        .user_with("dept", &[("service_dept_manager", None)])
        .await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let order =
        async |body: Value| problem(app.post_as(&desk, "/api/v1/requests", &body).await, 422).await;
    let field_of = |p: &Value| {
        p["errors"][0]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let message_of = |p: &Value| {
        p["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };

    let unknown = order(json!({"item": "nothing-here"})).await;
    assert_eq!(
        (field_of(&unknown), message_of(&unknown)),
        (
            "item".to_owned(),
            "there is no catalogue item nothing-here".to_owned()
        )
    );
    let not_orderable = order(json!({"item": "hotline"})).await;
    assert!(
        message_of(&not_orderable).contains("cannot be ordered"),
        "{not_orderable}"
    );
    // Written to the working copy but not yet published.
    let put = app
        .request_as(&dept, Method::PUT, "/api/v1/catalogue/entries/draft-item")
        .json(&json!({"service": "hotline", "view": "business", "name": {"en": "Draft"},
            "request_form": {"fields": [{"key": "what", "type": "text", "label": {"en": "What"}}]}}))
        .send()
        .await
        .expect("request sent");
    json_with(put, 201).await;
    let unpublished = order(json!({"item": "draft-item"})).await;
    assert!(
        message_of(&unpublished).contains("not in the published catalogue"),
        "{unpublished}"
    );

    let answers = order(json!({"item": "desktop-om", "answers": {"problem_type": "coffee", "description": "short", "colour": "red"}})).await;
    let fields: Vec<&str> = answers["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        fields,
        [
            "answers.colour",
            "answers.problem_type",
            "answers.description"
        ]
    );
    let missing =
        order(json!({"item": "desktop-om", "answers": {"description": "Nothing prints at all"}}))
            .await;
    assert_eq!(field_of(&missing), "answers.problem_type");
    let mut nobody = desktop_order();
    nobody["requested_for"] = json!("ghost");
    assert_eq!(field_of(&order(nobody).await), "requested_for");
    let mut bad_priority = desktop_order();
    bad_priority["priority"] = json!("urgent");
    assert_eq!(field_of(&order(bad_priority).await), "priority");

    // Once its service is retired, a published item can no longer be ordered.
    let owner = app
        .user_with("olga", &[("service_owner", Some("service:desktop-om"))])
        .await;
    json_with(
        app.post_as(
            &owner,
            "/api/v1/services/desktop-om/retire",
            &json!({"reason": "outsourced"}),
        )
        .await,
        200,
    )
    .await;
    let retired = order(desktop_order()).await;
    assert_eq!(
        (field_of(&retired), message_of(&retired)),
        (
            "item".to_owned(),
            "service desktop-om is retired".to_owned()
        )
    );

    let listed = json_with(app.get_as(&desk, "/api/v1/requests").await, 200).await;
    assert_eq!(listed["items"], json!([]));
}
