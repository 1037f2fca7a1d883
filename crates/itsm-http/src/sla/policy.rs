//! The clock policies as stored: the service level process's settings, one history per kind
//! of record (each policy from the instant it was set), the domain's defaults before the first.

use crate::settings::read_setting;
use itsm_domain::access::Process;
use itsm_domain::sla::{PolicyVersion, TargetRecord};
use itsm_store::{Sql, StoreError};

/// The setting's name for a kind of record: `clock_policies.incident`.
pub fn setting_name(record: TargetRecord) -> String {
    format!("clock_policies.{record}")
}

/// Every policy set for `record`, oldest first; empty while the defaults apply.
pub async fn clock_policies(
    db: &impl Sql,
    record: TargetRecord,
) -> Result<Vec<PolicyVersion>, StoreError> {
    let stored = read_setting(db, Process::ServiceLevel, &setting_name(record)).await?;
    Ok(stored.unwrap_or_default())
}
