//! `POST /api/v1/channels/email/mailgun`: e-mail to the service desk, as a Mailgun route's
//! `forward()` posts it (form-encoded, or multipart when it has attachments). The post must be
//! signed with the webhook signing key (the `mailgun_signing_key` variable), and a signature is
//! good for one message only, since it does not cover the message (else 401, logged, nothing
//! done). A message is handled once however often it arrives (Mailgun retries for hours). It is
//! acted on only for a person (not an automatic reply or bulk mail) proven to write from the
//! From address (SPF or DKIM for its domain) that is exactly one active user's: a reply naming
//! an open incident in its subject becomes a comment on it, anything else a new incident,
//! through the incident process as that user. What is not acted on is answered 200 with the
//! reason, so Mailgun does not send again what would be refused again; a failure is not.

use super::signed::{RequestGuard, refuse_signature};
use crate::store::{bind_signature, users_with_email};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use http::HeaderMap;
use http::Method;
use itsm_domain::RecordKind;
use itsm_domain::inbound_mail::{
    Attachment, Sender, comment_text, header, incident_text, mailgun_signature_valid,
    referenced_record, refusal, sender_address,
};
use itsm_http::process_api::{Answer, ProcessApi, Relayed};
use itsm_http::{ApiError, RawBody, Services};
use itsm_store::{Variables, in_transaction};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The Spin variable holding Mailgun's HTTP webhook signing key.
pub const SIGNING_KEY: &str = "mailgun_signing_key";
/// The Spin variable listing mail domains (comma-separated) whose senders are taken on trust,
/// for domains with neither SPF nor DKIM.
pub const TRUSTED_DOMAINS: &str = "email_trusted_domains";
/// The largest post accepted, attachments and Mailgun's copies of the text included: room for
/// a message of the 25 MB that common providers, Mailgun among them, take.
pub const MAX_POST_BYTES: usize = 32 * 1024 * 1024;
/// How long a message and a used signature are remembered: past Mailgun's retries (eight
/// hours) and so past the oldest signature accepted.
const REMEMBER_MINUTES: i64 = 24 * 60;
/// The longest text field read: far more than a record keeps, enough to say how long it was.
const MAX_FIELD_BYTES: usize = 1024 * 1024;
const PLATFORM: &str = "email";

pub async fn mailgun(
    State(services): State<Services>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, ApiError> {
    let guard = RequestGuard::new(&services, PLATFORM)
        .await?
        .remembering(REMEMBER_MINUTES);
    let posted = Posted::read(&headers, body).await?;
    verify(&services, &guard, &posted).await?;
    let relay_secret = guard.relay_secret().await?;
    let trusted_domains = trusted_domains(&services).await?;
    let message = Message::read(&posted)?;
    bind(&services, &guard, posted.get("token"), &message.key).await?;
    let busy = Err(ApiError::Conflict {
        detail: "this message is being handled; send it again later".to_owned(),
    });
    guard
        .once(message.key.as_bytes(), busy, async || {
            let relay = |user: &str| Relayed::as_user(&relay_secret, user, guard.now_unix);
            let outcome = act(&services, &message, &trusted_domains, relay).await?;
            if outcome["outcome"] == "refused" {
                eprintln!(
                    "an e-mail from {} was not acted on: {}",
                    message.from, outcome["reason"]
                );
            }
            Ok(outcome)
        })
        .await
        .map(Json)
}

async fn trusted_domains(services: &Services) -> Result<Vec<String>, ApiError> {
    let listed = services
        .vars
        .get(TRUSTED_DOMAINS)
        .await?
        .unwrap_or_default();
    Ok(listed
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .collect())
}

/// The fields Mailgun posted, and the attachments it carried (named and measured, not kept).
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
        while let Some(mut part) = parts.next_field().await.map_err(malformed)? {
            let name = part.name().unwrap_or("part").to_owned();
            let file = part.file_name().map(str::to_owned);
            // Attachments are measured, not kept; text is kept up to what could be used.
            let mut kept = Vec::new();
            let mut length = 0;
            while let Some(chunk) = part.chunk().await.map_err(malformed)? {
                length += chunk.len();
                if file.is_none() && kept.len() < MAX_FIELD_BYTES {
                    kept.extend_from_slice(&chunk[..chunk.len().min(MAX_FIELD_BYTES - kept.len())]);
                }
            }
            match file {
                Some(file) => posted.attachments.push(Attachment {
                    name: file,
                    bytes: length,
                }),
                // Mailgun posts text as UTF-8; anything else is shown as best it can be.
                None => posted
                    .fields
                    .push((name, String::from_utf8_lossy(&kept).into_owned())),
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

/// Mailgun's signature covers a timestamp and a one-time token, not the message: the token is
/// bound to the first message it came with, and refused with any other, so a captured
/// signature cannot carry another message (Mailgun's retries of the same one pass).
async fn bind(
    services: &Services,
    guard: &RequestGuard<'_>,
    token: &str,
    message_key: &str,
) -> Result<(), ApiError> {
    let hash = hex::encode(Sha256::digest(format!("mailgun-token:{token}")));
    let forget_before = guard.forget_before(REMEMBER_MINUTES);
    let bound = in_transaction(&*services.db, async |db| {
        let bound = bind_signature(
            db,
            "email-signature",
            &hash,
            message_key,
            &guard.now,
            &forget_before,
        )
        .await?;
        Ok::<_, ApiError>(bound)
    })
    .await?;
    if bound {
        return Ok(());
    }
    let why = "this signature came with another message";
    Err(refuse_signature(services, PLATFORM, why, &guard.now, guard.now_unix).await)
}

/// The message, read from the post.
struct Message {
    /// What the message is known by across Mailgun's retries: its Message-Id with who sent
    /// it and what it says, so nobody can pass their mail off as another's copy.
    key: String,
    from: String,
    /// The SMTP envelope sender, which SPF checks.
    envelope: String,
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
        let body = posted.get("body-plain");
        let key = hex::encode(Sha256::digest(
            [
                header(&headers, "Message-Id").unwrap_or_else(|| posted.get("token")),
                from,
                posted.get("subject"),
                body,
            ]
            .join("\u{0}"),
        ));
        let reply = match posted.get("stripped-text").trim() {
            "" => body,
            stripped => stripped,
        };
        Ok(Self {
            key: format!("message:{key}"),
            from: from.to_owned(),
            envelope: posted.get("sender").to_owned(),
            subject: posted.get("subject").to_owned(),
            body: body.to_owned(),
            reply: reply.to_owned(),
            headers,
            attachments: posted.attachments.clone(),
        })
    }
}

/// Acts on the message as its sender, or says why not.
async fn act<A: ProcessApi>(
    services: &Services,
    message: &Message,
    trusted_domains: &[String],
    api_as: impl Fn(&str) -> A,
) -> Result<Value, ApiError> {
    let refused = |reason: String| json!({"outcome": "refused", "reason": reason});
    let Some(address) = sender_address(&message.from) else {
        return Ok(refused(format!(
            "`{}` is not an e-mail address",
            message.from
        )));
    };
    let envelope = sender_address(&message.envelope).unwrap_or_default();
    let sender = Sender {
        from: &address,
        envelope: &envelope,
    };
    if let Some(why) = refusal(&message.headers, sender, trusted_domains) {
        return Ok(refused(why.to_owned()));
    }
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
    let idempotency = |what: &str| format!("{}:{what}", message.key);
    let note = match referenced_record(&message.subject) {
        Some(record) if record.kind == RecordKind::Incident => {
            let path = format!("/api/v1/incidents/{}", record.number());
            let shown = settled(api.call(Method::GET, &path, None).await)?;
            let why_not = match (shown.ok(), shown.body["state"].as_str()) {
                (true, Some(state @ ("closed" | "cancelled"))) => Some(format!("which is {state}")),
                (true, _) => None,
                (false, _) => Some(format!("which could not take it: {}", shown.detail())),
            };
            match why_not {
                None => {
                    let comment =
                        json!({"body": comment_text(&message.reply, &message.attachments)});
                    let path = format!("{path}/comments");
                    let added = settled(
                        api.post_once(&path, &comment, &idempotency("comment"))
                            .await,
                    )?;
                    if added.ok() {
                        return Ok(
                            json!({"outcome": "commented", "record": record.number(), "user": user}),
                        );
                    }
                    format!(
                        "This e-mail answers {}, which did not take it: {}\n\n",
                        record.number(),
                        added.detail()
                    )
                }
                Some(why) => format!("This e-mail answers {}, {why}.\n\n", record.number()),
            }
        }
        Some(record) => format!(
            "This e-mail is about {}, which takes no comments.\n\n",
            record.number()
        ),
        None => String::new(),
    };
    let text = incident_text(
        &address,
        &message.subject,
        &note,
        &message.body,
        &message.attachments,
    );
    let incident = json!({"short_description": text.short_description, "description": text.description,
                          "impact": "medium", "urgency": "medium", "caller": user, "channel": "email"});
    let answer = settled(
        api.post_once("/api/v1/incidents", &incident, &idempotency("incident"))
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
/// that Mailgun sends the message again later, when the process failed, was busy (or still
/// handling an earlier copy past the wait `post_once` allows), or did not
/// take our credential (a deployment's mistake, not the message's).
fn settled(answer: Result<Answer, String>) -> Result<Answer, ApiError> {
    let answer = answer.map_err(ApiError::Internal)?;
    if answer.in_progress() {
        return Err(ApiError::RequestInProgress {
            detail: format!(
                "the incident process is still handling an earlier copy: {}",
                answer.detail()
            ),
        });
    }
    match answer.status {
        429 => Err(ApiError::TooManyRequests {
            detail: format!("the incident process is busy: {}", answer.detail()),
        }),
        401 | 500.. => Err(ApiError::Internal(format!(
            "the incident process answered HTTP {}: {}",
            answer.status,
            answer.detail()
        ))),
        _ => Ok(answer),
    }
}
