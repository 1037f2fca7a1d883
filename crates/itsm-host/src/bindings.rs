//! The generated wasmtime bindings of the Spin interfaces in `wit/`, kept apart so the capability
//! modules read as plain Rust. Every interface error maps to itself: the host never traps for them.

wasmtime::component::bindgen!({
    path: "wit",
    world: "itsm:host/spin-imports",
    imports: { default: async | trappable },
    with: {
        "spin:key-value/key-value.store": crate::key_value::KvHandle,
        "spin:sqlite/sqlite.connection": crate::sqlite::SqlHandle,
    },
    trappable_error_type: {
        "spin:key-value/key-value@3.0.0.error" => spin::key_value::key_value::Error,
        "spin:sqlite/sqlite@3.1.0.error" => spin::sqlite::sqlite::Error,
        "spin:variables/variables@3.0.0.error" => spin::variables::variables::Error,
    },
});

pub use spin::key_value::key_value as kv;
pub use spin::sqlite::sqlite as sql;
pub use spin::variables::variables as vars;
