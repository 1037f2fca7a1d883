//! How Slack and Microsoft Teams sign the requests they send, so nothing reaches the commands
//! that did not come from the workspace the deployment trusts.
//!
//! Slack (its "Verifying requests from Slack" guide): `X-Slack-Signature` is `v0=` and the hex
//! HMAC-SHA256, under the app's signing secret, of `v0:<X-Slack-Request-Timestamp>:<body>`; a
//! timestamp more than five minutes from now is refused, so a captured request cannot be
//! replayed later. Teams (outgoing webhooks): `Authorization: HMAC <base64>` of the HMAC-SHA256
//! of the body, under the base64-decoded security token Teams showed when the webhook was made.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far the time a chat platform says it sent a request may be from now.
pub const CHAT_WINDOW_SECONDS: i64 = 300;

fn mac(key: &[u8]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"))
}

/// Whether a request the platform says it sent at `sent` is within five minutes of `now_unix`,
/// either way, so a captured request cannot be replayed later.
pub(super) fn within_window(sent: i64, now_unix: i64) -> Result<(), &'static str> {
    if now_unix.abs_diff(sent) > CHAT_WINDOW_SECONDS.unsigned_abs() {
        return Err("the request is more than five minutes old (or from the future)");
    }
    Ok(())
}

/// Whether a Slack request is signed by `secret` and fresh at `now_unix`.
pub fn slack_signature_valid(
    secret: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
    now_unix: i64,
) -> Result<(), &'static str> {
    let sent: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| "X-Slack-Request-Timestamp is not a number")?;
    within_window(sent, now_unix)?;
    let presented = signature
        .strip_prefix("v0=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or("X-Slack-Signature is not v0=<hex>")?;
    let mut m = mac(secret.as_bytes());
    m.update(format!("v0:{sent}:").as_bytes());
    m.update(body);
    m.verify_slice(&presented)
        .map_err(|_| "the signature does not match")
}

/// The key a Teams security token stands for (it is shown as base64); `None` when it is not
/// base64, which is the deployment's mistake, not the sender's.
pub fn teams_security_key(security_token: &str) -> Option<Vec<u8>> {
    STANDARD.decode(security_token.trim()).ok()
}

/// Whether a Teams outgoing-webhook request's `Authorization` is the HMAC of its body under
/// the webhook's security key.
pub fn teams_signature_valid(
    key: &[u8],
    authorization: &str,
    body: &[u8],
) -> Result<(), &'static str> {
    let presented = authorization
        .strip_prefix("HMAC ")
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .ok_or("Authorization is not HMAC <base64>")?;
    let mut m = mac(key);
    m.update(body);
    m.verify_slice(&presented)
        .map_err(|_| "the signature does not match")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slack_sign(secret: &str, timestamp: i64, body: &str) -> String {
        let mut m = mac(secret.as_bytes());
        m.update(format!("v0:{timestamp}:{body}").as_bytes());
        format!("v0={}", hex::encode(m.finalize().into_bytes()))
    }

    #[test]
    fn slack_requests_must_be_signed_by_the_secret_and_fresh() {
        let body = "token=x&team_id=T1&user_id=U1&command=%2Fitsm&text=mine";
        let signed = slack_sign("s3cret", 1_000, body);
        assert_eq!(
            slack_signature_valid("s3cret", "1000", body.as_bytes(), &signed, 1_000),
            Ok(())
        );
        assert_eq!(
            slack_signature_valid("s3cret", "1000", body.as_bytes(), &signed, 1_300),
            Ok(())
        );
        assert!(
            slack_signature_valid("s3cret", "1000", body.as_bytes(), &signed, 1_301).is_err(),
            "stale"
        );
        assert!(
            slack_signature_valid("s3cret", "1000", body.as_bytes(), &signed, 699).is_err(),
            "future"
        );
        assert!(slack_signature_valid("other", "1000", body.as_bytes(), &signed, 1_000).is_err());
        let altered = body.replace("mine", "new x");
        assert!(
            slack_signature_valid("s3cret", "1000", altered.as_bytes(), &signed, 1_000).is_err()
        );
        assert!(
            slack_signature_valid("s3cret", "999", body.as_bytes(), &signed, 1_000).is_err(),
            "timestamp is signed"
        );
        assert!(slack_signature_valid("s3cret", "1000", body.as_bytes(), "v1=00", 1_000).is_err());
        assert!(slack_signature_valid("s3cret", "soon", body.as_bytes(), &signed, 1_000).is_err());
    }

    #[test]
    fn teams_requests_must_carry_the_hmac_of_their_body() {
        let token = STANDARD.encode(b"a teams security token");
        let body = br#"{"type":"message","text":"<at>ITSM</at> mine"}"#;
        let mut m = mac(b"a teams security token");
        m.update(body);
        let header = format!("HMAC {}", STANDARD.encode(m.finalize().into_bytes()));
        let key = teams_security_key(&token).expect("base64");
        assert_eq!(teams_signature_valid(&key, &header, body), Ok(()));
        assert!(teams_signature_valid(&key, &header, b"{}").is_err());
        assert!(teams_signature_valid(&key, "Bearer x", body).is_err());
        assert!(teams_security_key("not base64!").is_none());
    }
}
