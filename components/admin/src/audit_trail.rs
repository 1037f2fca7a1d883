//! The audit trail for auditors (ISO/IEC 20000-1 records of activities): a global query by
//! entity, actor, action and time range, one entry, and the verification of the hash chain that
//! names the first broken link. There is deliberately no route that changes an entry.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::Response;
use itsm_domain::access::names;
use itsm_http::time::parse_instant;
use itsm_http::{ApiError, Principal, QueryParams, Services};
use itsm_store::BrokenLink;
use itsm_store::{AUDIT_COLUMNS, Sql, StoredAuditEntry, Value, verify_audit_chain};
use schemars::JsonSchema;
use serde::Serialize;

/// What `verify` found: whether the chain is intact, how far it got, and where it broke.
#[derive(Serialize, JsonSchema)]
pub struct Verification {
    intact: bool,
    checked: u64,
    /// Entries written before the chain existed, which cannot be verified.
    unchained: u64,
    /// The last good entry: record its hash outside the system to anchor later checks.
    head: ChainHead,
    first_broken: Option<BrokenEntry>,
    /// Present when `anchor_id` and `anchor_hash` were given.
    anchor: Option<AnchorCheck>,
}

#[derive(Serialize, JsonSchema)]
pub struct ChainHead {
    audit_id: i64,
    entry_hash: String,
}

#[derive(Serialize, JsonSchema)]
pub struct BrokenEntry {
    audit_id: i64,
    problem: BrokenLink,
}

#[derive(Serialize, JsonSchema)]
pub struct AnchorCheck {
    audit_id: i64,
    matches: bool,
}

/// An entry on the wire: the snapshots decoded, the chain fields kept for independent checks.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "AuditEntry")]
pub struct EntryView {
    audit_id: i64,
    occurred_at: String,
    actor: String,
    actor_roles: Option<String>,
    entity_type: String,
    entity_id: i64,
    action: String,
    reason: Option<String>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    prev_hash: Option<String>,
    entry_hash: Option<String>,
}

impl From<StoredAuditEntry> for EntryView {
    fn from(e: StoredAuditEntry) -> Self {
        let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Self {
            audit_id: e.audit_id,
            occurred_at: e.occurred_at,
            actor: e.actor,
            actor_roles: e.actor_roles,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            action: e.action,
            reason: e.reason,
            before: json(e.before_json),
            after: json(e.after_json),
            prev_hash: e.prev_hash,
            entry_hash: e.entry_hash,
        }
    }
}

/// `GET /api/v1/audit-entries`: newest first, filtered, one cursor page at a time.
pub async fn list_entries(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require(names::AUDIT_READ)?;
    let query = QueryParams::parse(
        query,
        &["entity_type", "entity_id", "actor", "action", "from", "to"],
    )?;
    let page = query.page()?;
    let mut clauses = vec!["audit_id < ?".to_owned()];
    let mut params: Vec<Value> = vec![page.after.unwrap_or(i64::MAX).into()];
    for (name, column) in [
        ("entity_type", "entity_type"),
        ("actor", "actor"),
        ("action", "action"),
    ] {
        if let Some(value) = query.get(name) {
            clauses.push(format!("{column} = ?"));
            params.push(value.into());
        }
    }
    if let Some(id) = query.parsed("entity_id", |t| {
        t.parse::<i64>()
            .map_err(|_| "must be a whole number".to_owned())
    })? {
        clauses.push("entity_id = ?".to_owned());
        params.push(id.into());
    }
    if let Some(from) = query.parsed("from", parse_instant)? {
        clauses.push("occurred_at >= ?".to_owned());
        params.push(from.into());
    }
    if let Some(to) = query.parsed("to", parse_instant)? {
        clauses.push("occurred_at < ?".to_owned());
        params.push(to.into());
    }
    params.push(i64::from(page.limit + 1).into());
    let rows = services
        .db
        .query(
            &format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_entry WHERE {} ORDER BY audit_id DESC LIMIT ?",
                clauses.join(" AND ")
            ),
            &params,
        )
        .await?;
    let entries = rows
        .iter()
        .map(|row| StoredAuditEntry::from_row(&row).map(EntryView::from))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(query.respond("/api/v1/audit-entries", page, entries, |e| e.audit_id))
}

pub async fn get_entry(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<EntryView>, ApiError> {
    principal.require(names::AUDIT_READ)?;
    let missing = || ApiError::not_found(format_args!("audit entry {id}"));
    let audit_id: i64 = id.parse().map_err(|_| missing())?;
    let rows = services
        .db
        .query(
            &format!("SELECT {AUDIT_COLUMNS} FROM audit_entry WHERE audit_id = ?"),
            &[audit_id.into()],
        )
        .await?;
    let row = rows.first().ok_or_else(missing)?;
    Ok(Json(StoredAuditEntry::from_row(&row)?.into()))
}

/// `GET /api/v1/audit-entries/verify[?anchor_id=&anchor_hash=]`: recomputes every link. A
/// chain rewritten from some point on would verify again, so an auditor records the head it
/// reports (in the review minutes, say) and passes it back later as the anchor.
pub async fn verify_chain(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Verification>, ApiError> {
    principal.require(names::AUDIT_READ)?;
    let query = QueryParams::parse(query, &["anchor_id", "anchor_hash"])?;
    let anchor_id = query.parsed("anchor_id", |t| {
        t.parse::<i64>()
            .map_err(|_| "must be a whole number".to_owned())
    })?;
    let anchor = match (anchor_id, query.get("anchor_hash")) {
        (None, None) => None,
        (Some(id), Some(hash)) => Some((id, hash.to_owned())),
        _ => {
            return Err(ApiError::bad_field(
                "anchor_hash",
                "anchor_id and anchor_hash go together",
            ));
        }
    };
    let report = verify_audit_chain(&*services.db).await?;
    let anchor = match anchor {
        None => None,
        Some((audit_id, hash)) => Some(AnchorCheck {
            audit_id,
            matches: anchor_matches(&*services.db, audit_id, &hash).await?,
        }),
    };
    let anchor_broken = anchor.as_ref().is_some_and(|a| !a.matches);
    Ok(Json(Verification {
        intact: report.first_broken.is_none() && !anchor_broken,
        checked: report.checked,
        unchained: report.unchained,
        head: ChainHead {
            audit_id: report.head_id,
            entry_hash: report.head_hash,
        },
        first_broken: report
            .first_broken
            .map(|(audit_id, problem)| BrokenEntry { audit_id, problem }),
        anchor,
    }))
}

async fn anchor_matches(db: &impl Sql, id: i64, hash: &str) -> Result<bool, ApiError> {
    let rows = db
        .query(
            "SELECT entry_hash FROM audit_entry WHERE audit_id = ?",
            &[id.into()],
        )
        .await?;
    Ok(match rows.first() {
        Some(row) => row.get::<Option<String>>("entry_hash")?.as_deref() == Some(hash),
        None => false,
    })
}
