//! What every signed chat route does around its platform's own check: the time, the secrets it
//! needs (503 naming the variable when unset), the audit entry of a refused signature, and
//! handling each signed body once, however often the platform retries it.

use crate::store::{Seen, answered, arrive, forget};
use itsm_http::auth::UNAUTHENTICATED_USER;
use itsm_http::{ApiError, Services};
use itsm_store::{AuditEntry, Kv, Variables, in_transaction, insert_audit_entry};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// How long a handled request is remembered: past every platform's replay window.
const REMEMBER_MINUTES: i64 = 10;
/// How long a first copy may stay in hand before a copy takes it over: far longer than any
/// handling takes, so only one whose instance stopped is taken over.
const IN_HAND_MINUTES: i64 = 5;

pub struct RequestGuard<'s> {
    services: &'s Services,
    platform: &'static str,
    pub now: String,
    pub now_unix: i64,
    remember_minutes: i64,
}

impl<'s> RequestGuard<'s> {
    pub async fn new(services: &'s Services, platform: &'static str) -> Result<Self, ApiError> {
        let now = itsm_http::now();
        let now_unix = itsm_http::time::unix_seconds(&now)?;
        Ok(Self {
            services,
            platform,
            now,
            now_unix,
            remember_minutes: REMEMBER_MINUTES,
        })
    }

    /// Remembers handled requests for longer: for a sender that retries over hours.
    pub fn remembering(mut self, minutes: i64) -> Self {
        self.remember_minutes = minutes;
        self
    }

    /// When what arrived before is forgotten.
    pub fn forget_before(&self, minutes: i64) -> String {
        itsm_http::time::format_instant(
            chrono::DateTime::from_timestamp(self.now_unix - minutes * 60, 0).unwrap_or_default(),
        )
    }

    /// A secret the platform's check needs; 503 naming it when the deployment has not set it.
    pub async fn secret(&self, variable: &str) -> Result<String, ApiError> {
        match self
            .services
            .vars
            .get(variable)
            .await?
            .filter(|v| !v.is_empty())
        {
            Some(secret) => Ok(secret),
            None => Err(ApiError::NotConfigured {
                detail: format!(
                    "{} is not set up: set the Spin variable {variable} (SPIN_VARIABLE_{})",
                    self.platform,
                    variable.to_ascii_uppercase()
                ),
            }),
        }
    }

    /// The secret relayed calls to the processes are signed with.
    pub async fn relay_secret(&self) -> Result<String, ApiError> {
        itsm_http::relay::relay_secret(&*self.services.vars).await
    }

    /// Runs `handle` for the first copy of a signed request (known by `key`: its body, or
    /// what names it) and keeps its answer; a repeat gets that answer (or, while the first is
    /// still being handled, `busy`) and does nothing.
    pub async fn once(
        &self,
        key: &[u8],
        busy: Result<Value, ApiError>,
        handle: impl AsyncFnOnce() -> Result<Value, ApiError>,
    ) -> Result<Value, ApiError> {
        let db = &*self.services.db;
        let hash = hex::encode(Sha256::digest(key));
        let forget_before = self.forget_before(self.remember_minutes);
        let in_hand_before = self.forget_before(IN_HAND_MINUTES);
        let seen = in_transaction(db, async |db| {
            let seen = arrive(
                db,
                self.platform,
                &hash,
                &self.now,
                &forget_before,
                &in_hand_before,
            )
            .await?;
            Ok::<_, ApiError>(seen)
        })
        .await?;
        match seen {
            Seen::Answered(answer) => Ok(answer),
            Seen::InHand => busy,
            Seen::First => match handle().await {
                Ok(answer) => {
                    in_transaction(db, async |db| {
                        answered(db, &hash, &answer).await?;
                        Ok::<_, ApiError>(())
                    })
                    .await?;
                    Ok(answer)
                }
                Err(error) => {
                    // Nothing was answered, so a retry must be handled, not told to wait.
                    in_transaction(db, async |db| {
                        forget(db, &hash).await?;
                        Ok::<_, ApiError>(())
                    })
                    .await?;
                    Err(error)
                }
            },
        }
    }
}

/// The 401 for a request whose signature failed. Every refusal goes to the log; the audit trail
/// records the first of each minute per platform, so a misconfigured secret or an attack shows
/// there without anyone being able to flood it with unsigned requests.
pub async fn refuse_signature(
    services: &Services,
    platform: &str,
    why: &str,
    now: &str,
    now_unix: i64,
) -> ApiError {
    eprintln!("refused a request from {platform} at {now}: {why}");
    let minute = (now_unix / 60).to_string();
    let key = format!("chat:refused:{platform}");
    let seen = services.kv.get(&key).await.ok().flatten();
    if seen.as_deref() != Some(minute.as_bytes()) {
        let _ = services.kv.set(&key, minute.as_bytes()).await;
        let recorded = in_transaction(&*services.db, async |db| {
            insert_audit_entry(
                db,
                &AuditEntry {
                    entity_type: "chat_request",
                    entity_id: 0,
                    action: "signature.refused",
                    actor: UNAUTHENTICATED_USER,
                    actor_roles: "",
                    occurred_at: now,
                    before: None,
                    after: Some(&json!({"platform": platform})),
                    reason: Some(why),
                },
            )
            .await?;
            Ok::<_, ApiError>(())
        })
        .await;
        if let Err(error) = recorded {
            eprintln!("a refused {platform} request could not be recorded: {error}");
        }
    }
    ApiError::Unauthorized {
        detail: format!("the {platform} signature was refused: {why}"),
    }
}
