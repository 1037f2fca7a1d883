//! Satisfaction ratings end to end: a customer contact rates its organisation's handled work
//! once, the hotline records a caller's answer, nobody rates what is not handled or not theirs,
//! bad input is named and stores nothing, and the summary gives the satisfaction score over
//! what the reader may see.

use itsm_api_tests::{TestApp, incident, json_with, problem};
use serde_json::{Value, json};

const RESOLVE: &str =
    r#"{"resolution_code": "solved_permanently", "resolution_notes": "Cleared the print queue"}"#;

/// An incident of `customer`, recorded by the desk and, if `resolve`, started and resolved.
async fn incident_of(app: &TestApp, desk: &str, customer: &str, resolve: bool) -> String {
    let mut body = incident("Printer jams");
    body["customer"] = json!(customer);
    let created = json_with(app.post_as(desk, "/api/v1/incidents", &body).await, 201).await;
    let number = created["number"].as_str().expect("number").to_owned();
    if resolve {
        resolve_incident(app, desk, &number).await;
    }
    number
}

/// Starts and resolves incident `number` as `token`.
pub(crate) async fn resolve_incident(app: &TestApp, token: &str, number: &str) {
    let resolve: Value = serde_json::from_str(RESOLVE).expect("JSON");
    for (action, body) in [("start", json!({})), ("resolve", resolve)] {
        let path = format!("/api/v1/incidents/{number}/{action}");
        json_with(app.post_as(token, &path, &body).await, 200).await;
    }
}

async fn read(app: &TestApp, token: &str, path: &str) -> Value {
    json_with(app.get_as(token, path).await, 200).await
}

fn abouts(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["about"].as_str().expect("about"))
        .collect()
}

#[tokio::test]
async fn handled_work_is_rated_once_by_those_it_was_done_for_and_summarised_for_those_who_may_see()
{
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    app.customer("globex").await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let cy = app
        .user_with("cy", &[("customer", Some("customer:acme"))])
        .await;
    let gus = app
        .user_with("gus", &[("customer", Some("customer:globex"))])
        .await;
    let dev = app.user_with("dev", &[("practitioner", None)]).await;
    let ours = incident_of(&app, &desk, "acme", true).await;
    let open = incident_of(&app, &desk, "acme", false).await;
    let theirs = incident_of(&app, &desk, "globex", true).await;
    let ratings = "/api/v1/satisfaction-responses";

    // Bad input is named, field by field, and stores nothing.
    for (body, field) in [
        (json!({"about": ours, "score": 0}), "score"),
        (json!({"about": ours, "score": 6}), "score"),
        (json!({"about": ours, "score": 4.5}), "score"),
        (json!({"about": ours, "score": "4"}), "score"),
        (json!({"about": ours}), "score"),
        (json!({"about": "PRB0000001", "score": 4}), "about"),
        (json!({"about": "INC0000099", "score": 4}), "about"),
        (
            json!({"about": ours, "score": 4, "comment": "x".repeat(4001)}),
            "comment",
        ),
        (json!({"about": ours, "score": 4, "mood": "sunny"}), "mood"),
    ] {
        let refused = problem(app.post_as(&cy, ratings, &body).await, 422).await;
        let named = refused["errors"].as_array().expect("errors");
        assert!(
            named.iter().any(|e| e["field"] == field),
            "{body}: {refused}"
        );
    }
    // Another organisation's incident is not there for cy, whatever its state.
    let refused = problem(
        app.post_as(&cy, ratings, &json!({"about": theirs, "score": 5}))
            .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "about");
    // Work still under way is not rated yet; a practitioner does not record ratings.
    let early = problem(
        app.post_as(&cy, ratings, &json!({"about": open, "score": 5}))
            .await,
        409,
    )
    .await;
    assert!(
        early["detail"]
            .as_str()
            .expect("detail")
            .contains("handled"),
        "{early}"
    );
    problem(
        app.post_as(&dev, ratings, &json!({"about": ours, "score": 5}))
            .await,
        403,
    )
    .await;
    let nothing = read(&app, &desk, ratings).await;
    assert_eq!(abouts(&nothing), Vec::<&str>::new());

    // Cy rates theirs; a second rating of the same incident is refused and the first stays.
    let rated = app
        .post_as(
            &cy,
            ratings,
            &json!({"about": ours.to_lowercase(), "score": 4, "comment": "Quick, <b>kind</b>"}),
        )
        .await;
    let location = rated
        .headers()
        .get("location")
        .expect("location")
        .to_str()
        .expect("text")
        .to_owned();
    let rated = json_with(rated, 201).await;
    assert_eq!(
        rated["about"],
        ours.as_str(),
        "the number as the record has it"
    );
    assert_eq!(rated["score"], 4);
    assert_eq!(rated["customer"], "acme", "the record's customer");
    assert_eq!(rated["channel"], "web");
    assert_eq!(rated["created_by"], "cy");
    assert_eq!(location, format!("{ratings}/{}", rated["id"]));
    let again = problem(
        app.post_as(&cy, ratings, &json!({"about": ours, "score": 1}))
            .await,
        409,
    )
    .await;
    assert!(
        again["detail"]
            .as_str()
            .expect("detail")
            .contains("rated already")
    );
    assert_eq!(read(&app, &cy, &location).await["score"], 4);

    // The hotline records gus's answer about globex's incident, by phone.
    let by_phone = json!({"about": theirs, "score": 2, "channel": "phone",
                          "contact_details": "Gus, +44 20 7946 0000"});
    let recorded = json_with(app.post_as(&desk, ratings, &by_phone).await, 201).await;
    assert_eq!(recorded["customer"], "globex");

    // Each customer sees its own ratings and summary; the desk sees all.
    let all = read(&app, &desk, ratings).await;
    assert_eq!(abouts(&all), [theirs.as_str(), ours.as_str()]);
    assert_eq!(abouts(&read(&app, &cy, ratings).await), [ours.as_str()]);
    assert_eq!(abouts(&read(&app, &gus, ratings).await), [theirs.as_str()]);
    let gus_reads_cys = app
        .get_as(&gus, &format!("{ratings}/{}", rated["id"]))
        .await;
    problem(gus_reads_cys, 404).await;
    let summary = read(&app, &desk, &format!("{ratings}/summary")).await;
    assert_eq!(summary["responses"], 2);
    assert_eq!(summary["average"], 3.0);
    assert_eq!(summary["satisfied_percent"], 50.0);
    assert_eq!(summary["by_score"], json!([0, 1, 0, 1, 0]));
    let acme = read(&app, &cy, &format!("{ratings}/summary")).await;
    assert_eq!(acme["responses"], 1);
    assert_eq!(acme["average"], 4.0);
    // A colleague at acme reads the organisation's ratings too.
    let cyd = app
        .user_with("cyd", &[("customer", Some("customer:acme"))])
        .await;
    assert_eq!(abouts(&read(&app, &cyd, ratings).await), [ours.as_str()]);
    let low = read(&app, &desk, &format!("{ratings}?score=2&kind=incident")).await;
    assert_eq!(abouts(&low), [theirs.as_str()]);
    let empty = read(&app, &desk, &format!("{ratings}/summary?kind=request")).await;
    assert_eq!(
        (empty["responses"].clone(), empty["average"].clone()),
        (json!(0), Value::Null)
    );
    for (bad, message) in [
        ("score=9", "from 1"),
        ("kind=problem", "incident"),
        ("from=yesterday", "RFC 3339"),
        ("about=42", "incident, request or complaint number"),
        ("about=PRB0000001", "incident, request or complaint number"),
    ] {
        let refused = problem(app.get_as(&desk, &format!("{ratings}?{bad}")).await, 400).await;
        let field = bad.split('=').next().expect("name");
        let error = &refused["errors"][0];
        assert_eq!(error["field"], field, "{bad}: {refused}");
        let said = error["message"].as_str().expect("message");
        assert!(said.contains(message), "{bad}: {refused}");
    }

    // Each rating is in the audit trail.
    let trail = json_with(
        app.get("/api/v1/audit-entries?entity_type=satisfaction_response")
            .await,
        200,
    )
    .await;
    assert_eq!(trail["items"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn complaints_are_rated_once_resolved_and_a_security_incidents_rating_stays_with_its_readers()
{
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let security = app.user_with("sec", &[("security_manager", None)]).await;
    let cy = app
        .user_with("cy", &[("customer", Some("customer:acme"))])
        .await;
    let ratings = "/api/v1/satisfaction-responses";

    // A complaint cy brought, answered with its result by the desk, is cy's to rate.
    let complaint = json!({"subject": "Slow answers", "content": "Three days for a reply."});
    let brought = json_with(
        app.post_as(&cy, "/api/v1/complaints", &complaint).await,
        201,
    )
    .await;
    let number = brought["number"].as_str().expect("number").to_owned();
    let early = app
        .post_as(&cy, ratings, &json!({"about": number, "score": 3}))
        .await;
    problem(early, 409).await;
    let result = json!({"result": "We answer within a day now.", "finding": "upheld"});
    let resolve = format!("/api/v1/complaints/{number}/resolve");
    json_with(app.post_as(&desk, &resolve, &result).await, 200).await;
    let rated = app
        .post_as(&cy, ratings, &json!({"about": number, "score": 3}))
        .await;
    assert_eq!(json_with(rated, 201).await["restricted"], false);
    let complaints = read(&app, &desk, &format!("{ratings}?kind=complaint")).await;
    assert_eq!(abouts(&complaints), [number.as_str()]);
    let incidents = read(&app, &desk, &format!("{ratings}/summary?kind=incident")).await;
    assert_eq!(incidents["responses"], 0);

    // cy called in a security incident (recorded by rita); its rating is read by readers of
    // ratings who are of the security team and by cy, who gave it, not by other readers, the
    // desk or cy's colleagues, however they filter.
    let mut body = incident("Phishing mail opened");
    body["customer"] = json!("acme");
    body["caller"] = json!("cy");
    body["security"] = json!(true);
    let rita = app.user_with("rita", &[("practitioner", None)]).await;
    let created = json_with(app.post_as(&rita, "/api/v1/incidents", &body).await, 201).await;
    let secret = created["number"].as_str().expect("number").to_owned();
    resolve_incident(&app, &security, &secret).await;
    let given = app
        .post_as(
            &cy,
            ratings,
            &json!({"about": secret, "score": 5, "comment": "Handled fast"}),
        )
        .await;
    let given = json_with(given, 201).await;
    assert_eq!(given["restricted"], true);
    let colleague = app
        .user_with("cyd", &[("customer", Some("customer:acme"))])
        .await;
    // Readers of ratings who are also of the security team, that is.
    let head = app
        .user_with("head", &[("sm_manager", None), ("security_manager", None)])
        .await;
    let manager = app.user_with("manager", &[("sm_manager", None)]).await;
    for (reader, sees_it) in [
        (&head, true),
        (&manager, false),
        (&cy, true),
        (&desk, false),
        (&colleague, false),
    ] {
        let listed = read(&app, reader, &format!("{ratings}?about={secret}")).await;
        assert_eq!(abouts(&listed).len(), usize::from(sees_it), "{listed}");
        let summary = read(&app, reader, &format!("{ratings}/summary?kind=incident")).await;
        assert_eq!(summary["responses"], u64::from(sees_it), "{summary}");
        let one = app
            .get_as(reader, &format!("{ratings}/{}", given["id"]))
            .await;
        assert_eq!(one.status().is_success(), sees_it);
    }
}
