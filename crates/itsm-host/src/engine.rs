//! The wasmtime engine, configured as Spin configures it (`spin:crates/core`): component model
//! with async, the pooling allocator, and epoch interruption driven by a ticker thread so a guest
//! stuck in a loop is stopped. Compiled components are cached on disk by content hash.

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often the epoch advances; request deadlines are counted in these ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// The process-wide engine: compiled code is shared by every app the process loads (tests load
/// many apps; compiling each component once per process is what keeps them fast).
pub fn engine() -> anyhow::Result<&'static Engine> {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    if let Some(engine) = ENGINE.get() {
        return Ok(engine);
    }
    let engine = build_engine()?;
    let engine = ENGINE.get_or_init(|| engine);
    let ticker = engine.clone();
    std::thread::Builder::new()
        .name("epoch-ticker".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(EPOCH_TICK);
                ticker.increment_epoch();
            }
        })
        .context("starting the epoch ticker")?;
    Ok(engine)
}

/// A freed instance's function table is reset by hand, not handed back to the kernel: otherwise
/// every request's instance faults the table in again, and on a multi-threaded host each
/// copy-on-write fault costs a TLB shootdown on every core. Measured with `bench/run.sh`: about
/// 7% more requests per second, instantiation time unchanged. (Keeping linear memory resident
/// as well was tried: 2 MiB gave a little more throughput but doubled instantiation time, as the
/// reset copies every kept byte.)
const TABLE_KEEP_RESIDENT_BYTES: usize = 1 << 20;

fn build_engine() -> anyhow::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.wasm_component_model_async(true);
    config.epoch_interruption(true);
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(512)
        .total_core_instances(4096)
        .total_memories(512)
        .total_tables(1024)
        .total_stacks(512)
        .max_memory_size(128 << 20)
        .max_unused_warm_slots(64)
        .table_keep_resident(TABLE_KEEP_RESIDENT_BYTES);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config).map_err(anyhow::Error::from)
}

/// Loads a component, from the on-disk cache when this exact wasm was compiled before by an
/// engine with the same settings, else compiling it and filling the cache.
pub fn load_component(
    engine: &Engine,
    wasm_path: &Path,
    cache_dir: &Path,
) -> anyhow::Result<Component> {
    let wasm = std::fs::read(wasm_path).with_context(|| {
        format!(
            "cannot read component {}: build it first (itsm-host build)",
            wasm_path.display()
        )
    })?;
    let cached = cache_dir.join(format!("{}.cwasm", cache_key(engine, &wasm)));
    // Within a process, each cache entry is compiled or read once; concurrent loads of the same
    // one wait for the first (tests load many apps at the same moment).
    static LOADED: Mutex<BTreeMap<PathBuf, Component>> = Mutex::new(BTreeMap::new());
    let mut loaded = LOADED
        .lock()
        .map_err(|_| anyhow::anyhow!("component memo poisoned"))?;
    if let Some(component) = loaded.get(&cached) {
        return Ok(component.clone());
    }
    let component = load_or_compile(engine, &wasm, wasm_path, &cached)?;
    loaded.insert(cached, component.clone());
    Ok(component)
}

fn load_or_compile(
    engine: &Engine,
    wasm: &[u8],
    wasm_path: &Path,
    cached: &Path,
) -> anyhow::Result<Component> {
    if cached.exists() {
        match deserialize(engine, cached) {
            Ok(component) => return Ok(component),
            // A stale or damaged entry is only a cache miss.
            Err(_) => drop(std::fs::remove_file(cached)),
        }
    }
    let component = Component::new(engine, wasm)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("{} is not a valid component", wasm_path.display()))?;
    if let Ok(bytes) = component.serialize() {
        // Write then rename, so a concurrent reader never sees half a file.
        if let Some(dir) = cached.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let partial = cached.with_extension(format!("{}.partial", std::process::id()));
        if std::fs::write(&partial, bytes).is_ok() {
            let _ = std::fs::rename(&partial, cached);
        }
    }
    Ok(component)
}

#[allow(unsafe_code)]
fn deserialize(engine: &Engine, path: &Path) -> anyhow::Result<Component> {
    // SAFETY: wasmtime requires that the file was produced by `Component::serialize` of a
    // compatible engine and was not tampered with. The cache directory is written only by this
    // function's caller, the key includes the engine's compatibility hash, and wasmtime checks the
    // header and version of the file before using it.
    unsafe { Component::deserialize_file(engine, path) }.map_err(anyhow::Error::from)
}

fn cache_key(engine: &Engine, wasm: &[u8]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let mut digest = Sha256::new();
    digest.update(wasm);
    digest.update(hasher.finish().to_le_bytes());
    hex::encode(digest.finalize())
}

/// The default cache: `$ITSM_HOST_CACHE`, else `component-cache` in the app's state directory.
pub fn default_cache_dir(state_dir: &Path) -> PathBuf {
    std::env::var_os("ITSM_HOST_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| state_dir.join("component-cache"))
}
