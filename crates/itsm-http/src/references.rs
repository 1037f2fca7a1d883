//! Links from one process's records to another's: a record may name a service only if the
//! catalogue knows it and, for a new link, has not retired it; a customer only if it exists; a
//! person only if they are an active user. One check each, so every component refuses the same
//! references with the same words.

use crate::ApiError;
use itsm_domain::catalogue::ServiceState;
use itsm_store::Sql;

/// The lifecycle state of a service in the catalogue's `service` table, or `None` when there
/// is no such service.
pub async fn service_state(db: &impl Sql, code: &str) -> Result<Option<ServiceState>, ApiError> {
    let rows = db
        .query("SELECT state FROM service WHERE code = ?", &[code.into()])
        .await?;
    match rows.first() {
        Some(row) => Ok(Some(row.parsed("state", ServiceState::parse)?)),
        None => Ok(None),
    }
}

/// A new link to a service: it must exist and not be retired; a 422 names `field`.
pub async fn ensure_service_open(db: &impl Sql, code: &str, field: &str) -> Result<(), ApiError> {
    let message = match service_state(db, code).await? {
        None => format!("there is no service {code}"),
        Some(ServiceState::Retired) => format!("service {code} is retired"),
        Some(_) => return Ok(()),
    };
    Err(ApiError::invalid_field(field, message))
}

/// A customer organisation named in `field` must exist.
pub async fn ensure_customer_exists(
    db: &impl Sql,
    code: &str,
    field: &str,
) -> Result<(), ApiError> {
    let rows = db
        .query(
            "SELECT 1 AS found FROM customer WHERE code = ?",
            &[code.into()],
        )
        .await?;
    if rows.is_empty() {
        return Err(ApiError::invalid_field(
            field,
            format!("there is no customer {code}"),
        ));
    }
    Ok(())
}

/// A person named in `field` (an assignee, an approver, an answer) must be a user who has not
/// been deactivated: work given to nobody is lost work.
pub async fn ensure_active_user(db: &impl Sql, name: &str, field: &str) -> Result<(), ApiError> {
    let rows = db
        .query(
            "SELECT deactivated_at FROM app_user WHERE user_name = ?",
            &[name.into()],
        )
        .await?;
    let message = match rows.first() {
        None => format!("there is no user {name}"),
        Some(row) if row.get::<Option<String>>("deactivated_at")?.is_some() => {
            format!("user {name} is deactivated")
        }
        Some(_) => return Ok(()),
    };
    Err(ApiError::invalid_field(field, message))
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
        let db = NativeDb::migrated(NOW).await.expect("migrated db");
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

    #[tokio::test]
    async fn customers_must_exist_and_users_must_be_active() {
        let db = NativeDb::migrated(NOW).await.expect("migrated db");
        db.execute_now(
            "INSERT INTO customer (code, name, created_at, created_by, updated_at) VALUES ('acme', 'Acme', ?, 'x', ?)",
            &[NOW.into(), NOW.into()],
        )
        .expect("customer");
        db.execute_now(
            "INSERT INTO app_user (user_name, display_name, created_at) VALUES ('ann', 'Ann', ?), ('old', 'Old', ?)",
            &[NOW.into(), NOW.into()],
        )
        .expect("users");
        db.execute_now(
            "UPDATE app_user SET deactivated_at = ? WHERE user_name = 'old'",
            &[NOW.into()],
        )
        .expect("deactivate");
        assert!(
            ensure_customer_exists(&db, "acme", "customer")
                .await
                .is_ok()
        );
        let unknown = ensure_customer_exists(&db, "globex", "customer").await;
        assert_eq!(
            message_of(unknown.expect_err("unknown")),
            "customer: there is no customer globex"
        );
        assert!(ensure_active_user(&db, "ann", "assignee").await.is_ok());
        let nobody = ensure_active_user(&db, "bob", "assignee").await;
        assert_eq!(
            message_of(nobody.expect_err("nobody")),
            "assignee: there is no user bob"
        );
        let gone = ensure_active_user(&db, "old", "answers.for_user").await;
        assert_eq!(
            message_of(gone.expect_err("deactivated")),
            "answers.for_user: user old is deactivated"
        );
    }
}
