//! Customer complaints and feedback end to end, on the components' own clock: brought by a
//! customer contact or recorded by the hotline, seen only by those who may, answered and
//! resolved by the handlers, accepted, sent back or withdrawn by the customer, with the seeds'
//! 24-hour response and 72-hour result clocks, or an agreement's complaint target where one is
//! in force; the SLA tick records their breaches like any other record's.

use crate::service_level::{Team, calendar, complete_sla};
use crate::sla_clocks::clock;
use itsm_api_tests::{TestApp, json_with, problem};
use serde_json::{Value, json};

async fn act(app: &TestApp, token: &str, number: &str, action: &str, body: Value) -> Value {
    json_with(
        app.post_as(
            token,
            &format!("/api/v1/complaints/{number}/{action}"),
            &body,
        )
        .await,
        200,
    )
    .await
}

async fn read(app: &TestApp, token: &str, path: &str) -> Value {
    json_with(app.get_as(token, path).await, 200).await
}

fn numbers(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["number"].as_str().expect("number").to_owned())
        .collect()
}

#[tokio::test]
async fn complaints_are_answered_and_resolved_on_the_seeds_clocks_and_seen_only_by_those_who_may() {
    // Monday 11 January 2027, 09:00 UTC.
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    app.customer("acme").await;
    app.customer("globex").await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let cy = app
        .user_with("cy", &[("customer", Some("customer:acme"))])
        .await;
    let gus = app
        .user_with("gus", &[("customer", Some("customer:globex"))])
        .await;

    // An incident of each customer, for complaints to be about.
    let mut incident = itsm_api_tests::incident("Printer repair missed");
    incident["customer"] = json!("acme");
    let ours = json_with(
        app.post_as(&desk, "/api/v1/incidents", &incident).await,
        201,
    )
    .await;
    incident["customer"] = json!("globex");
    let theirs = json_with(
        app.post_as(&desk, "/api/v1/incidents", &incident).await,
        201,
    )
    .await;

    // Bad input is named and nothing is stored: a record that is not there, or that the
    // contact may not name (another customer's), reads the same.
    let mut complaint = json!({
        "subject": "The engineer never came",
        "content": "We waited all Monday for the printer repair."
    });
    for (who, field, value) in [
        (&cy, "about", json!("INC0000099")),
        (&cy, "about", theirs["number"].clone()),
        (&cy, "about", json!("42")),
        (&cy, "complainant", json!("someone-else")),
        (&desk, "complainant", json!("gus")),
        (&desk, "complainant", json!("nobody-here")),
        (&cy, "service", json!("no-such-service")),
        (&cy, "channel", json!("carrier_pigeon")),
    ] {
        let mut bad = complaint.clone();
        bad[field] = value;
        bad["customer"] = json!("acme");
        let refused = problem(app.post_as(who, "/api/v1/complaints", &bad).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
    }
    complaint["about"] = ours["number"].clone();
    assert_eq!(
        numbers(&read(&app, &desk, "/api/v1/complaints").await),
        Vec::<String>::new()
    );

    // A customer contact brings one through the product; the hotline records feedback for a
    // caller.
    let brought = json_with(
        app.post_as(&cy, "/api/v1/complaints", &complaint).await,
        201,
    )
    .await;
    let first = brought["number"].as_str().expect("number").to_owned();
    assert_eq!(first, "CMP0000001");
    assert_eq!(
        (
            &brought["customer"],
            &brought["complainant"],
            &brought["channel"],
            &brought["state"]
        ),
        (
            &json!("acme"),
            &json!("cy"),
            &json!("web"),
            &json!("received")
        )
    );
    assert_eq!(brought["about"], ours["number"]);
    let feedback = json!({
        "kind": "feedback", "subject": "Faster password resets, please",
        "content": "Resets take a day; could they be self-service?",
        "channel": "phone", "complainant": "cy", "customer": "acme",
        "contact_details": "+44 20 7946 0001"
    });
    let recorded = json_with(
        app.post_as(&desk, "/api/v1/complaints", &feedback).await,
        201,
    )
    .await;
    let second = recorded["number"].as_str().expect("number").to_owned();

    // Another customer's contact sees neither; the customer cannot answer their own complaint.
    problem(
        app.get_as(&gus, &format!("/api/v1/complaints/{first}"))
            .await,
        404,
    )
    .await;
    assert_eq!(
        numbers(&read(&app, &gus, "/api/v1/complaints").await),
        Vec::<String>::new()
    );
    assert_eq!(
        numbers(&read(&app, &cy, "/api/v1/complaints").await),
        [second.as_str(), first.as_str()]
    );
    let refused = problem(
        app.post_as(
            &cy,
            &format!("/api/v1/complaints/{first}/respond"),
            &json!({"response": "Sorry"}),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(refused["authority"], "complaint.handle");

    // No agreement sets complaint targets: the seeds' 24 h and 72 h apply, round the clock.
    let sla = read(&app, &cy, &format!("/api/v1/complaints/{first}/sla")).await;
    assert_eq!(
        (&sla["applies"], &sla["agreement"], &sla["calendar"]),
        (&json!(true), &Value::Null, &json!("always"))
    );
    assert_eq!(clock(&sla, "response")["target_minutes"], 1440);
    assert_eq!(clock(&sla, "resolution")["target_minutes"], 4320);
    assert!(
        sla["reason"]
            .as_str()
            .expect("reason")
            .contains("The seeds' default applies"),
        "{sla}"
    );

    // Tuesday 05:00, 20 hours on: both responses are past 75 % of a day. The desk answers the
    // complaint, which stops its response clock, met.
    app.set_time("2027-01-12T05:00:00Z");
    assert_eq!(
        numbers(&read(&app, &desk, "/api/v1/complaints?sla=at_risk").await),
        [second.as_str(), first.as_str()]
    );
    let answered = act(
        &app,
        &desk,
        &first,
        "respond",
        json!({"response": "We are sorry; we are finding out what happened."}),
    )
    .await;
    assert_eq!(answered["state"], "responded");
    let sla = read(&app, &desk, &format!("/api/v1/complaints/{first}/sla")).await;
    assert_eq!(clock(&sla, "response")["standing"], "met");
    assert_eq!(clock(&sla, "resolution")["running"], true);

    // Thursday 10:00, 73 hours on: the complaint's result and all of the feedback's clocks are
    // late; the SLA tick records each breach once.
    app.set_time("2027-01-14T10:00:00Z");
    assert_eq!(
        numbers(&read(&app, &desk, "/api/v1/complaints?sla=breached").await),
        [second.as_str(), first.as_str()]
    );
    let tick = json_with(
        app.post_as(&app.token, "/api/v1/slas/tick", &json!({}))
            .await,
        200,
    )
    .await;
    let mut breaches: Vec<String> = tick["breaches"]
        .as_array()
        .expect("breaches")
        .iter()
        .map(|b| b.as_str().expect("text").to_owned())
        .collect();
    breaches.sort();
    assert_eq!(
        breaches,
        [
            format!("{first} resolution"),
            format!("{second} resolution"),
            format!("{second} response"),
        ]
    );
    let again = json_with(
        app.post_as(&app.token, "/api/v1/slas/tick", &json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(again["breaches"], json!([]));

    // The result needs a finding for a complaint; the customer sends the first result back,
    // then accepts the second.
    let unfound = problem(
        app.post_as(
            &desk,
            &format!("/api/v1/complaints/{first}/resolve"),
            &json!({"result": "The engineer came on Tuesday."}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(unfound["errors"][0]["field"], "finding");
    let result = json!({"result": "The engineer came on Tuesday; the missed visit is credited.", "finding": "upheld"});
    assert_eq!(
        act(&app, &desk, &first, "resolve", result.clone()).await["state"],
        "resolved"
    );
    let reopened = act(
        &app,
        &cy,
        &first,
        "reopen",
        json!({"reason": "The credit is not on the invoice"}),
    )
    .await;
    assert_eq!(
        (
            &reopened["state"],
            &reopened["reopen_count"],
            &reopened["result"]
        ),
        (&json!("responded"), &json!(1), &Value::Null)
    );
    act(&app, &desk, &first, "resolve", result).await;
    let closed = act(&app, &cy, &first, "close", json!({})).await;
    assert_eq!(
        (
            &closed["state"],
            &closed["finding"],
            &closed["allowed_actions"]
        ),
        (&json!("closed"), &json!("upheld"), &json!([]))
    );
    let refused = problem(
        app.post_as(
            &cy,
            &format!("/api/v1/complaints/{first}/reopen"),
            &json!({"reason": "x"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(refused["allowed_actions"], json!([]));
    // A colleague without complaint.read, named as complainant by the hotline, finds theirs
    // and nothing else.
    let pat = app.user_with("pat", &[("practitioner", None)]).await;
    let internal = json!({"subject": "Desk phones unanswered", "content": "Nobody picked up.", "complainant": "pat", "channel": "phone"});
    let pats = json_with(
        app.post_as(&desk, "/api/v1/complaints", &internal).await,
        201,
    )
    .await;
    assert_eq!(
        numbers(&read(&app, &pat, "/api/v1/complaints").await),
        [pats["number"].as_str().expect("number")]
    );
    problem(
        app.get_as(&pat, &format!("/api/v1/complaints/{first}"))
            .await,
        404,
    )
    .await;
    // Another contact of the same customer reads the feedback but does not answer for it.
    let cat = app
        .user_with("cat", &[("customer", Some("customer:acme"))])
        .await;
    read(&app, &cat, &format!("/api/v1/complaints/{second}")).await;
    problem(
        app.post_as(
            &cat,
            &format!("/api/v1/complaints/{second}/withdraw"),
            &json!({"reason": "Not mine to withdraw"}),
        )
        .await,
        403,
    )
    .await;
    // The feedback is taken back by the customer who brought it.
    let withdrawn = act(
        &app,
        &cy,
        &second,
        "withdraw",
        json!({"reason": "Self-service resets arrived meanwhile"}),
    )
    .await;
    assert_eq!(withdrawn["state"], "withdrawn");
    let history = read(
        &app,
        &app.token,
        "/api/v1/audit-entries?entity_type=complaint",
    )
    .await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions.len(),
        9,
        "three creations, respond, resolve, reopen, resolve, close, withdraw: {actions:?}"
    );
}

#[tokio::test]
async fn an_agreements_complaint_target_replaces_the_seeds_default() {
    let app = TestApp::spawn().await;
    app.set_time("2027-01-11T09:00:00Z");
    app.customer("acme").await;
    let team = Team::new(&app).await;
    calendar(&app, &team.slm).await;
    let targets =
        json!([{"record": "complaint", "response_minutes": 240, "resolution_minutes": 960}]);
    let number = team
        .approved(
            &app,
            &complete_sla("Acme complaints", json!(["acme"]), json!([]), targets),
        )
        .await;
    let cy = app
        .user_with("cy", &[("customer", Some("customer:acme"))])
        .await;
    let body = json!({"subject": "Slow answers", "content": "Calls wait too long."});
    let brought = json_with(app.post_as(&cy, "/api/v1/complaints", &body).await, 201).await;
    let sla = read(
        &app,
        &cy,
        &format!(
            "/api/v1/complaints/{}/sla",
            brought["number"].as_str().expect("number")
        ),
    )
    .await;
    assert_eq!(
        (&sla["agreement"], &sla["calendar"]),
        (&json!(number), &json!("uk-office"))
    );
    assert_eq!(clock(&sla, "response")["target_minutes"], 240);
    // A customer is told which agreement governs, not what it is called.
    assert_eq!(sla["agreement_title"], Value::Null);
}
