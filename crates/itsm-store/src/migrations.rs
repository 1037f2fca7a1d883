//! Forward-only migrations with a `schema_migrations` table, applied by the host at start, by the
//! test harness, and by the admin route of a deployed app. Applying them twice is harmless, and a
//! migration edited after it ran is refused rather than silently skipped.

use crate::{Sql, StoreError, in_transaction, split_statements};
use sha2::{Digest, Sha256};

/// One numbered SQL file from `migrations/`.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

impl Migration {
    pub fn checksum(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }
}

/// Every migration, in order (embedded by build.rs).
pub static MIGRATIONS: &[Migration] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct AppliedMigration {
    pub version: u32,
    pub name: String,
}

const CREATE_BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// Applies what has not run yet and returns it; `now` is the RFC 3339 time recorded with each.
pub async fn apply_migrations(
    db: &impl Sql,
    now: &str,
) -> Result<Vec<AppliedMigration>, StoreError> {
    db.execute(CREATE_BOOKKEEPING, &[]).await?;
    let mut applied = Vec::new();
    for migration in MIGRATIONS {
        if apply_one(db, migration, now).await? {
            applied.push(AppliedMigration {
                version: migration.version,
                name: migration.name.to_owned(),
            });
        }
    }
    Ok(applied)
}

/// Runs one migration in its own transaction; `false` when it had already run.
async fn apply_one(db: &impl Sql, migration: &Migration, now: &str) -> Result<bool, StoreError> {
    let checksum = migration.checksum();
    in_transaction(db, async |db| {
        let rows = db
            .query(
                "SELECT checksum FROM schema_migrations WHERE version = ?",
                &[migration.version.into()],
            )
            .await?;
        if let Some(row) = rows.first() {
            let applied: String = row.get("checksum")?;
            return if applied == checksum {
                Ok(false)
            } else {
                Err(StoreError::MigrationChanged {
                    name: migration.name.to_owned(),
                    applied,
                    current: checksum.clone(),
                })
            };
        }
        for statement in split_statements(migration.sql) {
            db.execute(&statement, &[]).await?;
        }
        db.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
            &[
                migration.version.into(),
                migration.name.into(),
                checksum.as_str().into(),
                now.into(),
            ],
        )
        .await?;
        Ok(true)
    })
    .await
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use super::*;
    use crate::native::NativeDb;

    const NOW: &str = "2026-11-21T00:00:00Z";

    #[tokio::test]
    async fn applies_every_migration_once_and_is_harmless_twice() {
        let db = NativeDb::in_memory().expect("db");
        let first = apply_migrations(&db, NOW).await.expect("first run");
        assert_eq!(first.len(), MIGRATIONS.len());
        let second = apply_migrations(&db, NOW).await.expect("second run");
        assert!(second.is_empty(), "nothing left to apply: {second:?}");
        let rows = db
            .query_now("SELECT count(*) AS n FROM schema_migrations", &[])
            .expect("count");
        let n: i64 = rows.first().expect("a row").get("n").expect("n");
        assert_eq!(n, MIGRATIONS.len() as i64);
    }

    #[tokio::test]
    async fn refuses_a_migration_edited_after_it_ran() {
        let db = NativeDb::in_memory().expect("db");
        apply_migrations(&db, NOW).await.expect("first run");
        db.execute_now(
            "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1",
            &[],
        )
        .expect("tamper");
        let err = apply_migrations(&db, NOW).await.expect_err("must refuse");
        assert!(matches!(err, StoreError::MigrationChanged { .. }), "{err}");
    }

    #[test]
    fn the_migrations_are_numbered_from_one_without_gaps() {
        for (expected, migration) in (1..).zip(MIGRATIONS) {
            assert_eq!(migration.version, expected, "{}", migration.name);
        }
    }
}
