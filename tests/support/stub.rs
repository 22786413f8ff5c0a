//! A tiny HTTP endpoint on a loopback port for adapter tests: one that answers every request with
//! the same canned response (an AWS error shaped as the service sends it, or a plain web server's
//! 404), or one that accepts connections and never answers; and the adapters pointed at it.
#![allow(dead_code)]

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use shipdeck::cloud::Cloud;
use shipdeck::cloud::aws::{AwsClients, AwsCloud, AwsSettings, CredentialSource, Timeouts};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// The access key id the adapters sign with: never to appear in a message.
pub const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
/// The secret key they sign with.
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// Reads one request (headers, then `Content-Length` bytes of body); false once the client left.
fn read_request(reader: &mut BufReader<TcpStream>) -> bool {
    let mut length = 0usize;
    let mut first = true;
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return false,
            Ok(_) => {}
        }
        if line == "\r\n" && !first {
            break;
        }
        first = false;
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).is_ok()
}

/// An endpoint answering every request with `status`, `headers` and `body`; its URL.
pub fn answering(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut response = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        response.push_str(&format!("{k}: {v}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(body);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let response = response.clone();
            std::thread::spawn(move || {
                let Ok(mut writer) = stream.try_clone() else {
                    return;
                };
                let mut reader = BufReader::new(stream);
                while read_request(&mut reader) {
                    if writer.write_all(response.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// A plain web server: `404 Not Found` with an HTML page to every request, as no AWS service
/// answers (no request id, no error code).
pub fn not_found_server() -> String {
    answering(
        "404 Not Found",
        &[("Content-Type", "text/html; charset=utf-8")],
        "<html><body><h1>Not Found</h1></body></html>",
    )
}

/// An endpoint that accepts connections, reads the requests and never answers.
pub fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().flatten() {
            open.push(stream);
        }
    });
    url
}

/// An S3 error answer (`application/xml`, `x-amz-request-id`).
pub fn s3_error(status: &str, code: &str, message: &str) -> String {
    answering(
        status,
        &[
            ("Content-Type", "application/xml"),
            ("x-amz-request-id", "4442587FB7D0A2F9"),
            (
                "x-amz-id-2",
                "vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo=",
            ),
        ],
        &format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
             <Message>{message}</Message><RequestId>4442587FB7D0A2F9</RequestId>\
             <HostId>vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo=</HostId></Error>"
        ),
    )
}

/// An STS or CloudFront error answer (`<ErrorResponse>`, `x-amzn-RequestId`).
pub fn xml_error(status: &str, code: &str, message: &str) -> String {
    answering(
        status,
        &[
            ("Content-Type", "text/xml"),
            ("x-amzn-RequestId", "c6104cbe-af31-11e0-8154-cbc7ccf896c7"),
        ],
        &format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
             <Message>{message}</Message></Error>\
             <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"
        ),
    )
}

/// The adapters over `url` with shipdeck's own SDK configuration (retries, `timeouts`), signing
/// with [`ACCESS_KEY`], whose credentials come from `source`.
pub async fn cloud_at(url: String, timeouts: Timeouts, source: CredentialSource) -> Cloud {
    let settings = AwsSettings {
        profile: Some("ops".into()),
        region: Some("eu-west-1".into()),
        endpoint_url: Some(url),
        timeouts,
        role: None,
    };
    let creds = Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "test");
    let sdk = shipdeck::cloud::aws::sdk_config(&settings)
        .await
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(creds))
        .build();
    AwsCloud::with_clients_as(AwsClients::new(&sdk, true), settings, source).cloud()
}

/// Timeouts short enough for a test: 200 ms to connect, 400 ms a call.
pub fn short() -> Timeouts {
    Timeouts {
        connect: Duration::from_millis(200),
        operation: Duration::from_millis(400),
    }
}
