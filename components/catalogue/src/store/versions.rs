//! The published catalogue: `catalogue_version` (one row per publication) and `catalogue_item`
//! (the entries as they read when published). Rows are only ever inserted.

use itsm_domain::catalogue::{CatalogueView, EntryDefinition, Localized, ServiceState};
use itsm_store::where_clause;
use itsm_store::{Row, Sql, StoreError, Value, to_json};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CatalogueVersion {
    /// 1, 2, 3 … in order of publication.
    pub version: i64,
    pub published_at: String,
    pub published_by: String,
    pub notes: Option<String>,
    /// When the content is next due for review (YYYY-MM-DD).
    pub review_due: Option<String>,
    pub item_count: i64,
}

/// One entry as published, with the name its service had then.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub code: String,
    pub service_name: Localized<160>,
    pub definition: EntryDefinition,
}

/// An entry of the working copy with its service, as publishing sees it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub item: Item,
    pub service_state: ServiceState,
}

const VERSION_COLUMNS: &str =
    "catalogue_version, published_at, published_by, notes, review_due, item_count";

impl CatalogueVersion {
    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        Ok(CatalogueVersion {
            version: row.get("catalogue_version")?,
            published_at: row.get("published_at")?,
            published_by: row.get("published_by")?,
            notes: row.get("notes")?,
            review_due: row.get("review_due")?,
            item_count: row.get("item_count")?,
        })
    }
}

impl Item {
    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        Ok(Item {
            code: row.get("code")?,
            service_name: row.json("service_name")?,
            definition: row.json("definition")?,
        })
    }
}

/// Every entry not withdrawn, with its service's current name and state, by code.
pub async fn candidates(db: &impl Sql) -> Result<Vec<Candidate>, StoreError> {
    let rows = db
        .query(
            "SELECT e.code, s.name AS service_name, s.state AS service_state,
                    e.definition
             FROM catalogue_entry e JOIN service s ON s.code = e.service_code
             WHERE e.withdrawn_at IS NULL
             ORDER BY e.code",
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Candidate {
                item: Item::from_row(row)?,
                service_state: row.parsed("service_state", ServiceState::parse)?,
            })
        })
        .collect()
}

pub async fn latest_version(db: &impl Sql) -> Result<Option<CatalogueVersion>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM catalogue_version ORDER BY catalogue_version DESC LIMIT 1"
            ),
            &[],
        )
        .await?;
    rows.first().map(CatalogueVersion::from_row).transpose()
}

pub async fn load_version(
    db: &impl Sql,
    version: i64,
) -> Result<Option<CatalogueVersion>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {VERSION_COLUMNS} FROM catalogue_version WHERE catalogue_version = ?"),
            &[version.into()],
        )
        .await?;
    rows.first().map(CatalogueVersion::from_row).transpose()
}

/// Newest first, `limit + 1` rows below `before`.
pub async fn list_versions(
    db: &impl Sql,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<CatalogueVersion>, StoreError> {
    let mut params: Vec<Value> = before.map(Value::from).into_iter().collect();
    params.push(i64::from(limit + 1).into());
    let condition = if before.is_some() {
        "WHERE catalogue_version < ?"
    } else {
        ""
    };
    let rows = db
        .query(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM catalogue_version {condition}
                 ORDER BY catalogue_version DESC LIMIT ?"
            ),
            &params,
        )
        .await?;
    rows.iter().map(CatalogueVersion::from_row).collect()
}

/// A version's items by code, optionally of one view only.
pub async fn items_of(
    db: &impl Sql,
    version: i64,
    view: Option<CatalogueView>,
) -> Result<Vec<Item>, StoreError> {
    let mut clauses = vec!["catalogue_version = ?".to_owned()];
    let mut params: Vec<Value> = vec![version.into()];
    if let Some(view) = view {
        clauses.push("view = ?".to_owned());
        params.push(view.as_str().into());
    }
    let rows = db
        .query(
            &format!(
                "SELECT code, service_name, definition FROM catalogue_item {} ORDER BY code",
                where_clause(&clauses)
            ),
            &params,
        )
        .await?;
    rows.iter().map(Item::from_row).collect()
}

pub async fn load_item(
    db: &impl Sql,
    version: i64,
    code: &str,
) -> Result<Option<Item>, StoreError> {
    let rows = db
        .query(
            "SELECT code, service_name, definition FROM catalogue_item
             WHERE catalogue_version = ? AND code = ?",
            &[version.into(), code.into()],
        )
        .await?;
    rows.first().map(Item::from_row).transpose()
}

/// Writes a new version and its items; the version number must be the next one.
pub async fn insert_version(
    db: &impl Sql,
    version: &CatalogueVersion,
    items: &[Item],
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO catalogue_version (catalogue_version, published_at, published_by, notes, review_due, item_count)
         VALUES (?, ?, ?, ?, ?, ?)",
        &[
            version.version.into(),
            version.published_at.as_str().into(),
            version.published_by.as_str().into(),
            version.notes.as_deref().into(),
            version.review_due.as_deref().into(),
            version.item_count.into(),
        ],
    )
    .await?;
    for item in items {
        db.execute(
            "INSERT INTO catalogue_item (catalogue_version, code, service_code, service_name, view, orderable, definition)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            &[
                version.version.into(),
                item.code.as_str().into(),
                item.definition.service.as_str().into(),
                to_json(&item.service_name)?.into(),
                item.definition.view.as_str().into(),
                item.definition.orderable().into(),
                to_json(&item.definition)?.into(),
            ],
        )
        .await?;
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::test_db::{NOW, db};

    #[tokio::test]
    async fn the_seed_catalogue_is_published_as_version_one() {
        let db = db().await;
        let latest = latest_version(&db).await.expect("latest").expect("seeded");
        assert_eq!((latest.version, latest.item_count), (1, 6));
        let business = items_of(&db, 1, Some(CatalogueView::Business))
            .await
            .expect("items");
        assert_eq!(business.len(), 5);
        let hotline = load_item(&db, 1, "hotline")
            .await
            .expect("load")
            .expect("published");
        assert_eq!(hotline.service_name.get("zh"), "熱線服務");
        assert!(!hotline.definition.orderable());
        assert!(
            load_item(&db, 1, "desktop-om")
                .await
                .expect("load")
                .expect("published")
                .definition
                .orderable()
        );
    }

    #[tokio::test]
    async fn a_new_version_keeps_its_items_apart_from_the_old_one() {
        let db = db().await;
        let candidates = candidates(&db).await.expect("candidates");
        assert_eq!(candidates.len(), 6);
        assert!(
            candidates
                .iter()
                .all(|c| c.service_state == ServiceState::Live)
        );
        let items: Vec<Item> = candidates.into_iter().take(2).map(|c| c.item).collect();
        let version = CatalogueVersion {
            version: 2,
            published_at: NOW.to_owned(),
            published_by: "tester".to_owned(),
            notes: Some("fewer".to_owned()),
            review_due: Some("2027-05-21".to_owned()),
            item_count: 2,
        };
        insert_version(&db, &version, &items).await.expect("insert");
        assert_eq!(
            latest_version(&db).await.expect("latest"),
            Some(version.clone())
        );
        assert_eq!(items_of(&db, 2, None).await.expect("items"), items);
        assert_eq!(items_of(&db, 1, None).await.expect("items").len(), 6);
        let listed = list_versions(&db, None, 1).await.expect("list");
        assert_eq!(listed.iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(
            list_versions(&db, Some(2), 5).await.expect("list")[0].version,
            1
        );
        assert!(
            insert_version(&db, &version, &[]).await.is_err(),
            "a version is written once"
        );
    }
}
