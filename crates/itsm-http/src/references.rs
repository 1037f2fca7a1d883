//! Links from one process's records to another's: a record may name a service only if the
//! catalogue knows it and, for a new link, has not retired it. One check, so the catalogue's
//! entries, incidents and role grants refuse the same services with the same words.

use crate::ApiError;
use itsm_domain::catalogue::ServiceState;
use itsm_domain::{FieldError, FieldErrors};
use itsm_store::{Sql, StoreError};

/// The lifecycle state of a service in the catalogue's `service` table, or `None` when there
/// is no such service.
pub async fn service_state(db: &impl Sql, code: &str) -> Result<Option<ServiceState>, ApiError> {
    let rows = db
        .query("SELECT state FROM service WHERE code = ?", &[code.into()])
        .await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let state: String = row.get("state")?;
    ServiceState::parse(&state).map(Some).map_err(|message| {
        StoreError::Decode {
            column: "service.state".to_owned(),
            message,
        }
        .into()
    })
}

/// A new link to a service: it must exist and not be retired; a 422 names `field`.
pub async fn ensure_service_open(db: &impl Sql, code: &str, field: &str) -> Result<(), ApiError> {
    let message = match service_state(db, code).await? {
        None => format!("there is no service {code}"),
        Some(ServiceState::Retired) => format!("service {code} is retired"),
        Some(_) => return Ok(()),
    };
    Err(FieldErrors::from(FieldError::new(field, message)).into())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use itsm_store::native::NativeDb;

    const NOW: &str = "2026-11-21T10:00:00.000Z";

    fn message_of(error: ApiError) -> String {
        match error {
            ApiError::Unprocessable { errors, .. } => format!("{}", errors[0]),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn only_known_services_that_are_not_retired_may_be_named() {
        let db = NativeDb::in_memory().expect("db");
        itsm_store::apply_migrations(&db, NOW)
            .await
            .expect("migrations");
        assert_eq!(
            service_state(&db, "hotline").await.expect("state"),
            Some(ServiceState::Live)
        );
        assert_eq!(service_state(&db, "nothing").await.expect("state"), None);
        assert!(ensure_service_open(&db, "hotline", "service").await.is_ok());
        let unknown = ensure_service_open(&db, "nothing", "service").await;
        assert_eq!(
            message_of(unknown.expect_err("unknown")),
            "service: there is no service nothing"
        );
        db.execute_now(
            "UPDATE service SET state = 'retired', retired_at = ? WHERE code = 'hotline'",
            &[NOW.into()],
        )
        .expect("retire");
        let retired = ensure_service_open(&db, "hotline", "entry_service").await;
        assert_eq!(
            message_of(retired.expect_err("retired")),
            "entry_service: service hotline is retired"
        );
    }
}
