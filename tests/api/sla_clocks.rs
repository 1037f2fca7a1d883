//! SLA clocks on incidents and requests, played out on the components' own clock (the test host
//! sets the time guests read), in the spirit of Request Tracker's SLA tests: business hours
//! across a weekend and holidays, a daylight-saving change, pause and resume, a target changed
//! while paused, reopen after resolve, and the most specific agreement governing each record.

use crate::service_level::{Team, complete_sla, office_week, send};
use itsm_api_tests::{TestApp, incident, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

/// An app whose clock stands at `start`, with the SLM team, a desk agent, customer acme, the
/// UK office calendar (Christmas and the substitute Boxing Day off) and two SLAs in force: one
/// for acme's network service, with escalation contacts and rules, and a standard one for
/// everyone else.
pub(crate) async fn world(start: &str) -> (TestApp, String) {
    let app = TestApp::spawn().await;
    app.set_time(start);
    app.customer("acme").await;
    let team = Team::new(&app).await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let calendar = json!({
        "name": {"en": "UK office"}, "zone": "Europe/London", "week": office_week(),
        "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}, {"date": "2026-12-28", "name": "Boxing Day (substitute)"}]
    });
    json_with(
        send(
            &app,
            &team.slm,
            Method::PUT,
            "/api/v1/calendars/uk-office",
            &calendar,
        )
        .await,
        201,
    )
    .await;
    let acme_targets = json!([
        {"record": "incident", "priority": "critical", "response_minutes": 15, "resolution_minutes": 240},
        {"record": "incident", "priority": "high", "response_minutes": 60, "resolution_minutes": 480},
        {"record": "incident", "response_minutes": 120, "resolution_minutes": 960},
        {"record": "request", "resolution_minutes": 960}
    ]);
    let mut acme = complete_sla(
        "Acme network and desktops",
        json!(["acme"]),
        json!(["network-om", "desktop-om"]),
        acme_targets,
    );
    acme["escalation_contacts"] = json!(["sam"]);
    // What is done, besides telling people (tests/api/sla_escalation.rs plays these out).
    app.user_with("nia", &[("service_desk", None)]).await;
    acme["escalation_rules"] = json!([
        {"on": "warning", "metric": "response", "record": "incident", "action": "raise_priority"},
        {"on": "breach", "metric": "resolution", "record": "incident", "action": "reassign", "assignment_group": "network-l2", "assignee": "nia"},
        {"on": "warning", "record": "request", "action": "reassign", "assignment_group": "desktop-l2"},
        {"on": "breach", "record": "request", "action": "raise_priority"}
    ]);
    team.approved(&app, &acme).await;
    let standard =
        json!([{"record": "incident", "response_minutes": 240, "resolution_minutes": 2400}]);
    team.approved(
        &app,
        &complete_sla("Standard", json!([]), json!([]), standard),
    )
    .await;
    (app, desk)
}

pub(crate) async fn log_incident(app: &TestApp, desk: &str, extra: Value) -> String {
    let mut body = incident("VPN drops every few minutes");
    for (key, value) in extra.as_object().expect("object") {
        body[key] = value.clone();
    }
    let created = json_with(app.post_as(desk, "/api/v1/incidents", &body).await, 201).await;
    created["number"].as_str().expect("number").to_owned()
}

pub(crate) async fn act(app: &TestApp, desk: &str, number: &str, action: &str, body: Value) {
    json_with(
        app.post_as(desk, &format!("/api/v1/incidents/{number}/{action}"), &body)
            .await,
        200,
    )
    .await;
}

pub(crate) async fn clocks(app: &TestApp, desk: &str, number: &str) -> Value {
    json_with(
        app.get_as(desk, &format!("/api/v1/incidents/{number}/sla"))
            .await,
        200,
    )
    .await
}

pub(crate) fn clock<'a>(sla: &'a Value, metric: &str) -> &'a Value {
    sla["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["metric"] == metric)
        .expect("the clock")
}

pub(crate) const ACME: &str = r#"{"customer": "acme", "service": "network-om"}"#;

#[tokio::test]
async fn business_hours_run_across_a_weekend_and_holidays_and_the_clock_says_so() {
    // Thursday 24 December 2026, 16:00 in London (GMT): a high-priority incident for acme.
    let (app, desk) = world("2026-12-24T16:00:00Z").await;
    let number = log_incident(&app, &desk, serde_json::from_str(ACME).expect("json")).await;

    // Tuesday 29 December, 10:00: Thursday gave 90 minutes; Friday (Christmas), the weekend and
    // Monday (the substitute Boxing Day) none; Tuesday 60.
    app.set_time("2026-12-29T10:00:00Z");
    let sla = clocks(&app, &desk, &number).await;
    assert_eq!(sla["applies"], true);
    assert_eq!(sla["agreement_version"], 1);
    assert_eq!(sla["calendar"], "uk-office");
    assert!(
        sla["reason"]
            .as_str()
            .expect("reason")
            .contains("agreed for customer acme and service network-om"),
        "{sla}"
    );
    let resolution = clock(&sla, "resolution");
    assert_eq!(resolution["elapsed_minutes"], 150);
    assert_eq!(resolution["remaining_minutes"], 330);
    assert_eq!(resolution["due_at"], "2026-12-29T15:30:00.000Z");
    assert_eq!(resolution["warn_at"], "2026-12-29T13:30:00.000Z");
    assert_eq!(resolution["standing"], "on_track");
    assert_eq!(
        resolution["explanation"],
        format!(
            "Resolution target of 8 h for high-priority incidents under {} version 1, counted in working \
             time of calendar uk-office: 2 h 30 min used since 2026-12-24 16:00 GMT; 5 h 30 min remain, \
             due 2026-12-29 15:30 GMT if it keeps running.",
            sla["agreement"].as_str().expect("agreement")
        )
    );
    // The response target (60 minutes) ran out on Thursday at 17:00 and nobody has responded.
    let response = clock(&sla, "response");
    assert_eq!(response["standing"], "breached");
    assert_eq!(response["due_at"], "2026-12-24T17:00:00.000Z");
    assert!(
        response["explanation"]
            .as_str()
            .expect("text")
            .ends_with("breached at 2026-12-24 17:00 GMT, 1 h 30 min over the target so far."),
        "{response}"
    );

    // Responding stops the response clock for good; the resolution clock runs on.
    act(&app, &desk, &number, "start", json!({})).await;
    app.advance(30);
    let sla = clocks(&app, &desk, &number).await;
    assert_eq!(
        clock(&sla, "response")["stopped_at"],
        "2026-12-29T10:00:00.000Z"
    );
    assert_eq!(clock(&sla, "resolution")["elapsed_minutes"], 180);
    // It stays stopped through a hold and a resumption.
    act(
        &app,
        &desk,
        &number,
        "hold",
        json!({"hold_reason": "awaiting_caller"}),
    )
    .await;
    app.advance(30);
    act(&app, &desk, &number, "resume", json!({})).await;
    app.advance(30);
    let sla = clocks(&app, &desk, &number).await;
    let response = clock(&sla, "response");
    assert_eq!(response["stopped_at"], "2026-12-29T10:00:00.000Z");
    assert_eq!(response["running"], false);
    assert_eq!(clock(&sla, "resolution")["elapsed_minutes"], 210);
}

#[tokio::test]
async fn the_clock_pauses_keeps_its_time_through_a_target_change_and_resumes_after_a_reopen() {
    // Monday 11 January 2027, 09:00 GMT.
    let (app, desk) = world("2027-01-11T09:00:00Z").await;
    let number = log_incident(&app, &desk, serde_json::from_str(ACME).expect("json")).await;
    act(&app, &desk, &number, "start", json!({})).await;
    app.set_time("2027-01-11T10:00:00Z");
    act(
        &app,
        &desk,
        &number,
        "hold",
        json!({"hold_reason": "awaiting_caller"}),
    )
    .await;

    // Paused at 12:00: one hour used, no due time while it waits for the caller.
    app.set_time("2027-01-11T12:00:00Z");
    let paused = clock(&clocks(&app, &desk, &number).await, "resolution").clone();
    assert_eq!(paused["running"], false);
    assert_eq!(paused["elapsed_minutes"], 60);
    assert_eq!(paused["due_at"], Value::Null);
    assert_eq!(
        paused["pauses"],
        json!([{"from": "2027-01-11T10:00:00.000Z", "until": null, "reason": "on_hold:awaiting_caller"}])
    );
    assert!(
        paused["explanation"]
            .as_str()
            .expect("text")
            .contains("paused since 2027-01-11 10:00 GMT (on_hold:awaiting_caller)"),
        "{paused}"
    );

    // While paused the incident becomes critical: the 4-hour target replaces the 8-hour one,
    // and the hour already used and the pause both stand.
    let path = format!("/api/v1/incidents/{number}");
    json_with(
        send(
            &app,
            &desk,
            Method::PATCH,
            &path,
            &json!({"impact": "high"}),
        )
        .await,
        200,
    )
    .await;
    app.set_time("2027-01-11T14:00:00Z");
    act(&app, &desk, &number, "resume", json!({})).await;
    let resumed = clocks(&app, &desk, &number).await;
    let resolution = clock(&resumed, "resolution");
    assert_eq!(resumed["target"]["priority"], "critical");
    assert_eq!(resolution["target_minutes"], 240);
    assert_eq!(resolution["elapsed_minutes"], 60);
    assert_eq!(resolution["due_at"], "2027-01-11T17:00:00.000Z");
    assert_eq!(resolution["pauses"][0]["until"], "2027-01-11T14:00:00.000Z");

    // Resolved at 15:00 within the target: met, and stopped.
    app.set_time("2027-01-11T15:00:00Z");
    act(
        &app,
        &desk,
        &number,
        "resolve",
        json!({"resolution_code": "solved_permanently", "resolution_notes": "Replaced the router"}),
    )
    .await;
    app.set_time("2027-01-12T10:00:00Z");
    let resolved = clock(&clocks(&app, &desk, &number).await, "resolution").clone();
    assert_eq!(resolved["standing"], "met");
    assert_eq!(resolved["elapsed_minutes"], 120);
    assert_eq!(resolved["stopped_at"], "2027-01-11T15:00:00.000Z");

    // Reopened the next morning: the clock resumes from the two hours it had used.
    act(
        &app,
        &desk,
        &number,
        "reopen",
        json!({"reason": "The VPN drops again"}),
    )
    .await;
    app.set_time("2027-01-12T11:00:00Z");
    let reopened = clock(&clocks(&app, &desk, &number).await, "resolution").clone();
    assert_eq!(reopened["running"], true);
    assert_eq!(reopened["stopped_at"], Value::Null);
    assert_eq!(reopened["elapsed_minutes"], 180);
    assert_eq!(reopened["due_at"], "2027-01-12T12:00:00.000Z");
    assert_eq!(reopened["standing"], "at_risk");
}

#[tokio::test]
async fn clocks_count_exactly_across_the_change_to_summer_time() {
    // Friday 26 March 2027, 17:00 GMT; clocks go forward on Sunday the 28th.
    let (app, desk) = world("2027-03-26T17:00:00Z").await;
    let number = log_incident(&app, &desk, serde_json::from_str(ACME).expect("json")).await;
    // Monday 09:00 UTC is 10:00 BST: 30 minutes on Friday and 60 on Monday.
    app.set_time("2027-03-29T09:00:00Z");
    let sla = clocks(&app, &desk, &number).await;
    let resolution = clock(&sla, "resolution");
    assert_eq!(resolution["elapsed_minutes"], 90);
    // 390 minutes remain from 10:00 BST: 16:30 BST, 15:30 UTC.
    assert_eq!(resolution["due_at"], "2027-03-29T15:30:00.000Z");
    assert!(
        resolution["explanation"]
            .as_str()
            .expect("text")
            .contains("due 2027-03-29 16:30 BST"),
        "{resolution}"
    );
}

#[tokio::test]
async fn each_record_is_governed_by_the_most_specific_agreement_and_requests_have_clocks_too() {
    let (app, desk) = world("2027-01-11T09:00:00Z").await;
    let acme = log_incident(&app, &desk, serde_json::from_str(ACME).expect("json")).await;
    let other = log_incident(&app, &desk, json!({"service": "lan-om"})).await;
    let acme_sla = clocks(&app, &desk, &acme).await;
    let other_sla = clocks(&app, &desk, &other).await;
    assert_ne!(acme_sla["agreement"], other_sla["agreement"]);
    assert_eq!(clock(&other_sla, "resolution")["target_minutes"], 2400);
    assert!(
        other_sla["reason"]
            .as_str()
            .expect("reason")
            .contains("it covers every customer and service"),
        "{other_sla}"
    );

    // An order for acme is governed by acme's request target; the clock starts when it is
    // logged.
    let contact = app
        .user_with("cy", &[("customer", Some("customer:acme"))])
        .await;
    let order = json!({
        "item": "desktop-om",
        "answers": {"problem_type": "printer_scanner", "description": "The printer on floor 3 jams"}
    });
    let body = json_with(app.post_as(&contact, "/api/v1/requests", &order).await, 201).await;
    let number = body["number"].as_str().expect("number");
    app.set_time("2027-01-11T10:00:00Z");
    let request_sla = json_with(
        app.get_as(&contact, &format!("/api/v1/requests/{number}/sla"))
            .await,
        200,
    )
    .await;
    assert_eq!(request_sla["applies"], true, "{request_sla}");
    assert_eq!(request_sla["target"]["record"], "request");
    let fulfilment = clock(&request_sla, "resolution");
    assert_eq!(fulfilment["target_minutes"], 960);
    assert_eq!(fulfilment["elapsed_minutes"], 60);
    // A customer is told which agreement governs, not which others there are or what it is
    // called.
    assert_eq!(request_sla["agreement_title"], Value::Null);
    assert!(
        request_sla["reason"]
            .as_str()
            .expect("reason")
            .ends_with("governs this record."),
        "{request_sla}"
    );
    // A task added and cancelled has a state of its own; the request's clock does not see it.
    let task = json_with(
        app.post_as(
            &desk,
            &format!("/api/v1/requests/{number}/tasks"),
            &json!({"title": "Check the printer"}),
        )
        .await,
        201,
    )
    .await;
    app.set_time("2027-01-11T10:30:00Z");
    let cancel = format!("/api/v1/requests/{number}/tasks/{}/cancel", task["number"]);
    json_with(
        app.post_as(&desk, &cancel, &json!({"notes": "Not needed"}))
            .await,
        200,
    )
    .await;
    app.set_time("2027-01-11T11:00:00Z");
    let after_task = json_with(
        app.get_as(&desk, &format!("/api/v1/requests/{number}/sla"))
            .await,
        200,
    )
    .await;
    assert_eq!(clock(&after_task, "resolution")["elapsed_minutes"], 120);
    assert_eq!(clock(&after_task, "resolution")["running"], true);
    assert!(
        after_task["agreement_title"].is_object(),
        "staff see the title: {after_task}"
    );
    // Someone who may not read the request may not read its clocks.
    let stranger = app.user_with("zed", &[]).await;
    problem(
        app.get_as(&stranger, &format!("/api/v1/requests/{number}/sla"))
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_clock_policy_is_set_by_the_process_owner_and_applies_from_then_on() {
    let (app, desk) = world("2027-01-11T09:00:00Z").await;
    let number = log_incident(&app, &desk, serde_json::from_str(ACME).expect("json")).await;
    act(&app, &desk, &number, "start", json!({})).await;
    app.set_time("2027-01-11T10:00:00Z");
    act(
        &app,
        &desk,
        &number,
        "hold",
        json!({"hold_reason": "awaiting_problem"}),
    )
    .await;
    app.set_time("2027-01-11T10:30:00Z");
    // By default waiting for problem management is the provider's own time: the clock runs.
    assert_eq!(
        clock(&clocks(&app, &desk, &number).await, "resolution")["elapsed_minutes"],
        90
    );

    let path = "/api/v1/slas/policies/incident";
    let read = app.get_as(&desk, path).await;
    let etag = read.headers()["etag"].to_str().expect("etag").to_owned();
    let current = json_with(read, 200).await;
    assert_eq!(current["configured"], false);
    let mut policy = current["policy"].clone();
    policy["resolution"]["on_hold:awaiting_problem"] = json!("pause");
    let owner = app
        .user_with("olga", &[("process_owner", Some("process:service_level"))])
        .await;
    let slm = app.user_with("sid", &[("slm", None)]).await;
    problem(send(&app, &slm, Method::PUT, path, &policy).await, 403).await;
    let mut incomplete = policy.clone();
    incomplete["resolution"]
        .as_object_mut()
        .expect("table")
        .remove("on_hold:awaiting_vendor");
    let refused = problem(
        send(&app, &owner, Method::PUT, path, &incomplete).await,
        422,
    )
    .await;
    assert_eq!(
        refused["errors"][0]["field"],
        "resolution.on_hold:awaiting_vendor"
    );
    let mut forever = policy.clone();
    forever["resolution"]["closed"] = json!("run");
    let refused = problem(send(&app, &owner, Method::PUT, path, &forever).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "resolution.closed");
    let put = |etag: &str| {
        app.request_as(&owner, Method::PUT, path)
            .header("if-match", etag.to_owned())
            .json(&policy)
            .send()
    };
    let set = json_with(put(&etag).await.expect("sent"), 200).await;
    assert_eq!(set["configured"], true);
    assert_eq!(set["since"], "2027-01-11T10:30:00.000Z");
    problem(put(&etag).await.expect("sent"), 412).await;

    // From 10:30 the hold is a pause; the half hour before it stays counted.
    app.set_time("2027-01-11T11:00:00Z");
    let sla = clocks(&app, &desk, &number).await;
    assert_eq!(sla["policy_configured"], true);
    let resolution = clock(&sla, "resolution");
    assert_eq!(resolution["elapsed_minutes"], 90);
    assert_eq!(resolution["pauses"][0]["from"], "2027-01-11T10:30:00.000Z");
    assert_eq!(
        resolution["pauses"][0]["reason"],
        "on_hold:awaiting_problem"
    );
    problem(app.get_as(&desk, "/api/v1/slas/policies/change").await, 404).await;
}

// Several worker threads, so the three concurrent ticks below truly run at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_tick_warns_and_records_each_breach_once_and_lists_filter_by_the_clocks() {
    // Monday 11 January 2027, 09:00 GMT: a high-priority incident for acme (response 1 h,
    // resolution 8 h, warnings at 75 %), assigned to the desk agent; another for acme that is
    // responded to at once.
    let (app, desk) = world("2027-01-11T09:00:00Z").await;
    let late = log_incident(&app, &desk, serde_json::from_str(ACME).expect("json")).await;
    json_with(
        app.post_as(
            &desk,
            &format!("/api/v1/incidents/{late}/assign"),
            &json!({"assignee": "desk"}),
        )
        .await,
        200,
    )
    .await;
    let prompt = log_incident(&app, &desk, serde_json::from_str(ACME).expect("json")).await;
    act(&app, &desk, &prompt, "start", json!({})).await;
    let tick = |token: String| {
        let app = &app;
        async move { app.post_as(&token, "/api/v1/slas/tick", &json!({})).await }
    };
    let list = |query: &str| {
        let desk = desk.clone();
        let app = &app;
        let path = format!("/api/v1/incidents?{query}");
        async move {
            let page = json_with(app.get_as(&desk, &path).await, 200).await;
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["number"].as_str().expect("number").to_owned())
                .collect::<Vec<String>>()
        }
    };

    // 09:50: the unanswered incident's response clock is past 45 minutes: at risk, one warning.
    app.set_time("2027-01-11T09:50:00Z");
    assert_eq!(list("sla=at_risk").await, [late.as_str()]);
    assert_eq!(list("sla=breached").await, Vec::<String>::new());
    assert_eq!(
        list("sla_due_before=2027-01-11T10:30:00Z").await,
        [late.as_str()]
    );
    problem(tick(desk.clone()).await, 403).await;
    let first = json_with(tick(app.token.clone()).await, 200).await;
    assert_eq!(first["warnings"], json!([format!("{late} response")]));
    assert_eq!(
        (&first["breaches"], &first["failed"], &first["remaining"]),
        (&json!([]), &json!([]), &json!(false))
    );
    let again = json_with(tick(app.token.clone()).await, 200).await;
    assert_eq!(
        (&again["warnings"], &again["breaches"]),
        (&json!([]), &json!([]))
    );

    // 10:30: the response target passed at 10:00: one breach record, once, to the assignee and
    // the agreement's escalation contact.
    app.set_time("2027-01-11T10:30:00Z");
    assert_eq!(list("sla=breached").await, [late.as_str()]);
    // Three schedulers calling at once record it once between them.
    let (a, b, c) = tokio::join!(
        tick(app.token.clone()),
        tick(app.token.clone()),
        tick(app.token.clone())
    );
    let mut recorded = Vec::new();
    for answer in [a, b, c] {
        let answer = json_with(answer, 200).await;
        recorded.extend(answer["breaches"].as_array().expect("breaches").clone());
    }
    assert_eq!(recorded, [json!(format!("{late} response"))]);
    let twice = json_with(tick(app.token.clone()).await, 200).await;
    assert_eq!(twice["breaches"], json!([]));
    let events = json_with(
        app.get_as(&desk, "/api/v1/slas/events?recipient=me").await,
        200,
    )
    .await;
    // Someone who reads service levels but was not told sees none of them; the SLM team all.
    let bystander = app.user_with("bea", &[("practitioner", None)]).await;
    let theirs = json_with(app.get_as(&bystander, "/api/v1/slas/events").await, 200).await;
    assert_eq!(theirs["items"], json!([]));
    let slm_view = json_with(
        app.get_as(&slm_reader(&app).await, "/api/v1/slas/events")
            .await,
        200,
    )
    .await;
    assert_eq!(slm_view["items"].as_array().expect("items").len(), 2);
    let kinds: Vec<(&str, &str)> = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().expect("kind"),
                e["record"].as_str().expect("record"),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("breach", late.as_str()), ("warning", late.as_str())]
    );
    let recorded = &events["items"][0];
    assert_eq!(recorded["due_at"], "2027-01-11T10:00:00.000Z");
    assert_eq!(recorded["recipients"], json!(["desk", "sam"]));
    assert_eq!(recorded["analysis"], Value::Null);

    // The breach waits for its analysis; warnings have none.
    let waiting = json_with(
        app.get_as(&desk, "/api/v1/slas/events?analysed=false")
            .await,
        200,
    )
    .await;
    assert_eq!(waiting["items"].as_array().expect("items").len(), 1);
    let id = recorded["id"].as_i64().expect("id");
    let analysis = json!({"cause": "resources", "explanation": "Two agents were off sick", "corrective_action": "A stand-by rota for the desk"});
    let slm = app.user_with("sid", &[("slm", None)]).await;
    problem(
        send(
            &app,
            &desk,
            Method::PUT,
            &format!("/api/v1/slas/events/{id}/analysis"),
            &analysis,
        )
        .await,
        403,
    )
    .await;
    let analysed = json_with(
        send(
            &app,
            &slm,
            Method::PUT,
            &format!("/api/v1/slas/events/{id}/analysis"),
            &analysis,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(analysed["analysis"]["cause"], "resources");
    assert_eq!(analysed["analysis"]["by"], "sid");
    let warning_id = events["items"][1]["id"].as_i64().expect("id");
    problem(
        send(
            &app,
            &slm,
            Method::PUT,
            &format!("/api/v1/slas/events/{warning_id}/analysis"),
            &analysis,
        )
        .await,
        409,
    )
    .await;
    let bad = json!({"cause": "gremlins", "explanation": "x", "corrective_action": "y"});
    let refused = problem(
        send(
            &app,
            &slm,
            Method::PUT,
            &format!("/api/v1/slas/events/{id}/analysis"),
            &bad,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "cause");

    // Responding now stops the breached clock; resolving the other in time meets both of its
    // targets. Compliance counts what stopped in the period.
    act(&app, &desk, &late, "start", json!({})).await;
    app.set_time("2027-01-11T11:00:00Z");
    act(
        &app,
        &desk,
        &prompt,
        "resolve",
        json!({"resolution_code": "solved_permanently", "resolution_notes": "Router restarted"}),
    )
    .await;
    let report = json_with(
        app.get_as(&slm, "/api/v1/slas/compliance?from=2027-01-11T00:00:00Z&to=2027-01-12T00:00:00Z&customer=acme").await,
        200,
    )
    .await;
    // The prompt incident's two clocks met; the late one's response breached; its resolution
    // still runs and is not counted.
    assert_eq!(
        (report["met"].clone(), report["breached"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(report["met_percent"], 66.7);
    assert_eq!(
        list("sla=breached").await,
        [late.as_str()],
        "a missed target stays missed"
    );
}

pub(crate) async fn slm_reader(app: &TestApp) -> String {
    app.user_with("sol", &[("slm", None)]).await
}
