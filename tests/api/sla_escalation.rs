//! SLA escalation rules played out on the components' own clock: the service level tick queues
//! what an agreement's rules call for when a clock reaches its warning threshold or its target,
//! and the incident and request ticks carry it out (raise the priority, reassign), each once
//! however often, and however concurrently, the ticks are called.

use crate::sla_clocks::{ACME, act, clock, clocks, log_incident, slm_reader, world};
use itsm_api_tests::{TestApp, json_with};
use serde_json::{Value, json};

async fn tick(app: &TestApp, process: &str) -> Value {
    json_with(
        app.post_as(&app.token, &format!("/api/v1/{process}/tick"), &json!({}))
            .await,
        200,
    )
    .await
}

async fn record(app: &TestApp, desk: &str, path: &str) -> Value {
    json_with(app.get_as(desk, path).await, 200).await
}

fn texts(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|t| t.as_str().expect("text").to_owned())
        .collect()
}

// Several worker threads, so the concurrent ticks below truly run at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn escalation_rules_raise_and_reassign_each_record_once_however_often_the_ticks_run() {
    // Monday 11 January 2027, 09:00 GMT. Acme's rules: an incident's response warning raises its
    // priority; its resolution breach hands it to network-l2 / nia; a request's warning returns
    // it to desktop-l2's queue, its breach raises its priority.
    let (app, desk) = world("2027-01-11T09:00:00Z").await;
    let mut moderate: Value = serde_json::from_str(ACME).expect("json");
    moderate["urgency"] = json!("medium");
    let slow = log_incident(&app, &desk, moderate).await;
    act(&app, &desk, &slow, "assign", json!({"assignee": "desk"})).await;
    let urgent = log_incident(&app, &desk, serde_json::from_str(ACME).expect("json")).await;
    // Low impact and low urgency: low priority, which a higher urgency leaves low under the
    // matrix.
    let mut low: Value = serde_json::from_str(ACME).expect("json");
    low["impact"] = json!("low");
    low["urgency"] = json!("low");
    let steady = log_incident(&app, &desk, low).await;
    let contact = app
        .user_with("cy", &[("customer", Some("customer:acme"))])
        .await;
    let order = json!({
        "item": "desktop-om",
        "answers": {"problem_type": "printer_scanner", "description": "The printer on floor 3 jams"}
    });
    let ordered = json_with(app.post_as(&contact, "/api/v1/requests", &order).await, 201).await;
    let request = ordered["number"].as_str().expect("number").to_owned();
    assert_eq!(ordered["priority"], "moderate");

    // 09:50: the high-priority incident's response clock (1 h) is past 45 minutes. Its rule
    // would raise it, but its urgency is already high: the escalation is recorded as skipped.
    // The moderate one (2 h) is not yet at risk.
    app.set_time("2027-01-11T09:50:00Z");
    let sla = tick(&app, "slas").await;
    assert_eq!(
        texts(&sla["escalations_queued"]),
        [format!("{urgent} warning: raise priority")]
    );
    let incidents = tick(&app, "incidents").await;
    assert_eq!(incidents["escalated"], json!([]));
    assert_eq!(
        texts(&incidents["escalations_skipped"]),
        [format!("{urgent}: its urgency is already high")]
    );

    // 10:30: the moderate and the low incidents' response clocks are at 75 % of 2 h. The
    // warning raises the moderate one's urgency, and through the matrix its priority, once, even
    // with three incident ticks at once; the low one's priority would not move, so it is left.
    app.set_time("2027-01-11T10:30:00Z");
    let sla = tick(&app, "slas").await;
    let mut queued = texts(&sla["escalations_queued"]);
    queued.sort();
    assert_eq!(
        queued,
        [
            format!("{slow} warning: raise priority"),
            format!("{steady} warning: raise priority"),
        ]
    );
    let (a, b, c) = tokio::join!(
        tick(&app, "incidents"),
        tick(&app, "incidents"),
        tick(&app, "incidents")
    );
    let answers = [a, b, c];
    let all = |list: &str| -> Vec<String> {
        answers
            .iter()
            .flat_map(|answer| texts(&answer[list]))
            .collect()
    };
    assert_eq!(
        all("escalated"),
        [format!(
            "{slow}: urgency medium → high, priority moderate → high"
        )]
    );
    assert_eq!(
        all("escalations_skipped"),
        [format!(
            "{steady}: urgency medium would leave its priority low under the matrix"
        )]
    );
    let raised = record(&app, &desk, &format!("/api/v1/incidents/{slow}")).await;
    assert_eq!(
        (&raised["urgency"], &raised["priority"]),
        (&json!("high"), &json!("high"))
    );
    // The high-priority target now governs: its hour has passed, with the 90 minutes used kept.
    let now_high = clocks(&app, &desk, &slow).await;
    assert_eq!(clock(&now_high, "response")["target_minutes"], 60);
    assert_eq!(clock(&now_high, "response")["elapsed_minutes"], 90);
    assert_eq!(clock(&now_high, "response")["standing"], "breached");
    let history = record(&app, &desk, &format!("/api/v1/incidents/{slow}/history")).await;
    let entry = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["action"] == "escalate")
        .expect("the escalation is in the history");
    assert_eq!(entry["actor"], "system");
    assert!(
        entry["reason"]
            .as_str()
            .expect("reason")
            .starts_with("escalation rule 1 of SLA0000001 version 1: the response target of 2 h reached its warning threshold"),
        "{entry}"
    );
    // The raised incident's response breach is recorded, but no rule acts on it; nothing is
    // done twice.
    let sla = tick(&app, "slas").await;
    assert_eq!(texts(&sla["breaches"]), [format!("{slow} response")]);
    assert_eq!(sla["escalations_queued"], json!([]));
    let quiet = tick(&app, "incidents").await;
    assert_eq!(
        (&quiet["escalated"], &quiet["escalations_skipped"]),
        (&json!([]), &json!([]))
    );

    // 17:10: both incidents' resolution targets (8 h, due 17:00) are breached: each is handed
    // to network-l2 / nia, counted as a reassignment for the one the desk had.
    app.set_time("2027-01-11T17:10:00Z");
    let sla = tick(&app, "slas").await;
    let mut queued = texts(&sla["escalations_queued"]);
    queued.sort();
    let mut expected = vec![
        format!("{slow} breach: reassign to network-l2 / nia"),
        format!("{urgent} breach: reassign to network-l2 / nia"),
    ];
    expected.sort();
    assert_eq!(queued, expected);
    let mut escalated = texts(&tick(&app, "incidents").await["escalated"]);
    escalated.sort();
    assert_eq!(
        escalated,
        [
            format!("{slow}: assignment group nobody → network-l2, assignee desk → nia"),
            format!("{urgent}: assignment group nobody → network-l2, assignee nobody → nia"),
        ]
    );
    let moved = record(&app, &desk, &format!("/api/v1/incidents/{slow}")).await;
    assert_eq!(
        (&moved["assignee"], &moved["reassignment_count"]),
        (&json!("nia"), &json!(1))
    );
    assert_eq!(tick(&app, "slas").await["escalations_queued"], json!([]));
    assert_eq!(tick(&app, "incidents").await["escalated"], json!([]));

    // The event shows what its rules did.
    let slm = slm_reader(&app).await;
    let breaches = record(
        &app,
        &slm,
        &format!("/api/v1/slas/events?kind=breach&record={slow}"),
    )
    .await;
    let resolution = breaches["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["metric"] == "resolution")
        .expect("the resolution breach");
    assert_eq!(resolution["escalations"][0]["rule"], 2);
    assert_eq!(resolution["escalations"][0]["status"], "applied");
    assert_eq!(resolution["escalations"][0]["assignee"], "nia");
    assert_eq!(
        resolution["escalations"][0]["detail"],
        "assignment group nobody → network-l2, assignee desk → nia"
    );

    // Tuesday 17:00: the request's fulfilment clock (16 working hours) passed its warning
    // (Tuesday 12:30) and its target (16:30). The warning returns it to desktop-l2's queue, the
    // breach raises its priority; the request tick does both, once. The low-priority incident's
    // resolution (16 working hours too) is breached as well and goes to network-l2 / nia.
    app.set_time("2027-01-12T17:00:00Z");
    let sla = tick(&app, "slas").await;
    let mut queued = texts(&sla["escalations_queued"]);
    queued.sort();
    assert_eq!(
        queued,
        [
            format!("{steady} breach: reassign to network-l2 / nia"),
            format!("{request} breach: raise priority"),
            format!("{request} warning: reassign to desktop-l2"),
        ]
    );
    let requests = tick(&app, "requests").await;
    let mut done = texts(&requests["escalated"]);
    done.sort();
    assert_eq!(
        done,
        [
            format!("{request}: assignment group nobody → desktop-l2"),
            format!("{request}: priority moderate → high"),
        ]
    );
    let escalated = record(&app, &desk, &format!("/api/v1/requests/{request}")).await;
    assert_eq!(
        (&escalated["priority"], &escalated["assignment_group"]),
        (&json!("high"), &json!("desktop-l2"))
    );
    assert_eq!(tick(&app, "requests").await["escalated"], json!([]));
}
