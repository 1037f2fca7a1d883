//! Major incidents through the host: only whoever runs major incidents for the incident process
//! (who also reads every incident) declares, changes, reviews and stands one down; the emergency team and the desk keep the
//! communication log; the post-incident review waits for the resolution and measures its times
//! from the record.

use itsm_api_tests::{TestApp, incident, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

async fn post(
    app: &TestApp,
    token: &str,
    number: &str,
    rest: &str,
    body: Value,
) -> reqwest::Response {
    app.post_as(token, &format!("/api/v1/incidents/{number}{rest}"), &body)
        .await
}

#[tokio::test]
async fn a_major_incident_runs_with_its_team_log_and_review() {
    let app = TestApp::spawn().await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let manager = app
        .user_with("mim", &[("process_manager", Some("process:incident"))])
        .await;
    let other_manager = app
        .user_with("pat", &[("process_manager", Some("process:problem"))])
        .await;
    // A team member who does not otherwise handle incidents, and one who is not on the team.
    let member = app.user_with("cap", &[("capacity_manager", None)]).await;
    let outsider = app.user_with("cal", &[("capacity_manager", None)]).await;
    let created = json_with(
        app.post_as(&desk, "/api/v1/incidents", &incident("All mail is down"))
            .await,
        201,
    )
    .await;
    let number = created["number"].as_str().expect("number").to_owned();
    let declaration = json!({"reason": "Mail down for the whole company", "emergency_team": ["cap", "desk"], "response_plan": "ERP-mail-3"});

    // Declaring is for the incident process's manager, not the desk nor another process's.
    let refused = problem(
        post(&app, &desk, &number, "/major", declaration.clone()).await,
        403,
    )
    .await;
    assert_eq!(refused["authority"], "incident.major");
    // Another process's manager may not even see the incident.
    problem(
        post(&app, &other_manager, &number, "/major", declaration.clone()).await,
        404,
    )
    .await;
    for (team, field) in [
        (json!([]), "emergency_team"),
        (json!(["nobody"]), "emergency_team[0]"),
        (json!(["cap", "cap"]), "emergency_team"),
    ] {
        let body = json!({"reason": "Mail down", "emergency_team": team});
        let refused = problem(post(&app, &manager, &number, "/major", body).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
    }
    // The incident process's manager reads every incident; another process's does not.
    json_with(
        app.get_as(&manager, &format!("/api/v1/incidents/{number}"))
            .await,
        200,
    )
    .await;
    problem(
        app.get_as(&other_manager, &format!("/api/v1/incidents/{number}"))
            .await,
        404,
    )
    .await;
    let declared = json_with(
        post(&app, &manager, &number, "/major", declaration.clone()).await,
        200,
    )
    .await;
    assert_eq!(declared["major"], true);
    assert_eq!(
        declared["major_incident"]["emergency_team"],
        json!(["cap", "desk"])
    );
    assert_eq!(declared["major_incident"]["declared_by"], "mim");
    problem(
        post(&app, &manager, &number, "/major", declaration).await,
        409,
    )
    .await;
    let majors = json_with(app.get_as(&desk, "/api/v1/incidents?major=true").await, 200).await;
    assert_eq!(majors["items"][0]["number"], number.as_str());

    // The log: the team and the desk write it, nobody else; everyone who reads it sees it.
    let update = json!({"audience": "customers", "channel": "status page", "body": "Mail is down; next update at 10:30"});
    json_with(
        post(&app, &member, &number, "/communications", update.clone()).await,
        201,
    )
    .await;
    json_with(
        post(
            &app,
            &desk,
            &number,
            "/communications",
            json!({"audience": "management", "channel": "call", "body": "Bridge opened"}),
        )
        .await,
        201,
    )
    .await;
    problem(
        post(&app, &outsider, &number, "/communications", update).await,
        403,
    )
    .await;
    let bad = problem(
        post(
            &app,
            &desk,
            &number,
            "/communications",
            json!({"audience": "press", "channel": "tv", "body": "x"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "audience");
    let log = json_with(
        app.get_as(&desk, &format!("/api/v1/incidents/{number}/communications"))
            .await,
        200,
    )
    .await;
    let authors: Vec<&str> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["author"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(authors, ["cap", "desk"]);

    // The team changes; the review waits for the resolution.
    let patched = app
        .request_as(
            &manager,
            Method::PATCH,
            &format!("/api/v1/incidents/{number}/major"),
        )
        .json(&json!({"emergency_team": ["cap"], "response_plan": null}))
        .send()
        .await
        .expect("sent");
    let patched = json_with(patched, 200).await;
    assert_eq!(patched["major_incident"]["emergency_team"], json!(["cap"]));
    assert!(patched["major_incident"]["response_plan"].is_null());
    let review = json!({"cause": "Expired TLS certificate on the mail relay", "solution_effectiveness": "effective", "lessons": "Monitor certificate expiry"});
    problem(
        post(&app, &manager, &number, "/major/review", review.clone()).await,
        409,
    )
    .await;
    json_with(post(&app, &desk, &number, "/start", json!({})).await, 200).await;
    let resolve = json!({"resolution_code": "solved_permanently", "resolution_notes": "Renewed the certificate"});
    json_with(post(&app, &desk, &number, "/resolve", resolve).await, 200).await;
    let bad = problem(
        post(
            &app,
            &manager,
            &number,
            "/major/review",
            json!({"cause": "x", "solution_effectiveness": "great"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(bad["errors"][0]["field"], "solution_effectiveness");
    problem(
        post(&app, &desk, &number, "/major/review", review.clone()).await,
        403,
    )
    .await;
    let reviewed = json_with(
        post(&app, &manager, &number, "/major/review", review).await,
        200,
    )
    .await;
    let recorded = &reviewed["major_incident"]["review"];
    assert_eq!(recorded["solution_effectiveness"], "effective");
    assert_eq!(recorded["reviewed_by"], "mim");
    // Measured from the record (all within this test's seconds), not typed in.
    assert_eq!(
        (
            recorded["response_minutes"].as_i64(),
            recorded["restoration_minutes"].as_i64()
        ),
        (Some(0), Some(0))
    );

    // Standing down keeps the record; a second stand-down has nothing to stand down.
    problem(
        post(&app, &manager, &number, "/major/stand-down", json!({})).await,
        422,
    )
    .await;
    let stood = json_with(
        post(
            &app,
            &manager,
            &number,
            "/major/stand-down",
            json!({"reason": "Service restored and reviewed"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(stood["major"], false);
    assert_eq!(stood["major_incident"]["stood_down_by"], "mim");
    assert_eq!(
        stood["major_incident"]["review"]["cause"],
        "Expired TLS certificate on the mail relay"
    );
    problem(
        post(
            &app,
            &manager,
            &number,
            "/major/stand-down",
            json!({"reason": "again"}),
        )
        .await,
        409,
    )
    .await;
    let majors = json_with(app.get_as(&desk, "/api/v1/incidents?major=true").await, 200).await;
    assert_eq!(majors["items"], json!([]));
    let history = json_with(
        app.get_as(&desk, &format!("/api/v1/incidents/{number}/history"))
            .await,
        200,
    )
    .await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        actions,
        [
            "create",
            "declare_major",
            "communicate",
            "communicate",
            "update_major",
            "start",
            "resolve",
            "review_major",
            "stand_down"
        ]
    );

    // An incident that was never major has no log to write to.
    let plain = json_with(
        app.post_as(&desk, "/api/v1/incidents", &incident("One printer"))
            .await,
        201,
    )
    .await;
    let plain = plain["number"].as_str().expect("number");
    problem(
        post(
            &app,
            &desk,
            plain,
            "/communications",
            json!({"audience": "users", "channel": "mail", "body": "x"}),
        )
        .await,
        409,
    )
    .await;
}
