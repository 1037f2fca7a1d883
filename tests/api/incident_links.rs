//! Links between incidents and other records through the host: duplicates point at their
//! original, causes never run in a circle, targets must exist (or, for records this project does
//! not keep yet, be well formed), both ends see the link, and every link and unlink is audited.

use itsm_api_tests::{TestApp, incident, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

async fn link(
    app: &TestApp,
    number: &str,
    relation: &str,
    kind: &str,
    target: &str,
) -> reqwest::Response {
    let body = json!({"relation": relation, "target_kind": kind, "target": target});
    app.post(&format!("/api/v1/incidents/{number}/links"), &body)
        .await
}

async fn links_of(app: &TestApp, number: &str) -> Vec<(String, String, bool)> {
    let listed = json_with(
        app.get(&format!("/api/v1/incidents/{number}/links")).await,
        200,
    )
    .await;
    listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|l| {
            (
                text(&l["relation"]),
                text(&l["target"]),
                l["outgoing"] == true,
            )
        })
        .collect()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn incidents_link_to_originals_causes_changes_and_services() {
    let app = TestApp::spawn().await;
    let mut numbers = Vec::new();
    for n in 1..=3 {
        numbers.push(text(
            &app.create_incident(&incident(&format!("Mail bounces {n}")))
                .await["number"],
        ));
    }
    let [one, two, three] = [&numbers[0], &numbers[1], &numbers[2]];

    // A duplicate, written however the caller types the number, is seen from both ends.
    let made = json_with(
        link(&app, two, "duplicate_of", "incident", "inc1").await,
        201,
    )
    .await;
    assert_eq!(made["target"], one.as_str());
    assert_eq!(
        links_of(&app, one).await,
        [("duplicated_by".to_owned(), two.clone(), false)]
    );
    // Duplicates point at the original; an original does not become a duplicate; one each.
    let refused = problem(
        link(&app, three, "duplicate_of", "incident", two).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "target");
    assert!(
        refused["detail"]
            .as_str()
            .expect("detail")
            .contains(one.as_str()),
        "{refused}"
    );
    problem(
        link(&app, one, "duplicate_of", "incident", three).await,
        409,
    )
    .await;
    problem(
        link(&app, two, "duplicate_of", "incident", three).await,
        409,
    )
    .await;
    // Nor to itself, nor to an incident that does not exist.
    for target in [two.as_str(), "INC0000099"] {
        let refused = problem(link(&app, two, "related_to", "incident", target).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], "target");
    }

    // Causes: 1 caused by 3, so 3 cannot be caused by 1.
    json_with(link(&app, one, "caused_by", "incident", three).await, 201).await;
    let circle = problem(link(&app, three, "caused_by", "incident", one).await, 422).await;
    assert!(
        circle["detail"]
            .as_str()
            .expect("detail")
            .contains("circle"),
        "{circle}"
    );
    // Changes are referenced by number; services must be in the catalogue.
    json_with(link(&app, one, "caused_by", "change", "chg7").await, 201).await;
    json_with(link(&app, one, "affects", "service", "lan-om").await, 201).await;
    for (relation, kind, target, field) in [
        ("caused_by", "change", "change seven", "target"),
        ("affects", "service", "no-such-service", "target"),
        ("caused_by", "problem", "PRB0000001", "target_kind"),
        ("duplicate_of", "change", "CHG0000001", "target_kind"),
        ("owns", "incident", "INC0000001", "relation"),
    ] {
        let refused = problem(link(&app, one, relation, kind, target).await, 422).await;
        assert_eq!(
            refused["errors"][0]["field"], field,
            "{relation} {kind} {target}: {refused}"
        );
    }
    problem(link(&app, one, "affects", "service", "lan-om").await, 409).await;
    assert_eq!(
        links_of(&app, one).await,
        [
            ("duplicated_by".to_owned(), two.clone(), false),
            ("caused_by".to_owned(), three.clone(), true),
            ("caused_by".to_owned(), "CHG0000007".to_owned(), true),
            ("affects".to_owned(), "lan-om".to_owned(), true),
        ]
    );
    assert_eq!(
        links_of(&app, three).await,
        [("causes".to_owned(), one.clone(), false)]
    );

    // Only the source removes a link; removing is audited like adding.
    let listed = json_with(
        app.get(&format!("/api/v1/incidents/{one}/links")).await,
        200,
    )
    .await;
    let incoming = listed["items"][0]["id"].as_i64().expect("id");
    let own = listed["items"][3]["id"].as_i64().expect("id");
    let delete = |number: &str, link: i64| {
        app.request(
            Method::DELETE,
            &format!("/api/v1/incidents/{number}/links/{link}"),
        )
        .send()
    };
    problem(delete(one, incoming).await.expect("sent"), 404).await;
    assert_eq!(delete(one, own).await.expect("sent").status(), 204);
    problem(delete(one, own).await.expect("sent"), 404).await;
    assert_eq!(links_of(&app, one).await.len(), 3);
    let history = json_with(
        app.get(&format!("/api/v1/incidents/{one}/history")).await,
        200,
    )
    .await;
    let actions: Vec<String> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| text(&e["action"]))
        .collect();
    assert_eq!(actions, ["create", "link", "link", "link", "unlink"]);
}

#[tokio::test]
async fn only_those_handling_incidents_link_them() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let contact = app
        .user_with("ann", &[("customer", Some("customer:acme"))])
        .await;
    let mut body = incident("VPN drops");
    body["customer"] = json!("acme");
    let number = text(
        &json_with(app.post_as(&contact, "/api/v1/incidents", &body).await, 201).await["number"],
    );
    let other = text(&app.create_incident(&incident("VPN drops too")).await["number"]);
    let request = json!({"relation": "related_to", "target_kind": "incident", "target": other});
    let refused = problem(
        app.post_as(
            &contact,
            &format!("/api/v1/incidents/{number}/links"),
            &request,
        )
        .await,
        403,
    )
    .await;
    assert_eq!(refused["authority"], "incident.write");
    // The contact still reads the links of their own incident.
    json_with(
        app.get_as(&contact, &format!("/api/v1/incidents/{number}/links"))
            .await,
        200,
    )
    .await;
}
