//! The authorisation policy through the host: every authority of the §3.4 matrix allowed for each
//! role that holds it and denied for every other, scoped roles limited to their scope, customer
//! contacts limited to their own organisation, auditors unable to write, and the published
//! responsibility matrix.

use itsm_api_tests::{TestApp, incident, problem};
use itsm_domain::access::{AUTHORITIES, Role, ScopeKind};
use serde_json::{Value, json};

/// A sample scope of the role's kind, as `kind:key`, and the query naming it as a record's context.
fn sample_scope(role: Role) -> (Option<&'static str>, &'static str) {
    match role.scope_kind() {
        None => (None, ""),
        Some(ScopeKind::Process) => (Some("process:incident"), "?process=incident"),
        Some(ScopeKind::Service) => (Some("service:hotline"), "?service=hotline"),
        Some(ScopeKind::Customer) => (Some("customer:acme"), "?customer=acme"),
    }
}

#[tokio::test]
async fn every_authority_is_allowed_for_its_roles_and_denied_for_every_other_role() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let mut checked = 0;
    for role in Role::ALL {
        let (scope, context) = sample_scope(*role);
        let token = app
            .user_with(
                &format!("holder-{}", role.as_str().replace('_', "-")),
                &[(role.as_str(), scope)],
            )
            .await;
        for authority in AUTHORITIES {
            let answer: Value = app
                .get_as(
                    &token,
                    &format!("/api/v1/me/permissions/{}{context}", authority.name),
                )
                .await
                .json()
                .await
                .expect("json");
            assert_eq!(
                answer["allowed"],
                json!(authority.holders.contains(role)),
                "{} for {role}: {answer}",
                authority.name
            );
            checked += 1;
        }
    }
    assert_eq!(checked, AUTHORITIES.len() * Role::ALL.len());
}

#[tokio::test]
async fn scoped_roles_act_only_within_their_scope() {
    let app = TestApp::spawn().await;
    let incident_owner = app
        .user_with(
            "owner-incident",
            &[("process_owner", Some("process:incident"))],
        )
        .await;
    let problem_owner = app
        .user_with(
            "owner-problem",
            &[("process_owner", Some("process:problem"))],
        )
        .await;
    let matrix: Value = app
        .get("/api/v1/incidents/priority-matrix")
        .await
        .json()
        .await
        .expect("matrix");
    let put = |token: String| {
        let (app, matrix) = (&app, matrix.clone());
        async move {
            app.request_as(
                &token,
                reqwest::Method::PUT,
                "/api/v1/incidents/priority-matrix",
            )
            .json(&matrix)
            .send()
            .await
            .expect("sent")
        }
    };
    assert_eq!(put(incident_owner).await.status(), 200);
    let refused = problem(put(problem_owner).await, 403).await;
    assert_eq!(refused["authority"], "process.configure");
    assert!(
        refused["detail"]
            .as_str()
            .expect("detail")
            .contains("process:incident"),
        "{refused}"
    );
    let hotline_owner = app
        .user_with(
            "owner-hotline",
            &[("service_owner", Some("service:hotline"))],
        )
        .await;
    let check = |query: &'static str| {
        let (app, token) = (&app, hotline_owner.clone());
        async move {
            app.get_as(
                &token,
                &format!("/api/v1/me/permissions/change.approve{query}"),
            )
            .await
            .json::<Value>()
            .await
            .expect("json")["allowed"]
                .clone()
        }
    };
    assert_eq!(check("?service=hotline").await, true);
    assert_eq!(check("?service=web").await, false);
    assert_eq!(check("").await, false);
}

#[tokio::test]
async fn a_customer_contact_sees_only_their_own_organisations_incidents() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    app.customer("globex").await;
    let acme = app
        .user_with("cat-acme", &[("customer", Some("customer:acme"))])
        .await;
    let globex = app
        .user_with("gus-globex", &[("customer", Some("customer:globex"))])
        .await;
    let desk = app.user_with("sam-desk", &[("service_desk", None)]).await;

    let reported = app
        .post_as(&acme, "/api/v1/incidents", &incident("Printer on fire"))
        .await;
    assert_eq!(reported.status(), 201);
    let reported: Value = reported.json().await.expect("json");
    assert_eq!(
        reported["customer"], "acme",
        "a contact reports for their own organisation"
    );
    let path = format!(
        "/api/v1/incidents/{}",
        reported["number"].as_str().expect("number")
    );
    let staff = app
        .post_as(
            &desk,
            "/api/v1/incidents",
            &for_customer("VPN down", "globex"),
        )
        .await;
    assert_eq!(staff.status(), 201);

    assert_eq!(app.get_as(&acme, &path).await.status(), 200);
    problem(app.get_as(&globex, &path).await, 404).await;
    problem(app.get_as(&globex, &format!("{path}/history")).await, 404).await;
    assert_eq!(app.get_as(&desk, &path).await.status(), 200);

    let listed = |token: String| {
        let app = &app;
        async move {
            let page: Value = app
                .get_as(&token, "/api/v1/incidents")
                .await
                .json()
                .await
                .expect("json");
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| {
                    i["short_description"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(acme.clone()).await, ["Printer on fire"]);
    assert_eq!(listed(globex.clone()).await, ["VPN down"]);
    assert_eq!(listed(desk.clone()).await.len(), 2);
    // Even asking for another customer by filter shows nothing of theirs.
    let filtered: Value = app
        .get_as(&acme, "/api/v1/incidents?customer=globex")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(filtered["items"], json!([]));

    let foreign = app
        .post_as(
            &acme,
            "/api/v1/incidents",
            &for_customer("Not mine", "globex"),
        )
        .await;
    assert_eq!(problem(foreign, 403).await["authority"], "incident.create");
    problem(app.get_as(&acme, &format!("{path}/work-notes")).await, 403).await;
    let comment = app
        .post_as(
            &acme,
            &format!("{path}/comments"),
            &json!({ "body": "Still burning" }),
        )
        .await;
    assert_eq!(comment.status(), 201);
    let resolve = app
        .post_as(&acme, &format!("{path}/start"), &json!({}))
        .await;
    assert_eq!(problem(resolve, 403).await["authority"], "incident.write");
}

/// A minimal incident for one customer.
fn for_customer(short: &str, customer: &str) -> Value {
    let mut body = incident(short);
    body["customer"] = customer.into();
    body
}

#[tokio::test]
async fn an_auditor_reads_but_never_writes() {
    let app = TestApp::spawn().await;
    let created = app.create_incident(&incident("Disk full")).await;
    let auditor = app
        .user_with("ida-auditor", &[("external_auditor", None)])
        .await;
    let path = format!("/api/v1/incidents/{}", created["id"]);
    assert_eq!(app.get_as(&auditor, &path).await.status(), 200);
    assert_eq!(
        app.get_as(&auditor, "/api/v1/audit-entries").await.status(),
        200
    );
    assert_eq!(app.get_as(&auditor, "/api/v1/users").await.status(), 200);
    let writes = [
        app.post_as(&auditor, "/api/v1/incidents", &incident("x"))
            .await,
        app.request_as(&auditor, reqwest::Method::PATCH, &path)
            .json(&json!({ "urgency": "low" }))
            .send()
            .await
            .expect("sent"),
        app.post_as(&auditor, &format!("{path}/start"), &json!({}))
            .await,
        app.post_as(
            &auditor,
            "/api/v1/customers",
            &json!({ "code": "x", "name": "X" }),
        )
        .await,
        app.post_as(
            &auditor,
            "/api/v1/users",
            &json!({ "user_name": "x", "display_name": "X" }),
        )
        .await,
    ];
    for response in writes {
        let body = problem(response, 403).await;
        assert!(body["authority"].is_string(), "{body}");
    }
    let after: Value = app.get(&path).await.json().await.expect("json");
    assert_eq!(after["version"], created["version"], "nothing changed");
    let denied: Value = app
        .get("/api/v1/audit-entries?action=access.denied&actor=ida-auditor")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        denied["items"].as_array().expect("items").len(),
        5,
        "{denied}"
    );
}

#[tokio::test]
async fn the_responsibility_matrix_is_published_as_json_and_csv() {
    let app = TestApp::spawn().await;
    let reader = app
        .user_with("rita-reader", &[("practitioner", None)])
        .await;
    let json_matrix: Value = app
        .get_as(&reader, "/api/v1/responsibility-matrix")
        .await
        .json()
        .await
        .expect("json");
    let rows = json_matrix["items"].as_array().expect("rows");
    let holders: usize = AUTHORITIES.iter().map(|a| a.holders.len()).sum();
    assert_eq!(rows.len(), holders);
    assert!(rows.contains(&json!({
        "role": "management_rep", "scope": null, "process": "service_level", "authority": "sla.approve",
        "description": "Approve an SLA before it is implemented.", "source": "[001 §2.2.4]"
    })));
    let csv = app
        .request_as(
            &reader,
            reqwest::Method::GET,
            "/api/v1/responsibility-matrix",
        )
        .header("accept", "text/csv")
        .send()
        .await
        .expect("sent");
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .expect("text")
            .starts_with("text/csv")
    );
    let text = csv.text().await.expect("text");
    assert_eq!(text.lines().count(), holders + 1);
    assert!(text.contains("\r\nproblem_manager,,problem,problem.solution.approve,"));
    let roles: Value = app
        .get_as(&reader, "/api/v1/roles/service_owner")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(roles["scope"], "service");
    assert!(
        roles["authorities"]
            .as_array()
            .expect("list")
            .contains(&json!("service.retire"))
    );
}
