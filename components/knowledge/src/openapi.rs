//! The knowledge component's part of the OpenAPI document, next to its route table so the two
//! change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::store::articles::PublishedVersion;
use crate::wire::{
    ArticleAnswer, NewArticleRequest, PublishRequest, RetireRequest, ReviewRequest,
    UpdateArticleRequest,
};
use itsm_domain::access::names;
use itsm_domain::knowledge::{ArticleAudience, ArticleState};
use itsm_http::openapi::ApiDoc;

const TAG: &str = "knowledge";
const ID: &str = "The article's id or number, such as 3 or KB0000003.";
const SHOWN: &str = "Staff (whoever reads through a role other than `customer`) get the working copy with its links and review state; customer contacts get the latest published version, and only of articles published for customers (to them any other is 404).";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(TAG, "Knowledge management (ISO/IEC 20000-1 §7.6; requirements §2.19): versioned articles in several languages for the support teams or also customers, linked to problems, known errors and services, with review dates.");
    doc.post("/api/v1/knowledge/articles", "createArticle", "Write an article")
        .tag(TAG)
        .authority(names::KNOWLEDGE_WRITE)
        .describe("A draft until published. Title, summary and body are text by language tag (`{\"en\": …, \"zh\": …}`). `problems`, `known_errors` and `services` must exist (services not retired); a bad one is named `problems[i]` and so on.")
        .body::<NewArticleRequest>()
        .created::<ArticleAnswer>("The new draft as staff see it.")
        .add();
    doc.get(
        "/api/v1/knowledge/articles",
        "listArticles",
        "List articles, newest first",
    )
    .tag(TAG)
    .authority(names::KNOWLEDGE_READ)
    .describe(SHOWN)
    .query_choice(
        "state",
        "Only articles in this state.",
        ArticleState::ALL.iter().map(|s| s.as_str()),
    )
    .query_choice(
        "audience",
        "Only articles whose working copy is for this audience.",
        ArticleAudience::ALL.iter().map(|s| s.as_str()),
    )
    .query("category", "Only this category.")
    .query(
        "problem",
        "Only articles documenting this problem (one of problem, known_error, service).",
    )
    .query("known_error", "Only articles documenting this known error.")
    .query("service", "Only articles about this service.")
    .query_choice(
        "review_overdue",
        "Only published articles whose review date has passed.",
        ["true", "false"],
    )
    .page_of::<ArticleAnswer>("A page of articles.")
    .add();
    doc.get(
        "/api/v1/knowledge/articles/{id}",
        "getArticle",
        "Read an article",
    )
    .tag(TAG)
    .authority(names::KNOWLEDGE_READ)
    .describe(SHOWN)
    .path_param("id", ID)
    .ok_record::<ArticleAnswer>("The article.")
    .add();
    doc.patch("/api/v1/knowledge/articles/{id}", "updateArticle", "Revise an article's working copy")
        .tag(TAG)
        .authority(names::KNOWLEDGE_WRITE)
        .describe("Readers keep seeing the published version until the next `publish`. A list given (`problems`, `known_errors`, `services`) replaces the one before.")
        .path_param("id", ID)
        .body::<UpdateArticleRequest>()
        .if_match()
        .ok_record::<ArticleAnswer>("The article as changed.")
        .fails(409, "The article is retired.")
        .add();
    doc.post("/api/v1/knowledge/articles/{id}/publish", "publishArticle", "Publish the working copy as the next version")
        .tag(TAG)
        .authority(names::KNOWLEDGE_PUBLISH)
        .describe("Freezes the working copy as version 1, 2, … and sets the review date (`review_due`, tomorrow to two years ahead; half a year from today by default).")
        .path_param("id", ID)
        .optional_body::<PublishRequest>()
        .if_match()
        .ok_record::<ArticleAnswer>("The published article.")
        .fails(409, "Retired, or nothing changed since the latest version.")
        .add();
    doc.post(
        "/api/v1/knowledge/articles/{id}/review",
        "reviewArticle",
        "Confirm a published article still holds",
    )
    .tag(TAG)
    .authority(names::KNOWLEDGE_PUBLISH)
    .describe("Records who reviewed it and when, and sets the next review date as publishing does.")
    .path_param("id", ID)
    .optional_body::<ReviewRequest>()
    .if_match()
    .ok_record::<ArticleAnswer>("The reviewed article.")
    .fails(409, "The article is not published.")
    .add();
    doc.post(
        "/api/v1/knowledge/articles/{id}/retire",
        "retireArticle",
        "Retire an article",
    )
    .tag(TAG)
    .authority(names::KNOWLEDGE_PUBLISH)
    .describe("Customers no longer see it; staff keep it and its versions for the record.")
    .path_param("id", ID)
    .body::<RetireRequest>()
    .if_match()
    .ok_record::<ArticleAnswer>("The retired article.")
    .fails(409, "It is retired already.")
    .add();
    doc.get(
        "/api/v1/knowledge/articles/{id}/versions",
        "listArticleVersions",
        "List an article's published versions",
    )
    .tag(TAG)
    .authority(names::KNOWLEDGE_READ)
    .describe("Staff only; newest first.")
    .path_param("id", ID)
    .list_of::<PublishedVersion>("Each version as it was published.")
    .add();
    doc.get(
        "/api/v1/knowledge/articles/{id}/versions/{number}",
        "getArticleVersion",
        "Read one published version",
    )
    .tag(TAG)
    .authority(names::KNOWLEDGE_READ)
    .describe("Staff only.")
    .path_param("id", ID)
    .path_param("number", "The version number, from 1.")
    .ok::<PublishedVersion>("The version as it was published.")
    .add();
}
