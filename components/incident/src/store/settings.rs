//! The incident process's settings in the shared `process_setting` table: for now, how long a
//! resolution waits for the caller before it closes itself.

use itsm_domain::closure::AutoClose;
use itsm_store::{Sql, StoreError};

const PROCESS: &str = "incident";
const AUTO_CLOSE: &str = "auto_close_after_hours";

/// The stored rule, or the default when nobody has set one.
pub async fn auto_close(db: &impl Sql) -> Result<AutoClose, StoreError> {
    let rows = db
        .query(
            "SELECT value FROM process_setting WHERE process = ? AND name = ?",
            &[PROCESS.into(), AUTO_CLOSE.into()],
        )
        .await?;
    let Some(row) = rows.first() else {
        return Ok(AutoClose::default());
    };
    let hours: Option<u32> = row.json("value")?;
    AutoClose::new(hours).map_err(|message| StoreError::Decode {
        column: AUTO_CLOSE.to_owned(),
        message,
    })
}

pub async fn set_auto_close(
    db: &impl Sql,
    rule: AutoClose,
    by: &str,
    now: &str,
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO process_setting (process, name, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (process, name) DO UPDATE SET value = excluded.value,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        &[
            PROCESS.into(),
            AUTO_CLOSE.into(),
            itsm_store::to_json(&rule.after_hours())?.into(),
            now.into(),
            by.into(),
        ],
    )
    .await?;
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::tests::{NOW, db};
    use super::*;

    #[tokio::test]
    async fn the_rule_defaults_and_can_be_changed_or_switched_off() {
        let db = db().await;
        assert_eq!(auto_close(&db).await.expect("read"), AutoClose::default());
        for hours in [Some(24), None] {
            let rule = AutoClose::new(hours).expect("valid");
            set_auto_close(&db, rule, "olga", NOW).await.expect("write");
            assert_eq!(auto_close(&db).await.expect("read"), rule);
        }
    }
}
