//! HTTP probes against a local HTTP server the test starts: the status and time to first byte
//! of an answer, a server error's status, and a refused connection named as such.

use shipdeck::cloud::Probes;
use shipdeck::cloud::probe::HttpProbes;
use std::time::Duration;
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
