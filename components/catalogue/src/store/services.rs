//! The `service` table: the portfolio's services and where each is in its lifecycle, and who owns
//! each (the users holding the service-owner role for it).

use super::after_clause;
use itsm_domain::catalogue::{Localized, ServiceState};
use itsm_store::where_clause;
use itsm_store::{Row, Sql, StoreError, Value, to_json};
use serde::Serialize;
use std::collections::BTreeMap;

/// A service as stored.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Service {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: Localized<160>,
    pub description: Option<Localized<4000>>,
    pub state: ServiceState,
    pub retire_reason: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub retired_at: Option<String>,
}

const COLUMNS: &str =
    "service_id, code, name, description, state, retire_reason, version, created_at, created_by,
    updated_at, retired_at";

impl Service {
    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        Ok(Service {
            id: row.get("service_id")?,
            code: row.get("code")?,
            name: row.json("name")?,
            description: row.json_opt("description")?,
            state: row.parsed("state", ServiceState::parse)?,
            retire_reason: row.get("retire_reason")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
            retired_at: row.get("retired_at")?,
        })
    }

    fn description_json(&self) -> Result<Option<String>, StoreError> {
        self.description.as_ref().map(to_json).transpose()
    }
}

pub async fn insert_service(db: &impl Sql, s: &Service) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO service (code, name, description, state, created_at, created_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            s.code.as_str().into(),
            to_json(&s.name)?.into(),
            s.description_json()?.into(),
            s.state.as_str().into(),
            s.created_at.as_str().into(),
            s.created_by.as_str().into(),
            s.updated_at.as_str().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_service(db: &impl Sql, code: &str) -> Result<Option<Service>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM service WHERE code = ?"),
            &[code.into()],
        )
        .await?;
    rows.first().map(Service::from_row).transpose()
}

/// Writes every mutable column if the stored version is still `expected_version`.
pub async fn save_service(
    db: &impl Sql,
    s: &Service,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE service SET name = ?, description = ?, state = ?, retire_reason = ?, updated_at = ?,
                retired_at = ?, version = version + 1
             WHERE service_id = ? AND version = ?",
            &[
                to_json(&s.name)?.into(),
                s.description_json()?.into(),
                s.state.as_str().into(),
                s.retire_reason.as_deref().into(),
                s.updated_at.as_str().into(),
                s.retired_at.as_deref().into(),
                s.id.into(),
                expected_version.into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Oldest first, `limit + 1` rows after `after`.
pub async fn list_services(
    db: &impl Sql,
    state: Option<ServiceState>,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Service>, StoreError> {
    let mut clauses = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(state) = state {
        clauses.push("state = ?".to_owned());
        params.push(state.as_str().into());
    }
    after_clause(after, "service_id", &mut clauses, &mut params);
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM service {} ORDER BY service_id LIMIT ?",
                where_clause(&clauses)
            ),
            &params,
        )
        .await?;
    rows.iter().map(Service::from_row).collect()
}

/// The users who hold the service-owner role for each of these services now, by service code;
/// a service without owners is absent. One query for a whole page of services.
pub async fn owners_of(
    db: &impl Sql,
    codes: &[&str],
    now: &str,
) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    let mut owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if codes.is_empty() {
        return Ok(owners);
    }
    let marks = itsm_store::placeholders(codes.len());
    let mut params: Vec<Value> = codes.iter().map(|c| Value::from(*c)).collect();
    params.push(now.into());
    let rows = db
        .query(
            &format!(
                "SELECT DISTINCT r.scope_key AS service, u.user_name
                 FROM role_assignment r JOIN app_user u ON u.user_id = r.user_id
                 WHERE r.role = 'service_owner' AND r.scope_kind = 'service' AND r.scope_key IN ({marks})
                   AND r.revoked_at IS NULL AND (r.valid_until IS NULL OR r.valid_until > ?)
                   AND u.deactivated_at IS NULL
                 ORDER BY u.user_name"
            ),
            &params,
        )
        .await?;
    for row in rows.iter() {
        owners
            .entry(row.get("service")?)
            .or_default()
            .push(row.get("user_name")?);
    }
    Ok(owners)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::test_db::{NOW, db};

    fn sample(code: &str) -> Service {
        Service {
            id: 0,
            code: code.to_owned(),
            name: Localized::from_pairs(&[("en", "Mail"), ("zh", "郵件")]).expect("name"),
            description: None,
            state: ServiceState::Planned,
            retire_reason: None,
            version: 1,
            created_at: NOW.to_owned(),
            created_by: "tester".to_owned(),
            updated_at: NOW.to_owned(),
            retired_at: None,
        }
    }

    #[tokio::test]
    async fn the_seed_services_are_live_and_named_in_both_languages() {
        let db = db().await;
        let live = list_services(&db, Some(ServiceState::Live), None, 50)
            .await
            .expect("list");
        let codes: Vec<&str> = live.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "lan-om",
                "network-om",
                "key-applications",
                "desktop-om",
                "hotline"
            ]
        );
        assert_eq!(live[4].name.get("zh"), "熱線服務");
        assert_eq!(live[4].name.get("en"), "Hotline service");
    }

    #[tokio::test]
    async fn a_service_round_trips_and_a_stale_save_writes_nothing() {
        let db = db().await;
        let mut mail = sample("mail");
        mail.id = insert_service(&db, &mail).await.expect("insert");
        assert_eq!(
            load_service(&db, "mail").await.expect("load"),
            Some(mail.clone())
        );
        mail.state = ServiceState::Design;
        assert!(save_service(&db, &mail, 1).await.expect("save"));
        mail.state = ServiceState::Transition;
        assert!(!save_service(&db, &mail, 1).await.expect("stale save"));
        let stored = load_service(&db, "mail")
            .await
            .expect("load")
            .expect("exists");
        assert_eq!((stored.state, stored.version), (ServiceState::Design, 2));
    }

    #[tokio::test]
    async fn a_retired_service_must_say_when() {
        let db = db().await;
        let mut mail = sample("mail");
        mail.id = insert_service(&db, &mail).await.expect("insert");
        mail.state = ServiceState::Retired;
        assert!(
            save_service(&db, &mail, 1).await.is_err(),
            "retired_at is required"
        );
    }

    #[tokio::test]
    async fn pages_follow_the_id() {
        let db = db().await;
        let first = list_services(&db, None, None, 2).await.expect("list");
        assert_eq!(first.len(), 3, "one extra row tells a next page exists");
        let next = list_services(&db, None, Some(first[1].id), 10)
            .await
            .expect("list");
        assert_eq!(next[0].code, "key-applications");
    }

    #[tokio::test]
    async fn owners_are_the_live_service_owner_grants() {
        let db = db().await;
        for sql in [
            "INSERT INTO app_user (user_name, display_name, created_at) VALUES ('olga', 'Olga', 'x')",
            "INSERT INTO app_user (user_name, display_name, created_at) VALUES ('oleg', 'Oleg', 'x')",
            "INSERT INTO role_assignment (user_id, role, scope_kind, scope_key, reason, granted_by, granted_at, reevaluate_by)
             VALUES (1, 'service_owner', 'service', 'hotline', 'owns it', 't', 'x', '2027-01-01')",
            "INSERT INTO role_assignment (user_id, role, scope_kind, scope_key, reason, granted_by, granted_at, reevaluate_by, valid_until)
             VALUES (2, 'service_owner', 'service', 'hotline', 'owned it', 't', 'x', '2027-01-01', '2026-01-01')",
        ] {
            db.execute(sql, &[]).await.expect(sql);
        }
        let owners = owners_of(&db, &["hotline", "lan-om"], NOW)
            .await
            .expect("owners");
        assert_eq!(
            owners.get("hotline").map(Vec::as_slice),
            Some(&["olga".to_owned()][..])
        );
        assert_eq!(owners.get("lan-om"), None);
        assert!(owners_of(&db, &[], NOW).await.expect("owners").is_empty());
    }
}
