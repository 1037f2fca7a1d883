//! Calls from one component to the process components, as one person: through Spin's service
//! chaining (`http://<component>.spin.internal`, never leaving the host), with a relayed
//! credential (`crate::relay`), so each process applies its own rules to that person exactly as
//! if they had called it themselves. The chat channels act so for a linked account, the portal
//! for its own account. A trait, so callers are tested without a host.

use http::Method;
use serde_json::Value;

/// A process component's answer: its status and JSON body (`null` when it had none).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The process is still handling an earlier copy of this POST (same `Idempotency-Key`); sent
    /// again shortly, it gets that copy's answer.
    pub fn in_progress(&self) -> bool {
        self.status == 409 && self.body["type"] == "urn:itsm:problem:request-in-progress"
    }

    /// What a refusal says (a problem's `detail`), for the person who asked.
    pub fn detail(&self) -> String {
        self.body["detail"].as_str().map_or_else(
            || format!("the answer was HTTP {}", self.status),
            str::to_owned,
        )
    }
}

#[allow(async_fn_in_trait)]
pub trait ProcessApi {
    /// Calls `path` (such as `/api/v1/incidents`) with an optional JSON body.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, String>;

    /// POSTs `body` under an `Idempotency-Key`, so sending it again (after an answer was lost)
    /// does it once. Without one of its own, an implementation just posts.
    async fn post_once(&self, path: &str, body: &Value, _key: &str) -> Result<Answer, String> {
        self.call(Method::POST, path, Some(body)).await
    }
}

/// Which component serves a path, as spin.toml routes it.
pub fn component_for(path: &str) -> Option<&'static str> {
    [
        ("/api/v1/incidents", "incident"),
        ("/api/v1/requests", "service-request"),
        ("/api/v1/problems", "problem"),
        ("/api/v1/catalogue", "catalogue"),
        ("/api/v1/complaints", "relationship"),
        ("/api/v1/satisfaction-responses", "relationship"),
    ]
    .into_iter()
    .find(|(prefix, _)| path.starts_with(prefix))
    .map(|(_, component)| component)
}

impl Relayed {
    /// The processes, called as `user` (for the next couple of minutes).
    pub fn as_user(secret: &str, user: &str, now_unix: i64) -> Self {
        Self {
            authorization: crate::relay::relay_header(secret, user, now_unix),
        }
    }
}

/// The process components, called as one person.
#[derive(Debug, Clone)]
pub struct Relayed {
    /// The `Authorization` value (`Relay …`).
    pub authorization: String,
}

/// The most of an answer read: far more than any page a command asks for, and room for a
/// report's messages, which are listed whole (hundreds of the longest).
#[cfg(target_arch = "wasm32")]
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// How often, and how far apart, a POST whose earlier copy is still being handled is sent again
/// (a visitor's second click, a provider's retry): at most two seconds' wait for the first
/// copy's answer, well inside the time a person or a chat platform waits.
#[cfg(target_arch = "wasm32")]
const IN_PROGRESS_TRIES: u32 = 8;
#[cfg(target_arch = "wasm32")]
const IN_PROGRESS_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

#[cfg(target_arch = "wasm32")]
impl ProcessApi for Relayed {
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, String> {
        self.send(method, path, body, None).await
    }

    async fn post_once(&self, path: &str, body: &Value, key: &str) -> Result<Answer, String> {
        let mut answer = self.send(Method::POST, path, Some(body), Some(key)).await?;
        for _ in 1..IN_PROGRESS_TRIES {
            if !answer.in_progress() {
                break;
            }
            spin_sdk::time::sleep(IN_PROGRESS_PAUSE).await;
            answer = self.send(Method::POST, path, Some(body), Some(key)).await?;
        }
        Ok(answer)
    }
}

#[cfg(target_arch = "wasm32")]
impl Relayed {
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> Result<Answer, String> {
        use http_body_util::{BodyExt, Limited};
        use spin_sdk::http::FullBody;

        let component = component_for(path).ok_or_else(|| format!("no component serves {path}"))?;
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("http://{component}.spin.internal{path}"))
            .header(http::header::AUTHORIZATION, &self.authorization)
            .header(http::header::CONTENT_TYPE, "application/json");
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        let request = request
            .body(FullBody::new(bytes::Bytes::from(bytes)))
            .map_err(|e| format!("the call could not be built: {e}"))?;
        let response = spin_sdk::http::send(request)
            .await
            .map_err(|e| format!("{component} did not answer: {e:?}"))?;
        let status = response.status().as_u16();
        let collected = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| format!("{component}'s answer could not be read: {e}"))?;
        let body = serde_json::from_slice(&collected.to_bytes()).unwrap_or(Value::Null);
        Ok(Answer { status, body })
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl ProcessApi for Relayed {
    /// Native builds serve the OpenAPI document and unit tests; they call nothing.
    async fn call(
        &self,
        _method: Method,
        path: &str,
        _body: Option<&Value>,
    ) -> Result<Answer, String> {
        Err(format!("calling {path} needs a Spin host"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_goes_to_its_process() {
        assert_eq!(
            component_for("/api/v1/incidents/INC0000001/assign"),
            Some("incident")
        );
        assert_eq!(
            component_for("/api/v1/requests?approver=me"),
            Some("service-request")
        );
        assert_eq!(
            component_for("/api/v1/problems/PRB0000001"),
            Some("problem")
        );
        assert_eq!(
            component_for("/api/v1/complaints/CMP0000001"),
            Some("relationship")
        );
        assert_eq!(
            component_for("/api/v1/satisfaction-responses?about=INC0000001"),
            Some("relationship")
        );
        assert_eq!(
            component_for("/api/v1/catalogue/items/laptop"),
            Some("catalogue")
        );
        assert_eq!(component_for("/api/v1/users"), None);
    }

    #[test]
    fn a_refusal_reads_as_its_detail() {
        let refused = Answer {
            status: 403,
            body: serde_json::json!({"detail": "this needs the authority incident.write"}),
        };
        assert!(!refused.ok());
        assert_eq!(refused.detail(), "this needs the authority incident.write");
        let bare = Answer {
            status: 502,
            body: Value::Null,
        };
        assert_eq!(bare.detail(), "the answer was HTTP 502");
    }

    #[test]
    fn only_the_idempotency_conflict_reads_as_in_progress() {
        let in_progress = Answer {
            status: 409,
            body: serde_json::json!({"type": "urn:itsm:problem:request-in-progress"}),
        };
        assert!(in_progress.in_progress());
        let rated_already = Answer {
            status: 409,
            body: serde_json::json!({"type": "urn:itsm:problem:conflict"}),
        };
        assert!(!rated_already.in_progress());
    }
}
