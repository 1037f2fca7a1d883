//! Comments (seen by the caller) and work notes (internal to the support teams) on an incident.

use itsm_store::{Sql, StoreError};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Comment,
    WorkNote,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Comment => "comment",
            NoteKind::WorkNote => "work_note",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Note {
    pub id: i64,
    pub body: String,
    pub author: String,
    pub created_at: String,
}

pub async fn insert_note(
    db: &impl Sql,
    incident_id: i64,
    kind: NoteKind,
    body: &str,
    author: &str,
    now: &str,
) -> Result<Note, StoreError> {
    db.execute(
        "INSERT INTO incident_note (incident_id, kind, body, author, created_at) VALUES (?, ?, ?, ?, ?)",
        &[incident_id.into(), kind.as_str().into(), body.into(), author.into(), now.into()],
    )
    .await?;
    Ok(Note {
        id: db.last_insert_rowid().await?,
        body: body.to_owned(),
        author: author.to_owned(),
        created_at: now.to_owned(),
    })
}

pub async fn list_notes(
    db: &impl Sql,
    incident_id: i64,
    kind: NoteKind,
) -> Result<Vec<Note>, StoreError> {
    let rows = db
        .query(
            "SELECT note_id, body, author, created_at FROM incident_note WHERE incident_id = ? AND kind = ? ORDER BY note_id",
            &[incident_id.into(), kind.as_str().into()],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Note {
                id: row.get("note_id")?,
                body: row.get("body")?,
                author: row.get("author")?,
                created_at: row.get("created_at")?,
            })
        })
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::insert_incident;
    use super::super::tests::{NOW, db, sample};
    use super::*;

    #[tokio::test]
    async fn notes_are_listed_by_kind_in_order() {
        let db = db().await;
        let id = insert_incident(&db, &sample("Disk full", "storage"))
            .await
            .expect("insert");
        insert_note(&db, id, NoteKind::Comment, "first", "ann", NOW)
            .await
            .expect("note");
        insert_note(&db, id, NoteKind::WorkNote, "internal", "bo", NOW)
            .await
            .expect("note");
        insert_note(&db, id, NoteKind::Comment, "second", "ann", NOW)
            .await
            .expect("note");
        let bodies = |notes: Vec<Note>| notes.into_iter().map(|n| n.body).collect::<Vec<_>>();
        assert_eq!(
            bodies(list_notes(&db, id, NoteKind::Comment).await.expect("list")),
            ["first", "second"]
        );
        assert_eq!(
            bodies(list_notes(&db, id, NoteKind::WorkNote).await.expect("list")),
            ["internal"]
        );
    }
}
