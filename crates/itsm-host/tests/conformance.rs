//! Conformance of itsm-host with Spin's rules, each checked from inside a real guest (the
//! `host-probe` fixture) over real HTTP: routing and `spin-*` headers, health, 404, 500 on a trap,
//! the request timeout, key-value and SQLite semantics, variables, outbound allow-lists, service
//! chaining, and the errors that stop an app from loading.

use itsm_host::{App, AppOptions};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

const SECRET: &str = "probe-secret";

fn manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/spin.toml")
}

fn build_once() {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(e) =
        BUILT.get_or_init(|| itsm_host::build_components(&manifest()).map_err(|e| format!("{e:#}")))
    {
        panic!("building the fixture failed: {e}");
    }
}

fn options(state: &Path, echo_port: u16) -> AppOptions {
    AppOptions {
        state_dir: Some(state.to_owned()),
        variables: Arc::new(move |name: &str| match name {
            "secret_value" => Some(SECRET.to_owned()),
            "echo_port" => Some(echo_port.to_string()),
            _ => None,
        }),
        request_timeout: Duration::from_secs(3),
        apply_migrations: false,
        // Shared by every test of the run, so each guest is compiled once.
        cache_dir: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/itsm-host-cache")),
        ..AppOptions::default()
    }
}

struct Served {
    base: String,
    _state: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(echo_port: u16) -> Served {
    build_once();
    let state = tempfile::tempdir().expect("state dir");
    let app =
        App::load(&manifest(), &options(state.path(), echo_port)).expect("the fixture app loads");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(itsm_host::serve(app, listener, async {
        let _ = stopped.await;
    }));
    Served {
        base,
        _state: state,
        _stop: stop,
    }
}

async fn get(served: &Served, path: &str) -> (u16, String) {
    let response = reqwest::get(format!("{}{path}", served.base))
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line {prefix:?} in:\n{text}"))
}

#[tokio::test]
async fn health_info_and_unmatched_paths_follow_spin() {
    let served = serve(9).await;
    assert_eq!(
        get(&served, "/.well-known/spin/health").await,
        (200, "OK".to_owned())
    );
    let (status, info) = get(&served, "/.well-known/spin/info").await;
    assert_eq!(status, 200);
    assert!(info.contains("\"name\":\"conformance\""), "{info}");
    assert_eq!(
        get(&served, "/.well-known/spin/other").await,
        (404, String::new())
    );
    assert_eq!(get(&served, "/nowhere").await, (404, String::new()));
}

#[tokio::test]
async fn the_guest_sees_the_absolute_url_and_the_spin_headers() {
    let served = serve(9).await;
    let (status, text) = get(&served, "/users/42/cart/headers?theme=pink").await;
    assert_eq!(status, 200);
    let authority = served.base.trim_start_matches("http://");
    assert_eq!(
        line(&text, "spin-full-url"),
        format!("spin-full-url: http://{authority}/users/42/cart/headers?theme=pink")
    );
    assert_eq!(line(&text, "spin-path-info"), "spin-path-info: /headers");
    assert_eq!(
        line(&text, "spin-path-match-userid"),
        "spin-path-match-userid: 42"
    );
    assert_eq!(
        line(&text, "spin-matched-route"),
        "spin-matched-route: /users/:userid/cart/..."
    );
    assert_eq!(
        line(&text, "spin-component-route"),
        "spin-component-route: /users/:userid/cart"
    );
    assert_eq!(line(&text, "spin-base-path"), "spin-base-path: /");
    assert!(
        line(&text, "spin-client-addr").starts_with("spin-client-addr: 127.0.0.1:"),
        "{text}"
    );
    assert_eq!(
        line(&text, "uri"),
        format!("uri: http://{authority}/users/42/cart/headers?theme=pink")
    );
    let (_, exact) = get(&served, "/exact").await;
    assert_eq!(line(&exact, "spin-path-info"), "spin-path-info: ");
    assert_eq!(
        line(&exact, "spin-matched-route"),
        "spin-matched-route: /exact"
    );
    assert_eq!(
        get(&served, "/exact/more").await.0,
        404,
        "an exact route matches only its path"
    );
}

#[tokio::test]
async fn key_value_follows_spins_semantics_and_grants() {
    let served = serve(9).await;
    let (_, text) = get(&served, "/probe/kv").await;
    let expected = [
        "open forbidden: Some(Error::AccessDenied)",
        "delete missing: Ok(())",
        "get missing: Ok(None)",
        "set: Ok(())",
        "set again: Ok(())",
        "get: Ok(Some(\"green\"))",
        "exists: Ok(true)",
        "keys: Ok([\"colour\"])",
        "delete: Ok(())",
        "exists after delete: Ok(false)",
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
    assert_eq!(
        get(&served, "/bare/kv").await.1,
        "open forbidden: Some(Error::AccessDenied)\nopen default: Error::AccessDenied"
    );
}

#[tokio::test]
async fn sqlite_follows_spins_semantics_and_grants() {
    let served = serve(9).await;
    let (_, text) = get(&served, "/probe/sqlite").await;
    let expected = [
        "open forbidden: Some(Error::AccessDenied)",
        "create: Ok(0)",
        "delete all: Ok(0)",
        "insert rex: Ok(0)",
        "changes: 1 rowid: 1",
        "insert tom: Ok(0)",
        "changes: 1 rowid: 2",
        "columns: [\"id\", \"name\", \"weight\", \"photo\", \"empty\"]",
        "row: [Value::Integer(2), Value::Text(\"tom\"), Value::Real(4.0), Value::Blob([1, 2]), Value::Null]",
        "row: [Value::Integer(1), Value::Text(\"rex\"), Value::Real(12.5), Value::Blob([1, 2]), Value::Null]",
        "other connection rowid: Ok(0)",
        "two statements: true",
        "bad sql: true",
        "sync: Ok(([\"count(*)\"], 1, 0))",
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
    assert_eq!(
        get(&served, "/bare/sqlite").await.1,
        "open forbidden: Some(Error::AccessDenied)\nopen default: Error::AccessDenied"
    );
}

#[tokio::test]
async fn variables_resolve_templates_and_refuse_the_rest() {
    let served = serve(9).await;
    let (_, text) = get(&served, "/probe/variables").await;
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "greeting: Ok(\"hello, world\")",
            &format!("secret: Ok(\"{SECRET}\")"),
            "nope: Err(Error::Undefined(\"nope\"))",
            "Bad-Name: Err(Error::InvalidName(\"Bad-Name\"))",
        ]
    );
    assert_eq!(
        line(&get(&served, "/bare/variables").await.1, "greeting"),
        "greeting: Err(Error::Undefined(\"greeting\"))"
    );
}

#[tokio::test]
async fn a_trap_is_a_500_and_an_endless_loop_is_stopped_while_the_host_keeps_serving() {
    let served = serve(9).await;
    assert_eq!(get(&served, "/probe/trap").await, (500, String::new()));
    // The request timeout is 3 s; a host that never stopped the guest fails here instead of
    // hanging the test run.
    let (status, _) = tokio::time::timeout(Duration::from_secs(10), get(&served, "/probe/loop"))
        .await
        .expect("the endless guest was stopped within 10 s");
    assert!(status == 500 || status == 504, "{status}");
    assert_eq!(get(&served, "/.well-known/spin/health").await.0, 200);
    assert_eq!(get(&served, "/probe/headers").await.0, 200);
}

#[tokio::test]
async fn outbound_http_reaches_only_allowed_hosts_and_chaining_reaches_private_components() {
    // A one-shot local server stands in for an allowed outbound host.
    let echo = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let echo_port = echo.local_addr().expect("addr").port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        if let Ok((mut socket, _)) = echo.accept().await {
            let mut buffer = [0_u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let _ = socket
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
                )
                .await;
        }
    });
    let served = serve(echo_port).await;
    let (_, allowed) = get(
        &served,
        &format!("/probe/fetch?url=http://127.0.0.1:{echo_port}/"),
    )
    .await;
    assert_eq!(allowed, "status: 200 OK\nbody: Ok(\"hello\")");
    let (_, denied) = get(&served, "/probe/fetch?url=http://127.0.0.1:1/").await;
    assert!(denied.contains("HttpRequestDenied"), "{denied}");
    let (_, not_granted) = get(
        &served,
        &format!("/bare/fetch?url=http://127.0.0.1:{echo_port}/"),
    )
    .await;
    assert!(not_granted.contains("HttpRequestDenied"), "{not_granted}");

    let (_, chained) = get(
        &served,
        "/probe/fetch?url=http://hidden.spin.internal/headers",
    )
    .await;
    assert!(chained.starts_with("status: 200 OK"), "{chained}");
    assert!(chained.contains("spin-client-addr: 0.0.0.0:0"), "{chained}");
    assert!(chained.contains("spin-path-info: /headers"), "{chained}");
    let (_, refused) = get(
        &served,
        "/bare/fetch?url=http://hidden.spin.internal/headers",
    )
    .await;
    assert!(refused.contains("HttpRequestDenied"), "{refused}");
}

/// Loads the fixture manifest with `extra` appended and `secret_value` set to `secret` (or left
/// unset), expecting the load to fail; returns the error message.
fn load_error(extra: &str, secret: Option<&str>) -> String {
    build_once();
    let dir = tempfile::tempdir().expect("dir");
    let fixture = std::fs::read_to_string(manifest()).expect("fixture manifest");
    // Keep relative paths valid: write the variant beside the fixture.
    let path = manifest().with_file_name(format!(
        "variant-{}-{}.toml",
        std::process::id(),
        next_variant()
    ));
    std::fs::write(&path, format!("{fixture}{extra}")).expect("write variant");
    let mut opts = options(dir.path(), 9);
    let secret = secret.map(str::to_owned);
    opts.variables = Arc::new(move |name: &str| secret.clone().filter(|_| name == "secret_value"));
    let result = App::load(&path, &opts);
    let _ = std::fs::remove_file(&path);
    match result {
        Ok(_) => panic!("the app loaded but should not have"),
        Err(e) => format!("{e:#}"),
    }
}

fn next_variant() -> u32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[test]
fn an_app_that_cannot_run_stops_with_a_clear_message() {
    let missing_variable = load_error("", None);
    assert!(
        missing_variable.contains("SPIN_VARIABLE_SECRET_VALUE"),
        "{missing_variable}"
    );
    let typo = load_error(
        "\n[component.extra]\nsource = \"x.wasm\"\nkey_value_storez = []\n",
        Some(SECRET),
    );
    assert!(typo.contains("key_value_storez"), "{typo}");
    let missing_wasm = load_error(
        "\n[component.ghost]\nsource = \"nowhere/ghost.wasm\"\n",
        Some(SECRET),
    );
    assert!(
        missing_wasm.contains("ghost") && missing_wasm.contains("build it first"),
        "{missing_wasm}"
    );
    let unknown_label = load_error(
        "\n[component.extra]\nsource = \"x.wasm\"\nkey_value_stores = [\"cache\"]\n",
        Some(SECRET),
    );
    assert!(unknown_label.contains("\"cache\""), "{unknown_label}");
    let unknown_template = load_error(
        "\n[component.extra]\nsource = \"x.wasm\"\n[component.extra.variables]\nx = \"{{ nope }}\"\n",
        Some(SECRET),
    );
    assert!(unknown_template.contains("nope"), "{unknown_template}");
}

#[test]
fn compiled_components_are_cached_by_content() {
    build_once();
    let cache = tempfile::tempdir().expect("cache");
    let state = tempfile::tempdir().expect("state");
    let mut opts = options(state.path(), 9);
    opts.cache_dir = Some(cache.path().to_owned());
    App::load(&manifest(), &opts).expect("first load compiles");
    let entries: Vec<_> = std::fs::read_dir(cache.path())
        .expect("cache dir")
        .flatten()
        .collect();
    // One guest file deployed three times compiles to one cache entry.
    assert_eq!(entries.len(), 1, "{entries:?}");
    let modified = entries[0]
        .metadata()
        .and_then(|m| m.modified())
        .expect("mtime");
    App::load(&manifest(), &opts).expect("second load reads the cache");
    let again = std::fs::read_dir(cache.path())
        .expect("cache dir")
        .flatten()
        .next()
        .expect("entry");
    assert_eq!(
        again.metadata().and_then(|m| m.modified()).expect("mtime"),
        modified,
        "the entry was reused, not rewritten"
    );
}

#[tokio::test]
async fn a_runtime_config_file_places_the_stores_and_refuses_other_types() {
    build_once();
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("runtime-config.toml");
    std::fs::write(
        &config,
        "[key_value_store.default]\ntype = \"spin\"\npath = \"data/kv.db\"\n\n[sqlite_database.default]\ntype = \"spin\"\npath = \"data/app.db\"\n",
    )
    .expect("write config");
    std::fs::create_dir_all(dir.path().join("data")).expect("data dir");
    let state = tempfile::tempdir().expect("state");
    let mut opts = options(state.path(), 9);
    opts.runtime_config = Some(config.clone());
    let app = App::load(&manifest(), &opts).expect("loads with the runtime config");
    // Relative paths resolve against the config file's directory, as in Spin.
    assert_eq!(
        app.sqlite_path("default"),
        Some(dir.path().join("data/app.db"))
    );
    assert!(dir.path().join("data/kv.db").exists());
    assert!(!state.path().join("sqlite_key_value.db").exists());

    std::fs::write(
        &config,
        "[key_value_store.default]\ntype = \"redis\"\nurl = \"redis://localhost\"\n",
    )
    .expect("write config");
    let error = App::load(&manifest(), &opts)
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
    assert!(
        error.contains("redis") && error.contains("not supported"),
        "{error}"
    );
}
