//! The `catalogue_entry` table: the catalogue's working copy, which publishing freezes into a
//! version. An entry's definition is one JSON column; its service and view are copied into
//! columns of their own so lists can filter on them.

use super::after_clause;
use itsm_domain::catalogue::{CatalogueView, EntryDefinition};
use itsm_store::where_clause;
use itsm_store::{Row, Sql, StoreError, Value, to_json};
use serde::Serialize;

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Entry {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    #[serde(flatten)]
    pub definition: EntryDefinition,
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
}

const COLUMNS: &str = "entry_id, code, definition, withdrawn_at, withdrawn_by, version, created_at, created_by, updated_at";

impl Entry {
    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        Ok(Entry {
            id: row.get("entry_id")?,
            code: row.get("code")?,
            definition: row.json("definition")?,
            withdrawn_at: row.get("withdrawn_at")?,
            withdrawn_by: row.get("withdrawn_by")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
        })
    }
}

pub async fn insert_entry(db: &impl Sql, e: &Entry) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO catalogue_entry (code, service_code, view, definition, created_at, created_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            e.code.as_str().into(),
            e.definition.service.as_str().into(),
            e.definition.view.as_str().into(),
            to_json(&e.definition)?.into(),
            e.created_at.as_str().into(),
            e.created_by.as_str().into(),
            e.updated_at.as_str().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_entry(db: &impl Sql, code: &str) -> Result<Option<Entry>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM catalogue_entry WHERE code = ?"),
            &[code.into()],
        )
        .await?;
    rows.first().map(Entry::from_row).transpose()
}

/// Writes the definition and withdrawal if the stored version is still `expected_version`.
pub async fn save_entry(
    db: &impl Sql,
    e: &Entry,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE catalogue_entry SET service_code = ?, view = ?, definition = ?, withdrawn_at = ?,
                withdrawn_by = ?, updated_at = ?, version = version + 1
             WHERE entry_id = ? AND version = ?",
            &[
                e.definition.service.as_str().into(),
                e.definition.view.as_str().into(),
                to_json(&e.definition)?.into(),
                e.withdrawn_at.as_deref().into(),
                e.withdrawn_by.as_deref().into(),
                e.updated_at.as_str().into(),
                e.id.into(),
                expected_version.into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}

#[derive(Debug, Default)]
pub struct EntryFilter {
    pub service: Option<String>,
    pub view: Option<CatalogueView>,
    /// Withdrawn entries are listed only when asked for.
    pub withdrawn: bool,
}

/// Oldest first, `limit + 1` rows after `after`.
pub async fn list_entries(
    db: &impl Sql,
    filter: &EntryFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Entry>, StoreError> {
    let mut clauses = vec![if filter.withdrawn {
        "withdrawn_at IS NOT NULL".to_owned()
    } else {
        "withdrawn_at IS NULL".to_owned()
    }];
    let mut params: Vec<Value> = Vec::new();
    if let Some(service) = &filter.service {
        clauses.push("service_code = ?".to_owned());
        params.push(service.into());
    }
    if let Some(view) = filter.view {
        clauses.push("view = ?".to_owned());
        params.push(view.as_str().into());
    }
    after_clause(after, "entry_id", &mut clauses, &mut params);
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM catalogue_entry {} ORDER BY entry_id LIMIT ?",
                where_clause(&clauses)
            ),
            &params,
        )
        .await?;
    rows.iter().map(Entry::from_row).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::test_db::{NOW, db};

    #[tokio::test]
    async fn the_seed_entries_carry_both_languages_and_their_forms() {
        let db = db().await;
        let desktop = load_entry(&db, "desktop-om")
            .await
            .expect("load")
            .expect("seeded");
        assert_eq!(
            desktop.definition.name.get("zh"),
            "桌面計算機系統運行維護(個人用戶)"
        );
        assert_eq!(desktop.definition.content_items.len(), 5);
        assert!(desktop.definition.orderable());
        assert_eq!(
            desktop.definition.check(),
            Ok(()),
            "the seeds pass the API's own checks"
        );
        let technical = list_entries(
            &db,
            &EntryFilter {
                view: Some(CatalogueView::Technical),
                ..EntryFilter::default()
            },
            None,
            50,
        )
        .await
        .expect("list");
        assert_eq!(technical.len(), 1);
        assert_eq!(
            technical[0].definition.name.get("en"),
            "Computer system maintenance"
        );
    }

    #[tokio::test]
    async fn every_seed_entry_passes_the_checks_the_api_applies() {
        let db = db().await;
        let all = list_entries(&db, &EntryFilter::default(), None, 50)
            .await
            .expect("list");
        assert_eq!(all.len(), 6);
        for entry in &all {
            assert_eq!(entry.definition.check(), Ok(()), "{}", entry.code);
            for language in ["en", "zh"] {
                let languages: Vec<&str> = entry.definition.name.languages().collect();
                assert!(
                    languages.contains(&language),
                    "{} in {language}",
                    entry.code
                );
            }
        }
    }

    #[tokio::test]
    async fn withdrawn_entries_leave_the_default_list() {
        let db = db().await;
        let mut hotline = load_entry(&db, "hotline")
            .await
            .expect("load")
            .expect("seeded");
        hotline.withdrawn_at = Some(NOW.to_owned());
        hotline.withdrawn_by = Some("tester".to_owned());
        assert!(save_entry(&db, &hotline, 1).await.expect("save"));
        assert!(!save_entry(&db, &hotline, 1).await.expect("stale"));
        let listed = list_entries(&db, &EntryFilter::default(), None, 50)
            .await
            .expect("list");
        assert!(listed.iter().all(|e| e.code != "hotline"));
        let withdrawn = EntryFilter {
            withdrawn: true,
            ..EntryFilter::default()
        };
        let listed = list_entries(&db, &withdrawn, None, 50).await.expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].version, 2);
    }
}
