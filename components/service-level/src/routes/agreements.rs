//! `POST /api/v1/slas`, `GET /api/v1/slas[/{id}]`, `PATCH …/{id}` and the approved versions:
//! writing an agreement's terms while drafted or under review, and reading them back.

use super::{Audited, READ, WRITE, check_references, find, modify, parse_id, respond, scope, view};
use crate::store::agreements::{
    Agreement, AgreementFilter, ApprovedVersion, insert_agreement, list_agreements, versions_of,
};
use crate::wire::agreement::{AgreementView, Terms, VersionView, agreement_number};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use itsm_domain::parse_code;
use itsm_domain::sla::{AgreementKind, AgreementState, ShownState, terms_editable};
use itsm_http::audit::{Change, record};
use itsm_http::json::{Items, parse_json};
use itsm_http::time::day_of;
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services};
use itsm_store::in_transaction;
use serde_json::Value;

pub async fn create(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(terms): ApiJson<Terms>,
) -> Result<Response, ApiError> {
    principal.require_in(WRITE, &scope())?;
    terms.check()?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        check_references(db, None, &terms).await?;
        let mut agreement = Agreement {
            id: 0,
            kind: terms.kind,
            state: AgreementState::Draft,
            terms,
            in_force_version: None,
            in_force_from: None,
            in_force_until: None,
            negotiated: None,
            signed: None,
            returned: None,
            last_review: None,
            expired: None,
            version: 1,
            created_at: now.clone(),
            created_by: principal.user.clone(),
            updated_at: now.clone(),
            updated_by: principal.user.clone(),
        };
        agreement.id = insert_agreement(db, &agreement).await?;
        let change = Change::created("service_agreement", agreement.id, &agreement);
        record(db, &principal, &change, &now).await?;
        Ok(respond(&agreement, StatusCode::CREATED))
    })
    .await
}

pub async fn get_agreement(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require_in(READ, &scope())?;
    let agreement = find(&*services.db, parse_id(&id)?).await?;
    Ok(respond(&agreement, StatusCode::OK))
}

pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require_in(READ, &scope())?;
    let query = QueryParams::parse(query, &["kind", "state", "customer", "service"])?;
    let page = query.page()?;
    // Codes in the query are checked as everywhere (`QueryParams::parsed` names the field).
    let code = |name: &str| query.parsed(name, parse_code);
    let filter = AgreementFilter {
        kind: query.parsed("kind", AgreementKind::parse)?,
        state: query
            .parsed("state", ShownState::parse)?
            .map(|s| s.as_str().to_owned()),
        customer: code("customer")?,
        service: code("service")?,
        today: day_of(&itsm_http::now()).to_string(),
    };
    let found = list_agreements(&*services.db, &filter, page.after, page.limit).await?;
    let shown: Vec<AgreementView> = found.iter().map(view).collect();
    Ok(query.respond("/api/v1/slas", page, shown, |a| a.id))
}

/// A JSON merge patch (RFC 7396) of the terms: fields given replace, `null` clears; the result
/// is checked whole, as on creation.
pub async fn update(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let patch: Value = parse_json(&body)?;
    if !patch.is_object() {
        return Err(ApiError::invalid_field(
            "body",
            "send an object of the terms to change",
        ));
    }
    let audited = Audited {
        action: "update",
        reason: None,
        decides: false,
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        audited,
        async |db, agreement| {
            principal.require_in(WRITE, &scope())?;
            if !terms_editable(agreement.state) {
                return Err(ApiError::Conflict {
                    detail: format!(
                        "{} is {}: its terms change only while drafted or under review",
                        agreement_number(agreement.id),
                        agreement.state
                    ),
                });
            }
            let mut merged = serde_json::to_value(&agreement.terms)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            merge(&mut merged, &patch);
            let bytes =
                serde_json::to_vec(&merged).map_err(|e| ApiError::Internal(e.to_string()))?;
            let terms: Terms = parse_json(&bytes)?;
            if terms.kind != agreement.kind {
                return Err(ApiError::invalid_field(
                    "kind",
                    "cannot change; write a new agreement instead",
                ));
            }
            terms.check()?;
            check_references(db, Some(&agreement.terms), &terms).await?;
            agreement.terms = terms;
            Ok(())
        },
    )
    .await
}

/// RFC 7396: objects merge key by key, `null` removes, anything else replaces.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge(target.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

pub async fn list_versions(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Items<VersionView>>, ApiError> {
    principal.require_in(READ, &scope())?;
    let db = &*services.db;
    let agreement = find(db, parse_id(&id)?).await?;
    let versions = versions_of(db, agreement.id, None).await?;
    Ok(Json(Items::new(
        versions.iter().map(version_view).collect(),
    )))
}

pub async fn get_version(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<VersionView>, ApiError> {
    principal.require_in(READ, &scope())?;
    let db = &*services.db;
    let agreement = find(db, parse_id(&id)?).await?;
    let missing = || {
        ApiError::not_found(format_args!(
            "version {number} of {}",
            agreement_number(agreement.id)
        ))
    };
    let n: i64 = number.parse().map_err(|_| missing())?;
    versions_of(db, agreement.id, Some(n))
        .await?
        .first()
        .map(|v| Json(version_view(v)))
        .ok_or_else(missing)
}

fn version_view(v: &ApprovedVersion) -> VersionView {
    VersionView {
        number: agreement_number(v.agreement_id),
        version: v.number,
        terms: v.terms.clone(),
        negotiated: v.negotiated.clone(),
        signed: v.signed.clone(),
        approved: v.approved.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::merge;
    use serde_json::json;

    #[test]
    fn a_merge_patch_replaces_given_fields_and_removes_nulls() {
        let mut terms =
            json!({"title": {"en": "Gold"}, "glossary": {"en": "…"}, "targets": [1, 2]});
        merge(
            &mut terms,
            &json!({"title": {"zh": "金"}, "glossary": null, "targets": [3]}),
        );
        assert_eq!(
            terms,
            json!({"title": {"en": "Gold", "zh": "金"}, "targets": [3]})
        );
    }
}
