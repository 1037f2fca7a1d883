//! A loaded Spin app: the manifest's components compiled and pre-instantiated, its router, its
//! stores, and request dispatch (`spin:crates/trigger-http`): health and info routes, 404 when no
//! route matches, the `spin-*` headers, one fresh instance per request, 500 when a guest fails and
//! 504 when it overruns the request timeout.

use crate::bindings::SpinImports;
use crate::ctx::Ctx;
use crate::engine::{self, EPOCH_TICK};
use crate::key_value::{KvStore, KvStores};
use crate::manifest::Manifest;
use crate::outbound::{AllowedHost, OutboundHooks};
use crate::routes::{RouteMatch, Router};
use crate::runtime_config::RuntimeConfig;
use crate::sqlite::{SqlDatabase, SqlDatabases};
use crate::state::{Backends, Grants, SpinData, SpinState};
use crate::variables;
use anyhow::{Context as _, anyhow, bail};
use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};
use wasmtime::component::{Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::WasiCtx;
use wasmtime_wasi_http::WasiHttpCtx;
use wasmtime_wasi_http::p3::bindings::ServicePre;
use wasmtime_wasi_http::p3::bindings::http::types::ErrorCode;

/// Every body this host hands out.
pub type HostBody = UnsyncBoxBody<Bytes, ErrorCode>;

/// Where variable values come from (Spin's providers); the default is the environment.
pub type VariableProvider = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// How to load an app.
#[derive(Clone)]
pub struct AppOptions {
    /// `.spin/` beside the manifest unless set.
    pub state_dir: Option<PathBuf>,
    pub runtime_config: Option<PathBuf>,
    pub variables: VariableProvider,
    pub request_timeout: Duration,
    /// Apply the project's migrations to the `default` SQLite database at load.
    pub apply_migrations: bool,
    /// Where compiled components are cached; `component-cache` in the state directory unless set.
    pub cache_dir: Option<PathBuf>,
    /// The time guests read from `wasi:clocks/wall-clock`; the machine's unless set. Tests set
    /// it to play out days of SLA clocks in seconds, with the components unchanged.
    pub wall_clock: Option<WallClockSource>,
}

/// The current time as a duration since the Unix epoch.
pub type WallClockSource = Arc<dyn Fn() -> Duration + Send + Sync>;

/// A wall clock reading [`AppOptions::wall_clock`].
struct SetClock(WallClockSource);

impl wasmtime_wasi::HostWallClock for SetClock {
    fn resolution(&self) -> Duration {
        Duration::from_millis(1)
    }

    fn now(&self) -> Duration {
        (self.0)()
    }
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            state_dir: None,
            runtime_config: None,
            variables: Arc::new(variables::environment_provider),
            request_timeout: Duration::from_secs(30),
            apply_migrations: true,
            cache_dir: None,
            wall_clock: None,
        }
    }
}

/// A loaded app; cheap to clone.
#[derive(Clone)]
pub struct App(Arc<AppInner>);

pub struct AppInner {
    name: String,
    engine: &'static Engine,
    router: Router,
    base: String,
    components: HashMap<String, LoadedComponent>,
    backends: Backends,
    timeout: Duration,
    wall_clock: Option<WallClockSource>,
    instantiation_micros: Mutex<Vec<u32>>,
    this: Weak<AppInner>,
}

struct LoadedComponent {
    pre: ServicePre<Ctx>,
    grants: Arc<Grants>,
    allowed_hosts: Arc<Vec<AllowedHost>>,
    environment: Vec<(String, String)>,
}

enum Failure {
    Timeout,
    Guest(anyhow::Error),
}

impl App {
    /// Reads the manifest, opens the stores, resolves variables, applies migrations, and compiles
    /// (or loads from the cache) every component. Any problem stops here with a clear message.
    pub fn load(manifest_path: &Path, options: &AppOptions) -> anyhow::Result<App> {
        let manifest = Manifest::load(manifest_path)?;
        let dir = manifest_path.parent().unwrap_or(Path::new(".")).to_owned();
        let runtime_config = match &options.runtime_config {
            Some(path) => RuntimeConfig::load(path)?,
            None => RuntimeConfig::default(),
        };
        let state_dir = options
            .state_dir
            .clone()
            .or_else(|| runtime_config.state_dir.clone())
            .unwrap_or_else(|| dir.join(".spin"));
        std::fs::create_dir_all(&state_dir).with_context(|| {
            format!("cannot create the state directory {}", state_dir.display())
        })?;
        let backends = open_backends(&manifest, &runtime_config, &state_dir)?;
        if options.apply_migrations {
            migrate(&backends)?;
        }
        let provider = options.variables.clone();
        let component_variables = variables::resolve(&manifest, &|name| provider(name))?;
        let engine = engine::engine()?;
        let linker = linker(engine)?;
        let cache_dir = options
            .cache_dir
            .clone()
            .unwrap_or_else(|| engine::default_cache_dir(&state_dir));
        let mut components = HashMap::new();
        for (id, component) in &manifest.component {
            let wasm = dir.join(&component.source);
            let compiled = engine::load_component(engine, &wasm, &cache_dir)
                .with_context(|| format!("component {id}"))?;
            let pre = linker
                .instantiate_pre(&compiled)
                .and_then(ServicePre::new)
                .map_err(|e| anyhow!("component {id} cannot run here: {e}"))?;
            let allowed_hosts = component
                .allowed_outbound_hosts
                .iter()
                .map(|entry| {
                    let entry =
                        variables::expand_app_template(&manifest, &|name| provider(name), entry)?;
                    AllowedHost::parse(&entry).map_err(|e| anyhow!("component {id}: {e}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let grants = Grants {
                key_value_stores: component.key_value_stores.iter().cloned().collect(),
                sqlite_databases: component.sqlite_databases.iter().cloned().collect(),
                variables: component_variables.get(id).cloned().unwrap_or_default(),
            };
            components.insert(
                id.clone(),
                LoadedComponent {
                    pre,
                    grants: Arc::new(grants),
                    allowed_hosts: Arc::new(allowed_hosts),
                    environment: component.environment.clone().into_iter().collect(),
                },
            );
        }
        let router = Router::from_manifest(&manifest);
        let base = manifest.base().to_owned();
        Ok(App(Arc::new_cyclic(|this| AppInner {
            name: manifest.application.name.clone(),
            engine,
            router,
            base,
            components,
            backends,
            timeout: options.request_timeout,
            wall_clock: options.wall_clock.clone(),
            instantiation_micros: Mutex::default(),
            this: this.clone(),
        })))
    }

    /// Serves one request from a client.
    pub async fn handle<B>(
        &self,
        request: http::Request<B>,
        client: SocketAddr,
    ) -> http::Response<HostBody>
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: std::fmt::Display,
    {
        let request = request.map(|body| {
            body.map_err(|e| ErrorCode::InternalError(Some(e.to_string())))
                .boxed_unsync()
        });
        self.0.handle(request, client).await
    }

    /// The file of a SQLite label, for tests that inspect or tamper with the database directly.
    pub fn sqlite_path(&self, label: &str) -> Option<PathBuf> {
        self.0
            .backends
            .sqlite
            .0
            .get(label)
            .map(|db| db.path().to_owned())
    }

    /// Per-request instantiation times so far, in microseconds, sorted.
    pub fn instantiation_micros(&self) -> Vec<u32> {
        let mut all = self
            .0
            .instantiation_micros
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default();
        all.sort_unstable();
        all
    }
}

impl AppInner {
    async fn handle(
        &self,
        request: http::Request<HostBody>,
        client: SocketAddr,
    ) -> http::Response<HostBody> {
        let path = request.uri().path().to_owned();
        match path.as_str() {
            "/.well-known/spin/health" => return text(StatusCode::OK, "OK"),
            "/.well-known/spin/info" => {
                let info = serde_json::json!({ "name": self.name, "host": "itsm-host", "version": env!("CARGO_PKG_VERSION") });
                return text(StatusCode::OK, &info.to_string());
            }
            p if p.starts_with("/.well-known/spin/") => return empty(StatusCode::NOT_FOUND),
            _ => {}
        }
        let Some(route) = self.router.route(&path) else {
            return empty(StatusCode::NOT_FOUND);
        };
        let request = with_spin_headers(request, &route, &self.base, client);
        self.invoke(&route.component, request).await
    }

    /// Serves a request a guest sent to `http://<component>.spin.internal`: Spin matches it as if
    /// the component's route were `/...`, from client address `0.0.0.0:0`.
    pub async fn handle_chained(
        &self,
        component: &str,
        mut request: http::Request<HostBody>,
    ) -> http::Response<HostBody> {
        if !self.components.contains_key(component) {
            return empty(StatusCode::NOT_FOUND);
        }
        request.headers_mut().remove(http::header::HOST);
        let route = RouteMatch {
            component: component.to_owned(),
            raw_route: "/...".to_owned(),
            component_route: String::new(),
            path_info: request.uri().path().to_owned(),
            params: Vec::new(),
        };
        let request = with_spin_headers(
            request,
            &route,
            &self.base,
            SocketAddr::from(([0, 0, 0, 0], 0)),
        );
        Box::pin(self.invoke(component, request)).await
    }

    async fn invoke(&self, id: &str, request: http::Request<HostBody>) -> http::Response<HostBody> {
        match self.try_invoke(id, request).await {
            Ok(response) => response,
            Err(Failure::Timeout) => {
                eprintln!("component {id}: request timed out after {:?}", self.timeout);
                empty(StatusCode::GATEWAY_TIMEOUT)
            }
            Err(Failure::Guest(error)) => {
                eprintln!("component {id} failed: {error:#}");
                empty(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }

    async fn try_invoke(
        &self,
        id: &str,
        request: http::Request<HostBody>,
    ) -> Result<http::Response<HostBody>, Failure> {
        let component = self
            .components
            .get(id)
            .ok_or_else(|| Failure::Guest(anyhow!("no component {id}")))?;
        let mut store = Store::new(self.engine, self.instance_data(component));
        let ticks = (self.timeout.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64;
        store.set_epoch_deadline(ticks);
        store.epoch_deadline_trap();
        let started = Instant::now();
        let service = component
            .pre
            .instantiate_async(&mut store)
            .await
            .map_err(|e| Failure::Guest(anyhow!("instantiation failed: {e}")))?;
        self.record_instantiation(started.elapsed());

        let (tx, rx) = tokio::sync::oneshot::channel();
        let lifetime = self.timeout * 2;
        let task = tokio::spawn(async move {
            let run = store.run_concurrent(async move |accessor| {
                let (request, io) = wasmtime_wasi_http::p3::Request::from_http(request);
                match service.handle(accessor, request).await? {
                    Ok(response) => {
                        let response =
                            accessor.with(|mut access| response.into_http(&mut access, io))?;
                        let _ = tx.send(Ok(response));
                    }
                    Err(code) => {
                        let _ = tx.send(Err(code));
                    }
                }
                // The body may still be streaming from guest tasks: keep the store running.
                std::future::poll_fn(|cx| accessor.poll_no_interesting_tasks(cx)).await;
                wasmtime::error::Ok(())
            });
            match tokio::time::timeout(lifetime, run).await {
                Ok(Ok(Ok(()))) => Ok(()),
                Ok(Ok(Err(e)) | Err(e)) => Err(anyhow!("{e:?}")),
                Err(_) => Err(anyhow!("guest still running after {lifetime:?}")),
            }
        });
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(Ok(response))) => Ok(response),
            Ok(Ok(Err(code))) => Err(Failure::Guest(anyhow!("the handler returned {code:?}"))),
            Ok(Err(_)) => match task.await {
                Ok(Err(error)) => Err(Failure::Guest(error)),
                Ok(Ok(())) => Err(Failure::Guest(anyhow!("the handler returned no response"))),
                Err(join) => Err(Failure::Guest(anyhow!("{join}"))),
            },
            Err(_) => {
                task.abort();
                Err(Failure::Timeout)
            }
        }
    }

    fn instance_data(&self, component: &LoadedComponent) -> Ctx {
        let mut wasi = WasiCtx::builder();
        wasi.inherit_stdout().inherit_stderr();
        if let Some(clock) = &self.wall_clock {
            wasi.wall_clock(SetClock(clock.clone()));
        }
        for (key, value) in &component.environment {
            wasi.env(key, value);
        }
        Ctx {
            table: ResourceTable::new(),
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            hooks: OutboundHooks {
                app: self.this.clone(),
                allowed: component.allowed_hosts.clone(),
            },
            spin: SpinState {
                table: ResourceTable::new(),
                grants: component.grants.clone(),
                backends: self.backends.clone(),
            },
        }
    }

    fn record_instantiation(&self, elapsed: Duration) {
        if let Ok(mut all) = self.instantiation_micros.lock()
            && all.len() < 1_000_000
        {
            all.push(u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX));
        }
    }
}

/// Gives the guest the absolute URL and the `spin-*` headers Spin sets, and drops `Connection`.
fn with_spin_headers(
    request: http::Request<HostBody>,
    route: &RouteMatch,
    base: &str,
    client: SocketAddr,
) -> http::Request<HostBody> {
    let (mut parts, body) = request.into_parts();
    let authority = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .unwrap_or("localhost")
        .to_owned();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let full_url = format!("http://{authority}{path_and_query}");
    if let Ok(uri) = full_url.parse() {
        parts.uri = uri;
    }
    let headers = &mut parts.headers;
    headers.remove(http::header::CONNECTION);
    let mut set = |name: &str, value: &str| {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.insert(n, v);
        }
    };
    set("spin-full-url", &full_url);
    set("spin-path-info", &route.path_info);
    set("spin-matched-route", &route.raw_route);
    set("spin-raw-component-route", &route.raw_route);
    set("spin-component-route", &route.component_route);
    set("spin-base-path", base);
    set("spin-client-addr", &client.to_string());
    for (name, value) in &route.params {
        set(&format!("spin-path-match-{name}"), value);
    }
    http::Request::from_parts(parts, body)
}

fn open_backends(
    manifest: &Manifest,
    config: &RuntimeConfig,
    state_dir: &Path,
) -> anyhow::Result<Backends> {
    let mut key_value = KvStores::default();
    let mut sqlite = SqlDatabases::default();
    for (id, component) in &manifest.component {
        for label in &component.key_value_stores {
            if key_value.0.contains_key(label) {
                continue;
            }
            let path = match (config.key_value_path(label), label.as_str()) {
                (Some(Some(path)), _) => path.to_owned(),
                (Some(None), _) | (None, "default") => state_dir.join("sqlite_key_value.db"),
                (None, _) => bail!(
                    "component {id} uses key_value_stores label {label:?}, which is neither \"default\" nor defined in the runtime config"
                ),
            };
            key_value
                .0
                .insert(label.clone(), Arc::new(KvStore::open(label, &path)?));
        }
        for label in &component.sqlite_databases {
            if sqlite.0.contains_key(label) {
                continue;
            }
            let path = match (config.sqlite_path(label), label.as_str()) {
                (Some(Some(path)), _) => path.to_owned(),
                (Some(None), _) | (None, "default") => state_dir.join(format!(
                    "sqlite_{}.db",
                    if label == "default" { "db" } else { label }
                )),
                (None, _) => bail!(
                    "component {id} uses sqlite_databases label {label:?}, which is neither \"default\" nor defined in the runtime config"
                ),
            };
            sqlite
                .0
                .insert(label.clone(), Arc::new(SqlDatabase::open(&path)?));
        }
    }
    Ok(Backends {
        key_value: Arc::new(key_value),
        sqlite: Arc::new(sqlite),
    })
}

fn migrate(backends: &Backends) -> anyhow::Result<()> {
    let Some(db) = backends.sqlite.0.get("default") else {
        return Ok(());
    };
    let native = itsm_store::native::NativeDb::open(db.path())?;
    let now = chrono_now();
    let applied = complete_now(itsm_store::apply_migrations(&native, &now))
        .map_err(|e| anyhow!("applying migrations to {}: {e}", db.path().display()))?;
    for migration in applied {
        eprintln!("Applied migration {}", migration.name);
    }
    Ok(())
}

/// Drives a future of the native store to completion. Those futures never wait on anything (they
/// run rusqlite synchronously), so the first poll completes them; `load` then needs no runtime of
/// its own and works both inside and outside one.
fn complete_now<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn chrono_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn linker(engine: &Engine) -> anyhow::Result<Linker<Ctx>> {
    let mut linker = Linker::new(engine);
    // Rust's std on wasm32-wasip2 imports WASI 0.2 while spin-sdk 7 speaks WASI 0.3: link both.
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(anyhow::Error::from)?;
    wasmtime_wasi::p3::add_to_linker(&mut linker).map_err(anyhow::Error::from)?;
    wasmtime_wasi_http::p3::add_to_linker(&mut linker).map_err(anyhow::Error::from)?;
    SpinImports::add_to_linker::<Ctx, SpinData>(&mut linker, |ctx| &mut ctx.spin)
        .map_err(anyhow::Error::from)?;
    Ok(linker)
}

fn text(status: StatusCode, body: &str) -> http::Response<HostBody> {
    let mut response = http::Response::new(
        Full::new(Bytes::from(body.to_owned()))
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *response.status_mut() = status;
    response
}

fn empty(status: StatusCode) -> http::Response<HostBody> {
    text(status, "")
}
