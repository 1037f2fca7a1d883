//! The `known_error` table and the recurrence count kept beside it in `known_error_match`.

use itsm_domain::problem::{KnownErrorState, MatchTerms};
use itsm_http::reach::Reach;
use itsm_store::{Row, Sql, StoreError, Value, to_json};
use schemars::JsonSchema;
use serde::Serialize;

/// A known error as stored.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(rename = "KnownErrorFields")]
pub struct KnownError {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub problem_id: i64,
    pub title: String,
    /// What users see when it strikes.
    pub symptom: String,
    pub root_cause: Option<String>,
    pub workaround: String,
    /// New incidents of this service only; `null`: of any service.
    pub service: Option<String>,
    pub match_terms: MatchTerms,
    pub state: KnownErrorState,
    pub retired_reason: Option<String>,
    pub retired_at: Option<String>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
}

const COLUMNS: &str =
    "known_error_id, problem_id, title, symptom, root_cause, workaround, service_code,
    match_terms, state, retired_reason, retired_at, version, created_at, created_by, updated_at";

impl KnownError {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(KnownError {
            id: row.get("known_error_id")?,
            problem_id: row.get("problem_id")?,
            title: row.get("title")?,
            symptom: row.get("symptom")?,
            root_cause: row.get("root_cause")?,
            workaround: row.get("workaround")?,
            service: row.get("service_code")?,
            match_terms: row.json("match_terms")?,
            state: row.parsed("state", KnownErrorState::parse)?,
            retired_reason: row.get("retired_reason")?,
            retired_at: row.get("retired_at")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
        })
    }

    fn values(&self) -> Result<Vec<Value>, StoreError> {
        Ok(vec![
            self.title.as_str().into(),
            self.symptom.as_str().into(),
            self.root_cause.as_deref().into(),
            self.workaround.as_str().into(),
            self.service.as_deref().into(),
            to_json(&self.match_terms)?.into(),
            self.state.as_str().into(),
            self.retired_reason.as_deref().into(),
            self.retired_at.as_deref().into(),
            self.updated_at.as_str().into(),
        ])
    }
}

pub async fn insert_known_error(db: &impl Sql, k: &KnownError) -> Result<i64, StoreError> {
    let mut values = k.values()?;
    values.extend([
        k.problem_id.into(),
        k.created_at.as_str().into(),
        k.created_by.as_str().into(),
    ]);
    db.execute(
        "INSERT INTO known_error (title, symptom, root_cause, workaround, service_code, match_terms, state,
            retired_reason, retired_at, updated_at, problem_id, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &values,
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_known_error(db: &impl Sql, id: i64) -> Result<Option<KnownError>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM known_error WHERE known_error_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first()
        .map(|row| KnownError::from_row(&row))
        .transpose()
}

/// Writes the mutable columns at the version read; `false` when another writer got there first.
pub async fn save_known_error(
    db: &impl Sql,
    k: &KnownError,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let mut values = k.values()?;
    values.extend([k.id.into(), expected_version.into()]);
    let changed = db
        .execute(
            "UPDATE known_error SET title = ?, symptom = ?, root_cause = ?, workaround = ?, service_code = ?,
                match_terms = ?, state = ?, retired_reason = ?, retired_at = ?, updated_at = ?, version = version + 1
             WHERE known_error_id = ? AND version = ?",
            &values,
        )
        .await?;
    Ok(changed == 1)
}

/// The known errors of these problems, oldest first.
pub async fn of_problems(
    db: &impl Sql,
    problem_ids: &[i64],
) -> Result<Vec<KnownError>, StoreError> {
    let marks = itsm_store::placeholders(problem_ids.len());
    let params: Vec<Value> = problem_ids.iter().map(|&id| id.into()).collect();
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM known_error WHERE problem_id IN ({marks}) ORDER BY known_error_id"
            ),
            &params,
        )
        .await?;
    rows.iter().map(|row| KnownError::from_row(&row)).collect()
}

/// Which known errors a list shows.
#[derive(Debug, Default, Clone)]
pub struct KnownErrorFilter {
    pub state: Option<KnownErrorState>,
    pub service: Option<String>,
    pub problem_id: Option<i64>,
    /// Only known errors of problems in these services or for these customers (a scoped
    /// reader's view); `None`: no limit.
    pub visible_in: Option<Reach>,
}

/// Newest first, paged like every list.
pub async fn list_known_errors(
    db: &impl Sql,
    filter: &KnownErrorFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<KnownError>, StoreError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(state) = filter.state {
        clauses.push("state = ?".to_owned());
        params.push(state.as_str().into());
    }
    if let Some(service) = &filter.service {
        clauses.push("service_code = ?".to_owned());
        params.push(service.as_str().into());
    }
    if let Some(problem) = filter.problem_id {
        clauses.push("problem_id = ?".to_owned());
        params.push(problem.into());
    }
    if let Some(reach) = &filter.visible_in {
        let (sql, values) = reach.condition("service_code", "customer");
        clauses.push(format!(
            "problem_id IN (SELECT problem_id FROM problem WHERE {sql})"
        ));
        params.extend(values);
    }
    if let Some(after) = after {
        clauses.push("known_error_id < ?".to_owned());
        params.push(after.into());
    }
    let condition = itsm_store::where_clause(&clauses);
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM known_error {condition} ORDER BY known_error_id DESC LIMIT ?"
            ),
            &params,
        )
        .await?;
    rows.iter().map(|row| KnownError::from_row(&row)).collect()
}

/// Retires the problem's active known errors (its fix is in); returns their ids.
pub async fn retire_all_of(
    db: &impl Sql,
    problem_id: i64,
    reason: &str,
    now: &str,
) -> Result<Vec<i64>, StoreError> {
    let rows = db
        .query(
            "SELECT known_error_id FROM known_error WHERE problem_id = ? AND state = 'active'",
            &[problem_id.into()],
        )
        .await?;
    let ids = rows
        .iter()
        .map(|row| row.get("known_error_id"))
        .collect::<Result<Vec<i64>, _>>()?;
    db.execute(
        "UPDATE known_error SET state = 'retired', retired_reason = ?, retired_at = ?, updated_at = ?,
            version = version + 1
         WHERE problem_id = ? AND state = 'active'",
        &[reason.into(), now.into(), now.into(), problem_id.into()],
    )
    .await?;
    Ok(ids)
}

/// How many incidents matched each of these known errors when they were logged (security
/// incidents, which only the security team sees, left out).
pub async fn recurrences(
    db: &impl Sql,
    known_error_ids: &[i64],
) -> Result<Vec<(i64, i64, Option<String>)>, StoreError> {
    let marks = itsm_store::placeholders(known_error_ids.len());
    let params: Vec<Value> = known_error_ids.iter().map(|&id| id.into()).collect();
    let rows = db
        .query(
            &format!(
                "SELECT m.known_error_id, COUNT(*) AS matched, MAX(m.matched_at) AS last_matched_at
                 FROM known_error_match m JOIN incident i USING (incident_id)
                 WHERE m.known_error_id IN ({marks}) AND i.security = 0 GROUP BY m.known_error_id"
            ),
            &params,
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.get("known_error_id")?,
                row.get("matched")?,
                row.get("last_matched_at")?,
            ))
        })
        .collect()
}
