//! Information security incidents through the host: seen only by the security team and by whoever
//! reported them or is their caller; handled by the security team; anyone handling an incident
//! may mark it, only the security team takes the mark off. To everyone else they do not exist.

use itsm_api_tests::{TestApp, incident, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

async fn numbers(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let page = json_with(
        app.get_as(token, &format!("/api/v1/incidents{query}"))
            .await,
        200,
    )
    .await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["number"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn patch(app: &TestApp, token: &str, number: &str, body: Value) -> reqwest::Response {
    app.request_as(token, Method::PATCH, &format!("/api/v1/incidents/{number}"))
        .json(&body)
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn security_incidents_are_for_the_security_team_and_their_reporter_alone() {
    let app = TestApp::spawn().await;
    let reporter = app.user_with("rita", &[("practitioner", None)]).await;
    let colleague = app.user_with("carl", &[("practitioner", None)]).await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let security = app.user_with("sec", &[("security_manager", None)]).await;
    let mut body = incident("Phishing mail asked for passwords");
    body["security"] = json!(true);
    let created = json_with(
        app.post_as(&reporter, "/api/v1/incidents", &body).await,
        201,
    )
    .await;
    let secret = created["number"].as_str().expect("number").to_owned();
    // Recorded by a colleague, so that the desk is not one of its parties.
    let plain = json_with(
        app.post_as(&colleague, "/api/v1/incidents", &incident("Slow wifi"))
            .await,
        201,
    )
    .await;
    let plain = plain["number"].as_str().expect("number").to_owned();

    for (token, sees) in [
        (&reporter, true),
        (&security, true),
        (&desk, false),
        (&colleague, false),
    ] {
        let status = app
            .get_as(token, &format!("/api/v1/incidents/{secret}"))
            .await
            .status();
        assert_eq!(status, if sees { 200 } else { 404 });
        let listed = numbers(&app, token, "").await;
        assert_eq!(listed.contains(&secret), sees, "{listed:?}");
        assert!(listed.contains(&plain));
    }
    assert_eq!(
        numbers(&app, &security, "?security=true").await,
        std::slice::from_ref(&secret)
    );
    // Invisible means untouchable, even for those who handle other incidents.
    problem(
        patch(&app, &desk, &secret, json!({"urgency": "low"})).await,
        404,
    )
    .await;
    problem(
        app.post_as(
            &desk,
            &format!("/api/v1/incidents/{secret}/work-notes"),
            &json!({"body": "peek"}),
        )
        .await,
        404,
    )
    .await;
    // The security team handles it, without the desk's authority; the reporter does not.
    let refused = problem(
        patch(&app, &reporter, &secret, json!({"urgency": "low"})).await,
        403,
    )
    .await;
    assert_eq!(refused["authority"], "incident.security");
    json_with(
        app.post_as(
            &security,
            &format!("/api/v1/incidents/{secret}/start"),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    json_with(
        app.post_as(
            &security,
            &format!("/api/v1/incidents/{secret}/work-notes"),
            &json!({"body": "Blocked the sender"}),
        )
        .await,
        201,
    )
    .await;
    let resolve = json!({"resolution_code": "solved_permanently", "resolution_notes": "Sender blocked, passwords reset"});
    json_with(
        app.post_as(
            &security,
            &format!("/api/v1/incidents/{secret}/resolve"),
            &resolve,
        )
        .await,
        200,
    )
    .await;
    // Its reporter follows the comments, not the security team's work notes.
    let notes = format!("/api/v1/incidents/{secret}/work-notes");
    problem(app.get_as(&reporter, &notes).await, 403).await;
    json_with(app.get_as(&security, &notes).await, 200).await;
    let history = json_with(
        app.get_as(&reporter, &format!("/api/v1/incidents/{secret}/history"))
            .await,
        200,
    )
    .await;
    assert!(
        !history.to_string().contains("Blocked the sender"),
        "{history}"
    );
    let confirmed = json_with(
        app.post_as(
            &reporter,
            &format!("/api/v1/incidents/{secret}/confirm"),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(confirmed["closure"], "caller_confirmed");

    // A link from the security incident does not show its number to those who may not see it.
    let link = json!({"relation": "related_to", "target_kind": "incident", "target": plain});
    json_with(
        app.post_as(
            &security,
            &format!("/api/v1/incidents/{secret}/links"),
            &link,
        )
        .await,
        201,
    )
    .await;
    let links = format!("/api/v1/incidents/{plain}/links");
    let seen = json_with(app.get_as(&security, &links).await, 200).await;
    assert_eq!(seen["items"][0]["target"], secret.as_str());
    let seen = json_with(app.get_as(&desk, &links).await, 200).await;
    assert_eq!(seen["items"], json!([]));

    // The desk marks an incident; from then on it is the security team's, who alone unmark it.
    let marked = json_with(
        patch(&app, &desk, &plain, json!({"security": true})).await,
        200,
    )
    .await;
    assert_eq!(marked["security"], true);
    problem(
        app.get_as(&desk, &format!("/api/v1/incidents/{plain}"))
            .await,
        404,
    )
    .await;
    let unmarked = json_with(
        patch(&app, &security, &plain, json!({"security": false})).await,
        200,
    )
    .await;
    assert_eq!(unmarked["security"], false);
    json_with(
        app.get_as(&desk, &format!("/api/v1/incidents/{plain}"))
            .await,
        200,
    )
    .await;
}
