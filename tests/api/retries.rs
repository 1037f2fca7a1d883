//! Retry safety: `Idempotency-Key` replays the first answer, refuses a different body and runs
//! copies sent at once only once, and concurrent writers with `If-Match` cannot overwrite each
//! other.

use itsm_api_tests::{TestApp, incident, problem};
use reqwest::Method;
use serde_json::{Value, json};

/// An incident's creation under an `Idempotency-Key`.
fn keyed_incident(app: &TestApp, key: &str, title: &str) -> reqwest::RequestBuilder {
    app.request(Method::POST, "/api/v1/incidents")
        .header("idempotency-key", key)
        .json(&incident(title))
}

async fn incidents_stored(app: &TestApp) -> Option<usize> {
    let list: Value = app
        .get("/api/v1/incidents")
        .await
        .json()
        .await
        .expect("json");
    list["items"].as_array().map(Vec::len)
}

#[tokio::test]
async fn a_retried_post_with_the_same_key_is_answered_from_the_first_attempt() {
    let app = TestApp::spawn().await;
    let send = |title: &str| keyed_incident(&app, "retry-1", title).send();
    let first = send("Once only").await.expect("sent");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    let again = send("Once only").await.expect("sent");
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["location"], "/api/v1/incidents/1");
    assert_eq!(again.json::<Value>().await.expect("json"), first);

    let other = send("Something else").await.expect("sent");
    let body = problem(other, 422).await;
    assert_eq!(body["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(incidents_stored(&app).await, Some(1));
}

#[tokio::test]
async fn of_sixteen_copies_of_a_post_sent_at_once_one_runs_and_the_rest_are_told_to_retry() {
    let app = TestApp::spawn().await;
    let sent: Vec<_> = (0..16)
        .map(|_| tokio::spawn(keyed_incident(&app, "burst-1", "Sent at once").send()))
        .collect();
    let mut created = 0;
    for answer in sent {
        let answer = answer.await.expect("joined").expect("sent");
        match answer.status().as_u16() {
            201 => created += 1,
            409 => {
                assert_eq!(answer.headers()["retry-after"], "1");
                let body = problem(answer, 409).await;
                assert_eq!(body["type"], "urn:itsm:problem:request-in-progress");
            }
            other => panic!("unexpected answer {other}"),
        }
    }
    assert!(created >= 1, "the first copy is answered");
    let retried = keyed_incident(&app, "burst-1", "Sent at once")
        .send()
        .await
        .expect("sent");
    assert_eq!(retried.status(), 201);
    assert_eq!(retried.headers()["location"], "/api/v1/incidents/1");
    assert_eq!(incidents_stored(&app).await, Some(1));
}

#[tokio::test]
async fn of_sixteen_concurrent_updates_with_the_same_if_match_exactly_one_succeeds() {
    let app = TestApp::spawn().await;
    app.create_incident(&incident("Contended")).await;
    let updates = (0..16).map(|n| {
        app.request(Method::PATCH, "/api/v1/incidents/1")
            .header("if-match", "\"1\"")
            .json(&json!({"category": format!("writer-{n}")}))
            .send()
    });
    let statuses: Vec<u16> = futures_statuses(updates).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        15,
        "{statuses:?}"
    );
    let stored: Value = app
        .get("/api/v1/incidents/1")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(stored["version"], 2);
    let history: Value = app
        .get("/api/v1/incidents/1/history")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(history["items"].as_array().map(Vec::len), Some(2));
}

async fn futures_statuses(
    requests: impl Iterator<
        Item = impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static,
    >,
) -> Vec<u16> {
    let handles: Vec<_> = requests.map(tokio::spawn).collect();
    let mut statuses = Vec::new();
    for handle in handles {
        statuses.push(
            handle
                .await
                .expect("joined")
                .expect("sent")
                .status()
                .as_u16(),
        );
    }
    statuses
}
