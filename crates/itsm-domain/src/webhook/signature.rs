//! How deliveries are signed, after the Standard Webhooks specification (standardwebhooks.com),
//! so receivers can check them with its libraries: HMAC-SHA256 over `id.timestamp.body`, sent
//! as `v1,<base64>` in `webhook-signature` beside `webhook-id` and `webhook-timestamp`.
//!
//! Each subscription's secret is derived from the deployment's signing key (a Spin variable),
//! a random salt of the subscription's, its id and its secret generation, so the database holds
//! no secret (a copy of it is not enough to forge a delivery) and two deployments sharing a key
//! (staging restored from production, say) still never share a secret.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of secrets as the specification writes them; the rest is the key in base64.
pub const SECRET_PREFIX: &str = "whsec_";

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"))
}

/// The secret of one generation of one subscription, as shown to whoever sets it up.
pub fn subscription_secret(
    signing_key: &[u8],
    salt: &str,
    subscription_id: i64,
    generation: i64,
) -> String {
    let mut m = mac(signing_key);
    m.update(
        format!("itsm webhook subscription {subscription_id} salt {salt} secret {generation}")
            .as_bytes(),
    );
    format!(
        "{SECRET_PREFIX}{}",
        STANDARD.encode(m.finalize().into_bytes())
    )
}

/// The `webhook-signature` entry for one secret (`whsec_…`); `None` for a secret not so written.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut m = mac(&key);
    m.update(format!("{id}.{timestamp}.").as_bytes());
    m.update(body);
    Some(format!("v1,{}", STANDARD.encode(m.finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_specifications_example_as_it_says() {
        // The example of the Standard Webhooks specification (its README, "Signature scheme").
        let signed = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signed.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn secrets_differ_by_key_subscription_and_generation_and_sign_what_they_say() {
        let a = subscription_secret(b"key one", "salt", 1, 1);
        assert!(a.starts_with(SECRET_PREFIX));
        assert_eq!(a, subscription_secret(b"key one", "salt", 1, 1));
        assert_ne!(a, subscription_secret(b"key two", "salt", 1, 1));
        assert_ne!(a, subscription_secret(b"key one", "salt", 2, 1));
        assert_ne!(a, subscription_secret(b"key one", "salt", 1, 2));
        assert_ne!(a, subscription_secret(b"key one", "pepper", 1, 1));
        let signature = sign(&a, "dlv_1", 10, b"{}").expect("a secret we made");
        assert_ne!(Some(signature), sign(&a, "dlv_1", 11, b"{}"));
        assert_eq!(sign("not-a-secret", "dlv_1", 10, b"{}"), None);
    }
}
