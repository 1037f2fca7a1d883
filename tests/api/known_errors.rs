//! Known errors and the recurrence check: a known error recorded from a problem catches new
//! incidents whose text holds all its terms, links them to the problem and counts them; retired,
//! it catches nothing; a false match unlinked no longer counts.

use itsm_api_tests::{TestApp, incident, json_with, problem};
use serde_json::{Value, json};

async fn log_incident(app: &TestApp, token: &str, text: &str, service: &str) -> String {
    let mut body = incident(text);
    body["service"] = json!(service);
    let created = json_with(app.post_as(token, "/api/v1/incidents", &body).await, 201).await;
    created["number"].as_str().expect("number").to_owned()
}

async fn linked_numbers(app: &TestApp, token: &str, path: &str) -> Vec<(String, Value)> {
    let listed = json_with(app.get_as(token, &format!("{path}/incidents")).await, 200).await;
    listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["number"].as_str().unwrap_or_default().to_owned(),
                i["matched_known_error"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn known_errors_link_and_count_the_incidents_that_recur() {
    let app = TestApp::spawn().await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let pat = app.user_with("pat", &[("practitioner", None)]).await;
    let cm = app.user_with("cm", &[("change_manager", None)]).await;
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
    let number = created["number"].as_str().expect("number").to_owned();
    let path = format!("/api/v1/problems/{number}");
    let known = json!({"problem": number, "title": "VPN error 809", "symptom": "The VPN client stops with error 809",
                       "match_terms": ["VPN", "error 809"]});

    // A known error names a problem that exists and carries a workaround.
    let mut unknown = known.clone();
    unknown["problem"] = json!("PRB0000999");
    let refused = problem(
        app.post_as(&pat, "/api/v1/known-errors", &unknown).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "problem");
    let refused = problem(app.post_as(&pat, "/api/v1/known-errors", &known).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "workaround");
    let mut bad_terms = known.clone();
    bad_terms["match_terms"] = json!(["vpn", "VPN"]);
    let refused = problem(
        app.post_as(&pat, "/api/v1/known-errors", &bad_terms).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "match_terms");
    let mut with_workaround = known.clone();
    with_workaround["workaround"] = json!("Switch the client to IKEv2");
    problem(
        app.post_as(&desk, "/api/v1/known-errors", &with_workaround)
            .await,
        403,
    )
    .await;
    let recorded = json_with(
        app.post_as(&pat, "/api/v1/known-errors", &with_workaround)
            .await,
        201,
    )
    .await;
    assert_eq!(
        (recorded["number"].as_str(), recorded["service"].as_str()),
        (Some("KE0000001"), Some("network-om"))
    );
    assert_eq!(recorded["match_terms"], json!(["vpn", "error 809"]));

    // New incidents: only those of the service holding every term count.
    let recurring = log_incident(
        &app,
        &desk,
        "VPN: Error 809 when connecting from home",
        "network-om",
    )
    .await;
    log_incident(&app, &desk, "VPN is slow", "network-om").await;
    // A security incident is the security team's alone: never linked to the problem nor counted.
    let mut secret = incident("VPN error 809 after a phishing mail");
    secret["service"] = json!("network-om");
    secret["security"] = json!(true);
    json_with(app.post_as(&desk, "/api/v1/incidents", &secret).await, 201).await;
    log_incident(&app, &desk, "VPN error 809 on the hotline PC", "hotline").await;
    assert_eq!(
        linked_numbers(&app, &desk, &path).await,
        [(recurring.clone(), json!("KE0000001"))]
    );
    let counted = json_with(
        app.get_as(&desk, "/api/v1/known-errors/KE0000001").await,
        200,
    )
    .await;
    assert_eq!(counted["recurrences"], 1);
    let shown = json_with(app.get_as(&desk, &path).await, 200).await;
    assert_eq!(
        (
            shown["incident_count"].as_i64(),
            shown["known_errors"][0]["recurrences"].as_i64()
        ),
        (Some(1), Some(1))
    );
    let links = json_with(
        app.get_as(&desk, &format!("/api/v1/incidents/{recurring}/links"))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            links["items"][0]["relation"].as_str(),
            links["items"][0]["created_by"].as_str()
        ),
        (Some("caused_by"), Some("system"))
    );

    // A false match unlinked no longer counts; change managers read problems but do not link.
    let unlinked = app
        .request_as(
            &cm,
            reqwest::Method::DELETE,
            &format!("{path}/incidents/{recurring}"),
        )
        .send()
        .await
        .expect("sent");
    problem(unlinked, 403).await;
    let unlinked = app
        .request_as(
            &desk,
            reqwest::Method::DELETE,
            &format!("{path}/incidents/{recurring}"),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(json_with(unlinked, 200).await["incident_count"], 0);
    let counted = json_with(
        app.get_as(&desk, "/api/v1/known-errors/KE0000001").await,
        200,
    )
    .await;
    assert_eq!(counted["recurrences"], 0);

    // Retired, it catches nothing more and changes no more.
    let retired = json_with(
        app.post_as(
            &pat,
            "/api/v1/known-errors/KE0000001/retire",
            &json!({"reason": "Clients moved to IKEv2"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(retired["state"], "retired");
    log_incident(&app, &desk, "VPN error 809 once more", "network-om").await;
    assert!(linked_numbers(&app, &desk, &path).await.is_empty());
    problem(
        app.post_as(
            &pat,
            "/api/v1/known-errors/KE0000001/retire",
            &json!({"reason": "again"}),
        )
        .await,
        409,
    )
    .await;
    let active = json_with(
        app.get_as(&desk, "/api/v1/known-errors?state=active").await,
        200,
    )
    .await;
    assert_eq!(active["items"], json!([]));
}
