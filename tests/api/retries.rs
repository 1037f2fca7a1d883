//! Retry safety: `Idempotency-Key` replays the first answer and refuses a different body, and
//! concurrent writers with `If-Match` cannot overwrite each other.

use itsm_api_tests::{TestApp, incident, problem};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn a_retried_post_with_the_same_key_is_answered_from_the_first_attempt() {
    let app = TestApp::spawn().await;
    let send = |body: Value| {
        app.request(Method::POST, "/api/v1/incidents")
            .header("idempotency-key", "retry-1")
            .json(&body)
            .send()
    };
    let first = send(incident("Once only")).await.expect("sent");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    let again = send(incident("Once only")).await.expect("sent");
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["location"], "/api/v1/incidents/1");
    assert_eq!(again.json::<Value>().await.expect("json"), first);

    let other = send(incident("Something else")).await.expect("sent");
    let body = problem(other, 422).await;
    assert_eq!(body["errors"][0]["field"], "Idempotency-Key");
    let list: Value = app
        .get("/api/v1/incidents")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
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
