//! `GET`/`PUT /api/v1/slas/policies/{record}`: which states of incidents, requests or
//! complaints run, pause or stop their SLA clocks. The policy is the service level process's
//! design, so its process owner sets it (`process.configure`). Each policy applies from the
//! moment it is set: clocks read the state a record was in under the policy then in force, so a
//! new policy never changes a figure already past. Changes are audited; `If-Match` (the number
//! of policies set so far) guards against two owners overwriting each other.

use super::{READ, scope};
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};
use itsm_domain::access::Process;
use itsm_domain::access::names::PROCESS_CONFIGURE;
use itsm_domain::sla::{ClockPolicy, PolicyVersion, TargetRecord, state_keys};
use itsm_http::audit::{self, Change};
use itsm_http::settings::store_setting;
use itsm_http::sla::policy::{clock_policies, setting_name};
use itsm_http::{ApiError, ApiJson, Principal, Services, etag};
use itsm_store::in_transaction;
use schemars::JsonSchema;
use serde::Serialize;

/// A kind of record's clock policy in force.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PolicyView {
    pub record: TargetRecord,
    /// Whether one was set; otherwise these are the defaults.
    pub configured: bool,
    /// When the policy in force was set; `null` for the defaults.
    pub since: Option<String>,
    /// The states the tables name (`on_hold:awaiting_caller` is an incident held for its caller).
    pub states: Vec<&'static str>,
    pub policy: ClockPolicy,
}

fn parse_record(text: &str) -> Result<TargetRecord, ApiError> {
    TargetRecord::parse(text)
        .map_err(|_| ApiError::not_found(format_args!("clock policy for {text}")))
}

pub async fn get_policy(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(record): Path<String>,
) -> Result<Response, ApiError> {
    principal.require_in(READ, &scope())?;
    let record = parse_record(&record)?;
    let history = clock_policies(&*services.db, record).await?;
    Ok(respond(record, &history))
}

pub async fn put_policy(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(record): Path<String>,
    headers: HeaderMap,
    ApiJson(policy): ApiJson<ClockPolicy>,
) -> Result<Response, ApiError> {
    let record = parse_record(&record)?;
    principal.require_in(PROCESS_CONFIGURE, &scope())?;
    policy
        .check(record)
        .map_err(|(field, message)| ApiError::invalid_field(&field, message))?;
    let required = etag::if_match(&headers)?;
    let now = itsm_http::now();
    let since: DateTime<Utc> = now
        .parse()
        .map_err(|_| ApiError::Internal(format!("now {now}")))?;
    let history = in_transaction(&*services.db, async |db| {
        let mut history = clock_policies(db, record).await?;
        etag::check(
            required.as_deref(),
            version_of(&history),
            &format!("the {record} clock policy"),
        )?;
        let before = view(record, &history);
        history.push(PolicyVersion {
            since,
            policy: policy.clone(),
        });
        store_setting(
            db,
            Process::ServiceLevel,
            &setting_name(record),
            &history,
            &principal.user,
            &now,
        )
        .await?;
        let change = Change::new("service_level_settings", 0, "clock_policy")
            .before(&before)
            .after(&view(record, &history));
        audit::record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>(history)
    })
    .await?;
    Ok(respond(record, &history))
}

/// The policy's version for `ETag`s: how many were set.
fn version_of(history: &[PolicyVersion]) -> i64 {
    i64::try_from(history.len()).unwrap_or(i64::MAX)
}

fn respond(record: TargetRecord, history: &[PolicyVersion]) -> Response {
    etag::respond(
        &view(record, history),
        version_of(history),
        StatusCode::OK,
        None,
    )
}

fn view(record: TargetRecord, history: &[PolicyVersion]) -> PolicyView {
    let current = history.last();
    PolicyView {
        record,
        configured: current.is_some(),
        since: current.map(|v| itsm_http::time::format_instant(v.since)),
        states: state_keys(record).to_vec(),
        policy: current.map_or_else(|| ClockPolicy::default_for(record), |v| v.policy.clone()),
    }
}
