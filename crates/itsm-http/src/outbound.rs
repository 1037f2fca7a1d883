//! Outbound HTTP POSTs from a component (webhook deliveries; later, chat follow-ups) with
//! bounded waits and a bounded read of the answer, so one slow or chatty receiver cannot hold a
//! tick. Only hosts the component's `allowed_outbound_hosts` lists are reachable; Spin refuses
//! the rest, and that refusal comes back here as an error like any other.

/// One POST to make.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// The receiver's answer, as far as a delivery log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// `Retry-After` in seconds, when the receiver gave one as a number.
    pub retry_after: Option<u64>,
    /// The start of the answer's body, for the log.
    pub excerpt: String,
}

/// How much of an answer's body is kept, read in at most this many chunks.
pub const EXCERPT_BYTES: usize = 1024;
pub const EXCERPT_CHUNKS: usize = 4;

/// How long to wait for a connection, and then for the first byte of the answer.
pub const CONNECT_TIMEOUT_SECONDS: u64 = 5;
pub const ANSWER_TIMEOUT_SECONDS: u64 = 10;

/// Sends outgoing requests; a trait so the logic around sending is tested without a network.
#[allow(async_fn_in_trait)]
pub trait Sender {
    /// The answer, or why there was none (refused by the allow-list, unreachable, timed out).
    async fn post(&self, outgoing: &Outgoing) -> Result<Answer, String>;
}

/// The platform's outbound HTTP.
#[derive(Debug, Default, Clone, Copy)]
pub struct Http;

/// The excerpt of a body: at most [`EXCERPT_BYTES`], cut on a character boundary.
pub fn excerpt_of(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT_BYTES)]);
    text.trim_end_matches('\u{FFFD}').to_owned()
}

/// `Retry-After` as a number of seconds (the date form is not honoured).
pub fn retry_after(value: Option<&http::HeaderValue>) -> Option<u64> {
    value?.to_str().ok()?.trim().parse().ok()
}

#[cfg(target_arch = "wasm32")]
impl Sender for Http {
    async fn post(&self, outgoing: &Outgoing) -> Result<Answer, String> {
        use http_body_util::BodyExt;
        use spin_sdk::http::FullBody;
        use spin_sdk::wasip3::http::types::RequestOptions;
        use spin_sdk::wasip3::http_compat::RequestOptionsExtension;

        // A known length rather than a chunked body: not every receiver reads chunked requests.
        let mut builder = http::Request::post(&outgoing.url)
            .header(http::header::CONTENT_LENGTH, outgoing.body.len());
        for (name, value) in &outgoing.headers {
            builder = builder.header(*name, value);
        }
        let mut request = builder
            .body(FullBody::new(bytes::Bytes::from(outgoing.body.clone())))
            .map_err(|e| format!("the request could not be built: {e}"))?;
        let options = RequestOptions::new();
        let seconds = |s: u64| Some(s * 1_000_000_000);
        // A host that cannot set a timeout still sends; its own limits then apply.
        let _ = options.set_connect_timeout(seconds(CONNECT_TIMEOUT_SECONDS));
        let _ = options.set_first_byte_timeout(seconds(ANSWER_TIMEOUT_SECONDS));
        let _ = options.set_between_bytes_timeout(seconds(ANSWER_TIMEOUT_SECONDS));
        request
            .extensions_mut()
            .insert(RequestOptionsExtension(options));
        let response = spin_sdk::http::send(request)
            .await
            .map_err(|e| format!("no answer: {e:?}"))?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers().get(http::header::RETRY_AFTER));
        let mut body = response.into_body();
        let mut read = Vec::new();
        // A few chunks at most: a receiver that drips its answer cannot stretch the send past
        // the waits above by much, however slowly each byte comes.
        for _ in 0..EXCERPT_CHUNKS {
            if read.len() >= EXCERPT_BYTES {
                break;
            }
            match body.frame().await {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        read.extend_from_slice(data);
                    }
                }
                _ => break,
            }
        }
        Ok(Answer {
            status,
            retry_after,
            excerpt: excerpt_of(&read),
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Sender for Http {
    /// Native builds serve the OpenAPI document and unit tests; they never send.
    async fn post(&self, _outgoing: &Outgoing) -> Result<Answer, String> {
        Err("outbound HTTP needs a Spin host".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_stop_at_the_limit_without_splitting_a_character() {
        assert_eq!(excerpt_of(b"ok"), "ok");
        let long = "é".repeat(EXCERPT_BYTES);
        let cut = excerpt_of(long.as_bytes());
        assert!(cut.len() <= EXCERPT_BYTES);
        assert!(cut.chars().all(|c| c == 'é'));
    }

    #[test]
    fn retry_after_is_read_as_seconds_only() {
        let value = |s: &str| http::HeaderValue::from_str(s).expect("valid");
        assert_eq!(retry_after(Some(&value("120"))), Some(120));
        assert_eq!(
            retry_after(Some(&value("Wed, 21 Oct 2026 07:28:00 GMT"))),
            None
        );
        assert_eq!(retry_after(None), None);
    }
}
