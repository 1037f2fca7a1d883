//! The search component's part of the OpenAPI document, next to its route table so the two
//! change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::wire::Hit;
use itsm_http::openapi::ApiDoc;

const TAG: &str = "search";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(
        TAG,
        "Full-text search across incidents, service requests, problems and knowledge articles.",
    );
    doc.get("/api/v1/search", "search", "Search the service desk's records")
        .tag(TAG)
        .describe("`q` (up to 200 characters, 10 words) must all be found, case-insensitively, in a record's title or text; words of three or more characters use the full-text index (any script, Chinese included) and rank by relevance, titles weighing five times the text; shorter words are matched as they are. Each caller finds only what they may read: incidents by `incident.read` (security incidents only by the security team and their parties), requests by `request.read` or as whoever ordered them or they are for, problems by `problem.read`, articles by `knowledge.read` (customers only the published versions meant for them).")
        .query_required("q", "What to search for.", crate::text_query::MAX_CHARS as u32)
        .query("kind", "Only these kinds, comma-separated: incident, request, problem, article.")
        .page_of::<Hit>("A page of results, best first.")
        .add();
}
