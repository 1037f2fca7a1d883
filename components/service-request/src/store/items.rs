//! Reads the published catalogue (owned by the catalogue process) for what an order needs: the
//! latest version's item, as customers see it when they order.

use itsm_domain::catalogue::{EntryDefinition, Localized};
use itsm_store::{Sql, StoreError};

/// An item of the latest published catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedItem {
    pub catalogue_version: i64,
    pub code: String,
    pub definition: EntryDefinition,
}

impl PublishedItem {
    pub fn name(&self) -> &Localized<160> {
        &self.definition.name
    }
}

/// The latest version's number, or `None` before anything was published.
pub async fn latest_version(db: &impl Sql) -> Result<Option<i64>, StoreError> {
    let rows = db
        .query(
            "SELECT max(catalogue_version) AS latest FROM catalogue_version",
            &[],
        )
        .await?;
    match rows.first() {
        Some(row) => row.get("latest"),
        None => Ok(None),
    }
}

pub async fn load_item(
    db: &impl Sql,
    version: i64,
    code: &str,
) -> Result<Option<PublishedItem>, StoreError> {
    let rows = db
        .query(
            "SELECT definition FROM catalogue_item WHERE catalogue_version = ? AND code = ?",
            &[version.into(), code.into()],
        )
        .await?;
    rows.first()
        .map(|row| {
            Ok(PublishedItem {
                catalogue_version: version,
                code: code.to_owned(),
                definition: row.json("definition")?,
            })
        })
        .transpose()
}

/// Whether the catalogue's working copy has an entry of this code, published or not: an order
/// for it then gets "not published" rather than "no such item".
pub async fn entry_exists(db: &impl Sql, code: &str) -> Result<bool, StoreError> {
    let rows = db
        .query(
            "SELECT 1 AS found FROM catalogue_entry WHERE code = ?",
            &[code.into()],
        )
        .await?;
    Ok(!rows.is_empty())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::test_db::db;

    #[tokio::test]
    async fn the_seed_items_are_read_from_the_latest_version() {
        let db = db().await;
        let latest = latest_version(&db).await.expect("latest").expect("seeded");
        assert_eq!(latest, 1);
        let item = load_item(&db, latest, "desktop-om")
            .await
            .expect("item")
            .expect("published");
        assert!(item.definition.orderable());
        assert_eq!(item.name().get("zh"), "桌面計算機系統運行維護(個人用戶)");
        assert_eq!(load_item(&db, latest, "nothing").await.expect("read"), None);
        assert!(entry_exists(&db, "hotline").await.expect("read"));
        assert!(!entry_exists(&db, "nothing").await.expect("read"));
    }
}
