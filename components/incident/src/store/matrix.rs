//! The stored impact × urgency matrix that derives each incident's priority.

use itsm_domain::incident::{Impact, Priority, PriorityMatrix, Urgency};
use itsm_store::{Sql, StoreError};

/// The priority for an impact and urgency from the stored matrix, or the default matrix's if the
/// cell is somehow missing.
pub async fn priority_for(
    db: &impl Sql,
    impact: Impact,
    urgency: Urgency,
) -> Result<Priority, StoreError> {
    let rows = db
        .query(
            "SELECT priority FROM incident_priority_matrix WHERE impact = ? AND urgency = ?",
            &[impact.as_str().into(), urgency.as_str().into()],
        )
        .await?;
    match rows.first() {
        Some(row) => row.parsed("priority", Priority::parse),
        None => Ok(PriorityMatrix::default().priority(impact, urgency)),
    }
}

pub async fn load_matrix(db: &impl Sql) -> Result<Vec<(Impact, Urgency, Priority)>, StoreError> {
    let rows = db
        .query(
            "SELECT impact, urgency, priority FROM incident_priority_matrix",
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.parsed("impact", Impact::parse)?,
                row.parsed("urgency", Urgency::parse)?,
                row.parsed("priority", Priority::parse)?,
            ))
        })
        .collect()
}

/// Replaces every cell; run inside a transaction so readers never see half a matrix.
pub async fn replace_matrix(db: &impl Sql, matrix: &PriorityMatrix) -> Result<(), StoreError> {
    for (impact, urgency, priority) in matrix.cells() {
        db.execute(
            "INSERT INTO incident_priority_matrix (impact, urgency, priority) VALUES (?, ?, ?)
             ON CONFLICT (impact, urgency) DO UPDATE SET priority = excluded.priority",
            &[
                impact.as_str().into(),
                urgency.as_str().into(),
                priority.as_str().into(),
            ],
        )
        .await?;
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::tests::db;
    use super::*;

    #[tokio::test]
    async fn the_seeded_matrix_is_the_default_and_can_be_replaced() {
        let db = db().await;
        let stored =
            PriorityMatrix::from_cells(&load_matrix(&db).await.expect("load")).expect("whole");
        assert_eq!(stored, PriorityMatrix::default());
        assert_eq!(
            priority_for(&db, Impact::High, Urgency::High)
                .await
                .expect("cell"),
            Priority::Critical
        );
        let mut cells = stored.cells();
        cells[8].2 = Priority::Planning;
        let planning = PriorityMatrix::from_cells(&cells).expect("valid");
        replace_matrix(&db, &planning).await.expect("replace");
        assert_eq!(
            priority_for(&db, Impact::Low, Urgency::Low)
                .await
                .expect("cell"),
            Priority::Planning
        );
    }
}
