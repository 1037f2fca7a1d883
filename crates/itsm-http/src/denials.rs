//! Records refused write attempts in the audit trail: an auditor asks not only who changed what,
//! but who tried to do what they may not (a self-escalation, an auditor trying to write). Reads
//! that are refused are not recorded, so the trail stays evidence rather than noise.

use crate::auth::Principal;
use crate::problem::Denied;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::Method;
use itsm_store::{AuditEntry, Db, Sql, in_transaction, insert_audit_entry};
use std::sync::Arc;

/// Middleware, inside authentication: after the handler, a 403 to a write becomes an entry.
pub async fn record_denials(State(db): State<Arc<Db>>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    if method == Method::GET || method == Method::HEAD {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    let principal = request.extensions().get::<Principal>().cloned();
    let response = next.run(request).await;
    if let (Some(principal), Some(denied)) = (principal, response.extensions().get::<Denied>()) {
        // The refusal stands whether or not it could be recorded; a failure is logged.
        if let Err(error) = record(&*db, &principal, &method, &path, denied).await {
            eprintln!("could not record a denied request: {error}");
        }
    }
    response
}

async fn record(
    db: &impl Sql,
    principal: &Principal,
    method: &Method,
    path: &str,
    denied: &Denied,
) -> Result<i64, itsm_store::StoreError> {
    let attempt = serde_json::json!({
        "method": method.as_str(),
        "path": path,
        "authority": denied.authority,
    });
    let now = crate::now();
    let roles = principal.roles_text();
    in_transaction(db, async |db| {
        insert_audit_entry(
            db,
            &AuditEntry {
                entity_type: "user",
                entity_id: principal.user_id.unwrap_or(0),
                action: "access.denied",
                actor: &principal.user,
                actor_roles: &roles,
                occurred_at: &now,
                before: None,
                after: Some(&attempt),
                reason: Some(&denied.detail),
            },
        )
        .await
    })
    .await
}
