//! The OpenAPI document as the running app serves it: the committed file, behind a token, and
//! every operation it describes reaches a component through spin.toml's routes (the components'
//! own tests check the document against their route tables).

use itsm_api_tests::{BOOTSTRAP_TOKEN, TestApp, manifest_path, problem};
use reqwest::Method;
use serde_json::Value;

fn committed_document() -> Value {
    let path = manifest_path().with_file_name("openapi.json");
    let text = std::fs::read_to_string(&path).expect("openapi.json at the root");
    serde_json::from_str(&text).expect("JSON")
}

/// A concrete URL for a path template: an id of 1, the first word a choice allows, else `x`.
fn concrete(path: &str, operation: &Value) -> String {
    path.split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                None => segment.to_owned(),
                Some(name) => {
                    let parameter = operation["parameters"]
                        .as_array()
                        .and_then(|ps| ps.iter().find(|p| p["name"] == name && p["in"] == "path"));
                    match parameter.and_then(|p| p["schema"]["enum"][0].as_str()) {
                        Some(word) => word.to_owned(),
                        None if name == "id" => "1".to_owned(),
                        None => "x".to_owned(),
                    }
                }
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn the_app_serves_the_committed_document_to_signed_in_callers_only() {
    let app = TestApp::spawn().await;
    let served = app.get_as(BOOTSTRAP_TOKEN, "/api/v1/openapi.json").await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "application/json");
    let served: Value = served.json().await.expect("json");
    assert_eq!(served, committed_document());
    assert_eq!(served["openapi"], "3.1.0");
    let anonymous = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("sent");
    problem(anonymous, 401).await;
}

#[tokio::test]
async fn every_documented_operation_reaches_a_component() {
    let app = TestApp::spawn().await;
    let document = committed_document();
    let paths = document["paths"].as_object().expect("paths");
    let mut checked = 0;
    for (path, methods) in paths {
        for (method, operation) in methods.as_object().expect("methods") {
            let url = concrete(path, operation);
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            // Without a token a routed operation answers 401; the host's own router would
            // answer 404 for a path spin.toml does not route.
            let response = app
                .client
                .request(method.clone(), app.url(&url))
                .send()
                .await
                .expect("sent");
            assert_eq!(response.status(), 401, "{method} {url}");
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} operations");
}

#[tokio::test]
async fn every_route_of_the_manifest_leads_to_documented_operations() {
    let manifest = std::fs::read_to_string(manifest_path()).expect("spin.toml");
    let document = committed_document();
    let paths: Vec<&String> = document["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .collect();
    let routes: Vec<&str> = manifest
        .lines()
        .filter_map(|line| line.strip_prefix("route = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .collect();
    assert!(routes.len() > 10, "{routes:?}");
    // The portal's pages are HTML for people, not part of the API the document describes.
    let outside: Vec<&&str> = routes.iter().filter(|r| !r.starts_with("/api/")).collect();
    assert_eq!(
        outside,
        [&"/portal/..."],
        "only the portal lives outside /api"
    );
    for route in routes.into_iter().filter(|r| r.starts_with("/api/")) {
        let documented = match route.strip_suffix("/...") {
            Some(prefix) => paths
                .iter()
                .any(|p| *p == prefix || p.starts_with(&format!("{prefix}/"))),
            None => paths.iter().any(|p| *p == route),
        };
        assert!(
            documented,
            "spin.toml routes {route}, which the document lacks"
        );
    }
}
