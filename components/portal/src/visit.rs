//! One visitor's request as the portal sees it: the language to answer in, the browser's
//! session (made on the first visit, so forms can be bound to it), and what the deployment set
//! up for the portal: its keys and the account it acts as.

use crate::lang::{LANG_COOKIE, Lang, Texts};
use crate::page;
use crate::tokens::{Keys, SESSION_COOKIE, random_id};
use axum::response::Response;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use itsm_http::process_api::{Answer, Relayed};
use itsm_http::relay::relay_secret;
use itsm_http::{ApiError, Services};
use itsm_store::Variables;
use maud::Markup;

/// The Spin variable naming the user the portal acts as.
pub const PORTAL_USER: &str = "portal_user";

#[derive(Debug, Clone)]
pub struct Visit {
    pub lang: Lang,
    /// The language to remember, when the switch asked for one.
    remember: Option<Lang>,
    pub session: String,
    new_session: bool,
}

impl Visit {
    pub fn read(headers: &HeaderMap, asked_lang: Option<&str>) -> Result<Self, ApiError> {
        let lang = lang_for(headers, asked_lang);
        let remember = asked_lang.and_then(Lang::from_tag);
        let (session, new_session) = match cookie(headers, SESSION_COOKIE) {
            Some(session) if session.len() == 22 => (session, false),
            _ => (
                random_id().map_err(|e| ApiError::Internal(format!("no randomness: {e}")))?,
                true,
            ),
        };
        Ok(Self {
            lang,
            remember,
            session,
            new_session,
        })
    }

    /// The page as a response, with the cookies this visit needs set.
    pub fn respond(&self, status: StatusCode, markup: Markup) -> Response {
        let mut response = page::respond(status, markup, self.remember);
        if self.new_session {
            // Binds forms to this browser; HttpOnly, as no script needs it, and Lax, so another
            // site's form is never sent with it while a link from a mail still is.
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/portal; HttpOnly; SameSite=Lax",
                self.session
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }
}

/// The language to answer a request in: the one `asked` by the switch, else the remembered one,
/// else the browser's.
pub fn lang_for(headers: &HeaderMap, asked: Option<&str>) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::choose(asked, cookie(headers, LANG_COOKIE).as_deref(), accept)
}

/// Whether a post was sent by another site's page: the browser says so (`Sec-Fetch-Site`), or
/// the `Origin` it names is not this host. Such a post is refused before anything it carries is
/// shown, so no other site can put words into the portal's forms.
pub fn from_elsewhere(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (text("origin"), text("host")) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_none_or(|(_, authority)| !authority.eq_ignore_ascii_case(host)),
        _ => false,
    }
}

/// Why a posted form is not taken as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Another site's page sent it: refused before anything it carried is shown.
    CrossSite,
    /// Its token is not this browser's, or the form stayed open too long: it comes back as
    /// typed, to be sent again.
    Expired,
    /// A robot filled in the honeypot: it is thanked and nothing is recorded.
    Robot,
}

impl Refusal {
    /// What the form's page says about it.
    pub fn notice(self, texts: &Texts) -> &'static str {
        match self {
            Self::CrossSite => texts.cross_site,
            Self::Expired => texts.expired_form,
            Self::Robot => "",
        }
    }

    /// Whether the form comes back as it was sent, rather than blank.
    pub fn keeps_typed(self) -> bool {
        self == Self::Expired
    }
}

/// A process's answer as the portal takes it: done (`Some`), or failed for now (`None`: the
/// visitor may try again; logged); an error page when the portal is busy (429) or its set-up is
/// wrong (the process does not take its account: 401, 403).
pub fn settled(answer: Result<Answer, String>, what: &str) -> Result<Option<Answer>, ApiError> {
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => {
            eprintln!("the portal could not {what}: {error}");
            return Ok(None);
        }
    };
    match answer.status {
        200..=299 => Ok(Some(answer)),
        429 => Err(ApiError::TooManyRequests {
            detail: "the portal account's limit is spent".to_owned(),
        }),
        status => {
            eprintln!(
                "the portal could not {what}: HTTP {status} {}",
                answer.detail()
            );
            if matches!(status, 401 | 403) {
                return Err(ApiError::NotConfigured {
                    detail: format!("the portal account may not {what}"),
                });
            }
            Ok(None)
        }
    }
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// What the deployment set up for the portal.
#[derive(Debug, Clone)]
pub struct Setup {
    pub keys: Keys,
    pub user: String,
    secret: String,
}

impl Setup {
    /// 503 naming what is missing when the portal is not set up.
    pub async fn read(services: &Services) -> Result<Self, ApiError> {
        let secret = relay_secret(&*services.vars).await?;
        let user = services.vars.get(PORTAL_USER).await?.unwrap_or_default();
        if user.trim().is_empty() {
            return Err(ApiError::NotConfigured {
                detail: format!(
                    "the portal needs the Spin variable {PORTAL_USER}: the user it acts as"
                ),
            });
        }
        Ok(Self {
            keys: Keys::derive(&secret),
            user: user.trim().to_owned(),
            secret,
        })
    }

    /// A token for a new form shown to this visitor.
    pub fn new_form_token(&self, visit: &Visit) -> Result<String, ApiError> {
        let now_unix = itsm_http::time::unix_seconds(&itsm_http::now())?;
        let form_id = random_id().map_err(|e| ApiError::Internal(format!("no randomness: {e}")))?;
        Ok(self.keys.form_token(&visit.session, &form_id, now_unix))
    }

    /// The form a posted token names, if this portal gave it to this visitor's browser within
    /// the hours a form may stay open.
    pub fn form_id(&self, token: &str, visit: &Visit) -> Result<Option<String>, ApiError> {
        let now_unix = itsm_http::time::unix_seconds(&itsm_http::now())?;
        Ok(self.keys.check_form_token(token, &visit.session, now_unix))
    }

    /// Whether `key` is the one this portal gave record `number`'s page.
    pub fn holds_key(&self, number: &str, key: &str) -> bool {
        let well_formed = number.len() <= 20 && number.chars().all(|c| c.is_ascii_alphanumeric());
        well_formed && self.keys.ticket_key_valid(number, key)
    }

    /// The guards every posted form passes, in order: the site that sent it, its token, the
    /// honeypot. The form's id (the Idempotency-Key of what it records), or why not.
    pub fn admit(
        &self,
        headers: &HeaderMap,
        visit: &Visit,
        token: &str,
        honeypot: &str,
    ) -> Result<Result<String, Refusal>, ApiError> {
        if from_elsewhere(headers) {
            return Ok(Err(Refusal::CrossSite));
        }
        let Some(form_id) = self.form_id(token, visit)? else {
            return Ok(Err(Refusal::Expired));
        };
        if !honeypot.is_empty() {
            eprintln!("the portal's honeypot was filled in; nothing was recorded");
            return Ok(Err(Refusal::Robot));
        }
        Ok(Ok(form_id))
    }

    /// The processes, called as the portal's user now.
    pub fn processes(&self) -> Result<Relayed, ApiError> {
        let now_unix = itsm_http::time::unix_seconds(&itsm_http::now())?;
        Ok(Relayed::as_user(&self.secret, &self.user, now_unix))
    }

    /// Where the process's answer to a new record leads: the record's keyed page, if it was
    /// recorded (`None`: not now; the visitor may send the form again).
    pub fn page_of_new(
        &self,
        answer: Result<Answer, String>,
        what: &str,
    ) -> Result<Option<String>, ApiError> {
        let number = settled(answer, what)?
            .and_then(|recorded| recorded.body["number"].as_str().map(str::to_owned));
        Ok(number.map(|n| format!("/portal/tickets/{n}/{}", self.keys.ticket_key(&n))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        map
    }

    #[test]
    fn posts_from_other_sites_are_known() {
        assert!(!from_elsewhere(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(from_elsewhere(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(from_elsewhere(&headers(&[("sec-fetch-site", "same-site")])));
        let ours = [
            ("origin", "https://itsm.example.com"),
            ("host", "itsm.example.com"),
        ];
        assert!(!from_elsewhere(&headers(&ours)));
        let theirs = [
            ("origin", "https://evil.example"),
            ("host", "itsm.example.com"),
        ];
        assert!(from_elsewhere(&headers(&theirs)));
        assert!(from_elsewhere(&headers(&[("origin", "null")])));
        assert!(
            !from_elsewhere(&headers(&[])),
            "a client that is not a browser"
        );
    }

    #[test]
    fn a_first_visit_gets_a_session_and_a_later_one_keeps_it() {
        let first = Visit::read(&headers(&[("accept-language", "zh-CN")]), None).expect("visit");
        assert_eq!(first.lang, Lang::Zh);
        assert!(first.new_session);
        let cookie = format!("{LANG_COOKIE}=en; {SESSION_COOKIE}={}", first.session);
        let later = Visit::read(
            &headers(&[("cookie", &cookie), ("accept-language", "zh")]),
            None,
        )
        .expect("visit");
        assert_eq!(
            (later.lang, later.session.as_str()),
            (Lang::En, first.session.as_str())
        );
        assert!(!later.new_session);
        let switched = Visit::read(&headers(&[("cookie", &cookie)]), Some("zh")).expect("visit");
        assert_eq!(
            (switched.lang, switched.remember),
            (Lang::Zh, Some(Lang::Zh))
        );
        let odd =
            Visit::read(&headers(&[("cookie", "portal_session=short")]), None).expect("visit");
        assert!(odd.new_session, "a session id not of ours is replaced");
    }
}
