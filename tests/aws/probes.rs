//! HTTP probes against a local HTTP server the test starts: the status and time to first byte
//! of an answer, a server error's status, a refused connection named as such, a server that
//! never answers, and the days left on a local TLS server's generated certificate (trusted by
//! that test's prober alone).

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use shipdeck::cloud::Probes;
use shipdeck::cloud::probe::{HttpProbes, days_left};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_probe_gives_the_status_and_first_byte_or_why_there_was_no_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>storefront</html>"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let probes = HttpProbes::new(Duration::from_secs(5));
    let ok = probes.probe(&format!("{}/", server.uri())).await.unwrap();
    assert_eq!(ok.status, 200);
    assert!(ok.ttfb_ms < 5_000, "{ok:?}");
    assert_eq!(ok.tls_days_left, None, "plain HTTP has no certificate");
    let failing = probes
        .probe(&format!("{}/health", server.uri()))
        .await
        .unwrap();
    assert_eq!(failing.status, 503);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "one GET per probe");
    assert!(
        requests[0].headers["user-agent"]
            .to_str()
            .unwrap()
            .contains("health probe")
    );
    // A port nothing listens on: refused, said so.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let err = probes
        .probe(&format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert!(err.to_lowercase().contains("connection refused"), "{err}");
}

/// A server that takes the connection and never answers: the probe gives up at its limit and
/// says so (the map shows the node red with that reason), instead of waiting on.
#[tokio::test]
async fn a_probe_of_a_server_that_never_answers_says_so_at_its_limit() {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            open.push(stream);
        }
    });
    let probes = HttpProbes::new(Duration::from_millis(300));
    let err = probes
        .probe(&format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert_eq!(err, "no answer within 0.3 s");
    held.abort();
}

/// A local TLS server presenting `cert` (for `localhost`) with `key`, answering every request
/// 200; its port.
async fn tls_server(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> u16 {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = tls
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                    .await;
                let _ = tls.flush().await;
            });
        }
    });
    port
}

/// An https probe reads the days left from the certificate the server presented (its notAfter,
/// 30 days and an hour away: 30 whole days), trusting the test's certificate only through the
/// prober built with it as its root; the system's roots refuse it, saying why.
#[tokio::test]
async fn an_https_probe_reads_the_days_left_on_the_servers_certificate() {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    let end = SystemTime::now() + Duration::from_secs(30 * 86_400 + 3_600);
    params.not_after = end.into();
    let cert = params.self_signed(&key).unwrap();
    let der = cert.der().clone();
    let port = tls_server(
        der.clone(),
        PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .await;
    let url = format!("https://localhost:{port}/");
    let trusting = HttpProbes::with_roots(Duration::from_secs(5), vec![der.clone()]);
    let probe = trusting.probe(&url).await.unwrap();
    assert_eq!(probe.status, 200);
    assert_eq!(probe.tls_days_left, Some(30), "{probe:?}");
    // The same certificate read a day after its end: -1, not a wrapped or missing number.
    let late = end + Duration::from_secs(86_400);
    assert_eq!(days_left(&der, late), Ok(-1));
    // The system's roots do not know the test's certificate.
    let err = HttpProbes::new(Duration::from_secs(5))
        .probe(&url)
        .await
        .unwrap_err();
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    assert_eq!(
        days_left(&CertificateDer::from(vec![0u8; 8]), SystemTime::now())
            .unwrap_err()
            .split(':')
            .next(),
        Some("cannot read the server's certificate")
    );
}
