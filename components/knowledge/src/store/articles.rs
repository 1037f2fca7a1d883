//! `knowledge_article` (the working copy staff edit) and `knowledge_article_version` (each
//! version as published, never changed afterwards).

use itsm_domain::catalogue::Localized;
use itsm_domain::knowledge::{ArticleAudience, ArticleState};
use itsm_store::{Row, Sql, StoreError, Value, to_json};
use schemars::JsonSchema;
use serde::Serialize;

pub type Title = Localized<160>;
pub type Summary = Localized<500>;
pub type Body = Localized<20000>;

/// The content a version freezes: what readers see.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Content {
    pub title: Title,
    pub summary: Option<Summary>,
    /// Markdown, by language tag.
    pub body: Body,
    pub category: Option<String>,
    pub audience: ArticleAudience,
}

/// An article as stored: its working copy and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(rename = "ArticleFields")]
pub struct Article {
    #[serde(skip)]
    pub id: i64,
    #[serde(flatten)]
    pub content: Content,
    pub state: ArticleState,
    /// The number of the version readers see; `null` until first published.
    pub published_version: Option<i64>,
    /// `YYYY-MM-DD`: when someone must confirm it still holds.
    pub review_due: Option<String>,
    pub last_reviewed_at: Option<String>,
    pub last_reviewed_by: Option<String>,
    pub retired_reason: Option<String>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// One published version.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PublishedVersion {
    #[serde(skip)]
    pub article_id: i64,
    pub version_number: i64,
    #[serde(flatten)]
    pub content: Content,
    /// The services it is about, as published (what customers are shown).
    pub services: Vec<String>,
    pub change_note: Option<String>,
    pub published_at: String,
    pub published_by: String,
}

const COLUMNS: &str = "article_id, title, summary, body, category, audience, state, published_version, review_due,
    last_reviewed_at, last_reviewed_by, retired_reason, version, created_at, created_by, updated_at, updated_by";

fn content_from_row(row: &Row<'_>) -> Result<Content, StoreError> {
    Ok(Content {
        title: row.json("title")?,
        summary: row.json_opt("summary")?,
        body: row.json("body")?,
        category: row.get("category")?,
        audience: row.parsed("audience", ArticleAudience::parse)?,
    })
}

fn content_values(content: &Content) -> Result<Vec<Value>, StoreError> {
    Ok(vec![
        to_json(&content.title)?.into(),
        content.summary.as_ref().map(to_json).transpose()?.into(),
        to_json(&content.body)?.into(),
        content.category.as_deref().into(),
        content.audience.as_str().into(),
    ])
}

impl Article {
    fn from_row(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(Article {
            id: row.get("article_id")?,
            content: content_from_row(row)?,
            state: row.parsed("state", ArticleState::parse)?,
            published_version: row.get("published_version")?,
            review_due: row.get("review_due")?,
            last_reviewed_at: row.get("last_reviewed_at")?,
            last_reviewed_by: row.get("last_reviewed_by")?,
            retired_reason: row.get("retired_reason")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            created_by: row.get("created_by")?,
            updated_at: row.get("updated_at")?,
            updated_by: row.get("updated_by")?,
        })
    }

    /// The columns every write sets after the content, in [`COLUMNS`] order.
    fn state_values(&self) -> Vec<Value> {
        vec![
            self.state.as_str().into(),
            self.published_version.into(),
            self.review_due.as_deref().into(),
            self.last_reviewed_at.as_deref().into(),
            self.last_reviewed_by.as_deref().into(),
            self.retired_reason.as_deref().into(),
            self.updated_at.as_str().into(),
            self.updated_by.as_str().into(),
        ]
    }
}

pub async fn insert_article(db: &impl Sql, a: &Article) -> Result<i64, StoreError> {
    let mut values = content_values(&a.content)?;
    values.extend(a.state_values());
    values.extend([a.created_at.as_str().into(), a.created_by.as_str().into()]);
    db.execute(
        "INSERT INTO knowledge_article (title, summary, body, category, audience, state, published_version,
            review_due, last_reviewed_at, last_reviewed_by, retired_reason, updated_at, updated_by, created_at,
            created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &values,
    )
    .await?;
    db.last_insert_rowid().await
}

pub async fn load_article(db: &impl Sql, id: i64) -> Result<Option<Article>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM knowledge_article WHERE article_id = ?"),
            &[id.into()],
        )
        .await?;
    rows.first().map(|row| Article::from_row(&row)).transpose()
}

/// Writes the working copy and state at the version read; `false` when another writer won.
pub async fn save_article(
    db: &impl Sql,
    a: &Article,
    expected_version: i64,
) -> Result<bool, StoreError> {
    let mut values = content_values(&a.content)?;
    values.extend(a.state_values());
    values.extend([a.id.into(), expected_version.into()]);
    let changed = db
        .execute(
            "UPDATE knowledge_article SET title = ?, summary = ?, body = ?, category = ?, audience = ?, state = ?,
                published_version = ?, review_due = ?, last_reviewed_at = ?, last_reviewed_by = ?,
                retired_reason = ?, updated_at = ?, updated_by = ?, version = version + 1
             WHERE article_id = ? AND version = ?",
            &values,
        )
        .await?;
    Ok(changed == 1)
}

pub async fn insert_version(db: &impl Sql, v: &PublishedVersion) -> Result<(), StoreError> {
    let mut values: Vec<Value> = vec![v.article_id.into(), v.version_number.into()];
    values.extend(content_values(&v.content)?);
    values.extend([
        to_json(&v.services)?.into(),
        v.change_note.as_deref().into(),
        v.published_at.as_str().into(),
        v.published_by.as_str().into(),
    ]);
    db.execute(
        "INSERT INTO knowledge_article_version (article_id, version_number, title, summary, body, category, audience,
            services, change_note, published_at, published_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &values,
    )
    .await?;
    Ok(())
}

/// The article's published versions, newest first; only `number` when given.
pub async fn versions_of(
    db: &impl Sql,
    article_id: i64,
    number: Option<i64>,
) -> Result<Vec<PublishedVersion>, StoreError> {
    let mut params: Vec<Value> = vec![article_id.into()];
    let only = match number {
        Some(n) => {
            params.push(n.into());
            "AND version_number = ?"
        }
        None => "",
    };
    let rows = db
        .query(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM knowledge_article_version v
                 WHERE article_id = ? {only} ORDER BY version_number DESC"
            ),
            &params,
        )
        .await?;
    rows.iter().map(|row| version_from_row(&row)).collect()
}

/// The latest published version of each of these articles (those never published have none).
pub async fn latest_versions(
    db: &impl Sql,
    article_ids: &[i64],
) -> Result<Vec<PublishedVersion>, StoreError> {
    let params: Vec<Value> = article_ids.iter().map(|&id| id.into()).collect();
    let rows = db
        .query(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM knowledge_article_version v
                 JOIN knowledge_article a ON a.article_id = v.article_id AND a.published_version = v.version_number
                 WHERE v.article_id IN ({})",
                itsm_store::placeholders(article_ids.len())
            ),
            &params,
        )
        .await?;
    rows.iter().map(|row| version_from_row(&row)).collect()
}

const VERSION_COLUMNS: &str =
    "v.article_id, v.version_number, v.title, v.summary, v.body, v.category,
    v.audience, v.services, v.change_note, v.published_at, v.published_by";

fn version_from_row(row: &Row<'_>) -> Result<PublishedVersion, StoreError> {
    Ok(PublishedVersion {
        article_id: row.get("article_id")?,
        version_number: row.get("version_number")?,
        content: content_from_row(row)?,
        services: row.json("services")?,
        change_note: row.get("change_note")?,
        published_at: row.get("published_at")?,
        published_by: row.get("published_by")?,
    })
}

/// Which articles a list shows.
#[derive(Debug, Default, Clone)]
pub struct ArticleFilter {
    pub state: Option<ArticleState>,
    pub audience: Option<ArticleAudience>,
    pub category: Option<String>,
    /// Only articles documenting this target (`kind`, number or code).
    pub documents: Option<(&'static str, String)>,
    /// Only published articles whose review fell due before this day (`YYYY-MM-DD`).
    pub review_due_before: Option<String>,
    /// A customer's view: only articles whose published version is meant for customers, the
    /// category and service filters applied to that version rather than the working copy.
    pub customer_visible: bool,
}

/// Newest first; `after` continues below that id; `limit + 1` rows tell whether more follow.
pub async fn list_articles(
    db: &impl Sql,
    filter: &ArticleFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<Article>, StoreError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let mut add = |clause: &str, value: Value| {
        clauses.push(clause.to_owned());
        params.push(value);
    };
    if let Some(state) = filter.state {
        add("state = ?", state.as_str().into());
    }
    if let Some(audience) = filter.audience {
        add("audience = ?", audience.as_str().into());
    }
    if let Some(category) = &filter.category
        && !filter.customer_visible
    {
        add("category = ?", category.as_str().into());
    }
    if let Some(day) = &filter.review_due_before {
        add(
            "state = 'published' AND review_due < ?",
            day.as_str().into(),
        );
    }
    if filter.customer_visible {
        let mut version = String::from(
            "state = 'published' AND EXISTS (SELECT 1 FROM knowledge_article_version v
                WHERE v.article_id = a.article_id AND v.version_number = a.published_version
                AND v.audience = 'customer'",
        );
        if let Some(category) = &filter.category {
            version.push_str(" AND v.category = ?");
            params.push(category.as_str().into());
        }
        if let Some((_, service)) = &filter.documents {
            version.push_str(" AND EXISTS (SELECT 1 FROM json_each(v.services) WHERE value = ?)");
            params.push(service.as_str().into());
        }
        version.push(')');
        clauses.push(version);
    }
    if let Some((kind, target)) = filter
        .documents
        .as_ref()
        .filter(|_| !filter.customer_visible)
    {
        clauses.push(
            "article_id IN (SELECT source_id FROM record_link WHERE source_kind = 'article'
                AND relation = 'documents' AND target_kind = ? AND target = ?)"
                .to_owned(),
        );
        params.push((*kind).into());
        params.push(target.as_str().into());
    }
    if let Some(after) = after {
        clauses.push("article_id < ?".to_owned());
        params.push(after.into());
    }
    let condition = itsm_store::where_clause(&clauses);
    params.push(i64::from(limit + 1).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM knowledge_article a {condition} ORDER BY article_id DESC LIMIT ?"
            ),
            &params,
        )
        .await?;
    rows.iter().map(|row| Article::from_row(&row)).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::tests::{NOW, db};
    use super::*;

    pub fn sample() -> Article {
        Article {
            id: 0,
            content: Content {
                title: Title::from_pairs(&[("en", "Reset a VPN profile"), ("zh", "重置VPN配置")])
                    .expect("title"),
                summary: None,
                body: Body::from_pairs(&[("en", "1. Open the client\n2. Remove the profile")])
                    .expect("body"),
                category: Some("network".to_owned()),
                audience: ArticleAudience::Customer,
            },
            state: ArticleState::Draft,
            published_version: None,
            review_due: None,
            last_reviewed_at: None,
            last_reviewed_by: None,
            retired_reason: None,
            version: 1,
            created_at: NOW.to_owned(),
            created_by: "kim".to_owned(),
            updated_at: NOW.to_owned(),
            updated_by: "kim".to_owned(),
        }
    }

    #[tokio::test]
    async fn an_article_and_its_versions_round_trip() {
        let db = db().await;
        let mut article = sample();
        article.id = insert_article(&db, &article).await.expect("insert");
        assert_eq!(
            load_article(&db, article.id).await.expect("load"),
            Some(article.clone())
        );
        let first = PublishedVersion {
            article_id: article.id,
            version_number: 1,
            content: article.content.clone(),
            services: Vec::new(),
            change_note: None,
            published_at: NOW.to_owned(),
            published_by: "lee".to_owned(),
        };
        insert_version(&db, &first).await.expect("version");
        assert!(
            insert_version(&db, &first).await.is_err(),
            "a version number is used once"
        );
        article.state = ArticleState::Published;
        article.published_version = Some(1);
        assert!(save_article(&db, &article, 1).await.expect("save"));
        assert!(!save_article(&db, &article, 1).await.expect("stale"));
        assert_eq!(
            versions_of(&db, article.id, None).await.expect("versions"),
            std::slice::from_ref(&first)
        );
        assert!(
            versions_of(&db, article.id, Some(2))
                .await
                .expect("none")
                .is_empty()
        );
        let published = ArticleFilter {
            state: Some(ArticleState::Published),
            ..Default::default()
        };
        assert_eq!(
            list_articles(&db, &published, None, 10)
                .await
                .expect("list")
                .len(),
            1
        );
        let overdue = ArticleFilter {
            review_due_before: Some("2026-12-01".to_owned()),
            ..Default::default()
        };
        assert!(
            list_articles(&db, &overdue, None, 10)
                .await
                .expect("list")
                .is_empty(),
            "no review date yet"
        );
    }
}
