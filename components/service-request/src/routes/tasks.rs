//! `/api/v1/requests/{id}/tasks`: the fulfilment tasks of a request, each with its assignee.
//! The service desk adds and edits them while the request is approved and not yet delivered;
//! a task is finished by completing or cancelling it, and the request can be fulfilled only
//! once none is open. Task changes are audited under the request's number.

use super::people::ensure_worker;
use super::{WRITE, find_visible, parse_id, scopes_of};
use crate::store::requests::ServiceRequest;
use crate::store::tasks::{self, Task};
use crate::wire::{NewTaskRequest, TaskActionBody, TaskView, UpdateTaskRequest, number_of};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::request::TaskState;
use itsm_http::audit::{Change, record};
use itsm_http::json::{Items, parse_optional_json};
use itsm_http::{ApiError, ApiJson, Principal, Services, etag};
use itsm_store::{Sql, in_transaction};

pub async fn list_tasks(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<axum::Json<Items<TaskView>>, ApiError> {
    let (request, _) = find_visible(&*services.db, &principal, parse_id(&id)?).await?;
    let found = tasks::tasks_of(&*services.db, request.id).await?;
    Ok(axum::Json(Items::new(
        found.iter().map(TaskView::new).collect(),
    )))
}

pub async fn get_task(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (id, number) = (parse_id(&id)?, parse_number(&number)?);
    let (request, _) = find_visible(&*services.db, &principal, id).await?;
    let task = tasks::load_task(&*services.db, request.id, number)
        .await?
        .ok_or_else(|| ApiError::not_found(task_name(id, number)))?;
    Ok(answer(&task, StatusCode::OK))
}

pub async fn add_task(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(new): ApiJson<NewTaskRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let now = itsm_http::now();
    let task = in_transaction(&*services.db, async |db| {
        let request = workable_request(db, &principal, id).await?;
        if let Some(assignee) = &new.assignee {
            ensure_worker(
                db,
                assignee.as_str(),
                &scopes_of(&request),
                "assignee",
                &now,
            )
            .await?;
        }
        let draft = draft_task(request.id, &new, &principal.user, &now);
        let task = tasks::insert_task(db, &draft).await?;
        let change =
            Change::new("service_request", request.id, "add_task").after(&TaskView::new(&task));
        record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>(task)
    })
    .await?;
    Ok(answer(&task, StatusCode::CREATED))
}

pub async fn update_task(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, number)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(update): ApiJson<UpdateTaskRequest>,
) -> Result<Response, ApiError> {
    let (id, number) = (parse_id(&id)?, parse_number(&number)?);
    if let Some(None) = update.title {
        return Err(ApiError::invalid_field("title", "a task keeps a title"));
    }
    let now = itsm_http::now();
    change_task(
        &*services.db,
        &principal,
        (id, number),
        &headers,
        "update_task",
        async |db, request, task| {
            if let Some(Some(assignee)) = &update.assignee {
                ensure_worker(db, assignee.as_str(), &scopes_of(request), "assignee", &now).await?;
            }
            if let Some(Some(title)) = &update.title {
                task.title = title.as_str().to_owned();
            }
            if let Some(description) = &update.description {
                task.description = description.as_ref().map(|d| d.as_str().to_owned());
            }
            if let Some(group) = &update.assignment_group {
                task.assignment_group = group.as_ref().map(|g| g.as_str().to_owned());
            }
            if let Some(assignee) = &update.assignee {
                task.assignee = assignee.as_ref().map(|a| a.as_str().to_owned());
            }
            Ok(())
        },
    )
    .await
}

/// `POST /api/v1/requests/{id}/tasks/{number}/{complete|cancel}`.
pub async fn finish_task(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, number, action)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (id, number) = (parse_id(&id)?, parse_number(&number)?);
    let state = match action.as_str() {
        "complete" => TaskState::Done,
        "cancel" => TaskState::Cancelled,
        other => return Err(ApiError::not_found(format_args!("the task action {other}"))),
    };
    let body: TaskActionBody = parse_optional_json(&body)?;
    if state == TaskState::Cancelled && body.notes.is_none() {
        return Err(ApiError::invalid_field(
            "notes",
            "say why the task is cancelled",
        ));
    }
    let now = itsm_http::now();
    let user = principal.user.clone();
    change_task(
        &*services.db,
        &principal,
        (id, number),
        &headers,
        &format!("{action}_task"),
        async |_, _, task| {
            task.state = state;
            task.notes = body.notes.as_ref().map(|n| n.as_str().to_owned());
            task.finished_at = Some(now.clone());
            task.finished_by = Some(user.clone());
            Ok(())
        },
    )
    .await
}

/// One task changed through the versioned write: the request must be workable, the task open.
async fn change_task<D: Sql>(
    db: &D,
    principal: &Principal,
    (id, number): (i64, i64),
    headers: &HeaderMap,
    action: &str,
    change: impl AsyncFnOnce(&D, &ServiceRequest, &mut Task) -> Result<(), ApiError>,
) -> Result<Response, ApiError> {
    let required = etag::if_match(headers)?;
    let now = itsm_http::now();
    let task = in_transaction(db, async |db| {
        let request = workable_request(db, principal, id).await?;
        let current = tasks::load_task(db, request.id, number)
            .await?
            .ok_or_else(|| ApiError::not_found(task_name(id, number)))?;
        etag::check(required.as_deref(), current.version, &task_name(id, number))?;
        if current.state != TaskState::Open {
            return Err(ApiError::Conflict {
                detail: format!(
                    "{} is {}; a finished task does not change",
                    task_name(id, number),
                    current.state
                ),
            });
        }
        let mut next = current.clone();
        change(db, &request, &mut next).await?;
        if next == current {
            return Ok(current);
        }
        next.updated_at = now.clone();
        if !tasks::save_task(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the task"));
        }
        next.version = current.version + 1;
        let change = Change::new("service_request", request.id, action)
            .before(&TaskView::new(&current))
            .after(&TaskView::new(&next));
        record(db, principal, &change, &now).await?;
        Ok(next)
    })
    .await?;
    Ok(answer(&task, StatusCode::OK))
}

/// The request, visible to the caller, who may work it, in a state that takes tasks.
async fn workable_request(
    db: &impl Sql,
    principal: &Principal,
    id: i64,
) -> Result<ServiceRequest, ApiError> {
    let (request, _) = find_visible(db, principal, id).await?;
    principal.require_in(WRITE, &scopes_of(&request))?;
    if !request.state.takes_tasks() {
        return Err(ApiError::Conflict {
            detail: format!(
                "{} is {}; tasks are worked only once it is approved and until it is fulfilled",
                number_of(id),
                request.state
            ),
        });
    }
    Ok(request)
}

fn draft_task(request_id: i64, new: &NewTaskRequest, user: &str, now: &str) -> Task {
    Task {
        id: 0,
        request_id,
        number: 0,
        title: new.title.as_str().to_owned(),
        description: new.description.as_ref().map(|d| d.as_str().to_owned()),
        assignment_group: new.assignment_group.as_ref().map(|g| g.as_str().to_owned()),
        assignee: new.assignee.as_ref().map(|a| a.as_str().to_owned()),
        state: TaskState::Open,
        notes: None,
        version: 1,
        created_at: now.to_owned(),
        created_by: user.to_owned(),
        updated_at: now.to_owned(),
        finished_at: None,
        finished_by: None,
    }
}

fn parse_number(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found(format_args!("task {text}")))
}

fn task_name(id: i64, number: i64) -> String {
    format!("task {number} of {}", number_of(id))
}

fn answer(task: &Task, status: StatusCode) -> Response {
    let location = (status == StatusCode::CREATED)
        .then(|| format!("/api/v1/requests/{}/tasks/{}", task.request_id, task.number));
    etag::respond(&TaskView::new(task), task.version, status, location)
}
