//! The recurrence check of problem management ([000]: prevent recurrence): a new incident whose
//! text contains every term of an active known error is counted against it (`known_error_match`)
//! and linked to its problem (`record_link`, made from the problem's side as `causes`), in the
//! transaction that stores the incident. The incident process writes these rows on the problem
//! process's behalf because only it sees the incident being logged; see migration 0015.

use itsm_domain::RecordKind;
use itsm_domain::problem::MatchTerms;
use itsm_store::{Sql, StoreError};

/// A known error a new incident matched, and the problem it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    pub known_error_id: i64,
    pub problem_id: i64,
}

/// What the check reads of the new incident.
#[derive(Debug, Clone, Copy)]
pub struct NewIncident<'a> {
    pub id: i64,
    pub service: Option<&'a str>,
    pub customer: Option<&'a str>,
    /// Its short description and description.
    pub text: &'a str,
}

/// Matches the incident against every active known error of its service (or of any service)
/// whose problem is open and, when the problem is one customer's, of the incident's customer;
/// records each match and bumps each problem's version; returns them, oldest first.
pub async fn record_recurrences(
    db: &impl Sql,
    incident: NewIncident<'_>,
    now: &str,
) -> Result<Vec<Recurrence>, StoreError> {
    let rows = db
        .query(
            "SELECT k.known_error_id, k.problem_id, k.match_terms FROM known_error k
             JOIN problem p ON p.problem_id = k.problem_id
             WHERE k.state = 'active' AND (k.service_code IS NULL OR k.service_code = ?)
                AND p.state IN ('new', 'investigating', 'fix_in_progress')
                AND (p.customer IS NULL OR p.customer = ?)
             ORDER BY k.known_error_id",
            &[incident.service.into(), incident.customer.into()],
        )
        .await?;
    let text = incident.text;
    let incident_id = incident.id;
    let mut found = Vec::new();
    for row in rows.iter() {
        let terms: MatchTerms = row.json("match_terms")?;
        if terms.matches(text) {
            found.push(Recurrence {
                known_error_id: row.get("known_error_id")?,
                problem_id: row.get("problem_id")?,
            });
        }
    }
    let number = RecordKind::Incident.number_text(incident_id);
    for recurrence in &found {
        db.execute(
            "INSERT INTO known_error_match (known_error_id, incident_id, matched_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
            &[
                recurrence.known_error_id.into(),
                incident_id.into(),
                now.into(),
            ],
        )
        .await?;
        db.execute(
            "INSERT INTO record_link (source_kind, source_id, relation, target_kind, target, created_at, created_by)
             VALUES ('problem', ?, 'causes', 'incident', ?, ?, 'system') ON CONFLICT DO NOTHING",
            &[recurrence.problem_id.into(), number.as_str().into(), now.into()],
        )
        .await?;
        db.execute(
            "UPDATE problem SET version = version + 1, updated_at = ? WHERE problem_id = ?",
            &[now.into(), recurrence.problem_id.into()],
        )
        .await?;
    }
    Ok(found)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::insert_incident;
    use super::super::tests::{NOW, db, sample};
    use super::*;

    #[tokio::test]
    async fn only_active_known_errors_of_the_service_whose_terms_all_appear_match() {
        let db = db().await;
        db.execute(
            "INSERT INTO problem (title, service_code, priority, state, created_at, created_by, updated_at)
             VALUES ('VPN drops', 'lan-om', 'high', 'investigating', ?, 'pat', ?)",
            &[NOW.into(), NOW.into()],
        )
        .await
        .expect("problem");
        for (terms, service, state) in [
            (r#"["vpn","drops"]"#, Some("lan-om"), "active"),
            (r#"["vpn"]"#, Some("hotline"), "active"),
            (r#"["vpn"]"#, None, "active"),
            (r#"["vpn"]"#, None, "retired"),
        ] {
            let retired_at = (state == "retired").then_some(NOW);
            db.execute(
                "INSERT INTO known_error (problem_id, title, symptom, workaround, service_code, match_terms, state,
                    retired_at, created_at, created_by, updated_at)
                 VALUES (1, 'VPN drops', 's', 'w', ?, ?, ?, ?, ?, 'pat', ?)",
                &[service.into(), terms.into(), state.into(), retired_at.into(), NOW.into(), NOW.into()],
            )
            .await
            .expect("known error");
        }
        let new = |id| NewIncident {
            id,
            service: Some("lan-om"),
            customer: None,
            text: "VPN drops again",
        };
        let id = insert_incident(&db, &sample("VPN drops again", "g"))
            .await
            .expect("incident");
        let found = record_recurrences(&db, new(id), NOW)
            .await
            .expect("matched");
        let ids: Vec<i64> = found.iter().map(|r| r.known_error_id).collect();
        assert_eq!(
            ids,
            [1, 3],
            "the hotline's and the retired known error do not match"
        );
        // Two matches of one problem make one link; a second run changes nothing.
        record_recurrences(&db, new(id), NOW).await.expect("again");
        let rows = db
            .query(
                "SELECT COUNT(*) AS n FROM record_link WHERE source_kind = 'problem'",
                &[],
            )
            .await
            .expect("links");
        assert_eq!(rows.first().map(|r| r.get::<i64>("n").expect("n")), Some(1));
        let rows = db
            .query("SELECT COUNT(*) AS n FROM known_error_match", &[])
            .await
            .expect("matches");
        assert_eq!(rows.first().map(|r| r.get::<i64>("n").expect("n")), Some(2));
    }
}
