//! `service_agreement` (the working copy and where its lifecycle stands) and
//! `service_agreement_version` (each approved version, never changed afterwards).

use crate::wire::agreement::{Decision, Review, Terms};
use itsm_domain::sla::{AgreementKind, AgreementState};
use itsm_store::{Row, Sql, StoreError, Value, placeholders, to_json};
use schemars::JsonSchema;
use serde::Serialize;

/// An agreement as stored.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Agreement {
    #[serde(skip)]
    pub id: i64,
    pub kind: AgreementKind,
    pub state: AgreementState,
    pub terms: Terms,
    pub in_force_version: Option<i64>,
    pub in_force_from: Option<String>,
    pub in_force_until: Option<String>,
    pub negotiated: Option<Decision>,
    pub signed: Option<Decision>,
    pub returned: Option<Decision>,
    pub last_review: Option<Review>,
    pub expired: Option<Decision>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// One approved version.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovedVersion {
    pub agreement_id: i64,
    pub number: i64,
    pub terms: Terms,
    pub negotiated: Decision,
    pub signed: Decision,
    pub approved: Decision,
}

const COLUMNS: &str = "agreement_id, kind, state, terms, in_force_version, in_force_from, in_force_until,
    negotiated, signed, returned, last_review, expired, version, created_at, created_by, updated_at, updated_by";

impl Agreement {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get("agreement_id")?,
            kind: row.parsed("kind", AgreementKind::parse)?,
            state: row.parsed("state", AgreementState::parse)?,
            terms: row.json("terms")?,
            in_force_version: row.get("in_force_version")?,
            in_force_from: row.get("in_force_from")?,
            in_force_until: row.get("in_force_until")?,
            negotiated: row.json_opt("negotiated")?,
            signed: row.json_opt("signed")?,
            returned: row.json_opt("returned")?,
            last_review: row.json_opt("last_review")?,
            expired: row.json_opt("expired")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
            updated_by: row.get("updated_by")?,
        })
    }

    /// The columns every write sets, in the order of the statements below.
    fn values(&self) -> Result<Vec<Value>, StoreError> {
        let json_opt = |v: Option<String>| -> Value { v.into() };
        Ok(vec![
            self.state.as_str().into(),
            to_json(&self.terms)?.into(),
            to_json(&self.terms.customers)?.into(),
            to_json(&self.terms.services)?.into(),
            self.in_force_version.into(),
            self.in_force_from.as_deref().into(),
            self.in_force_until.as_deref().into(),
            json_opt(self.negotiated.as_ref().map(to_json).transpose()?),
            json_opt(self.signed.as_ref().map(to_json).transpose()?),
            json_opt(self.returned.as_ref().map(to_json).transpose()?),
            json_opt(self.last_review.as_ref().map(to_json).transpose()?),
            json_opt(self.expired.as_ref().map(to_json).transpose()?),
            self.updated_at.as_str().into(),
            self.updated_by.as_str().into(),
        ])
    }
}

pub async fn insert_agreement(db: &impl Sql, a: &Agreement) -> Result<i64, StoreError> {
    let mut values = vec![a.kind.as_str().into()];
    values.extend(a.values()?);
    values.extend([a.created_at.as_str().into(), a.created_by.as_str().into()]);
    db.execute(
        "INSERT INTO service_agreement (kind, state, terms, customers, services, in_force_version, in_force_from,
            in_force_until, negotiated, signed, returned, last_review, expired, updated_at, updated_by, created_at,
            created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &values,
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_agreement(db: &impl Sql, id: i64) -> Result<Option<Agreement>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM service_agreement WHERE agreement_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first()
        .map(|row| Agreement::from_row(&row))
        .transpose()
}

/// Saves `a` if the row is still at `read_version`; false when someone else wrote it first.
pub async fn save_agreement(
    db: &impl Sql,
    a: &Agreement,
    read_version: i64,
) -> Result<bool, StoreError> {
    let mut values = a.values()?;
    values.extend([a.id.into(), read_version.into()]);
    let changed = db
        .execute(
            "UPDATE service_agreement SET state = ?, terms = ?, customers = ?, services = ?, in_force_version = ?,
                in_force_from = ?, in_force_until = ?, negotiated = ?, signed = ?, returned = ?, last_review = ?,
                expired = ?, updated_at = ?, updated_by = ?, version = version + 1
             WHERE agreement_id = ? AND version = ?",
            &values,
        )
        .await?;
    Ok(changed == 1)
}

/// The state readers see, in SQL, as `itsm_domain::sla::shown_state` computes it; `?` is
/// today's date, twice.
const SHOWN_STATE: &str = "CASE
    WHEN state IN ('approved', 'under_review') AND in_force_until IS NOT NULL AND in_force_until < ? THEN 'expired'
    WHEN state = 'approved' AND in_force_from > ? THEN 'approved'
    WHEN state = 'approved' THEN 'active'
    ELSE state END";

#[derive(Debug, Default)]
pub struct AgreementFilter {
    pub kind: Option<AgreementKind>,
    /// A shown state: `active`, `expired`, …
    pub state: Option<String>,
    pub customer: Option<String>,
    pub service: Option<String>,
    /// Today (`YYYY-MM-DD`), for the shown state.
    pub today: String,
}

pub async fn list_agreements(
    db: &impl Sql,
    filter: &AgreementFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Agreement>, StoreError> {
    let mut conditions = vec!["agreement_id > ?".to_owned()];
    let mut values: Vec<Value> = vec![after.unwrap_or(0).into()];
    if let Some(kind) = filter.kind {
        conditions.push("kind = ?".to_owned());
        values.push(kind.as_str().into());
    }
    if let Some(state) = &filter.state {
        conditions.push(format!("({SHOWN_STATE}) = ?"));
        values.extend(std::iter::repeat_n(filter.today.as_str().into(), 2));
        values.push(state.as_str().into());
    }
    for (column, code) in [
        ("customers", &filter.customer),
        ("services", &filter.service),
    ] {
        if let Some(code) = code {
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM json_each({column}) WHERE value = ?)"
            ));
            values.push(code.as_str().into());
        }
    }
    values.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM service_agreement WHERE {} ORDER BY agreement_id LIMIT ?",
                conditions.join(" AND ")
            ),
            &values,
        )
        .await?;
    rows.iter().map(|row| Agreement::from_row(&row)).collect()
}

impl ApprovedVersion {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            agreement_id: row.get("agreement_id")?,
            number: row.get("version_number")?,
            terms: row.json("terms")?,
            negotiated: row.json("negotiated")?,
            signed: row.json("signed")?,
            approved: row.json("approved")?,
        })
    }
}

const VERSION_COLUMNS: &str = "agreement_id, version_number, terms, negotiated, signed, approved";

pub async fn insert_version(db: &impl Sql, v: &ApprovedVersion) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO service_agreement_version (agreement_id, version_number, terms, negotiated, signed, approved,
            approved_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        &[
            v.agreement_id.into(),
            v.number.into(),
            to_json(&v.terms)?.into(),
            to_json(&v.negotiated)?.into(),
            to_json(&v.signed)?.into(),
            to_json(&v.approved)?.into(),
            v.approved.at.as_str().into(),
        ],
    )
    .await
    .map(|_| ())
}

/// One agreement's versions, oldest first, or only `number`.
pub async fn versions_of(
    db: &impl Sql,
    agreement_id: i64,
    number: Option<i64>,
) -> Result<Vec<ApprovedVersion>, StoreError> {
    let mut values: Vec<Value> = vec![agreement_id.into()];
    let only = number.map_or("", |n| {
        values.push(n.into());
        " AND version_number = ?"
    });
    let rows = db
        .query(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM service_agreement_version WHERE agreement_id = ?{only}
                 ORDER BY version_number"
            ),
            &values,
        )
        .await?;
    rows.iter()
        .map(|row| ApprovedVersion::from_row(&row))
        .collect()
}

/// Which of `numbers` (agreement ids) exist as SLAs: the ones OLAs and contracts may support.
pub async fn existing_slas(db: &impl Sql, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let values: Vec<Value> = ids.iter().map(|&id| id.into()).collect();
    let rows = db
        .query(
            &format!(
                "SELECT agreement_id FROM service_agreement WHERE kind = 'sla' AND agreement_id IN ({})",
                placeholders(ids.len())
            ),
            &values,
        )
        .await?;
    rows.iter().map(|r| r.get("agreement_id")).collect()
}
