//! itsm-host: a Spin-compatible host on wasmtime, so the ITSM components run (and are tested)
//! without the Spin CLI. One library with two front ends: the test harness and the `itsm-host`
//! command (`build`, `up`). Each module mirrors one Spin crate and says what it leaves out.

mod bindings;
mod ctx;
mod key_value;
mod outbound;
mod sqlite;
mod state;
mod variables_host;

pub mod app;
pub mod build;
pub mod engine;
pub mod manifest;
pub mod routes;
pub mod runtime_config;
pub mod server;
pub mod variables;

pub use app::{App, AppOptions, HostBody, WallClockSource};
pub use build::build_components;
pub use server::serve;
