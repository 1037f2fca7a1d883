//! The identity component through the host: role grants with their rules (unknown roles, scopes,
//! self-escalation, reserved roles), history, re-evaluation, revocation and notifications; API
//! tokens shown once, revoked, expired and audited; customers and process tailoring; and the
//! rate limit.

use itsm_api_tests::{TestApp, json_of, problem};
use serde_json::{Value, json};

#[tokio::test]
async fn bad_grants_are_refused_clearly_recorded_and_change_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.user_with("ada-admin", &[("admin", None)]).await;
    let owner = app
        .user_with("owen-owner", &[("process_owner", Some("process:change"))])
        .await;
    app.user_with("bob", &[]).await;
    let grant = |token: String, user: &'static str, body: Value| {
        let app = &app;
        async move {
            app.post_as(&token, &format!("/api/v1/users/{user}/roles"), &body)
                .await
        }
    };

    let unknown = problem(
        grant(
            admin.clone(),
            "bob",
            json!({ "role": "wizard", "reason": "r" }),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(unknown["errors"][0]["field"], "role");
    assert!(
        unknown["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("change_manager")
    );
    let unscoped = problem(
        grant(
            admin.clone(),
            "bob",
            json!({ "role": "service_owner", "reason": "r" }),
        )
        .await,
        422,
    )
    .await;
    assert!(
        unscoped["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("needs a service scope"),
        "{unscoped}"
    );
    let no_customer = grant(
        admin.clone(),
        "bob",
        json!({ "role": "customer", "scope": { "kind": "customer", "key": "nobody" }, "reason": "r" }),
    )
    .await;
    assert_eq!(
        problem(no_customer, 422).await["errors"][0]["field"],
        "scope"
    );

    let myself = problem(
        grant(
            admin.clone(),
            "ada-admin",
            json!({ "role": "slm", "reason": "r" }),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(myself["authority"], "role.grant");
    assert!(
        myself["detail"].as_str().expect("detail").contains("own"),
        "{myself}"
    );
    let reserved = grant(
        admin.clone(),
        "bob",
        json!({ "role": "top_management", "reason": "r" }),
    )
    .await;
    assert!(
        problem(reserved, 403).await["detail"]
            .as_str()
            .expect("d")
            .contains("only top management")
    );
    let outside = grant(
        owner.clone(),
        "bob",
        json!({ "role": "process_manager", "scope": { "kind": "process", "key": "problem" }, "reason": "r" }),
    )
    .await;
    assert!(
        problem(outside, 403).await["detail"]
            .as_str()
            .expect("d")
            .contains("outside")
    );
    let within = grant(
        owner.clone(),
        "bob",
        json!({ "role": "process_manager", "scope": { "kind": "process", "key": "change" }, "reason": "appointed" }),
    )
    .await;
    assert_eq!(within.status(), 201);

    let roles = json_of(app.get("/api/v1/users/bob/roles").await).await;
    let held: Vec<&str> = roles["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["role"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        held,
        ["process_manager"],
        "only the allowed grant was stored"
    );
    let refused = json_of(
        app.get("/api/v1/audit-entries?action=role.grant.refused")
            .await,
    )
    .await;
    assert_eq!(
        refused["items"].as_array().expect("items").len(),
        3,
        "{refused}"
    );
    let denied = json_of(app.get("/api/v1/audit-entries?action=access.denied").await).await;
    assert_eq!(
        denied["items"].as_array().expect("items").len(),
        3,
        "{denied}"
    );
}

#[tokio::test]
async fn an_assignment_keeps_its_history_is_reevaluated_revoked_and_told_to_its_holder() {
    let app = TestApp::spawn().await;
    let ann = app.user_with("ann", &[]).await;
    let granted = app
        .post(
            "/api/v1/users/ann/roles",
            &json!({ "role": "slm", "reason": "joins the SLM team", "valid_until": "2099-01-01T00:00:00+08:00" }),
        )
        .await;
    assert_eq!(granted.status(), 201);
    let granted = json_of(granted).await;
    assert_eq!(granted["valid_until"], "2098-12-31T16:00:00.000Z");
    assert_eq!(granted["state"], "live");
    assert_eq!(granted["granted_by"], "bootstrap-admin");
    let id = granted["id"].clone();
    let again = app
        .post(
            "/api/v1/users/ann/roles",
            &json!({ "role": "slm", "reason": "twice" }),
        )
        .await;
    problem(again, 409).await;
    let me = json_of(app.get_as(&ann, "/api/v1/me").await).await;
    assert!(
        me["authorities"]
            .as_array()
            .expect("list")
            .iter()
            .any(|a| a["authority"] == "sla.write")
    );

    let reevaluated = app
        .post(
            &format!("/api/v1/role-assignments/{id}/reevaluate"),
            &json!({ "reason": "still in the team", "reevaluate_by": "2030-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(
        json_of(reevaluated).await["reevaluate_by"],
        "2030-01-01T00:00:00.000Z"
    );
    let due = json_of(
        app.get("/api/v1/role-assignments?reevaluation_due_before=2031-01-01T00:00:00Z")
            .await,
    )
    .await;
    assert_eq!(due["items"].as_array().expect("items").len(), 1);
    let revoked = app
        .post(
            &format!("/api/v1/role-assignments/{id}/revoke"),
            &json!({ "reason": "left the team" }),
        )
        .await;
    assert_eq!(json_of(revoked).await["state"], "revoked");
    let denied = json_of(app.get_as(&ann, "/api/v1/me/permissions/sla.write").await).await;
    assert_eq!(denied["allowed"], false);

    let history = json_of(
        app.get(&format!("/api/v1/role-assignments/{id}/history"))
            .await,
    )
    .await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(actions, ["grant", "reevaluate", "revoke"]);
    let all = json_of(app.get("/api/v1/users/ann/roles?include=history").await).await;
    assert_eq!(all["items"][0]["revoke_reason"], "left the team");
    let notes = json_of(app.get_as(&ann, "/api/v1/me/notifications").await).await;
    let kinds: Vec<&str> = notes["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| n["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(kinds, ["role_revoked", "role_reevaluated", "role_granted"]);
}

#[tokio::test]
async fn tokens_are_shown_once_expire_and_stop_working_when_revoked() {
    let app = TestApp::spawn().await;
    let ann = app.user_with("ann", &[("service_desk", None)]).await;
    let bob = app.user_with("bob", &[("service_desk", None)]).await;
    let created = app
        .post_as(&ann, "/api/v1/tokens", &json!({ "label": "laptop" }))
        .await;
    assert_eq!(created.status(), 201);
    let created = json_of(created).await;
    let secret = created["token"].as_str().expect("shown once").to_owned();
    assert!(secret.starts_with("itsm_"));
    assert_eq!(app.get_as(&secret, "/api/v1/me").await.status(), 200);
    let listed = json_of(app.get_as(&ann, "/api/v1/tokens").await).await;
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never listed"
    );
    assert_eq!(listed["items"].as_array().expect("items").len(), 2);

    let revoke = format!("/api/v1/tokens/{}/revoke", created["id"]);
    problem(app.post_as(&bob, &revoke, &json!({})).await, 404).await;
    problem(app.get_as(&bob, "/api/v1/tokens?user=ann").await, 403).await;
    assert_eq!(app.post_as(&ann, &revoke, &json!({})).await.status(), 200);
    let refused = problem(app.get_as(&secret, "/api/v1/me").await, 401).await;
    assert!(
        refused["detail"]
            .as_str()
            .expect("detail")
            .contains("revoked")
    );
    let audit = json_of(app.get("/api/v1/audit-entries?action=token.refused").await).await;
    assert_eq!(audit["items"][0]["actor"], "ann");

    let too_late = app
        .post_as(
            &ann,
            "/api/v1/tokens",
            &json!({ "label": "x", "expires_at": "2020-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(
        problem(too_late, 422).await["errors"][0]["field"],
        "expires_at"
    );
    let expiring = json_of(
        app.post_as(&ann, "/api/v1/tokens", &json!({ "label": "soon" }))
            .await,
    )
    .await;
    let soon = expiring["token"].as_str().expect("token").to_owned();
    let db = rusqlite::Connection::open(app.sqlite_path()).expect("open the database");
    db.execute(
        "UPDATE api_token SET expires_at = '2020-01-01T00:00:00.000Z' WHERE token_id = ?1",
        [expiring["id"].as_i64().expect("id")],
    )
    .expect("age the token");
    let expired = problem(app.get_as(&soon, "/api/v1/me").await, 401).await;
    assert!(
        expired["detail"]
            .as_str()
            .expect("detail")
            .contains("expired")
    );

    let deactivated = app
        .request_as(
            itsm_api_tests::BOOTSTRAP_TOKEN,
            reqwest::Method::PATCH,
            "/api/v1/users/bob",
        )
        .json(&json!({ "active": false }))
        .send()
        .await
        .expect("sent");
    assert_eq!(deactivated.status(), 200);
    problem(app.get_as(&bob, "/api/v1/me").await, 401).await;
}

#[tokio::test]
async fn processes_are_tailored_per_customer_by_the_service_department_manager() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let manager = app
        .user_with("dora-sdm", &[("service_dept_manager", None)])
        .await;
    let desk = app.user_with("sam-desk", &[("service_desk", None)]).await;
    let off = json!({ "enabled": false, "reason": "the contract leaves problem management out" });
    let path = "/api/v1/customers/acme/processes";
    let refused = app
        .request_as(&desk, reqwest::Method::PUT, &format!("{path}/problem"))
        .json(&off)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        problem(refused, 403).await["authority"],
        "contract.processes.set"
    );
    let mandatory = app
        .request_as(&manager, reqwest::Method::PUT, &format!("{path}/incident"))
        .json(&off)
        .send()
        .await
        .expect("sent");
    assert!(
        problem(mandatory, 422).await["detail"]
            .as_str()
            .expect("d")
            .contains("mandatory")
    );
    let switched = app
        .request_as(&manager, reqwest::Method::PUT, &format!("{path}/problem"))
        .json(&off)
        .send()
        .await
        .expect("sent");
    assert_eq!(switched.status(), 200);
    let listed = json_of(app.get_as(&desk, path).await).await;
    let state = |name: &str| {
        listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|p| p["process"] == name)
            .cloned()
            .expect("listed")
    };
    assert_eq!(state("problem")["enabled"], false);
    assert_eq!(state("problem")["decided_by"], "dora-sdm");
    assert_eq!(state("incident")["enabled"], true);
    assert_eq!(state("incident")["tailoring"], "mandatory");
    problem(
        app.get_as(&desk, "/api/v1/customers/nobody/processes")
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_burst_beyond_the_rate_limit_gets_429_with_retry_after() {
    let app =
        TestApp::spawn_with(&[("rate_limit_per_minute", "60"), ("rate_limit_burst", "5")]).await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let response = app.get("/api/v1/me").await;
        assert!(response.headers().contains_key("ratelimit-policy"));
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
            assert!(
                response.headers()["ratelimit"]
                    .to_str()
                    .expect("text")
                    .contains("r=0")
            );
            let body = problem(response, 429).await;
            assert_eq!(body["type"], "urn:itsm:problem:rate-limited");
        }
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    let other = app.get_as("another-token", "/api/v1/me").await;
    assert_eq!(other.status(), 401, "another token has its own bucket");
}
