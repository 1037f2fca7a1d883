//! `POST /api/v1/slas/{id}/{action}`: the lifecycle steps, each by the role the seeds name —
//! the SLM team negotiates, reviews, confirms and ends; Sales signs for the customer; the
//! management representative approves, which freezes the terms as the next numbered version.
//! No one decides a step on terms they negotiated or signed themselves.

use super::{Audited, modify, parse_id, scope};
use crate::store::agreements::{Agreement, ApprovedVersion, insert_version, versions_of};
use crate::wire::agreement::{ActionRequest, Decision, Review, agreement_number};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::response::Response;
use http::HeaderMap;
use itsm_domain::access::Scope;
use itsm_domain::sla::{AgreementAction, next_agreement_state};
use itsm_http::json::parse_optional_json;
use itsm_http::time::day_of;
use itsm_http::{ApiError, Principal, Services};
use itsm_store::Sql;

pub async fn act(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let action = AgreementAction::parse(&action)
        .map_err(|_| ApiError::not_found(format_args!("action {action} of an agreement")))?;
    let request = parse_optional_json::<ActionRequest>(&body)?;
    let reason = request.reason.as_ref().map(|r| r.as_str().to_owned());
    let audited = Audited {
        action: action.as_str(),
        reason: reason.as_deref(),
        decides: matches!(action, AgreementAction::Sign | AgreementAction::Approve),
    };
    modify(
        &*services.db,
        &principal,
        id,
        &headers,
        audited,
        async |db, agreement| {
            // A service owner or process manager signs an OLA for the services it covers.
            let mut context = scope().to_vec();
            context.extend(agreement.terms.services.iter().map(|s| Scope::service(s)));
            principal.require_in(action.authority(agreement.kind, agreement.state), &context)?;
            let revising = agreement.in_force_version.is_some();
            let next = next_agreement_state(agreement.state, action, revising)
                .map_err(|e| ApiError::invalid_transition(&e, &e.allowed()))?;
            let decision = Decision {
                at: itsm_http::now(),
                by: principal.user.clone(),
                reason: None,
            };
            apply(db, &principal, agreement, action, &request, decision).await?;
            agreement.state = next;
            Ok(())
        },
    )
    .await
}

/// What the step records, once the lifecycle allowed it.
async fn apply(
    db: &impl Sql,
    principal: &Principal,
    agreement: &mut Agreement,
    action: AgreementAction,
    request: &ActionRequest,
    decision: Decision,
) -> Result<(), ApiError> {
    let reason = || {
        request
            .reason
            .as_ref()
            .map(|r| r.as_str().to_owned())
            .ok_or_else(|| ApiError::invalid_field("reason", format!("say why you {action}")))
    };
    match action {
        AgreementAction::Negotiate => {
            let missing = agreement.terms.missing_items();
            if !missing.is_empty() {
                return Err(missing.into());
            }
            agreement.negotiated = Some(decision);
            agreement.signed = None;
            agreement.returned = None;
        }
        AgreementAction::Sign => {
            not_by(principal, &[&agreement.negotiated], "negotiated")?;
            agreement.signed = Some(decision);
        }
        AgreementAction::Approve => {
            not_by(
                principal,
                &[&agreement.negotiated, &agreement.signed],
                "negotiated or signed",
            )?;
            approve(db, agreement, decision).await?;
        }
        AgreementAction::Return => {
            agreement.returned = Some(Decision {
                reason: Some(reason()?),
                ..decision
            });
            agreement.negotiated = None;
            agreement.signed = None;
        }
        AgreementAction::Review => {
            agreement.last_review = Some(Review {
                opened_at: decision.at,
                opened_by: decision.by,
                findings: request.findings.as_ref().map(|f| f.as_str().to_owned()),
                cost_of_targets: request
                    .cost_of_targets
                    .as_ref()
                    .map(|c| c.as_str().to_owned()),
                closed_at: None,
            });
        }
        AgreementAction::Confirm => {
            let in_force = versions_of(db, agreement.id, agreement.in_force_version).await?;
            if in_force.first().is_none_or(|v| v.terms != agreement.terms) {
                return Err(ApiError::Conflict {
                    detail: format!(
                        "the terms of {} changed during the review: negotiate the revision, or put \
                         the terms back to confirm version {}",
                        agreement_number(agreement.id),
                        agreement.in_force_version.unwrap_or_default()
                    ),
                });
            }
            let findings = request
                .findings
                .as_ref()
                .map(|f| f.as_str().to_owned())
                .ok_or_else(|| ApiError::invalid_field("findings", "say what the review found"))?;
            if let Some(review) = &mut agreement.last_review {
                review.findings = Some(findings);
                if let Some(cost) = &request.cost_of_targets {
                    review.cost_of_targets = Some(cost.as_str().to_owned());
                }
                review.closed_at = Some(decision.at);
            }
        }
        AgreementAction::Expire => {
            agreement.expired = Some(Decision {
                reason: Some(reason()?),
                ..decision
            });
        }
    }
    Ok(())
}

/// Four eyes: whoever negotiated or signed these terms does not also sign or approve them.
fn not_by(
    principal: &Principal,
    earlier: &[&Option<Decision>],
    what: &str,
) -> Result<(), ApiError> {
    if earlier
        .iter()
        .any(|d| d.as_ref().is_some_and(|d| d.by == principal.user))
    {
        return Err(ApiError::not_entitled(
            "independent",
            format!("you {what} these terms; someone else must decide this step"),
        ));
    }
    Ok(())
}

/// Freezes the terms as the next version, in force over its validity period.
async fn approve(
    db: &impl Sql,
    agreement: &mut Agreement,
    decision: Decision,
) -> Result<(), ApiError> {
    let today = day_of(&decision.at);
    if let Some(last) = agreement.terms.valid_until.filter(|last| *last < today) {
        return Err(ApiError::Conflict {
            detail: format!(
                "{} would have ended on {last}; return it to set a validity that has not passed",
                agreement_number(agreement.id)
            ),
        });
    }
    let (Some(negotiated), Some(signed)) = (agreement.negotiated.take(), agreement.signed.take())
    else {
        return Err(ApiError::Internal(
            "a signed agreement without its negotiation or signature".to_owned(),
        ));
    };
    let number = agreement.in_force_version.unwrap_or(0) + 1;
    insert_version(
        db,
        &ApprovedVersion {
            agreement_id: agreement.id,
            number,
            terms: agreement.terms.clone(),
            negotiated,
            signed,
            approved: decision.clone(),
        },
    )
    .await?;
    agreement.in_force_version = Some(number);
    // A revision that starts later leaves the version before it in force until then.
    let from = agreement.terms.valid_from.map(|d| d.to_string());
    agreement.in_force_from = match (agreement.in_force_from.take(), from) {
        (Some(earlier), Some(from)) => Some(earlier.min(from)),
        (earlier, from) => from.or(earlier),
    };
    agreement.in_force_until = agreement.terms.valid_until.map(|d| d.to_string());
    if let Some(review) = &mut agreement.last_review {
        review.closed_at.get_or_insert(decision.at);
    }
    Ok(())
}
