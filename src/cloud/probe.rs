//! HTTP probes over the HTTP stack the AWS SDK already links (hyper 1, rustls): one `GET` of a
//! configured URL, timed to its status line, within a short limit. Only the URLs the
//! configuration names are ever given to it.

use super::Probes;
use crate::domain::Probe;
use async_trait::async_trait;
use bytes::Bytes;
use http::{Request, header};
use http_body_util::Empty;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::{Duration, Instant};

/// How long a probe may take to its status line.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long it may take to connect.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// Probes over HTTP(S); a client that could not be built says why on every probe.
#[derive(Clone)]
pub struct HttpProbes {
    client: Result<Client<Https, Empty<Bytes>>, String>,
    timeout: Duration,
}

impl HttpProbes {
    /// A prober with the system's root certificates, waiting at most `timeout` for an answer.
    pub fn new(timeout: Duration) -> HttpProbes {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(CONNECT_TIMEOUT.min(timeout)));
        let client = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map(|b| {
                let https = b.https_or_http().enable_http1().wrap_connector(http);
                Client::builder(TokioExecutor::new()).build(https)
            })
            .map_err(|e| format!("cannot load the system's TLS root certificates: {e}"));
        HttpProbes { client, timeout }
    }
}

/// An error and its causes, one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

#[async_trait]
impl Probes for HttpProbes {
    async fn probe(&self, url: &str) -> Result<Probe, String> {
        let client = self.client.as_ref().map_err(Clone::clone)?;
        let req = Request::get(url)
            .header(
                header::USER_AGENT,
                concat!("shipdeck/", env!("CARGO_PKG_VERSION"), " (health probe)"),
            )
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("bad URL {url}: {e}"))?;
        let started = Instant::now();
        let answer = tokio::time::timeout(self.timeout, client.request(req)).await;
        let ttfb_ms = started.elapsed().as_millis() as u64;
        match answer {
            Err(_) => Err(format!("no answer within {} s", self.timeout.as_secs_f64())),
            Ok(Err(e)) => Err(chain(&e)),
            Ok(Ok(resp)) => Ok(Probe {
                status: resp.status().as_u16(),
                ttfb_ms,
                // Reading the certificate's expiry is not done yet.
                tls_days_left: None,
            }),
        }
    }
}
