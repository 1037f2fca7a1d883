//! `POST /api/v1/channels/email/mailgun`: e-mail to the service desk, as a Mailgun route's
//! `forward()` posts it (form-encoded, or multipart when it has attachments). The post must be
//! signed with the webhook signing key (the `mailgun_signing_key` variable) within five minutes,
//! and each signature is good once (else 401, logged, nothing done). A message is handled once
//! however often it arrives (by its Message-Id, for Mailgun's retries over hours). It is acted
//! on only for a person (not an automatic reply or bulk mail) whose sender the provider
//! verified (SPF or DKIM) and who is exactly one active user: a reply naming an incident in its
//! subject becomes a comment on it, anything else a new incident, through the incident process
//! as that user. Whatever is not acted on is answered 200 with the reason, so Mailgun does not
//! retry what would be refused again.

use super::signed::{RequestGuard, refuse_signature};
use crate::api::{Answer, ProcessApi, Relayed};
use crate::store::{Seen, arrive, only_customer_of, users_with_email};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use http::HeaderMap;
use http::Method;
use itsm_domain::RecordKind;
use itsm_domain::inbound_mail::{
    Attachment, comment_text, header, incident_text, mailgun_signature_valid, referenced_record,
    refusal, sender_address,
};
use itsm_http::relay::relay_header;
use itsm_http::{ApiError, Services};
use itsm_store::{Variables, in_transaction};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The Spin variable holding Mailgun's HTTP webhook signing key.
pub const SIGNING_KEY: &str = "mailgun_signing_key";
/// The Spin variable that, set to `true`, acts on mail whose sender the provider could not
/// verify (for a domain without SPF or DKIM).
pub const TRUST_UNVERIFIED: &str = "email_trust_unverified_senders";
/// The largest message accepted, attachments included: the 25 MB that common providers,
/// Mailgun among them, take.
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;
/// How long a message is remembered: past Mailgun's retries, which go on for eight hours.
const REMEMBER_MESSAGES_MINUTES: i64 = 24 * 60;
/// How long a used signature is remembered: past its five-minute window.
const REMEMBER_TOKENS_MINUTES: i64 = 10;
const PLATFORM: &str = "email";

pub async fn mailgun(
    State(services): State<Services>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let guard = RequestGuard::new(&services, PLATFORM)
        .await?
        .remembering(REMEMBER_MESSAGES_MINUTES);
    let posted = Posted::read(&headers, body).await?;
    verify(&services, &guard, &posted).await?;
    spend_signature(&services, &guard, posted.get("token")).await?;
    let relay_secret = guard.relay_secret().await?;
    let trust_unverified = services.vars.get(TRUST_UNVERIFIED).await?.as_deref() == Some("true");
    let message = Message::read(&posted)?;
    guard
        .once(
            message.key.as_bytes(),
            json!({"outcome": "in_hand"}),
            async || {
                let relay = |user: &str| Relayed {
                    authorization: relay_header(&relay_secret, user, guard.now_unix),
                };
                let outcome = act(&services, &message, trust_unverified, &guard.now, relay).await?;
                if outcome["outcome"] == "refused" {
                    eprintln!(
                        "an e-mail from {} was not acted on: {}",
                        message.from, outcome["reason"]
                    );
                }
                Ok(outcome)
            },
        )
        .await
        .map(Json)
}

/// The fields Mailgun posted, and the attachments it carried (named, not kept).
struct Posted {
    fields: Vec<(String, String)>,
    attachments: Vec<Attachment>,
}

impl Posted {
    async fn read(headers: &HeaderMap, body: Bytes) -> Result<Self, ApiError> {
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !content_type
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
        {
            let fields = serde_urlencoded::from_bytes(&body).map_err(|e| {
                ApiError::bad_field("body", format!("not a form-encoded message: {e}"))
            })?;
            return Ok(Self {
                fields,
                attachments: Vec::new(),
            });
        }
        let boundary = multer::parse_boundary(content_type)
            .map_err(|e| ApiError::bad_field("content-type", e.to_string()))?;
        let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
        let mut parts = multer::Multipart::new(stream, boundary);
        let malformed = |e: multer::Error| ApiError::bad_field("body", e.to_string());
        let mut posted = Self {
            fields: Vec::new(),
            attachments: Vec::new(),
        };
        while let Some(part) = parts.next_field().await.map_err(malformed)? {
            let name = part.name().unwrap_or_default().to_owned();
            let file = part.file_name().map(str::to_owned);
            let bytes = part.bytes().await.map_err(malformed)?;
            match file {
                Some(file) => posted.attachments.push(Attachment {
                    name: file,
                    bytes: bytes.len(),
                }),
                None => {
                    let text = String::from_utf8(bytes.to_vec())
                        .map_err(|_| ApiError::bad_field(&name, "is not UTF-8 text"))?;
                    posted.fields.push((name, text));
                }
            }
        }
        Ok(posted)
    }

    fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

async fn verify(
    services: &Services,
    guard: &RequestGuard<'_>,
    posted: &Posted,
) -> Result<(), ApiError> {
    let key = guard.secret(SIGNING_KEY).await?;
    let checked = mailgun_signature_valid(
        &key,
        posted.get("timestamp"),
        posted.get("token"),
        posted.get("signature"),
        guard.now_unix,
    );
    match checked {
        Ok(()) => Ok(()),
        Err(why) => {
            Err(refuse_signature(services, PLATFORM, why, &guard.now, guard.now_unix).await)
        }
    }
}

/// Mailgun's signature covers a timestamp and a one-time token, not the message: a signature
/// seen before is refused, so a captured one cannot carry another message.
async fn spend_signature(
    services: &Services,
    guard: &RequestGuard<'_>,
    token: &str,
) -> Result<(), ApiError> {
    let hash = hex::encode(Sha256::digest(format!("mailgun-token:{token}")));
    let forget_before = guard.forget_before(REMEMBER_TOKENS_MINUTES);
    let seen = in_transaction(&*services.db, async |db| {
        Ok::<_, ApiError>(arrive(db, "email-token", &hash, &guard.now, &forget_before).await?)
    })
    .await?;
    if seen == Seen::First {
        return Ok(());
    }
    let why = "this signature was used before";
    Err(refuse_signature(services, PLATFORM, why, &guard.now, guard.now_unix).await)
}

/// The message, read from the post.
struct Message {
    /// What the message is known by across Mailgun's retries.
    key: String,
    from: String,
    subject: String,
    /// The whole text, for a new incident.
    body: String,
    /// The reply without the quoted message, for a comment.
    reply: String,
    headers: Vec<(String, String)>,
    attachments: Vec<Attachment>,
}

impl Message {
    fn read(posted: &Posted) -> Result<Self, ApiError> {
        let headers: Vec<(String, String)> = match posted.get("message-headers") {
            "" => Vec::new(),
            listed => serde_json::from_str(listed).map_err(|e| {
                ApiError::bad_field(
                    "message-headers",
                    format!("not a JSON list of [name, value] pairs: {e}"),
                )
            })?,
        };
        let from = match posted.get("from") {
            "" => posted.get("sender"),
            from => from,
        };
        if from.is_empty() {
            return Err(ApiError::bad_field("from", "the message names no sender"));
        }
        let key = match header(&headers, "Message-Id") {
            Some(id) if !id.trim().is_empty() => format!("message-id:{}", id.trim()),
            _ => format!("token:{}", posted.get("token")),
        };
        let body = posted.get("body-plain").to_owned();
        let reply = match posted.get("stripped-text").trim() {
            "" => body.clone(),
            stripped => stripped.to_owned(),
        };
        Ok(Self {
            key,
            from: from.to_owned(),
            subject: posted.get("subject").to_owned(),
            body,
            reply,
            headers,
            attachments: posted.attachments.clone(),
        })
    }
}

/// Acts on the message as its sender, or says why not.
async fn act<A: ProcessApi>(
    services: &Services,
    message: &Message,
    trust_unverified: bool,
    now: &str,
    api_as: impl Fn(&str) -> A,
) -> Result<Value, ApiError> {
    let refused = |reason: String| json!({"outcome": "refused", "reason": reason});
    if let Some(why) = refusal(&message.headers, trust_unverified) {
        return Ok(refused(why.to_owned()));
    }
    let Some(address) = sender_address(&message.from) else {
        return Ok(refused(format!(
            "`{}` is not an e-mail address",
            message.from
        )));
    };
    let user = match users_with_email(&*services.db, &address).await?.as_slice() {
        [user] => user.clone(),
        [] => {
            return Ok(refused(format!(
                "{address} is not the address of an active user here"
            )));
        }
        _ => {
            return Ok(refused(format!(
                "more than one user has the address {address}"
            )));
        }
    };
    let api = api_as(&user);
    let mut note = String::new();
    if let Some(record) = referenced_record(&message.subject) {
        if record.kind == RecordKind::Incident {
            let path = format!("/api/v1/incidents/{}/comments", record.number());
            let comment = json!({"body": comment_text(&message.reply, &message.attachments)});
            let answer = settled(api.call(Method::POST, &path, Some(&comment)).await)?;
            if answer.ok() {
                return Ok(
                    json!({"outcome": "commented", "record": record.number(), "user": user}),
                );
            }
            note = format!(
                "This e-mail answers {}, which did not take it: {}\n\n",
                record.number(),
                answer.detail()
            );
        } else {
            note = format!(
                "This e-mail is about {}, which takes no comments.\n\n",
                record.number()
            );
        }
    }
    let customer = only_customer_of(&*services.db, &user, now).await?;
    let text = incident_text(
        &address,
        &message.subject,
        &format!("{note}{}", message.body),
        &message.attachments,
    );
    let mut incident = json!({"short_description": text.short_description, "description": text.description,
                              "impact": "medium", "urgency": "medium", "caller": user, "channel": "email"});
    if let Some(customer) = customer {
        incident["customer"] = Value::String(customer);
    }
    let answer = settled(
        api.call(Method::POST, "/api/v1/incidents", Some(&incident))
            .await,
    )?;
    if answer.ok() {
        return Ok(json!({"outcome": "created", "record": answer.body["number"], "user": user}));
    }
    Ok(refused(format!(
        "the incident process refused it: {}",
        answer.detail()
    )))
}

/// The process's answer if it settled the matter (done, or refused for good); an error, so
/// that Mailgun sends the message again later, when the process failed or was busy.
fn settled(answer: Result<Answer, String>) -> Result<Answer, ApiError> {
    let answer = answer.map_err(ApiError::Internal)?;
    match answer.status {
        429 => Err(ApiError::TooManyRequests {
            detail: format!("the incident process is busy: {}", answer.detail()),
        }),
        500.. => Err(ApiError::Internal(format!(
            "the incident process failed: {}",
            answer.detail()
        ))),
        _ => Ok(answer),
    }
}
