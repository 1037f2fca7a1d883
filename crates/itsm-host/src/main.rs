//! The `itsm-host` command: `build` runs the components' build commands (like `spin build`) and
//! `up` serves the app (like `spin up`); `build --up` does both.

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use itsm_host::{App, AppOptions};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "itsm-host",
    version,
    about = "Runs a Spin app (manifest v2) on wasmtime"
)]
struct Cli {
    /// The Spin manifest.
    #[arg(long, short = 'f', global = true, default_value = "spin.toml")]
    from: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every component's build command.
    Build {
        /// Serve the app once it is built.
        #[arg(long)]
        up: bool,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Serve the app.
    Up(ServeArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:3000")]
    listen: String,
    /// Where the default key-value store and SQLite database live (default: .spin/ beside the manifest).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// A runtime config file with [key_value_store.<label>] and [sqlite_database.<label>] tables.
    #[arg(long)]
    runtime_config_file: Option<PathBuf>,
    /// Seconds a request may run before it is answered 504 and its guest stopped.
    #[arg(long, default_value_t = 30)]
    request_timeout: u64,
    /// Print per-request instantiation times when stopped (Ctrl-C).
    #[arg(long)]
    stats: bool,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { up, serve } => {
            itsm_host::build_components(&cli.from)?;
            if up {
                run(&cli.from, serve)?;
            }
            Ok(())
        }
        Command::Up(serve) => run(&cli.from, serve),
    }
}

fn run(manifest: &std::path::Path, args: ServeArgs) -> anyhow::Result<()> {
    let options = AppOptions {
        state_dir: args.state_dir,
        runtime_config: args.runtime_config_file,
        request_timeout: Duration::from_secs(args.request_timeout),
        ..AppOptions::default()
    };
    let app = App::load(manifest, &options)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        eprintln!("Serving http://{}", listener.local_addr()?);
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        itsm_host::serve(app.clone(), listener, shutdown).await?;
        if args.stats {
            print_stats(&app.instantiation_micros());
        }
        anyhow::Ok(())
    })
}

fn print_stats(micros: &[u32]) {
    if micros.is_empty() {
        eprintln!("no requests served");
        return;
    }
    let at = |q: f64| micros[((micros.len() - 1) as f64 * q) as usize];
    eprintln!(
        "instantiation over {} requests: p50 {} µs, p99 {} µs, max {} µs",
        micros.len(),
        at(0.50),
        at(0.99),
        micros[micros.len() - 1]
    );
}
