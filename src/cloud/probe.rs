//! HTTP probes over the HTTP stack the AWS SDK already links (hyper 1, rustls): one `GET` of a
//! configured URL on a connection of its own, timed to its status line, within a short limit;
//! for `https`, the days left on the certificate the server presented (its notAfter, read with
//! `x509-parser` from rustls's peer certificate). Only the URLs the configuration names are ever
//! given to it.

use super::Probes;
use crate::domain::Probe;
use async_trait::async_trait;
use bytes::Bytes;
use http::{Request, Uri, header};
use http_body_util::Empty;
use hyper_rustls::MaybeHttpsStream;
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::pki_types::CertificateDer;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tower_service::Service;

/// How long a probe may take to its status line.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long it may take to connect.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// Probes over HTTP(S); a connector that could not be built says why on every probe.
#[derive(Clone)]
pub struct HttpProbes {
    connector: Result<Https, String>,
    timeout: Duration,
}

/// The plain connector under TLS: any scheme, a short connect limit.
fn tcp(timeout: Duration) -> HttpConnector {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(CONNECT_TIMEOUT.min(timeout)));
    http
}

impl HttpProbes {
    /// A prober with the system's root certificates, waiting at most `timeout` for an answer.
    pub fn new(timeout: Duration) -> HttpProbes {
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map(|b| {
                b.https_or_http()
                    .enable_http1()
                    .wrap_connector(tcp(timeout))
            })
            .map_err(|e| format!("cannot load the system's TLS root certificates: {e}"));
        HttpProbes { connector, timeout }
    }

    /// A prober that trusts only `roots` (a test's own certificate authority), waiting at most
    /// `timeout`.
    pub fn with_roots(timeout: Duration, roots: Vec<CertificateDer<'static>>) -> HttpProbes {
        let mut store = rustls::RootCertStore::empty();
        let connector = roots
            .into_iter()
            .try_for_each(|c| store.add(c))
            .map_err(|e| format!("bad root certificate: {e}"))
            .and_then(|()| {
                rustls::ClientConfig::builder_with_provider(
                    rustls::crypto::aws_lc_rs::default_provider().into(),
                )
                .with_safe_default_protocol_versions()
                .map_err(|e| format!("TLS configuration: {e}"))
            })
            .map(|b| {
                let config = b.with_root_certificates(store).with_no_client_auth();
                hyper_rustls::HttpsConnectorBuilder::new()
                    .with_tls_config(config)
                    .https_or_http()
                    .enable_http1()
                    .wrap_connector(tcp(timeout))
            });
        HttpProbes { connector, timeout }
    }
}

/// Whole days from now until `cert`'s notAfter (negative once it has passed), or why it could
/// not be read.
pub fn days_left(cert: &CertificateDer<'_>, now: SystemTime) -> Result<i64, String> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref())
        .map_err(|e| format!("cannot read the server's certificate: {e}"))?;
    let end = parsed.validity().not_after.timestamp();
    let now = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    };
    Ok((end - now).div_euclid(86_400))
}

/// The request a connection of its own sends: the path and query, with the `Host` header.
fn request(uri: &Uri) -> Result<Request<Empty<Bytes>>, String> {
    let host = uri
        .host()
        .ok_or_else(|| format!("bad URL {uri}: no host"))?;
    let host = match uri.port_u16() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    Request::get(path)
        .header(header::HOST, host)
        .header(
            header::USER_AGENT,
            concat!("shipdeck/", env!("CARGO_PKG_VERSION"), " (health probe)"),
        )
        .body(Empty::<Bytes>::new())
        .map_err(|e| format!("bad URL {uri}: {e}"))
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

impl HttpProbes {
    /// Connects, sends the GET and waits for the status line; the peer certificate's days left
    /// for `https`.
    async fn get(&self, connector: &Https, uri: Uri) -> Result<(u16, Option<i64>), String> {
        let req = request(&uri)?;
        let mut connector = connector.clone();
        let stream = connector.call(uri).await.map_err(|e| chain(e.as_ref()))?;
        let tls_days_left = match &stream {
            MaybeHttpsStream::Https(tls) => {
                let (_, session) = tls.inner().get_ref();
                let cert = session
                    .peer_certificates()
                    .and_then(|c| c.first())
                    .ok_or("the server presented no certificate")?;
                Some(days_left(cert, SystemTime::now())?)
            }
            MaybeHttpsStream::Http(_) => None,
        };
        let (mut sender, conn) = hyper::client::conn::http1::handshake(stream)
            .await
            .map_err(|e| chain(&e))?;
        // The connection is driven until the answer's head is in, then dropped with the probe.
        let driver = tokio::spawn(conn);
        let answer = sender.send_request(req).await.map_err(|e| chain(&e));
        driver.abort();
        Ok((answer?.status().as_u16(), tls_days_left))
    }
}

#[async_trait]
impl Probes for HttpProbes {
    async fn probe(&self, url: &str) -> Result<Probe, String> {
        let connector = self.connector.as_ref().map_err(Clone::clone)?;
        let uri: Uri = url.parse().map_err(|e| format!("bad URL {url}: {e}"))?;
        let started = Instant::now();
        let answer = tokio::time::timeout(self.timeout, self.get(connector, uri)).await;
        let ttfb_ms = started.elapsed().as_millis() as u64;
        match answer {
            Err(_) => Err(format!("no answer within {} s", self.timeout.as_secs_f64())),
            Ok(Err(e)) => Err(e),
            Ok(Ok((status, tls_days_left))) => Ok(Probe {
                status,
                ttfb_ms,
                tls_days_left,
            }),
        }
    }
}
