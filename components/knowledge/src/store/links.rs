//! What an article documents: `record_link` rows from the article (relation `documents`) to
//! problems, known errors and services, replaced as a whole when the article's links change.

use itsm_domain::link::{Relation, TargetKind};
use itsm_store::{Sql, StoreError, Value};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

const SOURCE: &str = "article";

/// What an article documents, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Documented {
    /// Problem numbers (PRB0000001).
    pub problems: Vec<String>,
    /// Known error numbers (KE0000001).
    pub known_errors: Vec<String>,
    /// Service codes.
    pub services: Vec<String>,
}

impl Documented {
    fn targets(&self) -> impl Iterator<Item = (TargetKind, &String)> {
        let problems = self.problems.iter().map(|t| (TargetKind::Problem, t));
        let known_errors = self
            .known_errors
            .iter()
            .map(|t| (TargetKind::KnownError, t));
        let services = self.services.iter().map(|t| (TargetKind::Service, t));
        problems.chain(known_errors).chain(services)
    }
}

pub async fn documented_by(db: &impl Sql, article_id: i64) -> Result<Documented, StoreError> {
    Ok(documented_by_each(db, &[article_id])
        .await?
        .remove(&article_id)
        .unwrap_or_default())
}

/// What each of these articles documents, read in one query.
pub async fn documented_by_each(
    db: &impl Sql,
    article_ids: &[i64],
) -> Result<BTreeMap<i64, Documented>, StoreError> {
    let mut params: Vec<Value> = vec![SOURCE.into(), Relation::Documents.as_str().into()];
    params.extend(article_ids.iter().map(|&id| Value::from(id)));
    let rows = db
        .query(
            &format!(
                "SELECT source_id, target_kind, target FROM record_link
                 WHERE source_kind = ? AND relation = ? AND source_id IN ({}) ORDER BY link_id",
                itsm_store::placeholders(article_ids.len())
            ),
            &params,
        )
        .await?;
    let mut documented: BTreeMap<i64, Documented> = BTreeMap::new();
    for row in rows.iter() {
        let target: String = row.get("target")?;
        let of = documented.entry(row.get("source_id")?).or_default();
        match row.parsed("target_kind", TargetKind::parse)? {
            TargetKind::Problem => of.problems.push(target),
            TargetKind::KnownError => of.known_errors.push(target),
            _ => of.services.push(target),
        }
    }
    Ok(documented)
}

/// Replaces what the article documents.
pub async fn replace_links(
    db: &impl Sql,
    article_id: i64,
    documented: &Documented,
    by: &str,
    now: &str,
) -> Result<(), StoreError> {
    db.execute(
        "DELETE FROM record_link WHERE source_kind = ? AND source_id = ? AND relation = ?",
        &[
            SOURCE.into(),
            article_id.into(),
            Relation::Documents.as_str().into(),
        ],
    )
    .await?;
    for (kind, target) in documented.targets() {
        db.execute(
            "INSERT INTO record_link (source_kind, source_id, relation, target_kind, target, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            &[
                SOURCE.into(),
                article_id.into(),
                Relation::Documents.as_str().into(),
                kind.as_str().into(),
                target.as_str().into(),
                now.into(),
                by.into(),
            ],
        )
        .await?;
    }
    Ok(())
}

/// The service and customer of a problem, or of a known error's problem, if it exists: what
/// decides who may read it.
pub async fn problem_scope(
    db: &impl Sql,
    kind: TargetKind,
    id: i64,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    let sql = match kind {
        TargetKind::Problem => "SELECT service_code, customer FROM problem WHERE problem_id = ?",
        TargetKind::KnownError => {
            "SELECT p.service_code, p.customer FROM known_error k JOIN problem p USING (problem_id)
             WHERE k.known_error_id = ?"
        }
        _ => return Ok(None),
    };
    let rows = db.query(sql, &[id.into()]).await?;
    rows.first()
        .map(|row| Ok((row.get("service_code")?, row.get("customer")?)))
        .transpose()
}
