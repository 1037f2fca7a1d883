//! A record named by its number in a complaint (`about`) or a satisfaction rating: it must
//! exist and the caller must be able to read it, else it reads as not there, so nothing is
//! learnt by trying numbers. Both are the business relationship process's view of work other
//! processes did, so the rules of who reads what are theirs, applied here to their tables,
//! which this component reads and never writes.

use itsm_domain::RecordKind;
use itsm_domain::access::{Process, Scope, names};
use itsm_http::{ApiError, Principal};
use itsm_store::Sql;

/// A kind of record that may be named: who may read it, in which process, and how to read its
/// customer, service, security mark, parties and state.
struct Readable {
    kind: RecordKind,
    authority: &'static str,
    process: Process,
    sql: &'static str,
}

const READABLE: &[Readable] = &[
    Readable {
        kind: RecordKind::Incident,
        authority: names::INCIDENT_READ,
        process: Process::Incident,
        sql: "SELECT customer, service, security, created_by AS party, caller AS other_party, state
              FROM incident WHERE incident_id = ?",
    },
    Readable {
        kind: RecordKind::Request,
        authority: names::REQUEST_READ,
        process: Process::ServiceRequest,
        sql: "SELECT customer, service_code AS service, 0 AS security, requested_by AS party,
                     requested_for AS other_party, state
              FROM service_request WHERE request_id = ?",
    },
    Readable {
        kind: RecordKind::Problem,
        authority: names::PROBLEM_READ,
        process: Process::Problem,
        sql: "SELECT customer, service_code AS service, 0 AS security, NULL AS party,
                     NULL AS other_party, state
              FROM problem WHERE problem_id = ?",
    },
    Readable {
        kind: RecordKind::Agreement,
        authority: names::SLA_READ,
        process: Process::ServiceLevel,
        sql: "SELECT NULL AS customer, NULL AS service, 0 AS security, NULL AS party,
                     NULL AS other_party, state
              FROM service_agreement WHERE agreement_id = ?",
    },
    Readable {
        kind: RecordKind::Complaint,
        authority: names::COMPLAINT_READ,
        process: Process::BusinessRelationship,
        sql: "SELECT customer, service, 0 AS security, complainant AS party,
                     created_by AS other_party, state
              FROM complaint WHERE complaint_id = ?",
    },
];

/// A record as named: its number and what the namer needs to know of it.
#[derive(Debug)]
pub struct Named {
    pub kind: RecordKind,
    pub number: String,
    pub customer: Option<String>,
    pub service: Option<String>,
    pub state: String,
    /// An information security incident: only the security team and its parties read it.
    pub security: bool,
}

/// The record `text` names in `field`, among `kinds`, if it exists and the caller may read it:
/// by its process's read authority for its customer and service, or as its reporter, caller,
/// orderer, recipient or complainant; a security incident only by the security team and its
/// parties.
pub async fn named_record(
    db: &impl Sql,
    principal: &Principal,
    field: &str,
    text: &str,
    kinds: &[RecordKind],
) -> Result<Named, ApiError> {
    let readable = RecordKind::of_number(text, kinds)
        .and_then(|kind| READABLE.iter().find(|r| r.kind == kind))
        .ok_or_else(|| ApiError::invalid_field(field, must_be(kinds)))?;
    let id = readable
        .kind
        .parse_ref(text)
        .map_err(|m| ApiError::invalid_field(field, m))?;
    let number = readable.kind.number_text(id);
    let unknown = || ApiError::invalid_field(field, format!("there is no {number} you may name"));
    let rows = db.query(readable.sql, &[id.into()]).await?;
    let row = rows.first().ok_or_else(unknown)?;
    let customer: Option<String> = row.get("customer")?;
    let service: Option<String> = row.get("service")?;
    let security: bool = row.get("security")?;
    let me = Some(principal.user.clone());
    let party = principal.user_id.is_some()
        && (row.get::<Option<String>>("party")? == me
            || row.get::<Option<String>>("other_party")? == me);
    let mut scopes = vec![Scope::process(readable.process)];
    scopes.extend(customer.as_deref().map(Scope::customer));
    scopes.extend(service.as_deref().map(Scope::service));
    let reads = if security {
        principal.may(names::INCIDENT_SECURITY, &[])
    } else {
        principal.may(readable.authority, &scopes)
    };
    if !(party || reads) {
        return Err(unknown());
    }
    Ok(Named {
        kind: readable.kind,
        number,
        customer,
        service,
        state: row.get("state")?,
        security,
    })
}

/// What a field naming one of `kinds` must hold, with an example of each.
fn must_be(kinds: &[RecordKind]) -> String {
    let examples: Vec<String> = kinds.iter().map(|k| k.number_text(42)).collect();
    let listed = match examples.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    format!("must be a record number such as {listed}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_gives_an_example_of_each_kind_allowed() {
        assert_eq!(
            must_be(&[
                RecordKind::Incident,
                RecordKind::Request,
                RecordKind::Complaint
            ]),
            "must be a record number such as INC0000042, REQ0000042 or CMP0000042"
        );
        assert_eq!(
            must_be(&[RecordKind::Incident]),
            "must be a record number such as INC0000042"
        );
    }
}
