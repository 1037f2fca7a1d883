//! Customer satisfaction ratings (requirements §2.18 and §7.16; [004-1 §3.1]): once an incident,
//! request or complaint has been handled, its customer rates it from 1 to 5, once, through the
//! API, the hotline or the portal; the summary gives the satisfaction score reports read
//! [002 §7.1, §7.3]. Routes here, SQL in `store.rs`, wire shapes in `wire.rs`.

pub mod store;
pub mod wire;

use crate::named::{Named, named_record};
use crate::routes::scopes_for;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use itsm_domain::access::Visibility;
use itsm_domain::access::names::INCIDENT_SECURITY;
use itsm_domain::incident::Channel;
use itsm_domain::satisfaction::{RATED_KINDS, RatedKind, SatisfactionSummary, Score, handled};
use itsm_domain::{Code, RecordKind};
use itsm_http::audit::{Change, record};
use itsm_http::reach::Reach;
use itsm_http::time::parse_instant;
use itsm_http::{ApiError, ApiJson, Principal, QueryParams, Services};
use itsm_store::in_transaction;
use store::{Rating, RatingFilter, insert_rating, list_ratings, load_rating, score_counts};
use wire::NewRatingRequest;

/// Authorities of satisfaction ratings, granted to roles by `itsm_domain::access`.
pub use itsm_domain::access::names::{SATISFACTION_READ as READ, SATISFACTION_RECORD as RECORD};

const PATH: &str = "/api/v1/satisfaction-responses";

/// `POST /api/v1/satisfaction-responses`: rates a handled record, once.
pub async fn create(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<NewRatingRequest>,
) -> Result<Response, ApiError> {
    let now = itsm_http::now();
    in_transaction(&*services.db, async |db| {
        let named = named_record(db, &principal, "about", &request.about, &RATED_KINDS).await?;
        principal.require_in(
            RECORD,
            &scopes_for(named.customer.as_deref(), named.service.as_deref()),
        )?;
        require_handled(&named)?;
        let mut rating = Rating::given(&request, &named, &principal.user, &now);
        let Some(id) = insert_rating(db, &rating).await? else {
            return Err(ApiError::Conflict {
                detail: format!("{} has been rated already", named.number),
            });
        };
        rating.id = id;
        let change = Change::created("satisfaction_response", id, &rating);
        record(db, &principal, &change, &now).await?;
        let location = format!("{PATH}/{id}");
        Ok((
            StatusCode::CREATED,
            [(header::LOCATION, location)],
            Json(rating),
        )
            .into_response())
    })
    .await
}

/// Only handled work is rated: 409 while it is still under way.
fn require_handled(named: &Named) -> Result<(), ApiError> {
    if handled(named.kind, &named.state) {
        return Ok(());
    }
    Err(ApiError::Conflict {
        detail: format!(
            "{} is {}: it can be rated once it has been handled (resolved, fulfilled or given its result)",
            named.number, named.state
        ),
    })
}

impl Rating {
    /// The rating `request` gives `named`, as `user` records it `now`, before it is stored.
    fn given(request: &NewRatingRequest, named: &Named, user: &str, now: &str) -> Self {
        Self {
            id: 0,
            about: named.number.clone(),
            score: request.score,
            comment: request.comment.as_ref().map(|c| c.as_str().to_owned()),
            channel: request.channel.unwrap_or(Channel::Web),
            contact_details: request
                .contact_details
                .as_ref()
                .map(|c| c.as_str().to_owned()),
            customer: named.customer.clone(),
            service: named.service.clone(),
            restricted: named.security,
            created_by: user.to_owned(),
            created_at: now.to_owned(),
        }
    }
}

/// `GET /api/v1/satisfaction-responses/{id}`: one rating, to whoever recorded it or may read
/// its customer's or service's.
pub async fn get_rating(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let missing = || ApiError::not_found(format_args!("satisfaction response {id}"));
    let number: i64 = id.parse().map_err(|_| missing())?;
    let rating = load_rating(&*services.db, number)
        .await?
        .ok_or_else(missing)?;
    if rating.created_by != principal.user {
        if principal.visibility(READ) == Visibility::Nothing
            || (rating.restricted && !reads_security(&principal))
        {
            return Err(missing());
        }
        let scopes = scopes_for(rating.customer.as_deref(), rating.service.as_deref());
        principal.require_visible(READ, &scopes, format!("satisfaction response {id}"))?;
    }
    Ok(Json(rating).into_response())
}

/// `GET /api/v1/satisfaction-responses`: a page of ratings, newest first.
pub async fn list(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(query, FILTERS)?;
    let page = query.page()?;
    let filter = filter_of(&principal, &query)?;
    let found = list_ratings(&*services.db, &filter, page.after, page.limit).await?;
    Ok(query.respond(PATH, page, found, |r: &Rating| r.id))
}

/// `GET /api/v1/satisfaction-responses/summary`: how satisfied the customers the caller sees
/// are, over the ratings the same filters take.
pub async fn summary(
    State(services): State<Services>,
    Extension(principal): Extension<Principal>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(query, FILTERS)?;
    let filter = filter_of(&principal, &query)?;
    let counts = score_counts(&*services.db, &filter).await?;
    Ok(Json(SatisfactionSummary::from_counts(counts)).into_response())
}

/// The filters a list and the summary share.
pub const FILTERS: &[&str] = &[
    "about", "kind", "customer", "service", "score", "from", "to",
];

fn filter_of(principal: &Principal, query: &QueryParams) -> Result<RatingFilter, ApiError> {
    let code = |text: &str| Code::parse(text).map(|c| c.as_str().to_owned());
    let score = |text: &str| {
        text.parse::<i64>()
            .map_err(|_| "must be a whole number from 1 to 5".to_owned())
            .and_then(Score::try_from)
    };
    let number = |text: &str| {
        RecordKind::of_number(text, &RATED_KINDS)
            .and_then(|kind| kind.parse_ref(text).ok().map(|id| kind.number_text(id)))
            .ok_or_else(|| "must be an incident, request or complaint number".to_owned())
    };
    Ok(RatingFilter {
        about: query.parsed("about", number)?,
        kind: query.parsed("kind", RatedKind::parse)?,
        customer: query.parsed("customer", code)?,
        service: query.parsed("service", code)?,
        score: query.parsed("score", score)?,
        from: query.parsed("from", parse_instant)?,
        to: query.parsed("to", parse_instant)?,
        visible_in: reach(principal)?,
        hide_restricted: !reads_security(principal),
        reader: principal.user.clone(),
    })
}

/// Whether the caller reads ratings of security incidents (besides those they gave): readers
/// of ratings who are of the security team, who read the incidents themselves.
fn reads_security(principal: &Principal) -> bool {
    principal.may(INCIDENT_SECURITY, &[])
}

/// Whose ratings the caller reads besides those they recorded: everyone's, some customers'
/// and services', or none.
fn reach(principal: &Principal) -> Result<Option<Reach>, ApiError> {
    if principal.visibility(READ) == Visibility::Nothing {
        return Ok(Some(Reach::default()));
    }
    principal.reach(READ)
}
