//! `business_calendar`: one row per calendar, its week, holidays and exceptional days one JSON
//! document read back through the wire's checked spec.

use itsm_domain::sla::ZoneRules;
use itsm_http::sla::calendar_spec::{CalendarName, CalendarSpec};
use itsm_store::{Row, Sql, StoreError, to_json};
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct StoredCalendar {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: CalendarName,
    pub zone: String,
    #[serde(flatten)]
    pub spec: CalendarSpec,
    /// The zone compiled when the calendar was saved, for the processes that read it.
    #[serde(skip)]
    pub zone_rules: ZoneRules,
    #[serde(skip)]
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

const COLUMNS: &str = "calendar_id, code, name, zone, spec, zone_rules, version, created_at, created_by, updated_at, updated_by";

impl StoredCalendar {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get("calendar_id")?,
            code: row.get("code")?,
            name: row.json("name")?,
            zone: row.get("zone")?,
            spec: row.json("spec")?,
            zone_rules: rules_of(row)?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
            updated_by: row.get("updated_by")?,
        })
    }
}

/// The stored compiled zone; compiled again from the database for a row saved before zones
/// were stored, so the next save stores it.
fn rules_of(row: &Row<'_>) -> Result<ZoneRules, StoreError> {
    if let Some(rules) = row.json_opt("zone_rules")? {
        return Ok(rules);
    }
    let zone: String = row.get("zone")?;
    ZoneRules::compile(&zone).ok_or_else(|| StoreError::Decode {
        column: "zone".to_owned(),
        message: format!("{zone:?} is not an IANA time zone"),
    })
}

pub async fn load_calendar(
    db: &impl Sql,
    code: &str,
) -> Result<Option<StoredCalendar>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM business_calendar WHERE code = ?"),
            &[code.into()],
        )
        .await?;
    rows.first()
        .map(|row| StoredCalendar::from_row(&row))
        .transpose()
}

/// Every calendar, by code: an organisation keeps a handful.
pub async fn list_calendars(db: &impl Sql) -> Result<Vec<StoredCalendar>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM business_calendar ORDER BY code LIMIT 1000"),
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| StoredCalendar::from_row(&row))
        .collect()
}

pub async fn insert_calendar(db: &impl Sql, c: &StoredCalendar) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO business_calendar (code, name, zone, spec, zone_rules, created_at, created_by, updated_at,
            updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            c.code.as_str().into(),
            to_json(&c.name)?.into(),
            c.zone.as_str().into(),
            to_json(&c.spec)?.into(),
            to_json(&c.zone_rules)?.into(),
            c.created_at.as_str().into(),
            c.created_by.as_str().into(),
            c.updated_at.as_str().into(),
            c.updated_by.as_str().into(),
        ],
    )
    .await?;
    db.last_insert_rowid().await
}

/// Saves `c` if the row is still at `read_version`; false when someone else wrote it first.
pub async fn save_calendar(
    db: &impl Sql,
    c: &StoredCalendar,
    read_version: i64,
) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE business_calendar SET name = ?, zone = ?, spec = ?, zone_rules = ?, updated_at = ?,
                updated_by = ?, version = version + 1
             WHERE code = ? AND version = ?",
            &[
                to_json(&c.name)?.into(),
                c.zone.as_str().into(),
                to_json(&c.spec)?.into(),
                to_json(&c.zone_rules)?.into(),
                c.updated_at.as_str().into(),
                c.updated_by.as_str().into(),
                c.code.as_str().into(),
                read_version.into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}
