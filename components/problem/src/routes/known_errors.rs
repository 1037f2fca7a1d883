//! `/api/v1/known-errors`: known errors recorded from a problem (its symptom, workaround and the
//! terms that recognise it in new incidents), read by whoever reads the problem, written by its
//! investigators, retired when no longer true. New incidents are matched against the active ones
//! by the incident process when they are logged (the recurrence check).

use super::{INVESTIGATE, READ, find_visible, scopes_of};
use crate::store::known_errors::{
    KnownError, KnownErrorFilter, insert_known_error, list_known_errors, load_known_error,
    recurrences, save_known_error,
};
use crate::store::problems::{Problem, load_problem, touch_problem};
use crate::wire::{
    KnownErrorView, NewKnownErrorRequest, RetireRequest, UpdateKnownErrorRequest,
    known_error_number, problem_number,
};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::access::Visibility;
use itsm_domain::problem::KnownErrorState;
use itsm_domain::{Code, RecordKind};
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services, etag};
use itsm_store::{Sql, in_transaction};
use std::collections::BTreeMap;

pub async fn create(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<NewKnownErrorRequest>,
) -> Result<Response, ApiError> {
    let problem_id = RecordKind::Problem
        .parse_ref(request.problem.trim())
        .map_err(|message| ApiError::invalid_field("problem", message))?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let problem = problem_for(db, &principal, problem_id).await?;
        principal.require_in(INVESTIGATE, &scopes_of(&problem))?;
        if !problem.state.is_open() {
            return Err(ApiError::Conflict {
                detail: format!(
                    "{} is {}: known errors are recorded while a problem is open",
                    problem_number(problem.id),
                    problem.state
                ),
            });
        }
        let mut known = new_record(&problem, request, &principal.user, &now)?;
        known.id = insert_known_error(db, &known).await?;
        touch_problem(db, problem.id, &now).await?;
        record(
            db,
            &principal,
            &Change::created("known_error", known.id, &known),
            &now,
        )
        .await?;
        respond(&known, 0, None, StatusCode::CREATED)
    })
    .await
}

pub async fn get(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let db = &*services.db;
    let known = find(db, &principal, &id).await?;
    let (count, last) = recurrence_of(db, known.id).await?;
    respond(&known, count, last, StatusCode::OK)
}

pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(query, &["state", "service", "problem"])?;
    let page = query.page()?;
    let problem = |text: &str| RecordKind::Problem.parse_ref(text);
    let filter = KnownErrorFilter {
        state: query.parsed("state", KnownErrorState::parse)?,
        service: query.parsed("service", |t| Code::parse(t).map(|c| c.as_str().to_owned()))?,
        problem_id: query.parsed("problem", problem)?,
        visible_in: principal.reach(READ)?,
    };
    let db = &*services.db;
    let found = list_known_errors(db, &filter, page.after, page.limit).await?;
    let ids: Vec<i64> = found.iter().map(|k| k.id).collect();
    let mut matched: BTreeMap<i64, (i64, Option<String>)> = BTreeMap::new();
    if !ids.is_empty() {
        for (id, count, last) in recurrences(db, &ids).await? {
            matched.insert(id, (count, last));
        }
    }
    let views = found
        .iter()
        .map(|k| {
            let (count, last) = matched.remove(&k.id).unwrap_or((0, None));
            KnownErrorView::new(k, count, last)
        })
        .collect();
    Ok(
        query.respond("/api/v1/known-errors", page, views, |v: &KnownErrorView| {
            v.id
        }),
    )
}

pub async fn update(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UpdateKnownErrorRequest>,
) -> Result<Response, ApiError> {
    change(
        &services,
        &principal,
        &id,
        &headers,
        "update",
        None,
        |known| {
            if let Some(title) = request.title {
                known.title = title.into_string();
            }
            if let Some(symptom) = request.symptom {
                known.symptom = symptom.into_string();
            }
            if let Some(workaround) = request.workaround {
                known.workaround = workaround.into_string();
            }
            if let Some(root_cause) = request.root_cause {
                known.root_cause = root_cause.map(|r| r.into_string());
            }
            if let Some(terms) = request.match_terms {
                known.match_terms = terms;
            }
        },
    )
    .await
}

pub async fn retire(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<RetireRequest>,
) -> Result<Response, ApiError> {
    let now = itsm_http::now();
    let reason = request.reason.as_str();
    change(
        &services,
        &principal,
        &id,
        &headers,
        "retire",
        Some(reason),
        |known| {
            known.state = KnownErrorState::Retired;
            known.retired_reason = Some(reason.to_owned());
            known.retired_at = Some(now.clone());
        },
    )
    .await
}

/// The versioned write of an active known error by its problem's investigators.
async fn change(
    services: &Services,
    principal: &Principal,
    id: &str,
    headers: &HeaderMap,
    action: &str,
    reason: Option<&str>,
    apply: impl FnOnce(&mut KnownError),
) -> Result<Response, ApiError> {
    let required = etag::if_match(headers)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let current = find(db, principal, id).await?;
        let problem = problem_for(db, principal, current.problem_id).await?;
        principal.require_in(INVESTIGATE, &scopes_of(&problem))?;
        etag::check(
            required.as_deref(),
            current.version,
            &known_error_number(current.id),
        )?;
        if current.state == KnownErrorState::Retired {
            return Err(ApiError::Conflict {
                detail: format!(
                    "{} is retired: record a new known error instead",
                    known_error_number(current.id)
                ),
            });
        }
        let mut next = current.clone();
        apply(&mut next);
        let (count, last) = recurrence_of(db, current.id).await?;
        if next == current {
            return respond(&current, count, last, StatusCode::OK);
        }
        next.updated_at = now.clone();
        if !save_known_error(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the known error"));
        }
        next.version = current.version + 1;
        touch_problem(db, problem.id, &now).await?;
        let audit = Change::new("known_error", current.id, action)
            .before(&current)
            .after(&next)
            .reason(reason);
        record(db, principal, &audit, &now).await?;
        respond(&next, count, last, StatusCode::OK)
    })
    .await
}

/// The problem a known error names: one that does not exist, or that the caller may not see,
/// is refused as the request's `problem`.
async fn problem_for(
    db: &impl Sql,
    principal: &Principal,
    problem_id: i64,
) -> Result<Problem, ApiError> {
    let unknown = || {
        ApiError::invalid_field(
            "problem",
            format!("there is no problem {}", problem_number(problem_id)),
        )
    };
    match find_visible(db, principal, problem_id).await {
        Ok(problem) => Ok(problem),
        Err(ApiError::NotFound { .. }) => Err(unknown()),
        Err(other) => Err(other),
    }
}

/// A known error whose problem the caller may read; any other is "not found".
async fn find(db: &impl Sql, principal: &Principal, id: &str) -> Result<KnownError, ApiError> {
    if principal.visibility(READ) == Visibility::Nothing {
        return Err(ApiError::forbidden(READ));
    }
    let missing = || ApiError::not_found(format_args!("known error {id}"));
    let id = RecordKind::KnownError
        .parse_ref(id)
        .map_err(|_| missing())?;
    let known = load_known_error(db, id).await?.ok_or_else(missing)?;
    let problem = load_problem(db, known.problem_id)
        .await?
        .ok_or_else(missing)?;
    if !principal.may(READ, &scopes_of(&problem)) {
        return Err(missing());
    }
    Ok(known)
}

async fn recurrence_of(db: &impl Sql, id: i64) -> Result<(i64, Option<String>), ApiError> {
    Ok(recurrences(db, &[id])
        .await?
        .into_iter()
        .next()
        .map_or((0, None), |(_, count, last)| (count, last)))
}

fn respond(
    known: &KnownError,
    count: i64,
    last: Option<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let location =
        (status == StatusCode::CREATED).then(|| format!("/api/v1/known-errors/{}", known.id));
    Ok(etag::respond(
        &KnownErrorView::new(known, count, last),
        known.version,
        status,
        location,
    ))
}

fn new_record(
    problem: &Problem,
    request: NewKnownErrorRequest,
    user: &str,
    now: &str,
) -> Result<KnownError, ApiError> {
    let workaround = match (request.workaround, &problem.workaround) {
        (Some(given), _) => given.into_string(),
        (None, Some(recorded)) => recorded.clone(),
        (None, None) => {
            return Err(ApiError::invalid_field(
                "workaround",
                format!(
                    "{} has no workaround recorded; give the one users should follow",
                    problem_number(problem.id)
                ),
            ));
        }
    };
    Ok(KnownError {
        id: 0,
        problem_id: problem.id,
        title: request.title.into_string(),
        symptom: request.symptom.into_string(),
        root_cause: request
            .root_cause
            .map(|r| r.into_string())
            .or_else(|| problem.root_cause.as_ref().map(|r| r.summary.clone())),
        workaround,
        service: (!request.any_service).then(|| problem.service.clone()),
        match_terms: request.match_terms,
        state: KnownErrorState::Active,
        retired_reason: None,
        retired_at: None,
        version: 1,
        created_at: now.to_owned(),
        created_by: user.to_owned(),
        updated_at: now.to_owned(),
    })
}
