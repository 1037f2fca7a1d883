//! The replay check: incidents of the real event log fed through the API in the order they were
//! opened, each one's updates in the order the source system counted them, every update as the
//! calls a service desk would make; the state after each update and the priority after each
//! change of impact or urgency are compared as they go, and every incident's final state,
//! reassignment count, reopen count and priority with the log's last word on it.
//! `cargo test` runs it on a sample (tests/api/replay.rs); `cargo run -p itsm-api-tests --bin
//! replay` on as many incidents as asked, for the figures a closing note reports.

pub mod log;
pub mod mapping;
mod run;

pub use run::replay;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// Where the log is: `ITSM_INCIDENT_LOG` if set, else the shared datasets folder beside the
/// repository (as in CI).
pub fn log_path() -> PathBuf {
    std::env::var_os("ITSM_INCIDENT_LOG").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/datasets/incident_event_log.zip")
        },
        PathBuf::from,
    )
}

/// What matched and what did not.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub incidents: usize,
    pub events: usize,
    pub rows_rejected: usize,
    pub calls: usize,
    /// Calls answered 5xx: must be none.
    pub server_errors: usize,
    /// Updates the API had no way to follow, by what was asked (from → to).
    pub unfollowable: BTreeMap<String, usize>,
    /// Calls refused with 4xx, by action, status and state.
    pub refused: BTreeMap<String, usize>,
    /// The matrix the log shows: per (impact, urgency), its priority and how many rows agree
    /// out of how many.
    pub matrix: BTreeMap<(u8, u8), (u8, usize, usize)>,
    /// The state after each logged update, against the log's state in that row.
    pub each_update: Tally,
    /// The priority after each logged change of impact or urgency, against the row's.
    pub each_reprioritisation: Tally,
    pub state: Tally,
    pub reassignment: Tally,
    /// Only incidents reopened on either side: agreeing zeros say nothing.
    pub reopen: Tally,
    pub priority: Tally,
    /// Reassignment differences: ours minus the log's, by difference.
    pub reassignment_gaps: BTreeMap<i64, usize>,
}

/// Matches out of comparisons, with a few mismatches to look at.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub matched: usize,
    pub compared: usize,
    pub examples: Vec<String>,
}

impl Tally {
    pub fn record(&mut self, matched: bool, example: impl FnOnce() -> String) {
        self.compared += 1;
        if matched {
            self.matched += 1;
        } else if self.examples.len() < 5 {
            self.examples.push(example());
        }
    }

    /// Matches as a share of comparisons, 0 to 1.
    pub fn share(&self) -> f64 {
        if self.compared == 0 {
            return 0.0;
        }
        #[allow(clippy::cast_precision_loss)]
        let share = self.matched as f64 / self.compared as f64;
        share
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} ({:.2} %)",
            self.matched,
            self.compared,
            self.share() * 100.0
        )?;
        if !self.examples.is_empty() {
            write!(f, "; e.g. {}", self.examples.join("; "))?;
        }
        Ok(())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "replayed {} incidents, {} events, {} API calls ({} answered 5xx); {} log rows rejected",
            self.incidents, self.events, self.calls, self.server_errors, self.rows_rejected
        )?;
        writeln!(f, "state after each update:   {}", self.each_update)?;
        writeln!(
            f,
            "priority after each change of impact or urgency: {}",
            self.each_reprioritisation
        )?;
        writeln!(f, "final state:        {}", self.state)?;
        writeln!(f, "reassignment count: {}", self.reassignment)?;
        writeln!(f, "  ours minus log:   {:?}", self.reassignment_gaps)?;
        writeln!(
            f,
            "reopen count (incidents reopened on either side): {}",
            self.reopen
        )?;
        writeln!(f, "priority:           {}", self.priority)?;
        writeln!(
            f,
            "matrix observed (impact, urgency) -> priority, rows agreeing/rows:"
        )?;
        for ((impact, urgency), (priority, agreeing, rows)) in &self.matrix {
            writeln!(
                f,
                "  ({impact}, {urgency}) -> {priority}: {agreeing}/{rows}"
            )?;
        }
        writeln!(f, "updates the API cannot follow: {:?}", self.unfollowable)?;
        write!(f, "calls refused: {:?}", self.refused)
    }
}
