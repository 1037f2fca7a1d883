//! The search query: the `search_document` index (kept by the triggers of migrations 0018 and
//! 0019) joined
//! to each record, with what the caller may read decided in SQL so that pages stay full and
//! counts never include what they may not see.

use crate::kind::Kind;
use crate::text_query::TextQuery;
use itsm_http::reach::Reach;
use itsm_store::{Sql, StoreError, Value};

/// What the caller may find, kind by kind; `None` leaves the kind out.
#[derive(Debug, Default, Clone)]
pub struct Visible {
    pub incidents: Option<IncidentReach>,
    /// `None` inside: every request.
    pub requests: Option<PartyReach>,
    /// `Some(None)`: every problem.
    pub problems: Option<Option<Reach>>,
    pub articles: Option<ArticleReach>,
}

/// Incidents: all or some customers' (and always one's own), security incidents only for the
/// security team and their parties.
#[derive(Debug, Clone)]
pub struct IncidentReach {
    pub customers: Option<Vec<String>>,
    pub security_team: bool,
    /// The caller as a person, for the incidents they reported or are the caller of.
    pub person: Option<String>,
}

/// Requests: all (`customers: None`), some customers', or only one's own.
#[derive(Debug, Clone)]
pub struct PartyReach {
    pub all: bool,
    pub customers: Vec<String>,
    pub person: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleReach {
    /// Working copies of every article.
    Staff,
    /// Latest published versions of articles published for customers.
    Customer,
}

/// One search result as read from the index.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub kind: Kind,
    pub id: i64,
    pub title: String,
    pub snippet: String,
    pub state: String,
}

/// Ranked best first (then newest first); `offset` results skipped, `limit + 1` read so the
/// caller knows whether more follow.
pub async fn search(
    db: &impl Sql,
    text: &TextQuery,
    visible: &Visible,
    offset: i64,
    limit: u32,
) -> Result<Vec<Found>, StoreError> {
    let mut params: Vec<Value> = Vec::new();
    let mut clauses: Vec<String> = Vec::new();
    if let Some(fts) = &text.fts {
        clauses.push("search_document MATCH ?".to_owned());
        params.push(fts.as_str().into());
    }
    for pattern in &text.like {
        clauses.push(
            "(search_document.title LIKE ? ESCAPE '\\' OR search_document.body LIKE ? ESCAPE '\\')"
                .to_owned(),
        );
        params.push(pattern.as_str().into());
        params.push(pattern.as_str().into());
    }
    let (reach, reach_params) = reach_condition(visible);
    clauses.push(reach);
    params.extend(reach_params);
    let (snippet, score) = match text.fts {
        Some(_) => (
            "snippet(search_document, 1, '«', '»', '…', 64)",
            "-bm25(search_document, 5.0, 1.0)",
        ),
        None => ("substr(search_document.body, 1, 160)", "0.0"),
    };
    params.push(i64::from(limit + 1).into());
    params.push(offset.into());
    let sql = format!(
        "SELECT search_document.rowid AS doc, search_document.title AS title, {snippet} AS snippet, {score} AS score,
            coalesce(i.state, r.state, p.state, a.state) AS state
         FROM search_document
         LEFT JOIN incident i ON search_document.rowid % 8 = 0 AND i.incident_id = search_document.rowid / 8
         LEFT JOIN service_request r ON search_document.rowid % 8 = 1 AND r.request_id = search_document.rowid / 8
         LEFT JOIN problem p ON search_document.rowid % 8 = 2 AND p.problem_id = search_document.rowid / 8
         LEFT JOIN knowledge_article a ON search_document.rowid % 8 IN (3, 4) AND a.article_id = search_document.rowid / 8
         WHERE {}
         ORDER BY score DESC, search_document.rowid DESC LIMIT ? OFFSET ?",
        clauses.join(" AND ")
    );
    let rows = db.query(&sql, &params).await?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows.iter() {
        let doc: i64 = row.get("doc")?;
        // A slot the index never writes cannot occur; skipping it keeps one odd row harmless.
        let Some(kind) = Kind::of_slot(doc % 8) else {
            continue;
        };
        found.push(Found {
            kind,
            id: doc / 8,
            title: row.get("title")?,
            snippet: row.get::<Option<String>>("snippet")?.unwrap_or_default(),
            state: row.get::<Option<String>>("state")?.unwrap_or_default(),
        });
    }
    Ok(found)
}

/// `(kind 0 AND may read it) OR (kind 1 AND …) …`; `0` when the caller may find nothing.
fn reach_condition(visible: &Visible) -> (String, Vec<Value>) {
    let mut any: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(incidents) = &visible.incidents {
        let party = |params: &mut Vec<Value>| match &incidents.person {
            Some(person) => {
                params.push(person.as_str().into());
                params.push(person.as_str().into());
                "(i.created_by = ? OR i.caller = ?)".to_owned()
            }
            None => "0".to_owned(),
        };
        let ordinary = match &incidents.customers {
            None => "1".to_owned(),
            Some(customers) => {
                params.extend(customers.iter().map(Value::from));
                let own = party(&mut params);
                format!(
                    "(i.customer IN ({}) OR {own})",
                    itsm_store::placeholders(customers.len())
                )
            }
        };
        let security = if incidents.security_team {
            "1".to_owned()
        } else {
            party(&mut params)
        };
        any.push(format!(
            "(search_document.rowid % 8 = 0 AND i.incident_id IS NOT NULL AND \
             ((i.security = 0 AND {ordinary}) OR (i.security = 1 AND {security})))"
        ));
    }
    if let Some(requests) = &visible.requests {
        let scope = if requests.all {
            "1".to_owned()
        } else {
            params.extend(requests.customers.iter().map(Value::from));
            params.push(requests.person.as_str().into());
            params.push(requests.person.as_str().into());
            format!(
                "(r.customer IN ({}) OR r.requested_by = ? OR r.requested_for = ?)",
                itsm_store::placeholders(requests.customers.len())
            )
        };
        any.push(format!(
            "(search_document.rowid % 8 = 1 AND r.request_id IS NOT NULL AND {scope})"
        ));
    }
    if let Some(problems) = &visible.problems {
        let scope = match problems {
            None => "1".to_owned(),
            Some(reach) => {
                let (sql, values) = reach.condition("p.service_code", "p.customer");
                params.extend(values);
                sql
            }
        };
        any.push(format!(
            "(search_document.rowid % 8 = 2 AND p.problem_id IS NOT NULL AND {scope})"
        ));
    }
    match visible.articles {
        Some(ArticleReach::Staff) => any.push(
            "(search_document.rowid % 8 = 3 AND a.article_id IS NOT NULL)".to_owned(),
        ),
        Some(ArticleReach::Customer) => any.push(
            "(search_document.rowid % 8 = 4 AND a.state = 'published' AND
              (SELECT v.audience FROM knowledge_article_version v
               WHERE v.article_id = a.article_id AND v.version_number = a.published_version) = 'customer')"
                .to_owned(),
        ),
        None => {}
    }
    if any.is_empty() {
        return ("0".to_owned(), params);
    }
    (format!("({})", any.join(" OR ")), params)
}
