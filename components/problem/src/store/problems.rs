//! The `problem` table: one row per problem, from logging to closure, with its root cause and
//! its solution as JSON so every version of them lands in the audit trail whole.

use itsm_domain::incident::Priority;
use itsm_domain::problem::{AnalysisMethod, ProblemState, RootCauseCategory, SolutionStatus};
use itsm_http::reach::Reach;
use itsm_store::{Row, Sql, StoreError, Value, to_json};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A problem as stored.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(rename = "ProblemFields")]
pub struct Problem {
    #[serde(skip)]
    pub id: i64,
    pub title: String,
    /// The symptoms as observed.
    pub description: Option<String>,
    /// The service it affects (a catalogue service code).
    pub service: String,
    pub configuration_item: Option<String>,
    pub category: Option<String>,
    /// The customer organisation, when it concerns one customer only.
    pub customer: Option<String>,
    pub priority: Priority,
    pub state: ProblemState,
    pub assignment_group: Option<String>,
    pub assignee: Option<String>,
    pub root_cause: Option<RootCause>,
    /// How users get going again until the fix is in.
    pub workaround: Option<String>,
    pub solution: Option<Solution>,
    pub resolution_notes: Option<String>,
    pub cancel_reason: Option<String>,
    /// How often the incidents came back after it was resolved.
    pub reopen_count: i64,
    #[serde(skip)]
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub resolved_at: Option<String>,
    /// When it was closed or cancelled.
    pub closed_at: Option<String>,
}

/// The result of the root-cause analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RootCause {
    pub summary: String,
    pub category: RootCauseCategory,
    pub method: Option<AnalysisMethod>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A proposed solution and the problem management team's decision on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Solution {
    pub description: String,
    /// Whether it is implemented through change management (a change raised from the problem).
    pub requires_change: bool,
    pub status: SolutionStatus,
    pub proposed_by: String,
    pub proposed_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// Why it was approved (optional) or rejected (required).
    pub decision_reason: Option<String>,
}

const COLUMNS: &str = "problem_id, title, description, service_code, configuration_item, category, customer,
    priority, state, assignment_group, assignee, root_cause, workaround, solution, resolution_notes, cancel_reason,
    reopen_count, version, created_at, created_by, updated_at, resolved_at, closed_at";

impl Problem {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Problem {
            id: row.get("problem_id")?,
            title: row.get("title")?,
            description: row.get("description")?,
            service: row.get("service_code")?,
            configuration_item: row.get("configuration_item")?,
            category: row.get("category")?,
            customer: row.get("customer")?,
            priority: row.parsed("priority", Priority::parse)?,
            state: row.parsed("state", ProblemState::parse)?,
            assignment_group: row.get("assignment_group")?,
            assignee: row.get("assignee")?,
            root_cause: row.json_opt("root_cause")?,
            workaround: row.get("workaround")?,
            solution: row.json_opt("solution")?,
            resolution_notes: row.get("resolution_notes")?,
            cancel_reason: row.get("cancel_reason")?,
            reopen_count: row.get("reopen_count")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
            resolved_at: row.get("resolved_at")?,
            closed_at: row.get("closed_at")?,
        })
    }

    /// The columns every write sets, in [`COLUMNS`] order after the id (less the version).
    fn values(&self) -> Result<Vec<Value>, StoreError> {
        let json = |value: Option<String>| -> Value { value.as_deref().into() };
        Ok(vec![
            self.title.as_str().into(),
            self.description.as_deref().into(),
            self.service.as_str().into(),
            self.configuration_item.as_deref().into(),
            self.category.as_deref().into(),
            self.customer.as_deref().into(),
            self.priority.as_str().into(),
            self.state.as_str().into(),
            self.assignment_group.as_deref().into(),
            self.assignee.as_deref().into(),
            json(self.root_cause.as_ref().map(to_json).transpose()?),
            self.workaround.as_deref().into(),
            json(self.solution.as_ref().map(to_json).transpose()?),
            self.resolution_notes.as_deref().into(),
            self.cancel_reason.as_deref().into(),
            self.reopen_count.into(),
        ])
    }
}

/// Inserts a new problem (version 1) and returns its id.
pub async fn insert_problem(db: &impl Sql, p: &Problem) -> Result<i64, StoreError> {
    let mut values = p.values()?;
    values.extend([
        p.created_at.as_str().into(),
        p.created_by.as_str().into(),
        p.updated_at.as_str().into(),
    ]);
    db.execute(
        "INSERT INTO problem (title, description, service_code, configuration_item, category, customer, priority,
            state, assignment_group, assignee, root_cause, workaround, solution, resolution_notes, cancel_reason,
            reopen_count, created_at, created_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &values,
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_problem(db: &impl Sql, id: i64) -> Result<Option<Problem>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM problem WHERE problem_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first().map(|row| Problem::from_row(&row)).transpose()
}

/// Writes every mutable column if the stored version is still `expected_version`, bumping it;
/// `false` when another writer got there first.
pub async fn save_problem(
    db: &impl Sql,
    p: &Problem,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let mut values = p.values()?;
    values.extend([
        p.updated_at.as_str().into(),
        p.resolved_at.as_deref().into(),
        p.closed_at.as_deref().into(),
        p.id.into(),
        expected_version.into(),
    ]);
    let changed = db
        .execute(
            "UPDATE problem SET title = ?, description = ?, service_code = ?, configuration_item = ?, category = ?,
                customer = ?, priority = ?, state = ?, assignment_group = ?, assignee = ?, root_cause = ?,
                workaround = ?, solution = ?, resolution_notes = ?, cancel_reason = ?, reopen_count = ?,
                updated_at = ?, resolved_at = ?, closed_at = ?, version = version + 1
             WHERE problem_id = ? AND version = ?",
            &values,
        )
        .await?;
    Ok(changed == 1)
}

/// Bumps the version of a problem whose answer changed through another table (a link, a change
/// raised, a known error), so its `ETag` changes with what it shows.
pub async fn touch_problem(db: &impl Sql, id: i64, now: &str) -> Result<(), StoreError> {
    db.execute(
        "UPDATE problem SET version = version + 1, updated_at = ? WHERE problem_id = ?",
        &[now.into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Which problems a list shows.
#[derive(Debug, Default, Clone)]
pub struct ProblemFilter {
    pub state: Option<ProblemState>,
    pub service: Option<String>,
    pub assignee: Option<String>,
    pub customer: Option<String>,
    /// Only problems with (or without) an active known error.
    pub known_error: Option<bool>,
    /// Only problems whose solution awaits the problem team's decision.
    pub awaiting_approval: bool,
    /// Only these services' or customers' problems (a scoped reader's view); `None`: no limit.
    pub visible_in: Option<Reach>,
}

/// Newest first; `after` continues below that id. Fetches `limit + 1` rows so the caller knows
/// whether a next page exists.
pub async fn list_problems(
    db: &impl Sql,
    filter: &ProblemFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Problem>, StoreError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    for (column, value) in [
        ("state", &filter.state.map(|s| s.as_str().to_owned())),
        ("service_code", &filter.service),
        ("assignee", &filter.assignee),
        ("customer", &filter.customer),
    ] {
        if let Some(value) = value {
            clauses.push(format!("{column} = ?"));
            params.push(value.as_str().into());
        }
    }
    if let Some(wanted) = filter.known_error {
        let not = if wanted { "" } else { "NOT " };
        clauses.push(format!(
            "{not}EXISTS (SELECT 1 FROM known_error k WHERE k.problem_id = p.problem_id AND k.state = 'active')"
        ));
    }
    if filter.awaiting_approval {
        clauses.push("json_extract(solution, '$.status') = 'proposed'".to_owned());
    }
    if let Some(reach) = &filter.visible_in {
        let (sql, values) = reach.condition("service_code", "customer");
        clauses.push(sql);
        params.extend(values);
    }
    if let Some(after) = after {
        clauses.push("problem_id < ?".to_owned());
        params.push(after.into());
    }
    let condition = itsm_store::where_clause(&clauses);
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM problem p {condition} ORDER BY problem_id DESC LIMIT ?"
            ),
            &params,
        )
        .await?;
    rows.iter().map(|row| Problem::from_row(&row)).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::super::tests::{NOW, db};
    use super::*;

    pub fn sample(title: &str) -> Problem {
        Problem {
            id: 0,
            title: title.to_owned(),
            description: None,
            service: "lan-om".to_owned(),
            configuration_item: None,
            category: None,
            customer: None,
            priority: Priority::Moderate,
            state: ProblemState::New,
            assignment_group: None,
            assignee: None,
            root_cause: None,
            workaround: None,
            solution: None,
            resolution_notes: None,
            cancel_reason: None,
            reopen_count: 0,
            version: 1,
            created_at: NOW.to_owned(),
            created_by: "ann".to_owned(),
            updated_at: NOW.to_owned(),
            resolved_at: None,
            closed_at: None,
        }
    }

    #[tokio::test]
    async fn a_problem_round_trips_and_saves_only_at_the_version_read() {
        let db = db().await;
        let mut problem = sample("VPN drops every hour");
        problem.id = insert_problem(&db, &problem).await.expect("insert");
        assert_eq!(
            load_problem(&db, problem.id).await.expect("load"),
            Some(problem.clone())
        );

        problem.state = ProblemState::Investigating;
        problem.root_cause = Some(RootCause {
            summary: "Lease time of 60 minutes on the VPN concentrator".to_owned(),
            category: RootCauseCategory::Configuration,
            method: Some(AnalysisMethod::FiveWhys),
            recorded_by: "pat".to_owned(),
            recorded_at: NOW.to_owned(),
        });
        assert!(save_problem(&db, &problem, 1).await.expect("save"));
        assert!(
            !save_problem(&db, &problem, 1).await.expect("stale"),
            "a second writer at version 1 loses"
        );
        let stored = load_problem(&db, problem.id)
            .await
            .expect("load")
            .expect("found");
        assert_eq!((stored.version, stored.root_cause), (2, problem.root_cause));
    }

    #[tokio::test]
    async fn lists_filter_and_page_newest_first() {
        let db = db().await;
        for n in 1..=3 {
            let mut problem = sample(&format!("p{n}"));
            if n == 2 {
                problem.service = "hotline".to_owned();
            }
            insert_problem(&db, &problem).await.expect("insert");
        }
        let titles = |found: Vec<Problem>| found.into_iter().map(|p| p.title).collect::<Vec<_>>();
        let all = list_problems(&db, &ProblemFilter::default(), None, 10)
            .await
            .expect("list");
        assert_eq!(titles(all), ["p3", "p2", "p1"]);
        let lan = ProblemFilter {
            service: Some("lan-om".to_owned()),
            ..Default::default()
        };
        assert_eq!(
            titles(list_problems(&db, &lan, None, 10).await.expect("list")),
            ["p3", "p1"]
        );
        assert_eq!(
            titles(list_problems(&db, &lan, Some(3), 10).await.expect("list")),
            ["p1"]
        );
        let scoped = ProblemFilter {
            visible_in: Some(Reach {
                services: vec!["hotline".to_owned()],
                customers: Vec::new(),
            }),
            ..Default::default()
        };
        assert_eq!(
            titles(list_problems(&db, &scoped, None, 10).await.expect("list")),
            ["p2"]
        );
    }
}
