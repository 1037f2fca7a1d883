//! Outbound HTTP from guests (`spin:crates/outbound-networking-config`, `trigger-http/src/
//! outbound_http.rs`): denied unless the component's `allowed_outbound_hosts` permits the scheme,
//! host and port; `http://<component>.spin.internal` is served in-process (service chaining).

use crate::app::{AppInner, HostBody};
use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use std::sync::{Arc, Weak};

use wasmtime_wasi::TrappableError;
use wasmtime_wasi_http::p3::bindings::http::types::ErrorCode;
use wasmtime_wasi_http::p3::{RequestOptions, WasiHttpHooks};

/// One `allowed_outbound_hosts` entry: `scheme://host[:port]`, where each part may be `*` and the
/// host may be `*.suffix`.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowedHost {
    scheme: String,
    host: String,
    port: Option<String>,
}

impl AllowedHost {
    pub fn parse(entry: &str) -> Result<Self, String> {
        let (scheme, rest) = entry.split_once("://").ok_or_else(|| {
            format!("allowed outbound host {entry:?} must start with a scheme, such as https://")
        })?;
        let rest = rest.trim_end_matches('/');
        if rest.contains('/') {
            return Err(format!(
                "allowed outbound host {entry:?} must not contain a path"
            ));
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port.to_owned())),
            None => (rest, None),
        };
        if host.is_empty() {
            return Err(format!("allowed outbound host {entry:?} has no host"));
        }
        Ok(Self {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    pub fn permits(&self, scheme: &str, host: &str, port: u16) -> bool {
        let scheme_ok = self.scheme == "*" || self.scheme == scheme;
        let host = host.to_ascii_lowercase();
        let host_ok = self.host == "*"
            || self.host == host
            || self
                .host
                .strip_prefix("*.")
                .is_some_and(|suffix| host.ends_with(&format!(".{suffix}")));
        let port_ok = match self.port.as_deref() {
            Some("*") => true,
            Some(p) => p.parse::<u16>().ok() == Some(port),
            None => Some(port) == default_port(scheme),
        };
        scheme_ok && host_ok && port_ok
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// The hooks of one guest instance.
pub struct OutboundHooks {
    pub app: Weak<AppInner>,
    pub allowed: Arc<Vec<AllowedHost>>,
}

type SendResult = Result<
    (
        http::Response<UnsyncBoxBody<Bytes, ErrorCode>>,
        Box<dyn Future<Output = Result<(), ErrorCode>> + Send>,
    ),
    TrappableError<ErrorCode>,
>;

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        request: http::Request<UnsyncBoxBody<Bytes, ErrorCode>>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), ErrorCode>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        drop(fut);
        let uri = request.uri().clone();
        let scheme = uri.scheme_str().unwrap_or("http").to_owned();
        let host = uri.host().unwrap_or_default().to_owned();
        let port = uri
            .port_u16()
            .or_else(|| default_port(&scheme))
            .unwrap_or(0);
        let allowed = self.allowed.iter().any(|a| a.permits(&scheme, &host, port));
        let app = self.app.clone();
        Box::new(async move {
            if !allowed {
                return Err(ErrorCode::HttpRequestDenied.into());
            }
            if let Some(component) = host.strip_suffix(".spin.internal") {
                let app = app.upgrade().ok_or(ErrorCode::ConnectionRefused)?;
                let response: http::Response<HostBody> =
                    app.handle_chained(component, request).await;
                let done: Box<dyn Future<Output = Result<(), ErrorCode>> + Send> =
                    Box::new(async { Ok(()) });
                return Ok((response, done));
            }
            let (response, io) =
                wasmtime_wasi_http::p3::default_send_request(request, options).await?;
            let done: Box<dyn Future<Output = Result<(), ErrorCode>> + Send> = Box::new(io);
            Ok((response.map(http_body_util::BodyExt::boxed_unsync), done))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_hosts_need_the_default_port_unless_one_is_given() {
        let a = AllowedHost::parse("https://hooks.slack.com").expect("valid");
        assert!(a.permits("https", "hooks.slack.com", 443));
        assert!(!a.permits("http", "hooks.slack.com", 80));
        assert!(!a.permits("https", "hooks.slack.com", 8443));
        assert!(!a.permits("https", "evil.com", 443));
        let p = AllowedHost::parse("http://localhost:3001").expect("valid");
        assert!(p.permits("http", "localhost", 3001));
        assert!(!p.permits("http", "localhost", 3002));
    }

    #[test]
    fn wildcards_cover_subdomains_and_ports() {
        let a = AllowedHost::parse("http://*.spin.internal").expect("valid");
        assert!(a.permits("http", "incident.spin.internal", 80));
        assert!(!a.permits("http", "spin.internal.evil", 80));
        let any = AllowedHost::parse("*://*:*").expect("valid");
        assert!(any.permits("https", "example.org", 8443));
    }

    #[test]
    fn entries_without_scheme_or_with_a_path_are_refused() {
        assert!(AllowedHost::parse("hooks.slack.com").is_err());
        assert!(AllowedHost::parse("https://a.com/path").is_err());
    }
}
