//! `GET`/`POST /api/v1/incidents/{id}/links` and `DELETE …/links/{link}`: links to services,
//! configuration items, changes and other incidents (duplicate of, caused by). The listing also
//! shows links other records make to this incident, under their inverse names. Links to
//! incidents and services are checked against the records; a duplicate points at the original
//! (never at another duplicate), and causes never run in a circle.

use super::{Gate, authorize, find, find_visible, number_of, parse_id};
use crate::store::{self, Incident, Link};
use crate::wire_major::{LinkRequest, NewLink};
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use itsm_domain::RecordKind;
use itsm_domain::link::{Relation, TargetKind};
use itsm_http::audit::{Change, record};
use itsm_http::json::Items;
use itsm_http::references::ensure_service_open;
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::{Sql, in_transaction};

pub async fn list_links(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Items<Link>>, ApiError> {
    let db = &*services.db;
    let incident = find_visible(db, &principal, parse_id(&id)?).await?;
    let mut shown = Vec::new();
    for link in store::list_links(db, incident.id, &number_of(incident.id)).await? {
        if visible_other_end(db, &principal, &link).await {
            shown.push(link);
        }
    }
    Ok(Json(Items::new(shown)))
}

/// A link whose other end is an incident the caller may not see (a security incident) is left
/// out, whichever side made it, so that incident's number does not leak.
async fn visible_other_end(db: &impl Sql, principal: &Principal, link: &Link) -> bool {
    match (
        link.target_kind,
        RecordKind::Incident.parse_ref(&link.target),
    ) {
        (TargetKind::Incident, Ok(other)) => find_visible(db, principal, other).await.is_ok(),
        _ => true,
    }
}

/// An incident's number in a message, or a stand-in when the caller may not see it.
async fn shown(db: &impl Sql, principal: &Principal, number: &str) -> String {
    match RecordKind::Incident.parse_ref(number) {
        Ok(id) if find_visible(db, principal, id).await.is_ok() => number.to_owned(),
        _ => "an incident you cannot see".to_owned(),
    }
}

pub async fn add_link(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<LinkRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let new = request.parse()?;
    let now = itsm_http::now();
    let link = in_transaction(&*services.db, async |db| {
        let incident = find(db, id).await?;
        authorize(&principal, &incident, Gate::Handle)?;
        ensure_target(db, &principal, &incident, &new).await?;
        let Some(link_id) = store::insert_link(
            db,
            incident.id,
            new.relation,
            new.target_kind,
            &new.target,
            &principal.user,
            &now,
        )
        .await?
        else {
            return Err(ApiError::Conflict {
                detail: format!(
                    "incident {} is already linked: {} {}",
                    number_of(incident.id),
                    new.relation,
                    new.target
                ),
            });
        };
        let link = Link {
            id: link_id,
            relation: new.relation.as_str().to_owned(),
            target_kind: new.target_kind,
            target: new.target.clone(),
            outgoing: true,
            created_at: now.clone(),
            created_by: principal.user.clone(),
        };
        let change = Change::new("incident", incident.id, "link").after(&link);
        record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>(link)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(link)).into_response())
}

pub async fn remove_link(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path((id, link_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let incident = find(db, id).await?;
        authorize(&principal, &incident, Gate::Handle)?;
        let number = number_of(incident.id);
        let links = store::list_links(db, incident.id, &number).await?;
        let missing = || ApiError::not_found(format_args!("link {link_id} of incident {number}"));
        let link = links
            .into_iter()
            .find(|l| l.outgoing && l.id.to_string() == link_id)
            .ok_or_else(missing)?;
        if !store::delete_link(db, incident.id, link.id).await? {
            return Err(missing());
        }
        let change = Change::new("incident", incident.id, "unlink").before(&link);
        record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The target must exist (for incidents, one the caller can see, and not this one) and the link
/// must keep duplicates and causes sane.
async fn ensure_target(
    db: &impl Sql,
    principal: &Principal,
    incident: &Incident,
    link: &NewLink,
) -> Result<(), ApiError> {
    match link.target_kind {
        TargetKind::Service => ensure_service_open(db, &link.target, "target").await,
        TargetKind::Incident => ensure_incident_target(db, principal, incident, link).await,
        // Changes and configuration items have no records of their own yet: their references
        // are checked for form only (see ARCHITECTURE.md, "Links").
        TargetKind::Change | TargetKind::ConfigurationItem => Ok(()),
        TargetKind::Problem | TargetKind::KnownError => link
            .relation
            .check_incident_target(link.target_kind)
            .map_err(|message| ApiError::invalid_field("target_kind", message)),
    }
}

async fn ensure_incident_target(
    db: &impl Sql,
    principal: &Principal,
    incident: &Incident,
    link: &NewLink,
) -> Result<(), ApiError> {
    let bad = |message: String| ApiError::invalid_field("target", message);
    let target_id = RecordKind::Incident
        .parse_ref(&link.target)
        .map_err(|_| bad(format!("{} is not an incident number", link.target)))?;
    if target_id == incident.id {
        return Err(bad("an incident cannot be linked to itself".to_owned()));
    }
    // An incident the caller may not see is, to them, one that does not exist.
    if find_visible(db, principal, target_id).await.is_err() {
        return Err(bad(format!("there is no incident {}", link.target)));
    }
    let number = number_of(incident.id);
    match link.relation {
        Relation::DuplicateOf => {
            if let Some(original) = store::duplicate_of(db, incident.id).await? {
                let original = shown(db, principal, &original).await;
                return Err(ApiError::Conflict {
                    detail: format!(
                        "incident {number} is already recorded as a duplicate of {original}; remove that link first"
                    ),
                });
            }
            if let Some(&copy) = store::duplicates_of(db, &number).await?.first() {
                let copy = shown(db, principal, &number_of(copy)).await;
                return Err(ApiError::Conflict {
                    detail: format!(
                        "incident {number} is the original of {copy}; an original does not become a duplicate"
                    ),
                });
            }
            if let Some(original) = store::duplicate_of(db, target_id).await? {
                let original = shown(db, principal, &original).await;
                return Err(bad(format!(
                    "{} is itself a duplicate of {original}: link to the original",
                    link.target
                )));
            }
        }
        Relation::CausedBy if store::causes_reach(db, target_id, &number).await? => {
            return Err(bad(format!(
                "{} is already (through its causes) caused by {number}; causes cannot run in a circle",
                link.target
            )));
        }
        _ => {}
    }
    Ok(())
}
