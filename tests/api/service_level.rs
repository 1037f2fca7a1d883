//! Service level management end to end: business calendars checked field by field and counting
//! working time across weekends, holidays (typed or imported from an iCalendar file) and a
//! daylight-saving change; agreements taken through negotiation, signature and approval by the
//! roles the seeds name, in numbered versions, revised under review; and the choice of the most
//! specific agreement in force, explained.

use itsm_api_tests::{TestApp, json_with, problem};
use reqwest::Method;
use serde_json::{Value, json};

pub(crate) async fn send(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    app.request_as(token, method, path)
        .json(body)
        .send()
        .await
        .expect("sent")
}

pub(crate) fn office_week() -> Value {
    let day = json!(["09:00-17:30"]);
    json!({"monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day})
}

const HOLIDAYS_ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//bank holidays//EN\r\n\
BEGIN:VEVENT\r\nUID:ny-2027\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270102\r\nSUMMARY:New Year's Day\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:xmas-2026\r\nDTSTART;VALUE=DATE:20261225\r\nSUMMARY:Christmas (imported)\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

#[tokio::test]
async fn calendars_count_working_time_across_weekends_holidays_and_a_daylight_saving_change() {
    let app = TestApp::spawn().await;
    let slm = app.user_with("sam", &[("slm", None)]).await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let path = "/api/v1/calendars/uk-office";
    let good = json!({
        "name": {"en": "UK office", "zh": "英國辦公室"},
        "zone": "Europe/London",
        "week": office_week(),
        "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}, {"date": "2026-12-28", "name": "Boxing Day (substitute)"}]
    });

    // Each fault is named by its field, and nothing is stored.
    for (change, field) in [
        (json!({"zone": "Europe/Atlantis"}), "zone"),
        (
            json!({"week": {"tuesday": ["09:00-13:00", "12:00-17:00"]}}),
            "week.tuesday",
        ),
        (
            json!({"week": {"friday": ["17:00-09:00"]}}),
            "week.friday[0]",
        ),
        (json!({"week": {}}), "week"),
        (json!({"week": {"monday": ["9-5"]}}), "week.monday[0]"),
    ] {
        let mut bad = good.clone();
        for (key, value) in change.as_object().expect("object") {
            bad[key] = value.clone();
        }
        let refused = problem(send(&app, &slm, Method::PUT, path, &bad).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
    }
    problem(app.get_as(&slm, path).await, 404).await;
    problem(send(&app, &desk, Method::PUT, path, &good).await, 403).await;
    // The built-in round-the-clock calendar is not edited.
    let built_in = problem(
        send(&app, &slm, Method::PUT, "/api/v1/calendars/always", &good).await,
        409,
    )
    .await;
    assert!(
        built_in["detail"]
            .as_str()
            .expect("detail")
            .contains("built in"),
        "{built_in}"
    );

    let created = json_with(send(&app, &slm, Method::PUT, path, &good).await, 201).await;
    assert_eq!(created["zone"], "Europe/London");
    let listed = json_with(app.get_as(&desk, "/api/v1/calendars").await, 200).await;
    let codes: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["always", "uk-office"]);

    // Holidays from an iCalendar file: a file that is not whole days changes nothing.
    let import = |body: &'static str, media: &'static str| {
        app.request_as(&slm, Method::POST, "/api/v1/calendars/uk-office/holidays")
            .header("content-type", media)
            .body(body)
            .send()
    };
    problem(
        import(HOLIDAYS_ICS, "application/json")
            .await
            .expect("sent"),
        415,
    )
    .await;
    let half_day = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261224T120000Z\r\nSUMMARY:Christmas Eve\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let refused = problem(import(half_day, "text/calendar").await.expect("sent"), 422).await;
    assert_eq!(refused["errors"][0]["field"], "file");
    assert!(
        refused["detail"]
            .as_str()
            .expect("detail")
            .contains("\"Christmas Eve\": has a time of day"),
        "{refused}"
    );
    let garbage = problem(
        import("not a calendar", "text/calendar")
            .await
            .expect("sent"),
        422,
    )
    .await;
    assert_eq!(garbage["errors"][0]["field"], "file");
    let unchanged = json_with(app.get_as(&slm, path).await, 200).await;
    assert_eq!(unchanged["holidays"].as_array().expect("holidays").len(), 2);
    let imported = json_with(
        import(HOLIDAYS_ICS, "text/calendar; charset=utf-8")
            .await
            .expect("sent"),
        200,
    )
    .await;
    assert_eq!(
        imported["holidays"],
        json!([
            {"date": "2026-12-25", "name": "Christmas Day"},
            {"date": "2026-12-28", "name": "Boxing Day (substitute)"},
            {"date": "2027-01-01", "name": "New Year's Day"}
        ])
    );

    // Thursday 24 December 16:00 to Tuesday 29 December 10:00: 90 minutes on Thursday, Friday
    // and Monday are holidays, the weekend is off, 60 minutes on Tuesday.
    let worked = json_with(
        app.get_as(&desk, "/api/v1/calendars/uk-office/working-time?from=2026-12-24T16:00:00Z&to=2026-12-29T10:00:00Z").await,
        200,
    )
    .await;
    assert_eq!(worked["minutes"], 150);
    assert_eq!(worked["text"], "2 h 30 min of working time");

    // Clocks go forward on Sunday 28 March 2027: Monday's 09:00 is 08:00 UTC. From Friday 17:00
    // (UTC = local) there are 30 minutes on Friday and 60 until 10:00 BST (09:00 UTC) Monday.
    let across_dst = json_with(
        app.get_as(&desk, "/api/v1/calendars/uk-office/working-time?from=2027-03-26T17:00:00Z&to=2027-03-29T09:00:00Z").await,
        200,
    )
    .await;
    assert_eq!(across_dst["minutes"], 90);
    let due = json_with(
        app.get_as(
            &desk,
            "/api/v1/calendars/uk-office/due?from=2027-03-26T17:00:00Z&minutes=120",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(due["due"], "2027-03-29T09:30:00.000Z");
    assert_eq!(due["local_due"], "2027-03-29 10:30 BST");
    let reversed = problem(
        app.get_as(&desk, "/api/v1/calendars/uk-office/working-time?from=2027-03-29T09:00:00Z&to=2027-03-26T17:00:00Z").await,
        400,
    )
    .await;
    assert_eq!(reversed["errors"][0]["field"], "to");
}

/// Terms with every content item the seeds require of an SLA.
pub(crate) fn complete_sla(
    title: &str,
    customers: Value,
    services: Value,
    targets: Value,
) -> Value {
    let text = |en: &str| json!({"en": en});
    json!({
        "kind": "sla",
        "title": text(title),
        "service_description": text("Operation and maintenance of the office network."),
        "glossary": text("P1: a critical incident."),
        "customer_responsibilities": text("Report faults through the service desk."),
        "provider_responsibilities": text("Restore service within the targets."),
        "targets": targets,
        "availability_percent": 99.5,
        "calendar": "uk-office",
        "workload_limits": text("At most 200 incidents a month, at least 10 requests."),
        "support_services": text("Hotline and on-site support."),
        "impact_and_priority": text("Priority follows the impact × urgency matrix."),
        "authorised_contacts": text("IT manager, +44 20 7946 0000."),
        "valid_from": "2026-01-01",
        "change_control": text("Escalate to the SLM team after a breach; notify by e-mail."),
        "interruption_actions": text("Restore from the standby link."),
        "planned_interruptions": text("Announced five working days ahead, at most monthly."),
        "communication": text("Monthly reports; complaints through the hotline."),
        "exceptions": text("None."),
        "customers": customers,
        "services": services
    })
}

pub(crate) async fn calendar(app: &TestApp, slm: &str) {
    let body = json!({"name": {"en": "UK office"}, "zone": "Europe/London", "week": office_week()});
    json_with(
        send(app, slm, Method::PUT, "/api/v1/calendars/uk-office", &body).await,
        201,
    )
    .await;
}

/// Takes a lifecycle step on the agreement as last read, `If-Match` included (a signature and an
/// approval name the version they decide on).
pub(crate) async fn step(
    app: &TestApp,
    token: &str,
    number: &str,
    action: &str,
    body: Value,
) -> reqwest::Response {
    let read = app.get_as(token, &format!("/api/v1/slas/{number}")).await;
    let etag = read
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("\"0\"")
        .to_owned();
    app.request_as(
        token,
        Method::POST,
        &format!("/api/v1/slas/{number}/{action}"),
    )
    .header("if-match", etag)
    .json(&body)
    .send()
    .await
    .expect("sent")
}

pub(crate) struct Team {
    pub(crate) slm: String,
    pub(crate) sales: String,
    pub(crate) rep: String,
}

impl Team {
    pub(crate) async fn new(app: &TestApp) -> Self {
        Self {
            slm: app.user_with("sam", &[("slm", None)]).await,
            sales: app.user_with("sally", &[("sales", None)]).await,
            rep: app.user_with("rita", &[("management_rep", None)]).await,
        }
    }

    /// Drafts, negotiates, signs and approves `terms`; the agreement's number.
    pub(crate) async fn approved(&self, app: &TestApp, terms: &Value) -> String {
        let created = json_with(app.post_as(&self.slm, "/api/v1/slas", terms).await, 201).await;
        let number = created["number"].as_str().expect("number").to_owned();
        for (token, action) in [
            (&self.slm, "negotiate"),
            (&self.sales, "sign"),
            (&self.rep, "approve"),
        ] {
            json_with(step(app, token, &number, action, json!({})).await, 200).await;
        }
        number
    }
}

#[tokio::test]
async fn agreements_are_negotiated_signed_and_approved_by_the_roles_the_seeds_name() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    let team = Team::new(&app).await;
    let both = app.user_with("bo", &[("slm", None), ("sales", None)]).await;
    calendar(&app, &team.slm).await;
    let targets = json!([{"record": "incident", "priority": "critical", "response_minutes": 15, "resolution_minutes": 240}]);
    let terms = complete_sla(
        "Acme network",
        json!(["acme"]),
        json!(["network-om"]),
        targets,
    );

    // Bad terms are named and nothing is stored.
    for (field, value, named) in [
        (
            "targets",
            json!([{"record": "incident", "resolution_minutes": 0}]),
            "targets[0].resolution_minutes",
        ),
        (
            "targets",
            json!([{"record": "incident", "response_minutes": -5}]),
            "targets[0].response_minutes",
        ),
        ("customers", json!(["globex"]), "customers[0]"),
        ("services", json!(["no-such-service"]), "services[0]"),
        ("calendar", json!("nowhere"), "calendar"),
        ("valid_until", json!("2025-12-31"), "valid_until"),
        (
            "escalation_rules",
            json!([{"on": "breach", "action": "reassign"}]),
            "escalation_rules[0].assignment_group",
        ),
        (
            "escalation_rules",
            json!([{"on": "breach", "action": "reassign", "assignee": "nobody-here"}]),
            "escalation_rules[0].assignee",
        ),
        (
            "escalation_rules",
            json!([{"on": "warning", "record": "complaint", "action": "raise_priority"}]),
            "escalation_rules[0].record",
        ),
    ] {
        let mut bad = terms.clone();
        bad[field] = value;
        let refused = problem(app.post_as(&team.slm, "/api/v1/slas", &bad).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], named, "{refused}");
    }
    problem(app.post_as(&team.sales, "/api/v1/slas", &terms).await, 403).await;
    let none = json_with(app.get_as(&team.slm, "/api/v1/slas").await, 200).await;
    assert_eq!(none["items"], json!([]));

    // A draft with items missing cannot be negotiated; each missing item is named.
    let draft = json!({"kind": "sla", "title": {"en": "Acme network"}, "customers": ["acme"]});
    let created = json_with(app.post_as(&team.slm, "/api/v1/slas", &draft).await, 201).await;
    let number = created["number"].as_str().expect("number").to_owned();
    assert_eq!(created["state"], "draft");
    assert_eq!(created["allowed_actions"], json!(["negotiate", "expire"]));
    let incomplete = problem(
        step(&app, &team.slm, &number, "negotiate", json!({})).await,
        422,
    )
    .await;
    let missing: Vec<&str> = incomplete["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert!(
        missing.contains(&"glossary")
            && missing.contains(&"targets")
            && missing.contains(&"exceptions"),
        "{missing:?}"
    );
    let path = format!("/api/v1/slas/{number}");
    json_with(
        send(&app, &team.slm, Method::PATCH, &path, &terms).await,
        200,
    )
    .await;

    // Out of order, or by the wrong role, nothing moves.
    let early = problem(
        step(&app, &team.sales, &number, "sign", json!({})).await,
        409,
    )
    .await;
    assert_eq!(early["allowed_actions"], json!(["negotiate", "expire"]));
    json_with(
        step(&app, &team.slm, &number, "negotiate", json!({})).await,
        200,
    )
    .await;
    problem(
        send(
            &app,
            &team.slm,
            Method::PATCH,
            &path,
            &json!({"glossary": null}),
        )
        .await,
        409,
    )
    .await;
    problem(step(&app, &team.slm, &number, "sign", json!({})).await, 403).await;
    problem(
        step(&app, &team.rep, &number, "approve", json!({})).await,
        409,
    )
    .await;
    // Sales may send the terms back, saying why; then they are a draft again.
    let unexplained = problem(
        step(&app, &team.sales, &number, "return", json!({})).await,
        422,
    )
    .await;
    assert_eq!(unexplained["errors"][0]["field"], "reason");
    let returned = json_with(
        step(
            &app,
            &team.sales,
            &number,
            "return",
            json!({"reason": "The customer wants a P2 target"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(returned["state"], "draft");
    assert_eq!(
        returned["returned"]["reason"],
        "The customer wants a P2 target"
    );
    let p2 = json!({"targets": [
        {"record": "incident", "priority": "critical", "response_minutes": 15, "resolution_minutes": 240, "calendar": "always"},
        {"record": "incident", "priority": "high", "response_minutes": 60, "resolution_minutes": 960, "warn_at_percent": 80}
    ]});
    json_with(send(&app, &team.slm, Method::PATCH, &path, &p2).await, 200).await;
    json_with(
        step(&app, &team.slm, &number, "negotiate", json!({})).await,
        200,
    )
    .await;
    // A signature names the version it signs.
    let blind = send(
        &app,
        &team.sales,
        Method::POST,
        &format!("/api/v1/slas/{number}/sign"),
        &json!({}),
    )
    .await;
    problem(blind, 428).await;
    let signed = json_with(
        step(&app, &team.sales, &number, "sign", json!({})).await,
        200,
    )
    .await;
    assert_eq!(signed["signed"]["by"], "sally");
    let approved = json_with(
        step(&app, &team.rep, &number, "approve", json!({})).await,
        200,
    )
    .await;
    assert_eq!(approved["state"], "active");
    assert_eq!(approved["in_force_version"], 1);

    // Revised under review: version 1 stays in force until version 2 is approved.
    problem(
        send(
            &app,
            &team.slm,
            Method::PATCH,
            &path,
            &json!({"glossary": null}),
        )
        .await,
        409,
    )
    .await;
    let review = json_with(
        step(
            &app,
            &team.slm,
            &number,
            "review",
            json!({"cost_of_targets": "2 FTE"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(review["state"], "under_review");
    json_with(
        send(
            &app,
            &team.slm,
            Method::PATCH,
            &path,
            &json!({"availability_percent": 99.9}),
        )
        .await,
        200,
    )
    .await;
    let changed = problem(
        step(
            &app,
            &team.slm,
            &number,
            "confirm",
            json!({"findings": "Still right"}),
        )
        .await,
        409,
    )
    .await;
    assert!(
        changed["detail"]
            .as_str()
            .expect("detail")
            .contains("changed during the review")
    );
    json_with(
        step(&app, &team.slm, &number, "negotiate", json!({})).await,
        200,
    )
    .await;
    json_with(
        step(&app, &team.sales, &number, "sign", json!({})).await,
        200,
    )
    .await;
    // Until the revision is approved, version 1 governs; then version 2.
    let governing =
        "/api/v1/slas/applicable?record=incident&customer=acme&service=network-om&priority=high";
    let during = json_with(app.get_as(&team.slm, governing).await, 200).await;
    assert_eq!(during["agreement"], number.as_str());
    assert_eq!(during["version"], 1);
    let revised = json_with(
        step(&app, &team.rep, &number, "approve", json!({})).await,
        200,
    )
    .await;
    assert_eq!(revised["in_force_version"], 2);
    let after = json_with(app.get_as(&team.slm, governing).await, 200).await;
    assert_eq!(after["version"], 2);
    assert!(revised["last_review"]["closed_at"].is_string());
    let versions = json_with(
        app.get_as(&team.slm, &format!("{path}/versions")).await,
        200,
    )
    .await;
    let availability: Vec<&Value> = versions["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| &v["terms"]["availability_percent"])
        .collect();
    assert_eq!(availability, [&json!(99.5), &json!(99.9)]);
    assert_eq!(versions["items"][0]["approved"]["by"], "rita");
    let first = json_with(
        app.get_as(&team.slm, &format!("{path}/versions/1")).await,
        200,
    )
    .await;
    assert_eq!(first["signed"]["by"], "sally");
    problem(
        app.get_as(&team.slm, &format!("{path}/versions/3")).await,
        404,
    )
    .await;

    // Four eyes: whoever negotiated the terms does not sign them too.
    let own = json_with(app.post_as(&both, "/api/v1/slas", &terms).await, 201).await;
    let own_number = own["number"].as_str().expect("number").to_owned();
    json_with(
        step(&app, &both, &own_number, "negotiate", json!({})).await,
        200,
    )
    .await;
    problem(step(&app, &both, &own_number, "sign", json!({})).await, 403).await;
    // Nor does whoever signed them approve them.
    let signer = app
        .user_with("sue", &[("sales", None), ("management_rep", None)])
        .await;
    json_with(
        step(&app, &signer, &own_number, "sign", json!({})).await,
        200,
    )
    .await;
    let refused = problem(
        step(&app, &signer, &own_number, "approve", json!({})).await,
        403,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .expect("detail")
            .contains("someone else must decide"),
        "{refused}"
    );

    // Expiry needs a reason and is final.
    let ended = json_with(
        step(
            &app,
            &team.slm,
            &own_number,
            "expire",
            json!({"reason": "Superseded"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ended["state"], "expired");
    assert_eq!(ended["allowed_actions"], json!([]));
    problem(
        step(&app, &team.slm, &own_number, "negotiate", json!({})).await,
        409,
    )
    .await;
    problem(
        step(&app, &team.slm, &own_number, "dance", json!({})).await,
        404,
    )
    .await;

    let active = json_with(
        app.get_as(&team.slm, "/api/v1/slas?state=active&customer=acme")
            .await,
        200,
    )
    .await;
    let numbers: Vec<&str> = active["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["number"].as_str().expect("number"))
        .collect();
    assert_eq!(numbers, [number.as_str()]);
}

#[tokio::test]
async fn the_most_specific_agreement_in_force_governs_and_says_why() {
    let app = TestApp::spawn().await;
    app.customer("acme").await;
    app.customer("globex").await;
    let team = Team::new(&app).await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    calendar(&app, &team.slm).await;
    let any = |minutes: u32| json!([{"record": "incident", "resolution_minutes": minutes}]);
    let general = team
        .approved(
            &app,
            &complete_sla("Standard", json!([]), json!([]), any(2400)),
        )
        .await;
    let network = team
        .approved(
            &app,
            &complete_sla(
                "Network standard",
                json!([]),
                json!(["network-om"]),
                json!([{"record": "incident", "resolution_minutes": 960}, {"record": "incident", "priority": "high", "resolution_minutes": 480}]),
            ),
        )
        .await;
    let acme = team
        .approved(
            &app,
            &complete_sla(
                "Acme network",
                json!(["acme"]),
                json!(["network-om"]),
                any(240),
            ),
        )
        .await;
    let ask = |query: &str| {
        let desk = desk.clone();
        let app = &app;
        let path = format!("/api/v1/slas/applicable?{query}");
        async move { json_with(app.get_as(&desk, &path).await, 200).await }
    };

    let chosen = ask("record=incident&customer=acme&service=network-om&priority=high").await;
    assert_eq!(chosen["agreement"], acme.as_str());
    assert_eq!(chosen["target"]["resolution_minutes"], 240);
    assert_eq!(chosen["warn_at_percent"], 75);
    assert_eq!(chosen["calendar"], "uk-office");
    assert_eq!(
        chosen["reason"],
        format!(
            "{acme} version 1 applies because it is agreed for customer acme and service network-om; it is agreed more narrowly than 2 other agreements in force that cover this record. Its target for all incidents applies."
        )
    );
    let service_wide =
        ask("record=incident&customer=globex&service=network-om&priority=high").await;
    assert_eq!(service_wide["agreement"], network.as_str());
    assert_eq!(service_wide["target"]["resolution_minutes"], 480);
    assert!(
        service_wide["reason"]
            .as_str()
            .expect("reason")
            .ends_with("Its target for high-priority incidents applies.")
    );
    let elsewhere = ask("record=incident&customer=globex&service=lan-om&priority=low").await;
    assert_eq!(elsewhere["agreement"], general.as_str());
    // No agreement sets a complaint target: the seeds' default governs, under no agreement.
    let complaint = ask("record=complaint&customer=acme&service=network-om").await;
    assert_eq!(
        (&complaint["applies"], &complaint["agreement"]),
        (&json!(true), &Value::Null)
    );
    assert_eq!(complaint["target"]["response_minutes"], 1440);
    let reason = complaint["reason"].as_str().expect("reason");
    assert!(reason.starts_with("No agreement in force"), "{reason}");
    assert!(reason.contains("The seeds' default applies"), "{reason}");
    let before =
        ask("record=incident&customer=acme&service=network-om&at=2020-01-01T00:00:00Z").await;
    assert_eq!(before["applies"], false);
    let refused = problem(
        app.get_as(&desk, "/api/v1/slas/applicable?customer=acme")
            .await,
        400,
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "record");
}
