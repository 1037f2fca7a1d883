//! The `customer` and `customer_process` tables: customer organisations and the tailorable
//! processes each one's contract switches off.

use itsm_store::{Row, Sql, StoreError, Value};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Customer {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub contract_reference: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    #[serde(skip)]
    pub version: i64,
}

const COLUMNS: &str =
    "customer_id, code, name, contract_reference, created_at, created_by, updated_at, version";

impl Customer {
    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get("customer_id")?,
            code: row.get("code")?,
            name: row.get("name")?,
            contract_reference: row.get("contract_reference")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
            version: row.get("version")?,
        })
    }
}

pub async fn insert_customer(db: &impl Sql, c: &Customer) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO customer (code, name, contract_reference, created_at, created_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        &[
            c.code.as_str().into(),
            c.name.as_str().into(),
            c.contract_reference.as_deref().into(),
            c.created_at.as_str().into(),
            c.created_by.as_str().into(),
            c.updated_at.as_str().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_customer(db: &impl Sql, code: &str) -> Result<Option<Customer>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM customer WHERE code = ?"),
            &[code.into()],
        )
        .await?;
    rows.first().map(Customer::from_row).transpose()
}

pub async fn save_customer(
    db: &impl Sql,
    c: &Customer,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE customer SET name = ?, contract_reference = ?, updated_at = ?, version = version + 1
             WHERE customer_id = ? AND version = ?",
            &[
                c.name.as_str().into(),
                c.contract_reference.as_deref().into(),
                c.updated_at.as_str().into(),
                c.id.into(),
                expected_version.into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Customers in id order, limited to `only` codes when given; fetches `limit + 1`.
pub async fn list_customers(
    db: &impl Sql,
    only: Option<&[String]>,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Customer>, StoreError> {
    let mut params: Vec<Value> = vec![after.unwrap_or(0).into()];
    let restriction = match only {
        None => String::new(),
        Some([]) => " AND 0".to_owned(),
        Some(codes) => {
            params.extend(codes.iter().map(Value::from));
            format!(" AND code IN ({})", itsm_store::placeholders(codes.len()))
        }
    };
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM customer WHERE customer_id > ?{restriction} ORDER BY customer_id LIMIT ?"
            ),
            &params,
        )
        .await?;
    rows.iter().map(Customer::from_row).collect()
}

/// A stored tailoring decision.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProcessDecision {
    pub process: String,
    pub enabled: bool,
    pub decided_by: String,
    pub decided_at: String,
    pub reason: Option<String>,
}

pub async fn process_decisions(
    db: &impl Sql,
    code: &str,
) -> Result<Vec<ProcessDecision>, StoreError> {
    let rows = db
        .query(
            "SELECT process, enabled, decided_by, decided_at, reason FROM customer_process
             WHERE customer_code = ? ORDER BY process",
            &[code.into()],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ProcessDecision {
                process: row.get("process")?,
                enabled: row.get("enabled")?,
                decided_by: row.get("decided_by")?,
                decided_at: row.get("decided_at")?,
                reason: row.get("reason")?,
            })
        })
        .collect()
}

pub async fn set_process_decision(
    db: &impl Sql,
    code: &str,
    decision: &ProcessDecision,
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO customer_process (customer_code, process, enabled, decided_by, decided_at, reason)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (customer_code, process) DO UPDATE SET enabled = excluded.enabled,
            decided_by = excluded.decided_by, decided_at = excluded.decided_at, reason = excluded.reason",
        &[
            code.into(),
            decision.process.as_str().into(),
            decision.enabled.into(),
            decision.decided_by.as_str().into(),
            decision.decided_at.as_str().into(),
            decision.reason.as_deref().into(),
        ],
    )
    .await?;
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::store::test_db::{NOW, migrated};

    fn customer(code: &str) -> Customer {
        Customer {
            id: 0,
            code: code.to_owned(),
            name: code.to_uppercase(),
            contract_reference: None,
            created_at: NOW.to_owned(),
            created_by: "root".to_owned(),
            updated_at: NOW.to_owned(),
            version: 1,
        }
    }

    #[tokio::test]
    async fn customers_list_within_a_restriction_and_keep_one_decision_per_process() {
        let db = migrated().await;
        insert_customer(&db, &customer("acme")).await.expect("acme");
        insert_customer(&db, &customer("globex"))
            .await
            .expect("globex");
        assert!(
            insert_customer(&db, &customer("acme")).await.is_err(),
            "codes are unique"
        );
        let only = ["globex".to_owned()];
        let listed = list_customers(&db, Some(&only), None, 10)
            .await
            .expect("list");
        assert_eq!(
            listed.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
            ["globex"]
        );
        assert!(
            list_customers(&db, Some(&[]), None, 10)
                .await
                .expect("none")
                .is_empty()
        );
        let mut decision = ProcessDecision {
            process: "problem".to_owned(),
            enabled: false,
            decided_by: "sdm".to_owned(),
            decided_at: NOW.to_owned(),
            reason: Some("not in the contract".to_owned()),
        };
        set_process_decision(&db, "acme", &decision)
            .await
            .expect("off");
        decision.enabled = true;
        set_process_decision(&db, "acme", &decision)
            .await
            .expect("on again");
        assert_eq!(
            process_decisions(&db, "acme").await.expect("read"),
            vec![decision]
        );
    }
}
