//! Relayed calls: a component that speaks for a person it has identified some other way (the
//! chat channels, by the platform's signed request and the person's linked account) calls the
//! process components through Spin's service chaining as that person, with their live grants,
//! so every authorisation and audit rule applies to them as if they had called themselves.
//!
//! The credential is `Authorization: Relay <user>;<expires>;<signature>`: the signature is an
//! HMAC-SHA256 under the `relay_secret` Spin variable, which only the deployment knows, so no
//! client can forge one; it is good for a couple of minutes, so one overheard is soon useless.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The Spin variable relayed credentials are signed with.
pub const RELAY_SECRET: &str = "relay_secret";
/// Shorter secrets are refused: they would be guessable.
pub const RELAY_SECRET_MIN_CHARS: usize = 32;
/// How long a relayed credential is good for.
pub const RELAY_SECONDS: i64 = 120;

fn signature(secret: &str, user: &str, expires: i64) -> String {
    // HMAC takes keys of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(format!("itsm relay v1\n{user}\n{expires}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The deployment's relay secret from `vars`; 503 naming the variable when it is unset or too
/// short to be safe.
pub async fn relay_secret(vars: &impl itsm_store::Variables) -> Result<String, crate::ApiError> {
    let secret = vars.get(RELAY_SECRET).await?.unwrap_or_default();
    if secret.chars().count() < RELAY_SECRET_MIN_CHARS {
        return Err(crate::ApiError::NotConfigured {
            detail: format!(
                "set the Spin variable {RELAY_SECRET}, at least {RELAY_SECRET_MIN_CHARS} characters long"
            ),
        });
    }
    Ok(secret)
}

/// The `Authorization` value for calling as `user` until `now_unix + RELAY_SECONDS`.
pub fn relay_header(secret: &str, user: &str, now_unix: i64) -> String {
    let expires = now_unix + RELAY_SECONDS;
    format!(
        "Relay {user};{expires};{}",
        signature(secret, user, expires)
    )
}

/// The user a relayed credential speaks for, if it is well formed, unexpired, not good for
/// longer than a relay may be, and signed under `secret`.
pub fn relayed_user(secret: &str, credential: &str, now_unix: i64) -> Result<String, &'static str> {
    if secret.chars().count() < RELAY_SECRET_MIN_CHARS {
        return Err("relayed calls are not set up on this deployment");
    }
    let mut parts = credential.trim().splitn(3, ';');
    let (Some(user), Some(expires), Some(presented)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err("a relayed credential is <user>;<expires>;<signature>");
    };
    let expires: i64 = expires
        .parse()
        .map_err(|_| "the relayed credential's expiry is not a number")?;
    if expires <= now_unix {
        return Err("the relayed credential has expired");
    }
    if expires > now_unix + RELAY_SECONDS + 60 {
        return Err("the relayed credential is good for longer than a relay may be");
    }
    let expected = signature(secret, user, expires);
    if expected.as_bytes().ct_eq(presented.as_bytes()).into() {
        Ok(user.to_owned())
    } else {
        Err("the relayed credential's signature does not match")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "a relay secret of at least thirty-two characters";

    #[test]
    fn a_credential_speaks_for_its_user_until_it_expires() {
        let header = relay_header(SECRET, "ann", 1_000);
        let credential = header.strip_prefix("Relay ").expect("scheme");
        assert_eq!(
            relayed_user(SECRET, credential, 1_000),
            Ok("ann".to_owned())
        );
        assert_eq!(
            relayed_user(SECRET, credential, 1_119),
            Ok("ann".to_owned())
        );
        assert!(relayed_user(SECRET, credential, 1_120).is_err(), "expired");
    }

    #[test]
    fn forged_altered_or_unsigned_credentials_are_refused() {
        let header = relay_header(SECRET, "ann", 1_000);
        let credential = header.strip_prefix("Relay ").expect("scheme");
        let as_bob = credential.replacen("ann", "bob", 1);
        assert!(relayed_user(SECRET, &as_bob, 1_000).is_err());
        let longer = credential.replacen("1120", "1121", 1);
        assert!(relayed_user(SECRET, &longer, 1_000).is_err());
        let other = relay_header(
            "another secret of at least thirty-two characters",
            "ann",
            1_000,
        );
        assert!(
            relayed_user(SECRET, other.strip_prefix("Relay ").expect("scheme"), 1_000).is_err()
        );
        assert!(
            relayed_user("short", credential, 1_000).is_err(),
            "no relays without a real secret"
        );
        let far = format!("ann;99999;{}", signature(SECRET, "ann", 99_999));
        assert!(
            relayed_user(SECRET, &far, 1_000).is_err(),
            "good for too long"
        );
        assert!(relayed_user(SECRET, "ann;1120", 1_000).is_err());
    }
}
