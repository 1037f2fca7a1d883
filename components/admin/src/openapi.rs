//! The admin component's part of the OpenAPI document, next to its route table so the two
//! change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::audit_trail::{EntryView, Verification};
use crate::{MigrationStatus, MigrationsApplied};
use itsm_domain::access::names;
use itsm_http::openapi::ApiDoc;
use serde_json::json;

const AUDIT: &str = "audit";
const ADMIN: &str = "admin";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(
        AUDIT,
        "The tamper-evident audit trail, for auditors (ISO/IEC 20000-1 §7.5, §9.2).",
    );
    doc.tag(
        ADMIN,
        "Administration: this document and the schema migrations.",
    );
    doc.get(
        "/api/v1/openapi.json",
        "getOpenApiDocument",
        "This OpenAPI 3.1 document",
    )
    .tag(ADMIN)
    .describe("Every route of every component. Any signed-in caller may read it.")
    .ok_json_schema("The document.", json!({ "type": "object" }))
    .add();
    doc.get(
        "/api/v1/admin/migrations",
        "listMigrations",
        "The schema migrations this build knows",
    )
    .tag(ADMIN)
    .authority(names::ADMIN_MIGRATE)
    .list_of::<MigrationStatus>("Each migration and whether it has been applied.")
    .add();
    doc.post(
        "/api/v1/admin/migrations",
        "applyMigrations",
        "Apply the migrations not applied yet",
    )
    .tag(ADMIN)
    .authority(names::ADMIN_MIGRATE)
    .describe("Idempotent: call it once after each upgrade.")
    .ok::<MigrationsApplied>("What this call applied.")
    .add();
    doc.get(
        "/api/v1/audit-entries",
        "listAuditEntries",
        "Query the audit trail, newest first",
    )
    .tag(AUDIT)
    .authority(names::AUDIT_READ)
    .query(
        "entity_type",
        "Only entries about this kind of record, such as incident.",
    )
    .query_schema(
        "entity_id",
        "Only entries about this record (with `entity_type`).",
        json!({ "type": "string", "pattern": "^-?[0-9]+$" }),
    )
    .query("actor", "Only entries by this user.")
    .query(
        "action",
        "Only this action, such as role.grant or access.denied.",
    )
    .query_schema(
        "from",
        "Only entries at or after this instant (RFC 3339).",
        json!({ "type": "string", "format": "date-time" }),
    )
    .query_schema(
        "to",
        "Only entries before this instant (RFC 3339).",
        json!({ "type": "string", "format": "date-time" }),
    )
    .page_of::<EntryView>("A page of entries.")
    .add();
    doc.get("/api/v1/audit-entries/verify", "verifyAuditChain", "Verify the audit trail's hash chain")
        .tag(AUDIT)
        .authority(names::AUDIT_READ)
        .describe("Recomputes every entry's hash and reports the first broken link. Give a head recorded earlier (`anchor_id` and `anchor_hash`) to detect a rewritten chain too.")
        .query_schema("anchor_id", "An entry id recorded earlier.", json!({ "type": "string", "pattern": "^-?[0-9]+$" }))
        .query("anchor_hash", "That entry's hash as recorded.")
        .ok::<Verification>("The result.")
        .fails(400, "`anchor_id` without `anchor_hash`, or an unknown query parameter.")
        .add();
    doc.get(
        "/api/v1/audit-entries/{id}",
        "getAuditEntry",
        "Read an audit entry",
    )
    .tag(AUDIT)
    .authority(names::AUDIT_READ)
    .path_param("id", "The entry's id.")
    .ok::<EntryView>("The entry.")
    .add();
}
