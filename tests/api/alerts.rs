//! Monitoring alerts into incidents, end to end, with notifications shaped as Prometheus
//! Alertmanager's webhook documentation describes them (version 4): a firing alert opens an
//! incident placed by the alert mapping, a repeat or a retry updates it, a cleared alert
//! resolves it (or notes it, as the mapping says), and a bad notification is refused whole.

use itsm_api_tests::{TestApp, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

/// One alert as Alertmanager sends it, of the episode that began at 09:00.
fn alert(status: &str, fingerprint: &str, labels: Value, annotations: Value) -> Value {
    let ends_at = if status == "firing" {
        "0001-01-01T00:00:00Z"
    } else {
        "2027-01-11T10:00:00Z"
    };
    json!({
        "status": status,
        "labels": labels,
        "annotations": annotations,
        "startsAt": "2027-01-11T09:00:00Z",
        "endsAt": ends_at,
        "generatorURL": format!("http://prometheus.example:9090/graph?g0.expr={fingerprint}"),
        "fingerprint": fingerprint
    })
}

/// A notification of `alerts`, as Alertmanager's webhook receiver posts it.
fn notification(status: &str, alerts: &[Value]) -> Value {
    json!({
        "version": "4",
        "groupKey": "{}:{alertname=~\".*\"}",
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "itsm",
        "groupLabels": {},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example:9093",
        "alerts": alerts
    })
}

fn disk_full(status: &str) -> Value {
    alert(
        status,
        "a1b2c3d4e5f60718",
        json!({"alertname": "DiskFull", "severity": "critical", "service": "network-om", "instance": "db1:9100", "team": "network"}),
        json!({"summary": "Disk / on db1 is 97% full", "description": "Less than 3% space left."}),
    )
}

fn queue_slow(status: &str) -> Value {
    alert(
        status,
        "0f1e2d3c4b5a6978",
        json!({"alertname": "MailQueueSlow", "severity": "warning", "service": "no-such-service"}),
        json!({}),
    )
}

const ROUTE: &str = "/api/v1/incidents/alerts/alertmanager";

async fn send(app: &TestApp, token: &str, body: &Value) -> Value {
    json_with(app.post_as(token, ROUTE, body).await, 200).await
}

async fn incident(app: &TestApp, number: &Value) -> Value {
    let number = number.as_str().expect("a number");
    json_with(
        app.get_as(&app.token, &format!("/api/v1/incidents/{number}"))
            .await,
        200,
    )
    .await
}

#[tokio::test]
async fn alerts_open_one_incident_each_repeat_updates_it_and_clearing_resolves_it() {
    let app = TestApp::spawn().await;
    let prom = app.user_with("prometheus", &[("service_desk", None)]).await;

    // Two alerts fire: each opens an incident, placed by the default mapping.
    let firing = notification("firing", &[disk_full("firing"), queue_slow("firing")]);
    let first = send(&app, &prom, &firing).await;
    let opened = first["opened"].as_array().expect("opened").clone();
    assert_eq!(opened.len(), 2, "{first}");
    let disk = incident(&app, &opened[0]).await;
    assert_eq!(
        (
            &disk["short_description"],
            &disk["priority"],
            &disk["channel"],
            &disk["caller"]
        ),
        (
            &json!("Disk / on db1 is 97% full"),
            &json!("critical"),
            &json!("monitoring"),
            &json!("prometheus")
        )
    );
    assert_eq!(
        (
            &disk["service"],
            &disk["configuration_item"],
            &disk["assignment_group"]
        ),
        (&json!("network-om"), &json!("db1:9100"), &json!("network"))
    );
    let queue = incident(&app, &opened[1]).await;
    assert_eq!(queue["short_description"], "MailQueueSlow");
    assert_eq!(queue["priority"], "moderate");
    assert_eq!(queue["service"], Value::Null);
    let description = queue["description"].as_str().expect("description");
    assert!(
        description.contains("Labels not applied: service=no-such-service"),
        "{description}"
    );

    // Alertmanager repeats the group, or retries it: the same incidents are updated.
    let again = send(&app, &prom, &firing).await;
    assert_eq!(
        (&again["opened"], &again["updated"]),
        (&json!([]), &json!(opened))
    );
    let all = json_with(app.get_as(&app.token, "/api/v1/incidents").await, 200).await;
    assert_eq!(all["items"].as_array().expect("items").len(), 2);

    // The disk alert clears: its incident is resolved; a second report of it changes nothing.
    let cleared = notification("resolved", &[disk_full("resolved")]);
    let resolved = send(&app, &prom, &cleared).await;
    assert_eq!(resolved["resolved"], json!([opened[0]]));
    let disk = incident(&app, &opened[0]).await;
    assert_eq!(
        (&disk["state"], &disk["resolution_code"]),
        (&json!("resolved"), &json!("no_action_needed"))
    );
    let repeated = send(&app, &prom, &cleared).await;
    assert_eq!(repeated["resolved"], json!([]));
    assert_eq!(repeated["ignored"][0]["fingerprint"], "a1b2c3d4e5f60718");
    // A late copy of that episode opens nothing; a new episode opens a new incident.
    let late = send(&app, &prom, &notification("firing", &[disk_full("firing")])).await;
    assert_eq!(late["opened"], json!([]));
    assert!(
        late["ignored"][0]["reason"]
            .as_str()
            .expect("reason")
            .contains("was closed while this episode of the alert fired"),
        "{late}"
    );
    let mut next_episode = disk_full("firing");
    next_episode["startsAt"] = json!("2027-01-11T11:00:00Z");
    let refired = send(&app, &prom, &notification("firing", &[next_episode])).await;
    assert_eq!(refired["opened"].as_array().expect("opened").len(), 1);
    assert_ne!(refired["opened"][0], opened[0]);

    // The process owner keeps cleared alerts' incidents open; the other clears with a note.
    let owner = app
        .user_with("owen", &[("process_owner", Some("process:incident"))])
        .await;
    let mapping = json_with(
        app.get_as(&prom, "/api/v1/incidents/alerts/mapping").await,
        200,
    )
    .await;
    let mut kept_open = mapping.clone();
    kept_open["resolve_when_cleared"] = json!(false);
    let put = |token: &str, body: &Value| {
        app.request_as(token, Method::PUT, "/api/v1/incidents/alerts/mapping")
            .json(body)
            .send()
    };
    problem(put(&prom, &kept_open).await.expect("sent"), 403).await;
    let mut blank = mapping.clone();
    blank["service_label"] = json!(" ");
    let refused = problem(put(&owner, &blank).await.expect("sent"), 422).await;
    assert_eq!(refused["errors"][0]["field"], "service_label");
    json_with(put(&owner, &kept_open).await.expect("sent"), 200).await;
    let noted = send(
        &app,
        &prom,
        &notification("resolved", &[queue_slow("resolved")]),
    )
    .await;
    assert_eq!(noted["noted"], json!([opened[1]]));
    let queue = incident(&app, &opened[1]).await;
    assert_eq!(queue["state"], "new");
    let number = opened[1].as_str().expect("number");
    let notes = json_with(
        app.get_as(
            &app.token,
            &format!("/api/v1/incidents/{number}/work-notes"),
        )
        .await,
        200,
    )
    .await;
    assert!(
        notes["items"][0]["body"]
            .as_str()
            .expect("body")
            .starts_with("The monitoring alert cleared at 2027-01-11T10:00:00.000Z"),
        "{notes}"
    );
}

#[tokio::test]
async fn bad_notifications_are_refused_whole_and_other_monitors_have_their_own_route() {
    let app = TestApp::spawn().await;
    let prom = app.user_with("prometheus", &[("service_desk", None)]).await;
    let auditor = app.user_with("aud", &[("internal_auditor", None)]).await;
    let good = notification("firing", &[disk_full("firing")]);
    let mut old = good.clone();
    old["version"] = json!("3");
    let mut burning = good.clone();
    burning["alerts"][0]["status"] = json!("burning");
    let mut unmarked = good.clone();
    unmarked["alerts"][0]["fingerprint"] = json!("");
    let mut controlled = good.clone();
    controlled["alerts"][0]["fingerprint"] = json!("a1\u{1b}[31m");
    let mut undated = good.clone();
    undated["alerts"][0]["startsAt"] = json!("yesterday morning");
    for (body, field) in [
        (old, "version"),
        (burning, "alerts[0].status"),
        (unmarked, "alerts[0].fingerprint"),
        (controlled, "alerts[0].fingerprint"),
        (undated, "alerts[0].startsAt"),
    ] {
        let refused = problem(app.post_as(&prom, ROUTE, &body).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
    }
    let small: Vec<Value> = (0..101)
        .map(|i| json!({"status": "firing", "fingerprint": format!("f{i}")}))
        .collect();
    let too_many = notification("firing", &small);
    let refused = problem(app.post_as(&prom, ROUTE, &too_many).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "alerts");
    problem(app.post_as(&auditor, ROUTE, &good).await, 403).await;
    let anonymous = app
        .client
        .post(format!("{}{ROUTE}", app.base))
        .json(&good)
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), 401);
    let none = json_with(app.get_as(&app.token, "/api/v1/incidents").await, 200).await;
    assert_eq!(none["items"], json!([]));

    // Any other monitor: its own source, the same matching by fingerprint.
    let check = json!({"source": "uptime-kuma", "alerts": [{
        "fingerprint": "monitor-12", "status": "firing", "summary": "Portal answers 502",
        "labels": {"severity": "critical", "service": "network-om"}, "url": "https://status.example/12"
    }]});
    let opened = json_with(
        app.post_as(&prom, "/api/v1/incidents/alerts", &check).await,
        200,
    )
    .await;
    assert_eq!(opened["opened"].as_array().expect("opened").len(), 1);
    let repeat = json_with(
        app.post_as(&prom, "/api/v1/incidents/alerts", &check).await,
        200,
    )
    .await;
    assert_eq!(repeat["updated"], opened["opened"]);
    let mut unnamed = check.clone();
    unnamed["source"] = json!("Uptime Kuma!");
    let refused = problem(
        app.post_as(&prom, "/api/v1/incidents/alerts", &unnamed)
            .await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "source");
}

#[tokio::test]
async fn an_accounts_alerts_are_its_own_and_stay_within_its_customers() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    app.customer("globex").await;
    let prom = app.user_with("prometheus", &[("service_desk", None)]).await;
    // A customer's own monitor may raise incidents for that customer only.
    let theirs = app
        .user_with("acme-monitor", &[("customer", Some("customer:acme"))])
        .await;
    let labelled = |customer: &str| {
        alert(
            "firing",
            "5566778899aabbcc",
            json!({"alertname": "Watchdog", "severity": "info", "customer": customer}),
            json!({}),
        )
    };
    let elsewhere = send(
        &app,
        &theirs,
        &notification("firing", &[labelled("globex")]),
    )
    .await;
    assert_eq!(elsewhere["opened"], json!([]));
    assert_eq!(elsewhere["ignored"][0]["fingerprint"], "5566778899aabbcc");
    let own = send(&app, &theirs, &notification("firing", &[labelled("acme")])).await;
    assert_eq!(own["opened"].as_array().expect("opened").len(), 1);
    let raised = incident(&app, &own["opened"][0]).await;
    assert_eq!(raised["customer"], "acme");
    // The same fingerprint from another account is another alert: it does not touch acme's.
    let other = send(&app, &prom, &notification("firing", &[labelled("globex")])).await;
    assert_eq!(other["opened"].as_array().expect("opened").len(), 1);
    assert_ne!(other["opened"][0], own["opened"][0]);
    // Clearing: acme's monitor may not resolve, so a note says it cleared.
    let mut cleared = labelled("acme");
    cleared["status"] = json!("resolved");
    cleared["endsAt"] = json!("2027-01-11T10:00:00Z");
    let noted = send(&app, &theirs, &notification("resolved", &[cleared])).await;
    assert_eq!(noted["noted"], own["opened"]);
    assert_eq!(incident(&app, &own["opened"][0]).await["state"], "new");
}
