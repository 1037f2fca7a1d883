//! Process tailoring per customer contract (seed 001 §2.1.4.1): a tailorable process the service
//! department manager switched off for a customer answers that customer's records with a clear
//! problem+json. Mandatory and always-on processes cannot be switched off, so they never ask.

use crate::ApiError;
use itsm_domain::access::{Process, Tailoring};
use itsm_store::Sql;

/// Refuses work on `customer`'s records in `process` when their contract leaves it out.
pub async fn require_in_contract(
    db: &impl Sql,
    process: Process,
    customer: Option<&str>,
) -> Result<(), ApiError> {
    let Some(customer) = customer else {
        return Ok(());
    };
    if process.tailoring() != Tailoring::Tailorable {
        return Ok(());
    }
    let rows = db
        .query(
            "SELECT enabled FROM customer_process WHERE customer_code = ? AND process = ?",
            &[customer.into(), process.as_str().into()],
        )
        .await?;
    match rows.first() {
        Some(row) if !row.get::<bool>("enabled")? => Err(ApiError::ProcessNotInContract {
            process: process.as_str().to_owned(),
            customer: customer.to_owned(),
        }),
        _ => Ok(()),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use itsm_store::native::NativeDb;

    const NOW: &str = "2026-11-21T10:00:00.000Z";

    #[tokio::test]
    async fn only_a_switched_off_tailorable_process_is_refused() {
        let db = NativeDb::migrated(NOW).await.expect("migrated db");
        db.execute_now(
            "INSERT INTO customer (code, name, created_at, created_by, updated_at) VALUES ('acme', 'Acme', ?, 'x', ?)",
            &[NOW.into(), NOW.into()],
        )
        .expect("customer");
        db.execute_now(
            "INSERT INTO customer_process (customer_code, process, enabled, decided_by, decided_at) VALUES ('acme', 'problem', 0, 'x', ?)",
            &[NOW.into()],
        )
        .expect("switch off");
        let refused = require_in_contract(&db, Process::Problem, Some("acme"))
            .await
            .expect_err("off");
        assert!(matches!(refused, ApiError::ProcessNotInContract { .. }));
        assert_eq!(refused.status(), http::StatusCode::FORBIDDEN);
        for (process, customer) in [
            (Process::Problem, Some("globex")),
            (Process::Problem, None),
            (Process::Change, Some("acme")),
            (Process::Incident, Some("acme")),
        ] {
            assert!(
                require_in_contract(&db, process, customer).await.is_ok(),
                "{process} for {customer:?}"
            );
        }
    }
}
