//! Drives the API through the log: the sample's incidents in the order they were opened, each
//! one's updates in the order the source system counted them (`sys_mod_count`), every update as
//! the calls a service desk agent would make; then the comparison with the log's final rows.

use super::Report;
use super::log::{Event, Log};
use super::mapping::{self, Ours, Step};
use crate::TestApp;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// Where one replayed incident stands in the API.
struct Tracked {
    id: i64,
    state: Ours,
    group: Option<String>,
    assignee: Option<String>,
    impact: u8,
    urgency: u8,
}

/// Replays the first `limit` incidents (all when `None`) of the log through `app`.
pub async fn replay(app: &TestApp, log: &Log, limit: Option<usize>) -> Report {
    let incidents = sample(&log.events, limit);
    let mut driver = Driver {
        app,
        token: app
            .user_with("replay-desk", &[("service_desk", None)])
            .await,
        report: Report {
            rows_rejected: log.rejected.len(),
            incidents: incidents.len(),
            events: incidents.iter().map(Vec::len).sum(),
            matrix: observed_matrix(&incidents),
            ..Report::default()
        },
    };
    driver.set_matrix().await;
    let mut tracked: HashMap<&str, Tracked> = HashMap::new();
    for events in &incidents {
        for event in events {
            match tracked.get_mut(event.number.as_str()) {
                None => {
                    if let Some(new) = driver.create(event).await {
                        tracked.insert(&event.number, new);
                    }
                }
                Some(incident) => driver.update(incident, event).await,
            }
        }
    }
    for events in &incidents {
        if let (Some(last), Some(incident)) = (
            events.last(),
            events.first().and_then(|e| tracked.get(e.number.as_str())),
        ) {
            driver.compare(incident.id, last).await;
        }
    }
    driver.report
}

/// The first `limit` incidents by opening time (then number), each with its events in the
/// source system's update order.
fn sample(events: &[Event], limit: Option<usize>) -> Vec<Vec<&Event>> {
    let mut by_number: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
    for event in events {
        by_number.entry(&event.number).or_default().push(event);
    }
    let mut incidents: Vec<Vec<&Event>> = by_number.into_values().collect();
    for events in &mut incidents {
        events.sort_by_key(|e| (e.sys_mod_count, e.updated_at));
    }
    incidents.sort_by_key(|events| {
        let opened = events.iter().map(|e| e.opened_at).min();
        (opened, events.first().map(|e| e.number.clone()))
    });
    incidents.truncate(limit.unwrap_or(usize::MAX));
    incidents
}

/// The organisation's matrix as its rows show it: each (impact, urgency) cell's most frequent
/// priority, with how many rows agree.
fn observed_matrix(incidents: &[Vec<&Event>]) -> BTreeMap<(u8, u8), (u8, usize, usize)> {
    let mut seen: BTreeMap<(u8, u8), BTreeMap<u8, usize>> = BTreeMap::new();
    for event in incidents.iter().flatten() {
        *seen
            .entry((event.impact, event.urgency))
            .or_default()
            .entry(event.priority)
            .or_default() += 1;
    }
    seen.into_iter()
        .filter_map(|(cell, counts)| {
            let rows = counts.values().sum();
            let (priority, agreeing) = counts.into_iter().max_by_key(|(p, n)| (*n, u8::MAX - p))?;
            Some((cell, (priority, agreeing, rows)))
        })
        .collect()
}

struct Driver<'a> {
    app: &'a TestApp,
    token: String,
    report: Report,
}

impl Driver<'_> {
    /// One call as the desk agent; the answer's body when it succeeded, the refusal counted when
    /// not.
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
        what: &str,
    ) -> Option<Value> {
        self.report.calls += 1;
        let mut request = self.app.request_as(&self.token, method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let Ok(response) = request.send().await else {
            self.report.server_errors += 1;
            return None;
        };
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Some(body);
        }
        if status.is_server_error() {
            self.report.server_errors += 1;
        }
        *self
            .report
            .refused
            .entry(format!(
                "{what}: {} {}",
                status.as_u16(),
                body["detail"].as_str().unwrap_or_default()
            ))
            .or_default() += 1;
        None
    }

    /// The organisation's matrix where the log shows it, ours elsewhere, set by the
    /// administrator as any deployment would.
    async fn set_matrix(&mut self) {
        let current = crate::json_of(self.app.get("/api/v1/incidents/priority-matrix").await).await;
        let mut cells: Vec<Value> = current["cells"].as_array().cloned().unwrap_or_default();
        for cell in &mut cells {
            let observed = self.report.matrix.iter().find(|((i, u), _)| {
                cell["impact"] == mapping::level(*i) && cell["urgency"] == mapping::level(*u)
            });
            if let Some((_, (priority, _, _))) = observed {
                cell["priority"] = json!(mapping::priority(*priority));
            }
        }
        let response = self
            .app
            .request(Method::PUT, "/api/v1/incidents/priority-matrix")
            .json(&json!({ "cells": cells }))
            .send()
            .await;
        self.report.calls += 1;
        if !response.is_ok_and(|r| r.status().is_success()) {
            *self
                .report
                .refused
                .entry("set the priority matrix".to_owned())
                .or_default() += 1;
        }
    }

    async fn create(&mut self, event: &Event) -> Option<Tracked> {
        let mut body = json!({
            "short_description": format!("Incident {} replayed from the event log", event.number),
            "impact": mapping::level(event.impact),
            "urgency": mapping::level(event.urgency),
            "caller": event.caller.as_ref().map_or_else(|| "unknown caller".to_owned(), |c| format!("caller {c}")),
            "channel": mapping::channel(&event.contact_type),
        });
        if let Some(category) = &event.category {
            body["category"] = json!(format!("category {category}"));
        }
        let group = event
            .assignment_group
            .as_ref()
            .map(|g| format!("group {g}"));
        let assignee = event.assigned_to.as_ref().map(|a| format!("agent {a}"));
        if let Some(group) = &group {
            body["assignment_group"] = json!(group);
        }
        if let Some(assignee) = &assignee {
            body["assignee"] = json!(assignee);
        }
        let created = self
            .call(Method::POST, "/api/v1/incidents", Some(body), "create")
            .await?;
        let mut incident = Tracked {
            id: created["id"].as_i64()?,
            state: Ours::New,
            group,
            assignee,
            impact: event.impact,
            urgency: event.urgency,
        };
        self.move_to(&mut incident, event).await;
        Some(incident)
    }

    async fn update(&mut self, incident: &mut Tracked, event: &Event) {
        let path = format!("/api/v1/incidents/{}", incident.id);
        let group = event
            .assignment_group
            .as_ref()
            .map(|g| format!("group {g}"));
        let assignee = event.assigned_to.as_ref().map(|a| format!("agent {a}"));
        let mut changes = serde_json::Map::new();
        if group != incident.group {
            changes.insert("assignment_group".to_owned(), json!(group));
        }
        if assignee != incident.assignee {
            changes.insert("assignee".to_owned(), json!(assignee));
        }
        if (event.impact, event.urgency) != (incident.impact, incident.urgency) {
            changes.insert("impact".to_owned(), json!(mapping::level(event.impact)));
            changes.insert("urgency".to_owned(), json!(mapping::level(event.urgency)));
        }
        let reprioritised = (event.impact, event.urgency) != (incident.impact, incident.urgency);
        if !changes.is_empty() {
            let what = format!("update while {}", incident.state.name());
            if let Some(answer) = self
                .call(Method::PATCH, &path, Some(Value::Object(changes)), &what)
                .await
            {
                if reprioritised {
                    let ours = answer["priority"].as_str().unwrap_or_default().to_owned();
                    let logged = mapping::priority(event.priority);
                    self.report
                        .each_reprioritisation
                        .record(ours == logged, || {
                            format!(
                                "{} update {}: {ours}, log {logged}",
                                event.number, event.sys_mod_count
                            )
                        });
                }
                incident.group = group;
                incident.assignee = assignee;
                incident.impact = event.impact;
                incident.urgency = event.urgency;
            }
        }
        self.move_to(incident, event).await;
    }

    /// The lifecycle actions that bring the incident to the event's state, and the check that
    /// it got there.
    async fn move_to(&mut self, incident: &mut Tracked, event: &Event) {
        self.follow(incident, event).await;
        let expected = mapping::target(event.state);
        let reached = incident.state.name();
        self.report
            .each_update
            .record(reached == expected.name(), || {
                format!(
                    "{} update {}: {reached}, log {}",
                    event.number,
                    event.sys_mod_count,
                    expected.name()
                )
            });
    }

    async fn follow(&mut self, incident: &mut Tracked, event: &Event) {
        let target = mapping::target(event.state);
        let Some(steps) = mapping::path(&incident.state, &target) else {
            *self
                .report
                .unfollowable
                .entry(format!("{} -> {}", incident.state.name(), target.name()))
                .or_default() += 1;
            return;
        };
        for step in steps {
            let body = match step {
                Step::Hold(reason) => json!({ "hold_reason": reason }),
                Step::Resolve => json!({
                    "resolution_code": "solved_permanently",
                    "resolution_notes": format!("Closed with the log's code {}", event.closed_code.as_deref().unwrap_or("(none)")),
                }),
                Step::Reopen => json!({ "reason": "The log shows it worked on again" }),
                Step::Start | Step::Resume | Step::Close => json!({}),
            };
            let path = format!("/api/v1/incidents/{}/{}", incident.id, step.action());
            let what = format!("{} from {}", step.action(), incident.state.name());
            let Some(answer) = self.call(Method::POST, &path, Some(body), &what).await else {
                return;
            };
            if let Some(state) = answer["state"]
                .as_str()
                .and_then(|s| Ours::parse(s, answer["hold_reason"].as_str()))
            {
                incident.state = state;
            }
        }
    }

    async fn compare(&mut self, id: i64, last: &Event) {
        let Some(ours) = self
            .call(
                Method::GET,
                &format!("/api/v1/incidents/{id}"),
                None,
                "read",
            )
            .await
        else {
            return;
        };
        let number = &last.number;
        let expected_state = mapping::target(last.state).name();
        let state = ours["state"].as_str().unwrap_or_default().to_owned();
        self.report.state.record(state == expected_state, || {
            format!("{number}: {state}, log {expected_state}")
        });
        let count = |field: &str| ours[field].as_i64().unwrap_or(-1);
        let reassigned = count("reassignment_count");
        let log_reassigned = i64::from(last.reassignment_count);
        *self
            .report
            .reassignment_gaps
            .entry(reassigned - log_reassigned)
            .or_default() += 1;
        self.report
            .reassignment
            .record(reassigned == log_reassigned, || {
                format!("{number}: {reassigned}, log {log_reassigned}")
            });
        let reopened = count("reopen_count");
        let log_reopened = i64::from(last.reopen_count);
        if reopened != 0 || log_reopened != 0 {
            self.report.reopen.record(reopened == log_reopened, || {
                format!("{number}: {reopened}, log {log_reopened}")
            });
        }
        let priority = ours["priority"].as_str().unwrap_or_default().to_owned();
        let log_priority = mapping::priority(last.priority);
        self.report.priority.record(priority == log_priority, || {
            format!("{number}: {priority}, log {log_priority}")
        });
    }
}
