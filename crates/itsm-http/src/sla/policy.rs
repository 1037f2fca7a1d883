//! The clock policies as stored: the service level process's settings, one per kind of record,
//! the domain's defaults until the SLM team sets one.

use itsm_domain::access::Process;
use itsm_domain::sla::{ClockPolicy, TargetRecord};
use itsm_store::{Sql, StoreError};

/// The setting's name for a kind of record: `clock_policy.incident`.
pub fn setting_name(record: TargetRecord) -> String {
    format!("clock_policy.{record}")
}

/// The stored policy for `record`, or the default; the flag says whether it was set.
pub async fn clock_policy(
    db: &impl Sql,
    record: TargetRecord,
) -> Result<(ClockPolicy, bool), StoreError> {
    let rows = db
        .query(
            "SELECT value FROM process_setting WHERE process = ? AND name = ?",
            &[
                Process::ServiceLevel.as_str().into(),
                setting_name(record).into(),
            ],
        )
        .await?;
    match rows.first() {
        Some(row) => Ok((row.json("value")?, true)),
        None => Ok((ClockPolicy::default_for(record), false)),
    }
}
