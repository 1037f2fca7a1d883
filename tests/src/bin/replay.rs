//! Replays the real incident log through the API and prints what matched (the figures behind
//! the closing note of the service desk issue): `cargo run -p itsm-api-tests --bin replay --
//! [INCIDENTS]`, every incident when no number is given. Reads the zip from `ITSM_INCIDENT_LOG`
//! or the shared datasets folder beside the repository.

use itsm_api_tests::TestApp;
use itsm_api_tests::replay::{log, log_path, replay};

#[tokio::main]
async fn main() -> Result<(), String> {
    let limit = match std::env::args().nth(1) {
        Some(n) => Some(
            n.parse::<usize>()
                .map_err(|_| format!("{n:?} is not a number of incidents"))?,
        ),
        None => None,
    };
    let path = log_path();
    let started = std::time::Instant::now();
    let log = log::read_zip(&path)?;
    println!(
        "read {} events ({} rows rejected) from {} in {:.1} s",
        log.events.len(),
        log.rejected.len(),
        path.display(),
        started.elapsed().as_secs_f64()
    );
    for rejected in &log.rejected {
        println!("  line {}: {}", rejected.line, rejected.reason);
    }
    let app = TestApp::spawn().await;
    let started = std::time::Instant::now();
    let report = replay(&app, &log, limit).await;
    println!("{report}");
    println!("in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
