//! The portal's two signed tokens, neither stored anywhere. A form token proves a post comes
//! from a form this portal gave to this browser (bound to its session cookie, so another site
//! cannot post for it), is at most a few hours old, and names the form, so a form sent twice
//! makes one record. A ticket key is the unguessable part of a report's address: whoever has it
//! follows that report, nobody can make one for another. Both are HMACs under keys derived from
//! the deployment's `relay_secret`, each for its own purpose.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How long a form may be open before it is sent.
pub const FORM_HOURS: i64 = 4;
/// The session cookie a form token is bound to.
pub const SESSION_COOKIE: &str = "portal_session";

fn mac(key: &[u8]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"))
}

/// The portal's keys, derived from one deployment secret.
#[derive(Clone)]
pub struct Keys {
    form: [u8; 32],
    ticket: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    pub fn derive(secret: &str) -> Self {
        let derive = |purpose: &str| -> [u8; 32] {
            let mut m = mac(secret.as_bytes());
            m.update(purpose.as_bytes());
            m.finalize().into_bytes().into()
        };
        Self {
            form: derive("itsm portal form token"),
            ticket: derive("itsm portal ticket key"),
        }
    }

    /// A form token for `session`: `<form id>.<issued>.<signature>`.
    pub fn form_token(&self, session: &str, form_id: &str, issued_unix: i64) -> String {
        format!(
            "{form_id}.{issued_unix}.{}",
            self.form_signature(session, form_id, issued_unix)
        )
    }

    fn form_signature(&self, session: &str, form_id: &str, issued_unix: i64) -> String {
        let mut m = mac(&self.form);
        m.update(format!("{session}\n{form_id}\n{issued_unix}").as_bytes());
        URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
    }

    /// The form a token names, if it was given to `session` by this portal within the hours a
    /// form may stay open.
    pub fn check_form_token(&self, token: &str, session: &str, now_unix: i64) -> Option<String> {
        let mut parts = token.split('.');
        let (form_id, issued, signature) = (parts.next()?, parts.next()?, parts.next()?);
        let issued: i64 = issued.parse().ok()?;
        let fresh = issued <= now_unix.saturating_add(60)
            && now_unix.saturating_sub(issued) <= FORM_HOURS * 3600;
        let expected = self.form_signature(session, form_id, issued);
        let genuine = bool::from(expected.as_bytes().ct_eq(signature.as_bytes()));
        (fresh && genuine && !session.is_empty() && parts.next().is_none())
            .then(|| form_id.to_owned())
    }

    /// The key in the address of the report `number`.
    pub fn ticket_key(&self, number: &str) -> String {
        let mut m = mac(&self.ticket);
        m.update(number.as_bytes());
        // 128 bits: unguessable, and a short enough address to copy.
        URL_SAFE_NO_PAD.encode(&m.finalize().into_bytes()[..16])
    }

    pub fn ticket_key_valid(&self, number: &str, key: &str) -> bool {
        bool::from(self.ticket_key(number).as_bytes().ct_eq(key.as_bytes()))
    }
}

/// A random identifier (a session, a form), URL-safe.
pub fn random_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_token_holds_for_its_session_for_a_few_hours() {
        let keys = Keys::derive("a deployment secret of some length");
        let token = keys.form_token("session-a", "form-1", 1_000);
        assert_eq!(
            keys.check_form_token(&token, "session-a", 1_000).as_deref(),
            Some("form-1")
        );
        assert!(
            keys.check_form_token(&token, "session-a", 1_000 + FORM_HOURS * 3600)
                .is_some()
        );
        assert!(
            keys.check_form_token(&token, "session-a", 1_001 + FORM_HOURS * 3600)
                .is_none()
        );
        assert!(
            keys.check_form_token(&token, "session-b", 1_000).is_none(),
            "another browser"
        );
        assert!(keys.check_form_token(&token, "", 1_000).is_none());
        let other = Keys::derive("another deployment's secret");
        assert!(other.check_form_token(&token, "session-a", 1_000).is_none());
        let forged = token.replace("form-1", "form-2");
        assert!(keys.check_form_token(&forged, "session-a", 1_000).is_none());
        assert!(
            keys.check_form_token("nonsense", "session-a", 1_000)
                .is_none()
        );
        let ancient = format!("form-1.{}.x", i64::MIN);
        assert!(
            keys.check_form_token(&ancient, "session-a", 1_000)
                .is_none(),
            "no overflow"
        );
        assert!(
            keys.check_form_token(&format!("{token}.x"), "session-a", 1_000)
                .is_none()
        );
    }

    #[test]
    fn ticket_keys_belong_to_one_report() {
        let keys = Keys::derive("a deployment secret of some length");
        let key = keys.ticket_key("INC0000001");
        assert_eq!(key.len(), 22);
        assert!(keys.ticket_key_valid("INC0000001", &key));
        assert!(!keys.ticket_key_valid("INC0000002", &key));
        assert!(!keys.ticket_key_valid("INC0000001", &key[..21]));
        assert_ne!(
            Keys::derive("another secret").ticket_key("INC0000001"),
            key,
            "another deployment's addresses open nothing here"
        );
    }

    #[test]
    fn random_ids_differ() {
        let (a, b) = (random_id().expect("random"), random_id().expect("random"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
    }
}
