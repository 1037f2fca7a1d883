//! Rate limits per API token and per client address, so that one caller cannot starve the others
//! and guessing tokens is slow. The buckets live in the key-value store so they hold across Spin
//! instances; the store has no compare-and-set, so two instances handling the same caller at the
//! same moment may both read the same state and let a few extra requests through. That slack is
//! accepted: the limit is a brake, not an exact counter.
//!
//! The algorithm is GCRA (the generic cell rate algorithm): a token bucket stored as a single
//! "theoretical arrival time" (TAT) per key, in milliseconds since the epoch, as decimal text. The
//! store has no expiry, and none is needed: a TAT in the past is simply a full bucket.
//!
//! Settings come from Spin variables, read on every request (the host caches them):
//! `rate_limit_per_minute` and `rate_limit_burst` per token (defaults 600 and 60),
//! `rate_limit_address_per_minute` and `rate_limit_address_burst` per address (defaults 1200 and
//! 120). A `per_minute` of 0 switches that limit off. A value that is not a whole number is a
//! deployment mistake; it falls back to the default rather than failing every request.
//!
//! Responses carry the headers of draft-ietf-httpapi-ratelimit-headers (`RateLimit-Policy` and
//! `RateLimit`), and a refusal is a 429 problem+json with `Retry-After`.

use crate::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderName, HeaderValue, header};
use itsm_store::{Kv, KvStore, Variables, Vars};
use sha2::{Digest, Sha256};
use std::cmp::Reverse;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Set by the Spin host from the connection's peer; a client cannot forge it (the host overwrites
/// it), unlike `X-Forwarded-For`, which is therefore ignored.
const CLIENT_ADDR_HEADER: &str = "spin-client-addr";
const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
/// The window every policy is expressed in, for `RateLimit-Policy`.
const WINDOW_SECONDS: u64 = 60;

/// How many requests a bucket refills per minute, and how many it holds when full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// 0 switches the limit off.
    pub per_minute: u32,
    /// A burst of 0 is read as 1: a bucket that holds nothing would refuse everything, and
    /// switching a limit off is what `per_minute = 0` is for.
    pub burst: u32,
}

impl Limit {
    pub const TOKEN_DEFAULT: Limit = Limit {
        per_minute: 600,
        burst: 60,
    };
    pub const ADDRESS_DEFAULT: Limit = Limit {
        per_minute: 1200,
        burst: 120,
    };

    pub fn is_enabled(self) -> bool {
        self.per_minute > 0
    }

    /// Milliseconds between two requests at the sustained rate. Whole milliseconds round a rate
    /// that does not divide a minute slightly upwards, and a rate above 60 000 a minute is
    /// treated as 60 000.
    fn interval_ms(self) -> u64 {
        (60_000 / u64::from(self.per_minute.max(1))).max(1)
    }

    /// How far the TAT may run ahead of now: the full bucket.
    fn capacity_ms(self) -> u64 {
        self.interval_ms() * u64::from(self.burst.max(1))
    }
}

/// What one bucket says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// The TAT to store; on a refusal the TAT as it was, since a refused request costs nothing.
    pub new_tat_ms: u64,
    /// Requests left in the bucket after this one.
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset_seconds: u64,
    /// On a refusal, seconds until one request is allowed (at least 1); 0 when allowed.
    pub retry_after_seconds: u64,
}

/// GCRA for one bucket, with the clock passed in.
pub fn decide(limit: Limit, tat_ms: Option<u64>, now_ms: u64) -> Decision {
    let interval = limit.interval_ms();
    let capacity = limit.capacity_ms();
    // A TAT in the past (or none) means the bucket has refilled completely.
    let tat = tat_ms.unwrap_or(now_ms).max(now_ms);
    let new_tat = tat.saturating_add(interval);
    let backlog_after = new_tat - now_ms;
    if backlog_after <= capacity {
        Decision {
            allowed: true,
            new_tat_ms: new_tat,
            remaining: u32::try_from((capacity - backlog_after) / interval).unwrap_or(u32::MAX),
            reset_seconds: backlog_after.div_ceil(1000),
            retry_after_seconds: 0,
        }
    } else {
        Decision {
            allowed: false,
            new_tat_ms: tat,
            remaining: 0,
            reset_seconds: (tat - now_ms).div_ceil(1000),
            // The next request fits once the backlog has drained by the excess.
            retry_after_seconds: (backlog_after - capacity).div_ceil(1000).max(1),
        }
    }
}

/// Which bucket a limit applies to; the name is the one the `RateLimit` headers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Token,
    Address,
}

impl Policy {
    pub fn name(self) -> &'static str {
        match self {
            Policy::Token => "token",
            Policy::Address => "address",
        }
    }
}

/// What all buckets together say about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub allowed: bool,
    /// The limits that applied to this request (the token limit only when it carried an
    /// `Authorization` header), in the order `RateLimit-Policy` lists them.
    pub policies: Vec<(Policy, Limit)>,
    /// The bucket closest to its limit (on a refusal, the refusing one that frees up last), for
    /// `RateLimit` and `Retry-After`; `None` when no limit applied or the store failed.
    pub tightest: Option<(Policy, Decision)>,
}

/// Checks the request's buckets and, only when every one allows it, charges them all: a request
/// refused by one bucket must not use up another.
pub async fn check(
    kv: &impl Kv,
    vars: &impl Variables,
    namespace: &str,
    authorization: Option<&str>,
    client_addr: Option<&str>,
    now_ms: u64,
) -> Outcome {
    let mut buckets = Vec::with_capacity(2);
    if let Some(authorization) = authorization {
        let limit = read_limit(
            vars,
            "rate_limit_per_minute",
            "rate_limit_burst",
            Limit::TOKEN_DEFAULT,
        )
        .await;
        if limit.is_enabled() {
            buckets.push((Policy::Token, limit, token_key(authorization)));
        }
    }
    let limit = read_limit(
        vars,
        "rate_limit_address_per_minute",
        "rate_limit_address_burst",
        Limit::ADDRESS_DEFAULT,
    )
    .await;
    // A call from another component of the app (service chaining) comes from no address; its
    // caller's own limits already counted the visitor, and sharing one bucket would let one
    // visitor of one component starve every other.
    let ip = client_ip(client_addr);
    if limit.is_enabled() && !ip.is_some_and(|ip| ip.is_unspecified()) {
        buckets.push((Policy::Address, limit, address_key(namespace, ip)));
    }
    let policies: Vec<(Policy, Limit)> = buckets.iter().map(|(p, l, _)| (*p, *l)).collect();

    let mut decisions = Vec::with_capacity(buckets.len());
    for (policy, limit, key) in &buckets {
        match kv.get(key).await {
            // An unreadable value can only come from a bug or a manual edit; a full bucket is the
            // harmless reading of it.
            Ok(stored) => decisions.push((*policy, key, decide(*limit, parse_tat(stored), now_ms))),
            // Fail open: a broken key-value store must not take the whole API down with it, and
            // the limits are a brake, not a security boundary (authentication still runs).
            Err(_) => {
                return Outcome {
                    allowed: true,
                    policies,
                    tightest: None,
                };
            }
        }
    }

    let allowed = decisions.iter().all(|(_, _, d)| d.allowed);
    if allowed {
        for (_, key, decision) in &decisions {
            // A failed write forgets this one request; failing open as above.
            let _ = kv
                .set(key, decision.new_tat_ms.to_string().as_bytes())
                .await;
        }
    }
    let tightest = decisions
        .into_iter()
        .map(|(policy, _, decision)| (policy, decision))
        .min_by_key(|(_, d)| {
            (
                d.allowed,
                Reverse(d.retry_after_seconds),
                d.remaining,
                Reverse(d.reset_seconds),
            )
        });
    Outcome {
        allowed,
        policies,
        tightest,
    }
}

/// Reads one limit; a missing, unreadable or malformed variable means the default, so a typo in
/// a deployment never turns into refusing (or panicking on) every request.
async fn read_limit(vars: &impl Variables, per_minute: &str, burst: &str, default: Limit) -> Limit {
    Limit {
        per_minute: read_number(vars, per_minute)
            .await
            .unwrap_or(default.per_minute),
        burst: read_number(vars, burst).await.unwrap_or(default.burst),
    }
}

async fn read_number(vars: &impl Variables, name: &str) -> Option<u32> {
    vars.get(name).await.ok().flatten()?.trim().parse().ok()
}

fn parse_tat(stored: Option<Vec<u8>>) -> Option<u64> {
    std::str::from_utf8(&stored?).ok()?.parse().ok()
}

/// The token itself never reaches the store; a hash prefix is enough to tell tokens apart. A
/// relayed call's credential changes every second, so its bucket is its user's, one per person.
fn token_key(authorization: &str) -> String {
    let owner = match authorization.strip_prefix("Relay ") {
        Some(credential) => format!("relay:{}", credential.split(';').next().unwrap_or_default()),
        None => authorization.to_owned(),
    };
    let digest = hex::encode(Sha256::digest(owner.as_bytes()));
    format!("rate:token:{}", &digest[..32])
}

/// The peer's IP without the port, if `spin-client-addr` names one. The host gives calls from
/// another component of the app (service chaining) the unspecified address.
fn client_ip(client_addr: Option<&str>) -> Option<IpAddr> {
    client_addr.and_then(|text| {
        text.parse::<SocketAddr>()
            .map(|addr| addr.ip())
            .or_else(|_| text.parse::<IpAddr>())
            .ok()
    })
}

/// The address bucket's key, after `namespace`. IPv4-mapped IPv6 addresses are written as IPv4,
/// so one client has one bucket; anything that is not an address shares the `unknown` bucket.
fn address_key(namespace: &str, ip: Option<IpAddr>) -> String {
    match ip {
        Some(ip) => format!("{namespace}rate:addr:{}", ip.to_canonical()),
        None => format!("{namespace}rate:addr:unknown"),
    }
}

/// What the rate limits need: the key-value store and the variables.
#[derive(Clone)]
pub struct RateLimitState {
    pub kv: Arc<KvStore>,
    pub vars: Arc<Vars>,
    /// Before each bucket's key: a part of the app with limits of its own (the portal) keeps
    /// its own buckets, so its visitors neither spend nor are spent by the API's.
    pub namespace: &'static str,
}

/// Middleware: refuses a request over either limit with a 429, and tells every caller where it
/// stands. Runs before authentication, so guessing tokens is limited too.
pub async fn rate_limit(
    State(state): State<RateLimitState>,
    request: Request,
    next: Next,
) -> Response {
    // A header that is not valid UTF-8 still names a bucket of its own.
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let client_addr = request
        .headers()
        .get(CLIENT_ADDR_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let outcome = check(
        &*state.kv,
        &*state.vars,
        state.namespace,
        authorization.as_deref(),
        client_addr.as_deref(),
        now_ms(),
    )
    .await;
    let mut response = if outcome.allowed {
        next.run(request).await
    } else {
        refusal(&outcome)
    };
    add_headers(response.headers_mut(), &outcome);
    response
}

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}

fn refusal(outcome: &Outcome) -> Response {
    let retry_after = outcome
        .tightest
        .map_or(1, |(_, d)| d.retry_after_seconds.max(1));
    let from = match outcome.tightest {
        Some((Policy::Token, _)) => "with this token",
        Some((Policy::Address, _)) | None => "from this address",
    };
    let mut response = ApiError::TooManyRequests {
        detail: format!("too many requests {from}; retry in {retry_after} seconds"),
    }
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

/// The structured-field forms of the draft: `"token";q=600;w=60, "address";q=1200;w=60` and
/// `"token";r=12;t=5`.
fn add_headers(headers: &mut HeaderMap, outcome: &Outcome) {
    if outcome.policies.is_empty() {
        return;
    }
    let policies = outcome
        .policies
        .iter()
        .map(|(policy, limit)| {
            format!(
                "\"{}\";q={};w={WINDOW_SECONDS}",
                policy.name(),
                limit.per_minute
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    if let Ok(value) = HeaderValue::try_from(policies) {
        headers.insert(RATELIMIT_POLICY, value);
    }
    if let Some((policy, decision)) = outcome.tightest {
        let state = format!(
            "\"{}\";r={};t={}",
            policy.name(),
            decision.remaining,
            decision.reset_seconds
        );
        if let Ok(value) = HeaderValue::try_from(state) {
            headers.insert(RATELIMIT, value);
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use axum::handler::Handler;
    use axum::middleware::from_fn_with_state;
    use axum::routing::get;
    use http::StatusCode;
    use itsm_store::StoreError;
    use itsm_store::native::{MapVariables, MemoryKv};
    use std::collections::HashMap;

    const NOW: u64 = 1_790_000_000_000;
    const ADDR: Option<&str> = Some("203.0.113.7:51234");

    fn vars(pairs: &[(&str, &str)]) -> MapVariables {
        MapVariables(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<HashMap<_, _>>(),
        )
    }

    #[test]
    fn a_fresh_key_allows_the_burst_at_once_then_refuses() {
        let limit = Limit {
            per_minute: 60,
            burst: 5,
        };
        let mut tat = None;
        for expected_remaining in (0..5).rev() {
            let decision = decide(limit, tat, NOW);
            assert!(decision.allowed, "{decision:?}");
            assert_eq!(decision.remaining, expected_remaining);
            tat = Some(decision.new_tat_ms);
        }
        let refused = decide(limit, tat, NOW);
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        assert!(refused.retry_after_seconds >= 1, "{refused:?}");
        assert_eq!(refused.retry_after_seconds, 1);
        assert_eq!(refused.reset_seconds, 5);
        assert_eq!(Some(refused.new_tat_ms), tat, "a refusal costs nothing");
    }

    #[test]
    fn one_interval_later_one_more_request_is_allowed() {
        let limit = Limit {
            per_minute: 600,
            burst: 3,
        };
        let mut tat = None;
        for _ in 0..3 {
            tat = Some(decide(limit, tat, NOW).new_tat_ms);
        }
        assert!(!decide(limit, tat, NOW).allowed);
        assert!(!decide(limit, tat, NOW + 99).allowed);
        let later = decide(limit, tat, NOW + 60_000 / 600);
        assert!(later.allowed, "{later:?}");
        assert_eq!(later.remaining, 0);
        assert!(!decide(limit, Some(later.new_tat_ms), NOW + 100).allowed);
    }

    #[test]
    fn a_stale_tat_is_a_full_bucket() {
        let limit = Limit::TOKEN_DEFAULT;
        assert_eq!(decide(limit, Some(5), NOW), decide(limit, None, NOW));
        assert_eq!(decide(limit, None, NOW).remaining, 59);
    }

    #[test]
    fn retry_after_rounds_up_to_the_next_free_slot() {
        let limit = Limit {
            per_minute: 2,
            burst: 1,
        };
        let first = decide(limit, None, NOW);
        assert!(first.allowed);
        assert_eq!(first.reset_seconds, 30);
        let refused = decide(limit, Some(first.new_tat_ms), NOW + 10_500);
        assert!(!refused.allowed);
        assert_eq!(refused.retry_after_seconds, 20);
    }

    #[test]
    fn a_burst_of_zero_still_allows_one_request() {
        let limit = Limit {
            per_minute: 60,
            burst: 0,
        };
        let first = decide(limit, None, NOW);
        assert!(first.allowed);
        assert!(!decide(limit, Some(first.new_tat_ms), NOW).allowed);
    }

    #[test]
    fn the_address_comes_from_spin_client_addr_without_its_port() {
        let key = |addr: Option<&str>| address_key("", client_ip(addr));
        assert_eq!(key(ADDR), "rate:addr:203.0.113.7");
        assert_eq!(key(Some("[2001:db8::1]:443")), "rate:addr:2001:db8::1");
        assert_eq!(key(Some("[::ffff:10.0.0.1]:80")), "rate:addr:10.0.0.1");
        assert_eq!(key(Some("10.0.0.2")), "rate:addr:10.0.0.2");
        assert_eq!(key(Some("rate:token:x")), "rate:addr:unknown");
        assert_eq!(key(None), "rate:addr:unknown");
        assert_eq!(
            address_key("portal:", client_ip(ADDR)),
            "portal:rate:addr:203.0.113.7"
        );
        let inside = |addr| client_ip(Some(addr)).is_some_and(|ip| ip.is_unspecified());
        assert!(inside("0.0.0.0:0") && inside("[::]:0"));
        assert!(!inside("203.0.113.7:5000"));
    }

    #[test]
    fn a_relayed_users_calls_share_one_bucket() {
        assert_eq!(
            token_key("Relay ann;1000;abc"),
            token_key("Relay ann;1001;def")
        );
        assert_ne!(
            token_key("Relay ann;1000;abc"),
            token_key("Relay bob;1000;abc")
        );
        assert_ne!(token_key("Relay ann;1000;abc"), token_key("Bearer ann"));
    }

    #[test]
    fn the_token_key_is_a_hash_prefix() {
        let key = token_key("Bearer secret");
        assert_eq!(key.len(), "rate:token:".len() + 32);
        assert!(!key.contains("secret"));
        assert_ne!(key, token_key("Bearer other"));
    }

    #[tokio::test]
    async fn a_token_over_its_limit_is_refused_while_another_token_passes() {
        let kv = MemoryKv::default();
        let vars = vars(&[("rate_limit_per_minute", "60"), ("rate_limit_burst", "2")]);
        for _ in 0..2 {
            let outcome = check(&kv, &vars, "", Some("Bearer a"), ADDR, NOW).await;
            assert!(outcome.allowed, "{outcome:?}");
        }
        let refused = check(&kv, &vars, "", Some("Bearer a"), ADDR, NOW).await;
        assert!(!refused.allowed);
        let (policy, decision) = refused.tightest.expect("a decision");
        assert_eq!(policy, Policy::Token);
        assert_eq!(decision.retry_after_seconds, 1);
        assert_eq!(
            refused.policies,
            vec![
                (
                    Policy::Token,
                    Limit {
                        per_minute: 60,
                        burst: 2
                    }
                ),
                (Policy::Address, Limit::ADDRESS_DEFAULT),
            ]
        );
        let other = check(&kv, &vars, "", Some("Bearer b"), ADDR, NOW).await;
        assert!(other.allowed, "{other:?}");
    }

    #[tokio::test]
    async fn a_refusal_charges_neither_bucket() {
        let kv = MemoryKv::default();
        let vars = vars(&[
            ("rate_limit_per_minute", "60"),
            ("rate_limit_burst", "2"),
            ("rate_limit_address_per_minute", "60"),
            ("rate_limit_address_burst", "3"),
        ]);
        for _ in 0..2 {
            assert!(
                check(&kv, &vars, "", Some("Bearer a"), ADDR, NOW)
                    .await
                    .allowed
            );
        }
        // Refused by the token bucket: the address bucket still has its third request.
        assert!(
            !check(&kv, &vars, "", Some("Bearer a"), ADDR, NOW)
                .await
                .allowed
        );
        assert!(
            check(&kv, &vars, "", Some("Bearer b"), ADDR, NOW)
                .await
                .allowed
        );
        // Refused by the address bucket: token c's bucket stays untouched.
        let refused = check(&kv, &vars, "", Some("Bearer c"), ADDR, NOW).await;
        assert!(!refused.allowed);
        assert_eq!(refused.tightest.map(|(p, _)| p), Some(Policy::Address));
        let stored = kv.get(&token_key("Bearer c")).await.expect("kv");
        assert_eq!(stored, None);
    }

    #[tokio::test]
    async fn the_address_limit_refuses_unauthenticated_requests() {
        let kv = MemoryKv::default();
        let vars = vars(&[
            ("rate_limit_address_per_minute", "60"),
            ("rate_limit_address_burst", "3"),
        ]);
        for _ in 0..3 {
            assert!(check(&kv, &vars, "", None, ADDR, NOW).await.allowed);
        }
        let refused = check(&kv, &vars, "", None, ADDR, NOW).await;
        assert!(!refused.allowed);
        assert_eq!(
            refused.policies,
            vec![(
                Policy::Address,
                Limit {
                    per_minute: 60,
                    burst: 3
                }
            )]
        );
        assert!(
            check(&kv, &vars, "", None, Some("198.51.100.1:9"), NOW)
                .await
                .allowed
        );
        assert!(
            check(&kv, &vars, "portal:", None, ADDR, NOW).await.allowed,
            "a part of the app with buckets of its own is not spent by the API's"
        );
        for _ in 0..3 {
            assert!(check(&kv, &vars, "", None, None, NOW).await.allowed);
        }
        assert!(!check(&kv, &vars, "", None, None, NOW).await.allowed);
    }

    #[tokio::test]
    async fn a_rate_of_zero_switches_a_limit_off() {
        let kv = MemoryKv::default();
        let vars = vars(&[
            ("rate_limit_per_minute", "0"),
            ("rate_limit_address_per_minute", "60"),
            ("rate_limit_address_burst", "1"),
        ]);
        let outcome = check(&kv, &vars, "", Some("Bearer a"), ADDR, NOW).await;
        assert_eq!(outcome.policies.len(), 1);
        assert_eq!(outcome.tightest.map(|(p, _)| p), Some(Policy::Address));

        let kv = MemoryKv::default();
        let vars = super::tests::vars(&[
            ("rate_limit_per_minute", "0"),
            ("rate_limit_address_per_minute", "0"),
        ]);
        for _ in 0..500 {
            let outcome = check(&kv, &vars, "", Some("Bearer a"), ADDR, NOW).await;
            assert!(outcome.allowed);
            assert!(outcome.policies.is_empty());
            assert_eq!(outcome.tightest, None);
        }
        assert_eq!(
            kv.get(&address_key("", client_ip(ADDR))).await.expect("kv"),
            None
        );
    }

    #[tokio::test]
    async fn a_malformed_variable_falls_back_to_the_default() {
        let kv = MemoryKv::default();
        let vars = vars(&[
            ("rate_limit_per_minute", "lots"),
            ("rate_limit_burst", "-1"),
            ("rate_limit_address_per_minute", " 1000 "),
        ]);
        for _ in 0..60 {
            assert!(
                check(&kv, &vars, "", Some("Bearer a"), ADDR, NOW)
                    .await
                    .allowed
            );
        }
        let refused = check(&kv, &vars, "", Some("Bearer a"), ADDR, NOW).await;
        assert!(!refused.allowed);
        assert_eq!(
            refused.policies,
            vec![
                (Policy::Token, Limit::TOKEN_DEFAULT),
                (
                    Policy::Address,
                    Limit {
                        per_minute: 1000,
                        burst: 120
                    }
                ),
            ]
        );
    }

    struct BrokenKv;

    impl Kv for BrokenKv {
        async fn get(&self, _: &str) -> Result<Option<Vec<u8>>, StoreError> {
            Err(StoreError::Kv("down".to_owned()))
        }
        async fn set(&self, _: &str, _: &[u8]) -> Result<(), StoreError> {
            Err(StoreError::Kv("down".to_owned()))
        }
        async fn delete(&self, _: &str) -> Result<(), StoreError> {
            Err(StoreError::Kv("down".to_owned()))
        }
    }

    #[tokio::test]
    async fn a_broken_store_lets_requests_through() {
        let vars = vars(&[("rate_limit_burst", "1")]);
        for _ in 0..3 {
            let outcome = check(&BrokenKv, &vars, "", Some("Bearer a"), ADDR, NOW).await;
            assert!(outcome.allowed);
            assert_eq!(outcome.policies.len(), 2);
            assert_eq!(outcome.tightest, None);
        }
    }

    fn request(authorization: &str) -> Request {
        http::Request::builder()
            .uri("/incidents")
            .header(header::AUTHORIZATION, authorization)
            .header(CLIENT_ADDR_HEADER, "203.0.113.7:51234")
            .header("x-forwarded-for", "198.51.100.1")
            .body(axum::body::Body::empty())
            .expect("request")
    }

    #[tokio::test]
    async fn the_middleware_answers_429_with_problem_json_and_headers() {
        let state = RateLimitState {
            namespace: "",
            kv: Arc::new(MemoryKv::default()),
            vars: Arc::new(vars(&[
                ("rate_limit_per_minute", "60"),
                ("rate_limit_burst", "1"),
            ])),
        };
        let route = get(|| async { "ok" }).layer(from_fn_with_state(state, rate_limit));

        let allowed = Handler::call(route.clone(), request("Bearer a"), ()).await;
        assert_eq!(allowed.status(), StatusCode::OK);
        assert_eq!(
            allowed.headers()["ratelimit-policy"],
            "\"token\";q=60;w=60, \"address\";q=1200;w=60"
        );
        assert_eq!(allowed.headers()["ratelimit"], "\"token\";r=0;t=1");
        assert!(allowed.headers().get(header::RETRY_AFTER).is_none());

        let refused = Handler::call(route.clone(), request("Bearer a"), ()).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers()[header::RETRY_AFTER], "1");
        assert_eq!(refused.headers()["ratelimit"], "\"token\";r=0;t=1");
        assert_eq!(
            refused.headers()["ratelimit-policy"],
            "\"token\";q=60;w=60, \"address\";q=1200;w=60"
        );
        assert_eq!(
            refused.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(refused.into_body(), 1 << 16)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(body["type"], "urn:itsm:problem:rate-limited");
        assert_eq!(body["title"], "Too Many Requests");
        assert_eq!(body["status"], 429);
        assert_eq!(
            body["detail"],
            "too many requests with this token; retry in 1 seconds"
        );

        let unauthenticated = http::Request::builder()
            .uri("/incidents")
            .body(axum::body::Body::empty())
            .expect("request");
        let other = Handler::call(route, unauthenticated, ()).await;
        assert_eq!(other.status(), StatusCode::OK);
        assert_eq!(
            other.headers()["ratelimit-policy"],
            "\"address\";q=1200;w=60"
        );
        assert_eq!(other.headers()["ratelimit"], "\"address\";r=119;t=1");
    }
}
