//! The `request_approval` table: one slot per approver an order's item named, each filled by
//! one person's decision.

use itsm_domain::Code;
use itsm_domain::access::Role;
use itsm_domain::catalogue::Approver;
use itsm_domain::request::Decision;
use itsm_store::{Row, Sql, StoreError, Value};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ApprovalSlot {
    #[serde(skip)]
    pub request_id: i64,
    /// Who may decide: anyone holding the role, or the one user.
    pub approver: Approver,
    /// `null` while awaited.
    pub decision: Option<Decision>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

impl ApprovalSlot {
    pub fn awaiting(request_id: i64, approver: Approver) -> Self {
        ApprovalSlot {
            request_id,
            approver,
            decision: None,
            reason: None,
            decided_by: None,
            decided_at: None,
        }
    }

    /// This slot filled by `user`'s decision.
    pub fn decided(
        &self,
        decision: Decision,
        reason: Option<String>,
        user: &str,
        now: &str,
    ) -> Self {
        ApprovalSlot {
            decision: Some(decision),
            reason,
            decided_by: Some(user.to_owned()),
            decided_at: Some(now.to_owned()),
            ..self.clone()
        }
    }

    fn from_row(row: Row<'_>) -> Result<Self, StoreError> {
        let approver = match row.get::<String>("approver_kind")?.as_str() {
            "role" => Approver::Role(row.parsed("approver", Role::parse)?),
            _ => Approver::User(row.parsed("approver", Code::parse)?),
        };
        Ok(ApprovalSlot {
            request_id: row.get("request_id")?,
            approver,
            decision: row.parsed_opt("decision", Decision::parse)?,
            reason: row.get("reason")?,
            decided_by: row.get("decided_by")?,
            decided_at: row.get("decided_at")?,
        })
    }
}

/// Writes an order's slots, numbered in the order given.
pub async fn insert_slots(db: &impl Sql, slots: &[ApprovalSlot]) -> Result<(), StoreError> {
    for (number, slot) in slots.iter().enumerate() {
        let (kind, name) = match &slot.approver {
            Approver::Role(role) => ("role", role.as_str()),
            Approver::User(user) => ("user", user.as_str()),
        };
        db.execute(
            "INSERT INTO request_approval (request_id, slot, approver_kind, approver) VALUES (?, ?, ?, ?)",
            &[
                slot.request_id.into(),
                (number as i64).into(),
                kind.into(),
                name.into(),
            ],
        )
        .await?;
    }
    Ok(())
}

/// The slots of these requests, each request's in slot order.
pub async fn slots_of(db: &impl Sql, request_ids: &[i64]) -> Result<Vec<ApprovalSlot>, StoreError> {
    if request_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = itsm_store::placeholders(request_ids.len());
    let params: Vec<Value> = request_ids.iter().map(|id| Value::from(*id)).collect();
    let rows = db
        .query(
            &format!(
                "SELECT request_id, approver_kind, approver, decision, reason, decided_by, decided_at
                 FROM request_approval WHERE request_id IN ({marks}) ORDER BY request_id, slot"
            ),
            &params,
        )
        .await?;
    rows.iter().map(ApprovalSlot::from_row).collect()
}

/// Records a decision in the slot numbered `slot` if it is still undecided; `false` when
/// another decision got there first.
pub async fn decide(
    db: &impl Sql,
    request_id: i64,
    slot: usize,
    decided: &ApprovalSlot,
) -> Result<bool, StoreError> {
    let changed = db
        .execute(
            "UPDATE request_approval SET decision = ?, reason = ?, decided_by = ?, decided_at = ?
             WHERE request_id = ? AND slot = ? AND decision IS NULL",
            &[
                decided.decision.map(|d| d.as_str()).into(),
                decided.reason.as_deref().into(),
                decided.decided_by.as_deref().into(),
                decided.decided_at.as_deref().into(),
                request_id.into(),
                (slot as i64).into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}
