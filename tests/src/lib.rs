//! The black-box test harness: [`TestApp::spawn`] builds the components once per test run (their
//! build commands in spin.toml, as `spin build` would), loads the root spin.toml into the
//! project's host with a fresh state directory, serves it on a free local port, and offers a
//! typed client. Nothing here reaches into the app except through HTTP, bar `sqlite_path` for
//! tests that must inspect or damage the database directly.

pub mod receiver;
pub mod replay;

use itsm_host::{App, AppOptions};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The bootstrap administrator token the test app is started with.
pub const BOOTSTRAP_TOKEN: &str = "test-bootstrap-token-0123456789";

/// The Slack app signing secret the test app is started with.
pub const SLACK_SIGNING_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
/// Mailgun's HTTP webhook signing key the tests sign forwarded e-mail with.
pub const MAILGUN_SIGNING_KEY: &str = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
/// The Teams outgoing webhook's security token (base64, as Teams shows it) the tests sign with.
pub const TEAMS_SECURITY_TOKEN: &str = "dGhlIHRlYW1zIG91dGdvaW5nIHdlYmhvb2sgdG9rZW4=";

/// The webhook signing key the test app is started with.
pub const WEBHOOK_SIGNING_KEY: &str = "test-webhook-signing-key-0123456789abcdef";

pub fn manifest_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spin.toml")
}

/// Runs the components' build commands once per process.
pub fn build_components_once() {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let result = BUILT.get_or_init(|| {
        itsm_host::build_components(&manifest_path()).map_err(|e| format!("{e:#}"))
    });
    if let Err(error) = result {
        panic!("building the components failed: {error}");
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub token: String,
    pub app: App,
    /// The time the components read; the machine's while `None`.
    clock: Arc<Mutex<Option<chrono::DateTime<chrono::Utc>>>>,
    _state: tempfile::TempDir,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl TestApp {
    /// A fresh app on an empty database, served on 127.0.0.1 at a free port. Rate limits are
    /// off, so tests can send what they need; [`TestApp::spawn_with`] turns them on.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[
            ("rate_limit_per_minute", "0"),
            ("rate_limit_address_per_minute", "0"),
            ("portal_rate_limit_per_minute", "0"),
        ])
        .await
    }

    /// A fresh app with some Spin variables set (as `SPIN_VARIABLE_<NAME>` would).
    pub async fn spawn_with(variables: &[(&str, &str)]) -> TestApp {
        build_components_once();
        let state = tempfile::tempdir().expect("a temporary state directory");
        let mut values: HashMap<String, String> = variables
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        values.insert("bootstrap_token".to_owned(), BOOTSTRAP_TOKEN.to_owned());
        // Webhooks may reach the tests' own receivers, and sign with a fixed key.
        values
            .entry("webhook_signing_key".to_owned())
            .or_insert_with(|| WEBHOOK_SIGNING_KEY.to_owned());
        values
            .entry("webhook_hosts".to_owned())
            .or_insert_with(|| "http://127.0.0.1:*".to_owned());
        values
            .entry("webhook_allow_internal_hosts".to_owned())
            .or_insert_with(|| "true".to_owned());
        values
            .entry("slack_signing_secret".to_owned())
            .or_insert_with(|| SLACK_SIGNING_SECRET.to_owned());
        values
            .entry("mailgun_signing_key".to_owned())
            .or_insert_with(|| MAILGUN_SIGNING_KEY.to_owned());
        values
            .entry("teams_security_token".to_owned())
            .or_insert_with(|| TEAMS_SECURITY_TOKEN.to_owned());
        values
            .entry("slack_response_host".to_owned())
            .or_insert_with(|| "http://127.0.0.1:*".to_owned());
        values
            .entry("portal_user".to_owned())
            .or_insert_with(|| "portal".to_owned());
        values
            .entry("relay_secret".to_owned())
            .or_insert_with(|| "test-relay-secret-0123456789abcdef0123".to_owned());
        let clock: Arc<Mutex<Option<chrono::DateTime<chrono::Utc>>>> = Arc::default();
        let guest_clock = clock.clone();
        let options = AppOptions {
            state_dir: Some(state.path().to_owned()),
            variables: Arc::new(move |name: &str| values.get(name).cloned()),
            // Shared by every test of every run, so each component is compiled once.
            cache_dir: Some(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/itsm-host-cache"),
            ),
            wall_clock: Some(Arc::new(move || read_clock(&guest_clock))),
            ..AppOptions::default()
        };
        let app = App::load(&manifest_path(), &options).expect("the app loads");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("bound address"));
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let served = app.clone();
        tokio::spawn(async move {
            let _ = itsm_host::serve(served, listener, async {
                let _ = stop.await;
            })
            .await;
        });
        TestApp {
            base,
            client: reqwest::Client::new(),
            token: BOOTSTRAP_TOKEN.to_owned(),
            app,
            clock,
            _state: state,
            _shutdown: shutdown,
        }
    }

    /// Stops the components' clock at `instant` (RFC 3339) until moved again: what they
    /// stamp and what they compare with. Set it before creating users, whose tokens expire.
    pub fn set_time(&self, instant: &str) {
        let at = chrono::DateTime::parse_from_rfc3339(instant)
            .expect("an RFC 3339 instant")
            .with_timezone(&chrono::Utc);
        *self.clock.lock().expect("the clock") = Some(at);
    }

    /// Moves the stopped clock on by `minutes`.
    pub fn advance(&self, minutes: i64) {
        let mut clock = self.clock.lock().expect("the clock");
        let at = clock.expect("set_time first");
        *clock = Some(at + chrono::Duration::minutes(minutes));
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with the bootstrap administrator's token.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.get_as(&self.token, path).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.post_as(&self.token, path, body).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Creates an incident from `body` and returns it, asserting the 201.
    pub async fn create_incident(&self, body: &Value) -> Value {
        json_with(self.post("/api/v1/incidents", body).await, 201).await
    }

    /// Applies a transition (`resolve`, `hold`, …) and returns the response.
    pub async fn transition(&self, id: &Value, action: &str, body: &Value) -> Response {
        self.post(&format!("/api/v1/incidents/{id}/{action}"), body)
            .await
    }

    /// A request with another token.
    pub fn request_as(&self, token: &str, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Response {
        self.request_as(token, Method::GET, path)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> Response {
        self.request_as(token, Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Creates a user holding `grants` (role, optional `kind:key` scope) through the identity
    /// API, as the bootstrap administrator, and returns a token of theirs.
    pub async fn user_with(&self, user_name: &str, grants: &[(&str, Option<&str>)]) -> String {
        let created = self
            .post(
                "/api/v1/users",
                &serde_json::json!({ "user_name": user_name, "display_name": user_name }),
            )
            .await;
        json_with(created, 201).await;
        for (role, scope) in grants {
            let mut body = serde_json::json!({ "role": role, "reason": "test fixture" });
            if let Some((kind, key)) = scope.and_then(|s| s.split_once(':')) {
                body["scope"] = serde_json::json!({ "kind": kind, "key": key });
            }
            let granted = self
                .post(&format!("/api/v1/users/{user_name}/roles"), &body)
                .await;
            json_with(granted, 201).await;
        }
        self.token_for(user_name).await
    }

    /// A new token for an existing user, issued by the bootstrap administrator.
    pub async fn token_for(&self, user_name: &str) -> String {
        let token = self
            .post(
                "/api/v1/tokens",
                &serde_json::json!({ "label": "test", "user": user_name }),
            )
            .await;
        let body = json_with(token, 201).await;
        body["token"]
            .as_str()
            .expect("the token is shown")
            .to_owned()
    }

    /// Creates a customer organisation.
    pub async fn customer(&self, code: &str) {
        let created = self
            .post(
                "/api/v1/customers",
                &serde_json::json!({ "code": code, "name": code.to_uppercase() }),
            )
            .await;
        json_with(created, 201).await;
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.app
            .sqlite_path("default")
            .expect("the default database")
    }
}

/// A minimal valid incident.
pub fn incident(short_description: &str) -> Value {
    serde_json::json!({
        "short_description": short_description,
        "impact": "medium",
        "urgency": "high",
        "caller": "ann.lee",
        "channel": "phone"
    })
}

/// The JSON body of an answer.
pub async fn json_of(response: Response) -> Value {
    response.json().await.expect("a JSON body")
}

/// The JSON body of an answer, asserting its status; on another status the failure shows the
/// body, which names what went wrong.
pub async fn json_with(response: Response, status: u16) -> Value {
    let actual = response.status();
    let text = response.text().await.unwrap_or_default();
    assert_eq!(actual, status, "{text}");
    serde_json::from_str(&text).expect("a JSON body")
}

/// The body of a problem+json answer, asserting its content type and status.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "unexpected status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("a problem body");
    assert_eq!(body["status"], status);
    body
}

/// The time a test set, else the machine's, as the host hands it to guests.
fn read_clock(clock: &Mutex<Option<chrono::DateTime<chrono::Utc>>>) -> std::time::Duration {
    let set = *clock
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match set {
        Some(at) => {
            std::time::Duration::from_millis(u64::try_from(at.timestamp_millis()).unwrap_or(0))
        }
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default(),
    }
}
