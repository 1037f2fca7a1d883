//! Comments (visible to the caller) and work notes (internal to the support teams) on an
//! incident: `GET`/`POST /api/v1/incidents/{id}/comments` and `/work-notes`. A customer contact
//! may read and add comments on their organisation's incidents, and never sees work notes.

use super::{
    CREATE, Gate, READ, authorize, find_visible, is_party, parse_id, scopes_of, sees_work_notes,
};
use crate::store::{self, NoteKind};
use crate::wire::NoteRequest;
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use itsm_http::audit::{Change, record};
use itsm_http::json::Items;
use itsm_http::{ApiError, ApiJson, Principal, Services};
use itsm_store::in_transaction;

pub async fn add_comment(
    state: State<Services>,
    principal: Extension<Principal>,
    id: Path<String>,
    body: ApiJson<NoteRequest>,
) -> Result<Response, ApiError> {
    add_note(state, principal, id, body, NoteKind::Comment).await
}

pub async fn add_work_note(
    state: State<Services>,
    principal: Extension<Principal>,
    id: Path<String>,
    body: ApiJson<NoteRequest>,
) -> Result<Response, ApiError> {
    add_note(state, principal, id, body, NoteKind::WorkNote).await
}

pub async fn list_comments(
    state: State<Services>,
    principal: Extension<Principal>,
    id: Path<String>,
) -> Result<Response, ApiError> {
    list_notes(state, principal, id, NoteKind::Comment).await
}

pub async fn list_work_notes(
    state: State<Services>,
    principal: Extension<Principal>,
    id: Path<String>,
) -> Result<Response, ApiError> {
    list_notes(state, principal, id, NoteKind::WorkNote).await
}

async fn add_note(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<NoteRequest>,
    kind: NoteKind,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let body = request.parse()?;
    let now = itsm_http::now();
    let note = in_transaction(&*services.db, async |db| {
        let incident = find_visible(db, &principal, id).await?;
        // Work notes are the support teams'; comments also the caller's and reporter's.
        let handles = authorize(&principal, &incident, Gate::Handle);
        match kind {
            NoteKind::WorkNote => handles?,
            NoteKind::Comment if handles.is_ok() || is_party(&principal, &incident) => {}
            NoteKind::Comment => principal.require_in(CREATE, &scopes_of(&incident))?,
        }
        let note =
            store::insert_note(db, incident.id, kind, body.as_str(), &principal.user, &now).await?;
        let change = Change::new("incident", incident.id, kind.as_str()).after(&note);
        record(db, &principal, &change, &now).await?;
        Ok::<_, ApiError>(note)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(note)).into_response())
}

async fn list_notes(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    kind: NoteKind,
) -> Result<Response, ApiError> {
    let incident = find_visible(&*services.db, &principal, parse_id(&id)?).await?;
    if kind == NoteKind::WorkNote && !sees_work_notes(&principal, &incident) {
        return Err(ApiError::Forbidden {
            authority: READ.to_owned(),
            detail: "work notes are internal to the support teams (for a security incident, the security team); this needs incident.read without a customer scope".to_owned(),
        });
    }
    let notes = store::list_notes(&*services.db, incident.id, kind).await?;
    Ok(Json(Items::new(notes)).into_response())
}
