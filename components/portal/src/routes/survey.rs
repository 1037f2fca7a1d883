//! The satisfaction survey on a record's own page: once a report is resolved, an order
//! delivered or a complaint answered with its result, the page asks how satisfied the visitor
//! is (1 to 5, and a remark if they like); once they have answered, it thanks them and shows
//! what they said. `POST /portal/tickets/{number}/{key}/satisfaction` records the answer through
//! the relationship process, once per record.

use super::followed::open;
use crate::form::{self, Group, Mistakes, guards, option_group, summary, text_area};
use crate::lang::Texts;
use crate::page::form_document;
use crate::visit::{Refusal, Setup, Visit, settled};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, Method, StatusCode};
use itsm_domain::RecordKind;
use itsm_domain::satisfaction::{RATED_KINDS, Score, handled};
use itsm_domain::text::DESCRIPTION_MAX_CHARS;
use itsm_http::process_api::ProcessApi;
use itsm_http::{ApiError, RawBody, Services};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

const RATINGS: &str = "/api/v1/satisfaction-responses";

/// The answer as posted; every field optional, so nothing typed is lost to a missing one.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RatingForm {
    score: String,
    remarks: String,
    website: String,
    form_token: String,
}

/// Where a record's survey stands, for its page.
pub enum Survey {
    /// Not handled yet (or the relationship process cannot say): nothing to ask.
    NotYet,
    /// Handled and not rated: the form.
    Open,
    /// Rated: the score and the remark given.
    Answered { score: u8, remarks: Option<String> },
}

impl Survey {
    /// The survey of record `number` in `state`.
    pub async fn of(setup: &Setup, number: &str, state: &str) -> Result<Self, ApiError> {
        let Some(kind) = rated_kind(number) else {
            return Ok(Self::NotYet);
        };
        if !handled(kind, state) {
            return Ok(Self::NotYet);
        }
        let path = format!("{RATINGS}?about={number}");
        let answer = setup.processes()?.call(Method::GET, &path, None).await;
        let Some(listed) = settled(answer, "read a record's rating")? else {
            return Ok(Self::NotYet);
        };
        Ok(match listed.body["items"].get(0) {
            None => Self::Open,
            Some(rating) => Self::Answered {
                score: rating["score"]
                    .as_u64()
                    .and_then(|s| u8::try_from(s).ok())
                    .unwrap_or_default(),
                remarks: rating["comment"].as_str().map(str::to_owned),
            },
        })
    }

    /// The survey's part of the record's page at `here`: nothing, the form, or the thanks.
    pub fn section(&self, texts: &Texts, here: &str, token: &str) -> Markup {
        html! {
            @match self {
                Self::NotYet => {},
                Self::Open => {
                    h2 #satisfaction { (texts.rate_heading) }
                    (rating_form(texts, here, token, &RatingForm::default(), &Mistakes::default()))
                },
                Self::Answered { score, remarks } => {
                    h2 #satisfaction { (texts.rate_heading) }
                    p #rating { (texts.rated_thanks) " " strong { (texts.score_name(*score)) } }
                    @if let Some(remarks) = remarks {
                        p.prose { (remarks) }
                    }
                },
            }
        }
    }
}

/// The kind of a record the portal asks about, by its number's prefix.
fn rated_kind(number: &str) -> Option<RecordKind> {
    RecordKind::of_number(number, &RATED_KINDS)
}

/// Where the record's process shows it.
fn record_path(kind: RecordKind, number: &str) -> String {
    let collection = match kind {
        RecordKind::Request => "requests",
        RecordKind::Complaint => "complaints",
        _ => "incidents",
    };
    format!("/api/v1/{collection}/{number}")
}

/// The five scores, the best first (as the eye reads a scale from the top).
fn score_options(texts: &Texts) -> Vec<(&'static str, &'static str)> {
    ["5", "4", "3", "2", "1"]
        .into_iter()
        .zip(texts.scores.iter().rev().copied())
        .collect()
}

fn rating_form(
    texts: &Texts,
    here: &str,
    token: &str,
    typed: &RatingForm,
    mistakes: &Mistakes,
) -> Markup {
    let group = Group {
        legend: texts.rate_question,
        hint: "",
        name: "score",
        multiple: false,
    };
    html! {
        form method="post" action={ (here) "/satisfaction" } novalidate {
            (guards(texts, token))
            (option_group(&group, &score_options(texts), &[typed.score.as_str()], mistakes.of("score")))
            (text_area(texts.rate_remarks, texts.rate_remarks_hint, "remarks", &typed.remarks, mistakes))
            button type="submit" { (texts.send_rating) }
        }
    }
}

pub async fn rate(
    State(services): State<Services>,
    headers: HeaderMap,
    Path((number, key)): Path<(String, String)>,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let setup = Setup::read(&services).await?;
    let visit = Visit::read(&headers, None)?;
    let texts = visit.lang.texts();
    let posted: RatingForm = form::read(&body)?;
    let kind = rated_kind(&number).ok_or_else(|| ApiError::NotFound {
        detail: "no such record".to_owned(),
    })?;
    let record = open(&setup, &number, &key, &record_path(kind, &number)).await?;
    let address = format!("/portal/tickets/{number}/{key}");
    let back = format!("{address}#satisfaction");
    let page = |status, typed: &RatingForm, mistakes: &Mistakes, notice| {
        let markup = rating_page(&setup, &visit, &number, &key, typed, mistakes, notice)?;
        Ok::<_, ApiError>(visit.respond(status, markup))
    };
    if !handled(kind, record["state"].as_str().unwrap_or_default()) {
        return Ok(Redirect::to(&address).into_response());
    }
    let form_id = match setup.admit(&headers, &visit, &posted.form_token, &posted.website)? {
        Ok(form_id) => form_id,
        Err(Refusal::Robot) => return Ok(Redirect::to(&back).into_response()),
        Err(refusal) => {
            let blank = RatingForm::default();
            let typed = if refusal.keeps_typed() {
                &posted
            } else {
                &blank
            };
            let notice = Some(refusal.notice(texts));
            return page(StatusCode::FORBIDDEN, typed, &Mistakes::default(), notice);
        }
    };
    let (score, remarks) = match check(texts, &posted) {
        Ok(checked) => checked,
        Err(mistakes) => return page(StatusCode::UNPROCESSABLE_ENTITY, &posted, &mistakes, None),
    };
    let mut rating = json!({"about": number, "score": score.get(), "channel": "web"});
    if !remarks.is_empty() {
        rating["comment"] = json!(remarks);
    }
    let answer = setup
        .processes()?
        .post_once(RATINGS, &rating, &format!("portal-rating-{form_id}"))
        .await;
    // Rated already (another tab, a second visitor with the link): the page shows that rating.
    if answer.as_ref().is_ok_and(|a| a.status == 409) {
        return Ok(Redirect::to(&back).into_response());
    }
    // No longer the visitor's to rate (the desk moved the record to another organisation, say).
    if answer.as_ref().is_ok_and(|a| matches!(a.status, 403 | 422)) {
        let mut refused = Mistakes::default();
        refused.add("score", texts.rating_not_taken);
        return page(StatusCode::CONFLICT, &posted, &refused, None);
    }
    if settled(answer, "record a rating")?.is_none() {
        let mut refused = Mistakes::default();
        refused.add("score", texts.rating_refused);
        return page(StatusCode::SERVICE_UNAVAILABLE, &posted, &refused, None);
    }
    Ok(Redirect::to(&back).into_response())
}

/// The answer checked: a score from 1 to 5 and the remark (empty when none), or the mistakes.
fn check(texts: &Texts, posted: &RatingForm) -> Result<(Score, String), Mistakes> {
    let mut mistakes = Mistakes::default();
    let score = posted
        .score
        .parse::<i64>()
        .ok()
        .and_then(|s| Score::try_from(s).ok());
    if score.is_none() {
        mistakes.add("score", texts.choose_score);
    }
    let remarks = mistakes.text(
        texts,
        "remarks",
        &posted.remarks,
        DESCRIPTION_MAX_CHARS,
        false,
    );
    match score {
        Some(score) if mistakes.is_empty() => Ok((score, remarks)),
        _ => Err(mistakes),
    }
}

/// The survey on a page of its own, when an answer comes back to be corrected or sent again.
fn rating_page(
    setup: &Setup,
    visit: &Visit,
    number: &str,
    key: &str,
    typed: &RatingForm,
    mistakes: &Mistakes,
    notice: Option<&str>,
) -> Result<Markup, ApiError> {
    let texts = visit.lang.texts();
    let token = setup.new_form_token(visit)?;
    let address = format!("/portal/tickets/{number}/{key}");
    Ok(form_document(
        visit.lang,
        &address,
        !mistakes.is_empty(),
        &format!("{} {number}", texts.rate_title),
        html! {
            (summary(texts, mistakes, &[("score", texts.rate_question), ("remarks", texts.rate_remarks)]))
            @if let Some(notice) = notice {
                p.notice role="alert" { (notice) }
            }
            (rating_form(texts, &address, &token, typed, mistakes))
            p { a href=(address) { (texts.back_to_record) } }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{EN, ZH};

    #[test]
    fn numbers_name_the_kind_and_its_process() {
        assert_eq!(rated_kind("REQ0000007"), Some(RecordKind::Request));
        assert_eq!(rated_kind("PRB0000001"), None, "problems are not rated");
        assert_eq!(
            record_path(RecordKind::Complaint, "CMP0000003"),
            "/api/v1/complaints/CMP0000003"
        );
    }

    #[test]
    fn the_scale_reads_from_the_best_down_and_keeps_what_was_chosen() {
        let typed = RatingForm {
            score: "2".to_owned(),
            remarks: "<b>slow</b>".to_owned(),
            ..RatingForm::default()
        };
        let html = rating_form(
            &ZH,
            "/portal/tickets/INC0000001/k",
            "t",
            &typed,
            &Mistakes::default(),
        )
        .into_string();
        let best = html.find("非常满意").expect("the best");
        let worst = html.find("非常不满意").expect("the worst");
        assert!(best < worst, "{html}");
        assert!(html.contains("id=\"score\" name=\"score\" value=\"5\""));
        assert!(
            html.contains("value=\"2\" type=\"radio\" checked"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;slow&lt;/b&gt;"));
        assert!(html.contains("action=\"/portal/tickets/INC0000001/k/satisfaction\""));
    }

    #[test]
    fn an_answer_is_thanked_for_in_words() {
        let answered = Survey::Answered {
            score: 4,
            remarks: Some("Quick".to_owned()),
        };
        let html = answered.section(&EN, "/here", "t").into_string();
        assert!(html.contains("<strong>Satisfied</strong>"), "{html}");
        assert!(!html.contains("<form"));
        assert!(
            Survey::NotYet
                .section(&EN, "/here", "t")
                .into_string()
                .is_empty()
        );
    }
}
