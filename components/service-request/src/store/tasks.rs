//! The `request_task` table: the fulfilment tasks of a request, numbered within it.

use itsm_domain::request::TaskState;
use itsm_store::{Row, Sql, StoreError};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "RequestTaskFields")]
pub struct Task {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub request_id: i64,
    /// 1, 2, … within its request.
    pub number: i64,
    pub title: String,
    pub description: Option<String>,
    pub assignment_group: Option<String>,
    pub assignee: Option<String>,
    pub state: TaskState,
    /// What was done, or why it was cancelled.
    pub notes: Option<String>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
    pub finished_by: Option<String>,
}

const COLUMNS: &str =
    "task_id, request_id, task_number, title, description, assignment_group, assignee, state,
    notes, version, created_at, created_by, updated_at, finished_at, finished_by";

impl Task {
    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        Ok(Task {
            id: row.get("task_id")?,
            request_id: row.get("request_id")?,
            number: row.get("task_number")?,
            title: row.get("title")?,
            description: row.get("description")?,
            assignment_group: row.get("assignment_group")?,
            assignee: row.get("assignee")?,
            state: row.parsed("state", TaskState::parse)?,
            notes: row.get("notes")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
            finished_at: row.get("finished_at")?,
            finished_by: row.get("finished_by")?,
        })
    }
}

/// Inserts a task under the next number of its request; returns the task with id and number.
pub async fn insert_task(db: &impl Sql, task: &Task) -> Result<Task, StoreError> {
    db.execute(
        "INSERT INTO request_task (request_id, task_number, title, description, assignment_group, assignee, state,
            created_at, created_by, updated_at)
         VALUES (?, (SELECT coalesce(max(task_number), 0) + 1 FROM request_task WHERE request_id = ?),
            ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            task.request_id.into(),
            task.request_id.into(),
            task.title.as_str().into(),
            task.description.as_deref().into(),
            task.assignment_group.as_deref().into(),
            task.assignee.as_deref().into(),
            task.state.as_str().into(),
            task.created_at.as_str().into(),
            task.created_by.as_str().into(),
            task.updated_at.as_str().into(),
        ],
    )
    .await?;
    let id = db.last_insert_rowid().await?;
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM request_task WHERE task_id = ?"),
            &[id.into()],
        )
        .await?;
    match rows.first() {
        Some(row) => Task::from_row(row),
        None => Err(StoreError::Decode {
            column: "task_id".to_owned(),
            message: format!("task {id} vanished after insert"),
        }),
    }
}

pub async fn load_task(
    db: &impl Sql,
    request_id: i64,
    number: i64,
) -> Result<Option<Task>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM request_task WHERE request_id = ? AND task_number = ?"),
            &[request_id.into(), number.into()],
        )
        .await?;
    rows.first().map(Task::from_row).transpose()
}

/// A request's tasks in number order.
pub async fn tasks_of(db: &impl Sql, request_id: i64) -> Result<Vec<Task>, StoreError> {
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM request_task WHERE request_id = ? ORDER BY task_number"
            ),
            &[request_id.into()],
        )
        .await?;
    rows.iter().map(Task::from_row).collect()
}

/// The numbers of a request's tasks that are still open.
pub async fn open_task_numbers(db: &impl Sql, request_id: i64) -> Result<Vec<i64>, StoreError> {
    let rows = db
        .query(
            "SELECT task_number FROM request_task WHERE request_id = ? AND state = 'open' ORDER BY task_number",
            &[request_id.into()],
        )
        .await?;
    rows.iter().map(|row| row.get("task_number")).collect()
}

/// Cancels every open task of a request with `reason` as its notes, by the system on the
/// request's behalf; the request's own audit entry records why.
pub async fn cancel_open_tasks(
    db: &impl Sql,
    request_id: i64,
    reason: &str,
    now: &str,
) -> Result<(), StoreError> {
    db.execute(
        "UPDATE request_task SET state = 'cancelled', notes = ?, updated_at = ?, finished_at = ?,
            finished_by = 'system', version = version + 1
         WHERE request_id = ? AND state = 'open'",
        &[reason.into(), now.into(), now.into(), request_id.into()],
    )
    .await?;
    Ok(())
}

/// Writes the mutable columns if the stored version is still `expected_version`.
pub async fn save_task(db: &impl Sql, t: &Task, expected_version: i64) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE request_task SET title = ?, description = ?, assignment_group = ?, assignee = ?, state = ?,
                notes = ?, updated_at = ?, finished_at = ?, finished_by = ?, version = version + 1
             WHERE task_id = ? AND version = ?",
            &[
                t.title.as_str().into(),
                t.description.as_deref().into(),
                t.assignment_group.as_deref().into(),
                t.assignee.as_deref().into(),
                t.state.as_str().into(),
                t.notes.as_deref().into(),
                t.updated_at.as_str().into(),
                t.finished_at.as_deref().into(),
                t.finished_by.as_deref().into(),
                t.id.into(),
                expected_version.into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::test_db::{NOW, db};

    fn task(request_id: i64, title: &str) -> Task {
        Task {
            id: 0,
            request_id,
            number: 0,
            title: title.to_owned(),
            description: None,
            assignment_group: None,
            assignee: Some("ann".to_owned()),
            state: TaskState::Open,
            notes: None,
            version: 1,
            created_at: NOW.to_owned(),
            created_by: "desk".to_owned(),
            updated_at: NOW.to_owned(),
            finished_at: None,
            finished_by: None,
        }
    }

    #[tokio::test]
    async fn tasks_are_numbered_within_their_request() {
        let db = db().await;
        for request in [7_i64, 8] {
            db.execute_now(
                "INSERT INTO service_request (request_id, catalogue_version, item_code, item_name, service_code,
                    requested_by, requested_for, priority, answers, state, created_at, updated_at, approved_at)
                 VALUES (?, 1, 'desktop-om', '{}', 'desktop-om', 'ann', 'ann', 'moderate', '{}', 'submitted', ?, ?, ?)",
                &[request.into(), NOW.into(), NOW.into(), NOW.into()],
            )
            .expect("request");
        }
        let first = insert_task(&db, &task(7, "Fetch")).await.expect("first");
        let second = insert_task(&db, &task(7, "Install")).await.expect("second");
        let other = insert_task(&db, &task(8, "Other")).await.expect("other");
        assert_eq!((first.number, second.number, other.number), (1, 2, 1));
        assert_eq!(open_task_numbers(&db, 7).await.expect("open"), [1, 2]);
        let mut done = second.clone();
        done.state = TaskState::Done;
        done.finished_at = Some(NOW.to_owned());
        done.finished_by = Some("ann".to_owned());
        assert!(save_task(&db, &done, 1).await.expect("save"));
        assert!(!save_task(&db, &done, 1).await.expect("stale"));
        assert_eq!(open_task_numbers(&db, 7).await.expect("open"), [1]);
        let loaded = load_task(&db, 7, 2).await.expect("load").expect("task");
        assert_eq!((loaded.state, loaded.version), (TaskState::Done, 2));
        let titles: Vec<String> = tasks_of(&db, 7)
            .await
            .expect("tasks")
            .into_iter()
            .map(|t| t.title)
            .collect();
        assert_eq!(titles, ["Fetch", "Install"]);
        cancel_open_tasks(&db, 7, "no longer needed", NOW)
            .await
            .expect("cancel");
        assert!(open_task_numbers(&db, 7).await.expect("open").is_empty());
        let first = load_task(&db, 7, 1).await.expect("load").expect("task");
        assert_eq!(
            (first.state, first.notes.as_deref()),
            (TaskState::Cancelled, Some("no longer needed"))
        );
        assert_eq!(open_task_numbers(&db, 8).await.expect("open"), [1]);
    }
}
