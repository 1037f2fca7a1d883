//! The JSON shapes of the knowledge API. Staff see an article's working copy, what it documents
//! and where its review stands; customers see only its latest published version, and only when
//! that version is meant for them.

use crate::store::articles::{Article, Body, Content, PublishedVersion, Summary, Title};
use crate::store::links::Documented;
use chrono::NaiveDate;
use itsm_domain::knowledge::ArticleAudience;
use itsm_domain::{Label, Reason, RecordKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A new article, a draft until published.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArticleRequest {
    pub title: Title,
    #[serde(default)]
    pub summary: Option<Summary>,
    /// Markdown, by language tag.
    pub body: Body,
    #[serde(default)]
    pub category: Option<Label>,
    pub audience: ArticleAudience,
    /// Problems it documents (numbers such as PRB0000001).
    #[serde(default)]
    pub problems: Vec<String>,
    /// Known errors it documents (numbers such as KE0000001).
    #[serde(default)]
    pub known_errors: Vec<String>,
    /// Services it is about (catalogue codes).
    #[serde(default)]
    pub services: Vec<String>,
}

/// Changes to the working copy; readers see them once published. A list given replaces the
/// one before.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArticleRequest {
    #[serde(default)]
    pub title: Option<Title>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Summary>")]
    pub summary: Option<Option<Summary>>,
    #[serde(default)]
    pub body: Option<Body>,
    #[serde(default, deserialize_with = "itsm_http::json::present")]
    #[schemars(with = "Option<Label>")]
    pub category: Option<Option<Label>>,
    #[serde(default)]
    pub audience: Option<ArticleAudience>,
    #[serde(default)]
    pub problems: Option<Vec<String>>,
    #[serde(default)]
    pub known_errors: Option<Vec<String>>,
    #[serde(default)]
    pub services: Option<Vec<String>>,
}

/// Publishing the working copy as the next version.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// `YYYY-MM-DD`, tomorrow to two years ahead; half a year from today when left out.
    #[serde(default)]
    pub review_due: Option<NaiveDate>,
    /// What changed, for readers of the version history.
    #[serde(default)]
    pub change_note: Option<Reason>,
}

/// A review confirming the published article still holds.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// The next review, as for publishing.
    #[serde(default)]
    pub review_due: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetireRequest {
    pub reason: Reason,
}

/// An article as the support teams see it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ArticleView {
    /// Also accepted in paths in place of the id.
    pub number: String,
    pub id: i64,
    #[serde(flatten)]
    pub article: Article,
    pub documents: Documented,
    /// Whether the working copy differs from the published version.
    pub unpublished_changes: bool,
    /// Whether it is published and its review date has passed (`today` is `YYYY-MM-DD`).
    pub review_overdue: bool,
}

/// An article as a customer sees it: its latest published version.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PublishedArticle {
    pub number: String,
    pub id: i64,
    pub version_number: i64,
    #[serde(flatten)]
    pub content: Content,
    /// Services it is about, as published.
    pub services: Vec<String>,
    pub published_at: String,
}

/// What a reader gets: the staff view, or the published one for customers.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ArticleAnswer {
    Staff(Box<ArticleView>),
    Customer(PublishedArticle),
}

impl ArticleAnswer {
    pub fn id(&self) -> i64 {
        match self {
            Self::Staff(view) => view.id,
            Self::Customer(published) => published.id,
        }
    }
}

impl ArticleView {
    pub fn new(
        article: &Article,
        documents: Documented,
        published: Option<&PublishedVersion>,
        today: &str,
    ) -> Self {
        ArticleView {
            number: article_number(article.id),
            id: article.id,
            article: article.clone(),
            documents,
            unpublished_changes: published.is_none_or(|v| v.content != article.content),
            review_overdue: article.state == itsm_domain::knowledge::ArticleState::Published
                && article.review_due.as_deref().is_some_and(|due| due < today),
        }
    }
}

impl PublishedArticle {
    pub fn new(version: &PublishedVersion) -> Self {
        PublishedArticle {
            number: article_number(version.article_id),
            id: version.article_id,
            version_number: version.version_number,
            content: version.content.clone(),
            services: version.services.clone(),
            published_at: version.published_at.clone(),
        }
    }
}

pub fn article_number(id: i64) -> String {
    RecordKind::Article.number_text(id)
}
