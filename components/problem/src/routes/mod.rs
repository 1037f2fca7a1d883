//! The problem routes, one file per concern, and the steps they share: who may see a problem,
//! finding it, answering with it, its known errors and changes, and the versioned write every
//! change goes through.

pub mod changes;
pub mod create;
pub mod incidents;
pub mod known_errors;
pub mod lifecycle;
pub mod read;
pub mod solution;
pub mod update;

use crate::store::changes::changes_of;
use crate::store::incidents::incident_counts;
use crate::store::known_errors::{of_problems, recurrences};
use crate::store::problems::{self, Problem};
use crate::wire::{KnownErrorRef, ProblemView, problem_number};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::RecordKind;
use itsm_domain::access::{Process, Scope, Visibility};
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, Principal, etag};
use itsm_store::{Sql, in_transaction};
use std::collections::BTreeMap;

/// Authorities of the problem process, granted to roles by `itsm_domain::access`.
pub use itsm_domain::access::names::{
    PROBLEM_INVESTIGATE as INVESTIGATE, PROBLEM_READ as READ, PROBLEM_REPORT as REPORT,
    PROBLEM_SOLUTION_APPROVE as APPROVE,
};

/// The scopes a problem lies in, for scoped grants: the process, its service and its customer.
pub fn scopes_for(service: &str, customer: Option<&str>) -> Vec<Scope> {
    let mut scopes = vec![Scope::process(Process::Problem), Scope::service(service)];
    scopes.extend(customer.map(Scope::customer));
    scopes
}

pub fn scopes_of(problem: &Problem) -> Vec<Scope> {
    scopes_for(&problem.service, problem.customer.as_deref())
}

/// The problem id from the path: the id (`42`) or the number (`PRB0000042`).
pub fn parse_id(text: &str) -> Result<i64, ApiError> {
    RecordKind::Problem
        .parse_ref(text)
        .map_err(|_| ApiError::not_found(format_args!("problem {text}")))
}

/// Finds a problem the caller may read; one outside their scopes is "not found".
pub async fn find_visible(
    db: &impl Sql,
    principal: &Principal,
    id: i64,
) -> Result<Problem, ApiError> {
    if principal.visibility(READ) == Visibility::Nothing {
        return Err(ApiError::forbidden(READ));
    }
    let missing = || ApiError::not_found(format_args!("problem {}", problem_number(id)));
    let problem = problems::load_problem(db, id).await?.ok_or_else(missing)?;
    principal.require_visible(READ, &scopes_of(&problem), problem_number(id))?;
    Ok(problem)
}

/// The views of these problems, each with its incident count, known errors and changes, read
/// in three queries whatever the number of problems.
pub async fn views(db: &impl Sql, found: &[Problem]) -> Result<Vec<ProblemView>, ApiError> {
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = found.iter().map(|p| p.id).collect();
    let counts: BTreeMap<i64, i64> = incident_counts(db, &ids).await?.into_iter().collect();
    let known = of_problems(db, &ids).await?;
    let known_ids: Vec<i64> = known.iter().map(|k| k.id).collect();
    let matched: BTreeMap<i64, i64> = if known_ids.is_empty() {
        BTreeMap::new()
    } else {
        recurrences(db, &known_ids)
            .await?
            .into_iter()
            .map(|(id, count, _)| (id, count))
            .collect()
    };
    let mut known_by: BTreeMap<i64, Vec<KnownErrorRef>> = BTreeMap::new();
    for k in known {
        known_by
            .entry(k.problem_id)
            .or_default()
            .push(KnownErrorRef {
                number: crate::wire::known_error_number(k.id),
                title: k.title,
                state: k.state,
                recurrences: matched.get(&k.id).copied().unwrap_or(0),
            });
    }
    let mut changes_by: BTreeMap<i64, Vec<_>> = BTreeMap::new();
    for change in changes_of(db, &ids).await? {
        changes_by
            .entry(change.problem_id)
            .or_default()
            .push(change);
    }
    Ok(found
        .iter()
        .map(|p| {
            ProblemView::new(
                p,
                counts.get(&p.id).copied().unwrap_or(0),
                known_by.remove(&p.id).unwrap_or_default(),
                changes_by.remove(&p.id).unwrap_or_default(),
            )
        })
        .collect())
}

/// The problem as JSON with its `ETag` (and `Location` when just created).
pub async fn respond(
    db: &impl Sql,
    problem: &Problem,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let view = views(db, std::slice::from_ref(problem))
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found(problem_number(problem.id)))?;
    let location =
        (status == StatusCode::CREATED).then(|| format!("/api/v1/problems/{}", problem.id));
    Ok(etag::respond(&view, problem.version, status, location))
}

/// What one change did, for the audit trail.
pub struct Audited<'a> {
    pub action: &'a str,
    pub reason: Option<&'a str>,
}

/// The shared write path: in one transaction, load the problem the caller may see, check
/// `If-Match`, let `change` check the caller's standing and apply itself (it may write other
/// tables too), save at the version read, and append the audit entry. A change that changes
/// nothing writes nothing.
pub async fn modify<D: Sql>(
    db: &D,
    principal: &Principal,
    id: i64,
    headers: &HeaderMap,
    audited: Audited<'_>,
    change: impl AsyncFnOnce(&D, &mut Problem) -> Result<(), ApiError>,
) -> Result<Response, ApiError> {
    let required = etag::if_match(headers)?;
    let now = itsm_http::now();
    in_transaction(db, async |db| {
        let current = find_visible(db, principal, id).await?;
        etag::check(required.as_deref(), current.version, &problem_number(id))?;
        let mut next = current.clone();
        change(db, &mut next).await?;
        if next == current {
            return respond(db, &current, StatusCode::OK).await;
        }
        next.updated_at = now.clone();
        if !problems::save_problem(db, &next, current.version).await? {
            return Err(ApiError::lost_race("the problem"));
        }
        next.version = current.version + 1;
        let change = Change::new("problem", id, audited.action)
            .before(&current)
            .after(&next)
            .reason(audited.reason);
        record(db, principal, &change, &now).await?;
        respond(db, &next, StatusCode::OK).await
    })
    .await
}

/// Checks that `user` may be named to investigate: an active user holding `problem.investigate`
/// for this problem.
pub async fn ensure_investigator(
    db: &impl Sql,
    user: &str,
    problem: &Problem,
    field: &str,
    now: &str,
) -> Result<(), ApiError> {
    match itsm_http::auth::grants_of(db, user, now).await? {
        None => Err(ApiError::invalid_field(
            field,
            format!("there is no active user {user}"),
        )),
        Some(grants)
            if !itsm_domain::access::permits(&grants, INVESTIGATE, &scopes_of(problem)) =>
        {
            Err(ApiError::invalid_field(
                field,
                format!(
                    "{user} cannot investigate this problem: it needs the authority {INVESTIGATE}"
                ),
            ))
        }
        Some(_) => Ok(()),
    }
}
