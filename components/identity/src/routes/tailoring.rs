//! Process tailoring per customer contract (seed 001 §2.1.4.1): `GET
//! /api/v1/customers/{code}/processes` lists every process with whether the contract includes
//! it; `PUT /api/v1/customers/{code}/processes/{process}` lets the service department manager
//! switch a tailorable one on or off. Mandatory processes are always on.

use super::customers::find_customer;
use crate::store::customers::{self, ProcessDecision};
use crate::views::{ContractProcess, ContractProcesses};
use crate::wire::ProcessDecisionRequest;
use axum::Json;
use axum::extract::{Extension, Path, State};
use itsm_domain::access::{Process, Tailoring, names};
use itsm_http::audit::{Change, record};
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::{Sql, in_transaction};

async fn processes_of(db: &impl Sql, code: &str) -> Result<ContractProcesses, ApiError> {
    let decisions = customers::process_decisions(db, code).await?;
    let items = Process::ALL
        .iter()
        .map(|process| {
            let decision = decisions.iter().find(|d| d.process == process.as_str());
            ContractProcess::new(*process, decision)
        })
        .collect();
    Ok(ContractProcesses {
        customer: code.to_owned(),
        items,
    })
}

pub async fn list_processes(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<Json<ContractProcesses>, ApiError> {
    let customer = find_customer(&*services.db, &principal, &code).await?;
    Ok(Json(processes_of(&*services.db, &customer.code).await?))
}

pub async fn set_process(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((code, process)): Path<(String, String)>,
    ApiJson(request): ApiJson<ProcessDecisionRequest>,
) -> Result<Json<ContractProcesses>, ApiError> {
    principal.require(names::CONTRACT_PROCESSES_SET)?;
    let process = Process::parse(&process)
        .map_err(|_| ApiError::not_found(format_args!("process {process}")))?;
    let decision = request.parse()?;
    if process.tailoring() != Tailoring::Tailorable && !decision.enabled {
        let message = format!(
            "{process} is {}: every contract includes it",
            process.tailoring()
        );
        return Err(ApiError::invalid_field("enabled", message));
    }
    let now = itsm_http::now();
    let body = in_transaction(&*services.db, async |db| {
        let customer = find_customer(db, &principal, &code).await?;
        let stored = ProcessDecision {
            process: process.as_str().to_owned(),
            enabled: decision.enabled,
            decided_by: principal.user.clone(),
            decided_at: now.clone(),
            reason: Some(decision.reason.clone()),
        };
        customers::set_process_decision(db, &customer.code, &stored).await?;
        let after = processes_of(db, &customer.code).await?;
        let action = if decision.enabled {
            "process.switch_on"
        } else {
            "process.switch_off"
        };
        let change = Change::new("customer", customer.id, action)
            .after(&stored)
            .reason(decision.reason.as_str());
        record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>(after)
    })
    .await?;
    Ok(Json(body))
}
