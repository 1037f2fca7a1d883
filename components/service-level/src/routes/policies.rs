//! `GET`/`PUT /api/v1/slas/policies/{record}`: which states of incidents, requests or
//! complaints run, pause or stop their SLA clocks. The policy is the service level process's
//! design, so its process owner sets it (`process.configure`); the change is audited, and every
//! clock reads the policy in force when it is read.

use super::{READ, scope};
use axum::Json;
use axum::extract::{Extension, Path, State};
use itsm_domain::access::Process;
use itsm_domain::access::names::PROCESS_CONFIGURE;
use itsm_domain::sla::{ClockPolicy, TargetRecord, state_keys};
use itsm_http::audit::{self, Change};
use itsm_http::settings::store_setting;
use itsm_http::sla::policy::{clock_policy, setting_name};
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::in_transaction;
use schemars::JsonSchema;
use serde::Serialize;

/// A kind of record's clock policy.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PolicyView {
    pub record: TargetRecord,
    /// Whether it was set; otherwise these are the defaults.
    pub configured: bool,
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
) -> Result<Json<PolicyView>, ApiError> {
    principal.require_in(READ, &scope())?;
    let record = parse_record(&record)?;
    let (policy, configured) = clock_policy(&*services.db, record).await?;
    Ok(Json(view(record, policy, configured)))
}

pub async fn put_policy(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(record): Path<String>,
    ApiJson(policy): ApiJson<ClockPolicy>,
) -> Result<Json<PolicyView>, ApiError> {
    let record = parse_record(&record)?;
    principal.require_in(PROCESS_CONFIGURE, &scope())?;
    policy
        .check(record)
        .map_err(|(field, message)| ApiError::invalid_field(&field, message))?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let (before, _) = clock_policy(db, record).await?;
        store_setting(
            db,
            Process::ServiceLevel,
            &setting_name(record),
            &policy,
            &principal.user,
            &now,
        )
        .await?;
        let change = Change::new("service_level_settings", 0, "clock_policy")
            .before(&view(record, before, true))
            .after(&view(record, policy.clone(), true));
        audit::record(db, &principal, &change, &now).await
    })
    .await?;
    Ok(Json(view(record, policy, true)))
}

fn view(record: TargetRecord, policy: ClockPolicy, configured: bool) -> PolicyView {
    PolicyView {
        record,
        configured,
        states: state_keys(record).to_vec(),
        policy,
    }
}
