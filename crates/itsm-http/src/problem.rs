//! One error type for the HTTP layer, answered as `application/problem+json` (RFC 9457) with
//! `type`, `title`, `status`, `detail` and `errors[]` naming each bad field. Internal errors are
//! logged with their cause and never shown to the client.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use itsm_domain::{FieldError, FieldErrors};
use itsm_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request itself is malformed: bad JSON syntax, a bad header or query parameter.
    #[error("{detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{detail}")]
    Unauthorized { detail: String },
    /// The caller lacks an authority; the body names it so the caller knows whom to ask.
    #[error("{detail}")]
    Forbidden { authority: String, detail: String },
    /// The customer's contract does not include this tailorable process (seed 001 §2.1.4.1).
    #[error("the {process} process is not part of the contract of customer {customer}")]
    ProcessNotInContract { process: String, customer: String },
    #[error("{detail}")]
    TooManyRequests { detail: String },
    #[error("{detail}")]
    NotFound { detail: String },
    #[error("{detail}")]
    MethodNotAllowed { detail: String },
    /// The record's state does not allow this action now.
    #[error("{detail}")]
    InvalidTransition {
        detail: String,
        allowed_actions: Vec<String>,
    },
    /// The request clashes with what is stored, such as a duplicate name.
    #[error("{detail}")]
    Conflict { detail: String },
    /// A retry arrived while its first attempt (same `Idempotency-Key`) is still being handled.
    #[error("{detail}")]
    RequestInProgress { detail: String },
    #[error("{detail}")]
    PreconditionFailed { detail: String },
    /// A decision that must name the version it decides on was sent without `If-Match`.
    #[error("{detail}")]
    PreconditionRequired { detail: String },
    #[error("{detail}")]
    PayloadTooLarge { detail: String },
    #[error("{detail}")]
    UnsupportedMediaType { detail: String },
    /// Well-formed input that breaks the rules: wrong types, unknown fields, invalid values.
    #[error("{detail}")]
    Unprocessable {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// The deployment lacks a setting this route needs (a Spin variable); the detail names it.
    #[error("{detail}")]
    NotConfigured { detail: String },
    #[error("internal error: {0}")]
    Internal(String),
}

// The OpenAPI document's `Problem` schema is derived from this struct.
/// RFC 9457 problem details, with this API's extensions.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Problem<'a> {
    /// A URN naming the kind of problem.
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
    /// Each bad field, by name.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
    /// On 409: what the record's state allows now.
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_actions: Option<&'a [String]>,
    /// On 403: the authority that was missing, or the standing (approver, requester) a
    /// person-bound act needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    authority: Option<&'a str>,
}

/// Attached to a 403 response so the denial can be recorded in the audit trail by the layer
/// that knows who asked (see `denials.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub authority: String,
    pub detail: String,
}

impl ApiError {
    pub fn not_found(what: impl std::fmt::Display) -> Self {
        ApiError::NotFound {
            detail: format!("{what} does not exist"),
        }
    }

    /// A versioned write found the record changed since it was read (a concurrent writer won).
    pub fn lost_race(what: &str) -> Self {
        ApiError::PreconditionFailed {
            detail: format!("{what} changed while this request ran; read it again and retry"),
        }
    }

    /// A 403 naming the missing authority.
    pub fn forbidden(authority: &str) -> Self {
        ApiError::Forbidden {
            authority: authority.to_owned(),
            detail: format!("this needs the authority {authority}"),
        }
    }

    /// A 403 for an act reserved to people rather than to an authority (an approver decides, the
    /// requester verifies); `standing` names what the caller is not.
    pub fn not_entitled(standing: &str, detail: impl Into<String>) -> Self {
        ApiError::Forbidden {
            authority: standing.to_owned(),
            detail: detail.into(),
        }
    }

    /// A 422 for one well-formed field whose value breaks a rule, such as a reference to a
    /// record that does not exist.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Unprocessable {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::BadRequest {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError {
                field: field.to_owned(),
                message,
            }],
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } | ApiError::ProcessNotInContract { .. } => {
                StatusCode::FORBIDDEN
            }
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::InvalidTransition { .. }
            | ApiError::Conflict { .. }
            | ApiError::RequestInProgress { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired { .. } => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotConfigured { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "bad-request",
            ApiError::Unauthorized { .. } => "unauthorized",
            ApiError::Forbidden { .. } => "forbidden",
            ApiError::ProcessNotInContract { .. } => "process-not-in-contract",
            ApiError::TooManyRequests { .. } => "rate-limited",
            ApiError::NotFound { .. } => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::InvalidTransition { .. } => "invalid-transition",
            ApiError::Conflict { .. } => "conflict",
            ApiError::RequestInProgress { .. } => "request-in-progress",
            ApiError::PreconditionFailed { .. } => "precondition-failed",
            ApiError::PreconditionRequired { .. } => "precondition-required",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::UnsupportedMediaType { .. } => "unsupported-media-type",
            ApiError::Unprocessable { .. } => "validation-failed",
            ApiError::NotConfigured { .. } => "not-configured",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            ApiError::Internal(cause) => {
                // The cause goes to the log, never to the client.
                eprintln!("internal error: {cause}");
                "the server failed to handle the request; it has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let (errors, allowed_actions) = match &self {
            ApiError::BadRequest { errors, .. } | ApiError::Unprocessable { errors, .. } => {
                (errors.as_slice(), None)
            }
            ApiError::InvalidTransition {
                allowed_actions, ..
            } => (&[][..], Some(allowed_actions.as_slice())),
            _ => (&[][..], None),
        };
        let authority = match &self {
            ApiError::Forbidden { authority, .. } => Some(authority.as_str()),
            _ => None,
        };
        let problem = Problem {
            kind: format!("urn:itsm:problem:{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.clone(),
            errors,
            allowed_actions,
            authority,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(authority) = authority {
            response.extensions_mut().insert(Denied {
                authority: authority.to_owned(),
                detail,
            });
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        let errors = errors.into_vec();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        ApiError::Unprocessable {
            detail: format!("invalid fields: {}", fields.join(", ")),
            errors,
        }
    }
}

impl ApiError {
    /// 409 for an action the record's state refuses, listing what it allows instead.
    pub fn invalid_transition<A: std::fmt::Display>(
        error: &impl std::fmt::Display,
        allowed: &[A],
    ) -> Self {
        ApiError::InvalidTransition {
            detail: error.to_string(),
            allowed_actions: allowed.iter().map(ToString::to_string).collect(),
        }
    }
}

impl From<itsm_domain::incident::TransitionError> for ApiError {
    fn from(error: itsm_domain::incident::TransitionError) -> Self {
        Self::invalid_transition(&error, &error.allowed())
    }
}

impl From<itsm_domain::request::RequestTransitionError> for ApiError {
    fn from(error: itsm_domain::request::RequestTransitionError) -> Self {
        Self::invalid_transition(&error, &error.allowed())
    }
}

impl From<itsm_domain::problem::ProblemTransitionError> for ApiError {
    fn from(error: itsm_domain::problem::ProblemTransitionError) -> Self {
        Self::invalid_transition(&error, &error.allowed())
    }
}

impl From<itsm_domain::complaint::ComplaintTransitionError> for ApiError {
    fn from(error: itsm_domain::complaint::ComplaintTransitionError) -> Self {
        Self::invalid_transition(&error, &error.allowed())
    }
}

impl From<itsm_domain::catalogue::ServiceTransitionError> for ApiError {
    fn from(error: itsm_domain::catalogue::ServiceTransitionError) -> Self {
        Self::invalid_transition(&error, &error.allowed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(error: ApiError) -> (StatusCode, String, serde_json::Value) {
        let response = error.into_response();
        let status = response.status();
        let content_type = response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        (
            status,
            content_type,
            serde_json::from_slice(&bytes).unwrap_or_default(),
        )
    }

    #[tokio::test]
    async fn validation_errors_name_each_field() {
        let mut errors = FieldErrors::new();
        errors.push("impact", "must be one of high, medium, low");
        errors.push("short_description", "must not be empty");
        let (status, content_type, body) = body_of(errors.into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(body["status"], 422);
        assert_eq!(body["errors"][0]["field"], "impact");
        assert_eq!(body["errors"][1]["field"], "short_description");
        assert_eq!(body["type"], "urn:itsm:problem:validation-failed");
    }

    #[tokio::test]
    async fn internal_errors_hide_their_cause() {
        let (status, _, body) =
            body_of(ApiError::Internal("disk on fire at /secret/path".into())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            !body["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("secret"),
            "{body}"
        );
    }
}
