//! A role that cannot be assumed, run as a process against a small STS stand-in: the
//! environment's error names the role and the caller (the base credentials' identity), and the
//! environments in the other identity are read as usual.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;

const CALLER: &str = "arn:aws:iam::111111111111:user/alice";
const ROLE: &str = "arn:aws:iam::222222222222:role/shipdeck-operator";

/// One answer per request: STS refuses `AssumeRole`, answers `GetCallerIdentity` as alice; any
/// other service says its resource does not exist.
fn stand_in() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                loop {
                    let mut length = 0usize;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        if let Some((k, v)) = line.split_once(':')
                            && k.eq_ignore_ascii_case("content-length")
                        {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let body = String::from_utf8_lossy(&body);
                    let (status, kind, text) = if body.contains("Action=AssumeRole") {
                        (
                            "403 Forbidden",
                            "text/xml",
                            format!(
                                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
                             <Type>Sender</Type><Code>AccessDenied</Code><Message>User: {CALLER} is \
                             not authorized to perform: sts:AssumeRole on resource: {ROLE}</Message>\
                             </Error><RequestId>r1</RequestId></ErrorResponse>"
                            ),
                        )
                    } else if body.contains("Action=GetCallerIdentity") {
                        (
                            "200 OK",
                            "text/xml",
                            format!(
                                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                             <GetCallerIdentityResult><Arn>{CALLER}</Arn><UserId>AIDA</UserId>\
                             <Account>111111111111</Account></GetCallerIdentityResult>\
                             <ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata>\
                             </GetCallerIdentityResponse>"
                            ),
                        )
                    } else {
                        (
                            "400 Bad Request",
                            "application/x-amz-json-1.1",
                            "{\"__type\":\"PipelineNotFoundException\",\"message\":\"not here\"}"
                                .to_string(),
                        )
                    };
                    let response = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nx-amzn-RequestId: r\r\n\
                         Content-Length: {}\r\n\r\n{text}",
                        text.len()
                    );
                    if writer.write_all(response.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// `shipdeck --config shipdeck.toml status` in `dir`, with keys in the environment and nothing
/// else of the machine's AWS or GitHub settings (home, profile, region, endpoint, token).
fn status_in(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipdeck"));
    cmd.args(["--config", "shipdeck.toml", "status"])
        .current_dir(dir)
        .env("HOME", dir.join("home"))
        .env("XDG_CONFIG_HOME", dir.join("home/.config"))
        .env("XDG_STATE_HOME", dir.join("home/.state"))
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("GITHUB_TOKEN", "")
        .env("GH_TOKEN", "");
    for var in [
        "SHIPDECK_CONFIG",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_SESSION_TOKEN",
        "AWS_ROLE_ARN",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn a_role_that_cannot_be_assumed_names_the_role_and_the_caller_for_its_environment_only() {
    let dir = std::env::temp_dir().join(format!("shipdeck-accounts-cli-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("home")).unwrap();
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/shipdeck.example.toml"
    ))
    .unwrap();
    let url = stand_in();
    let commented = "# endpoint_url = \"http://127.0.0.1:5000\"";
    assert!(example.contains(commented));
    let config = example
        .replace(commented, &format!("endpoint_url = \"{url}\""))
        .replace(
            "repository = \"acme/storefront\"",
            "repository = \"acme/x\"",
        );
    assert!(
        config.contains(&format!("role_arn = \"{ROLE}\"")),
        "prd's role"
    );
    std::fs::write(dir.join("shipdeck.toml"), config).unwrap();
    let out = status_in(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let prd = stderr
        .lines()
        .find(|l| l.contains("prd"))
        .unwrap_or_else(|| panic!("no line about prd in:\n{stderr}"));
    assert!(
        prd.contains(&format!(
            "cannot assume role {ROLE} as {CALLER}: AccessDenied: User: {CALLER}"
        )),
        "{stderr}"
    );
    assert!(
        !prd.contains("dev") && !prd.contains("stg"),
        "prd's alone: {stderr}"
    );
    // dev and stg were read as alice herself: their pipelines are what the stand-in says.
    assert!(
        stderr.contains("pipeline not found: storefront-deployer-dev"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// An endpoint that accepts connections and never answers; it counts the connections accepted
/// before the first one is closed (the caller gave up on it at its timeout).
fn silent_counting() -> (String, std::sync::Arc<std::sync::Mutex<Option<usize>>>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let first_close: Arc<Mutex<Option<usize>>> = Arc::new(Mutex::new(None));
    let seen = first_close.clone();
    std::thread::spawn(move || {
        let accepted = Arc::new(AtomicUsize::new(0));
        for stream in listener.incoming().flatten() {
            accepted.fetch_add(1, Ordering::SeqCst);
            let (accepted, first_close) = (accepted.clone(), first_close.clone());
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 4096];
                while stream.read(&mut buf).is_ok_and(|n| n > 0) {}
                let mut first = first_close.lock().unwrap();
                first.get_or_insert(accepted.load(Ordering::SeqCst));
            });
        }
    });
    (url, seen)
}

/// Against an endpoint that never answers, `status` reads every environment at once: by the
/// time the first call gives up, the calls of the other environments are already waiting too
/// (one read after another would have had one connection open), so the command takes about one
/// timeout, not one per read. Every environment is then unknown, with its reason.
#[test]
fn status_reads_the_environments_side_by_side_so_a_silent_endpoint_costs_one_timeout() {
    let dir = std::env::temp_dir().join(format!("shipdeck-silent-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("home")).unwrap();
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/shipdeck.example.toml"
    ))
    .unwrap();
    let (url, first_close) = silent_counting();
    let config = example
        .replace(
            "# endpoint_url = \"http://127.0.0.1:5000\"",
            &format!("endpoint_url = \"{url}\""),
        )
        .replace("# connect_timeout = 3", "connect_timeout = 2")
        .replace("# operation_timeout = 14", "operation_timeout = 4")
        .replace(
            "repository = \"acme/storefront\"",
            "repository = \"acme/x\"",
        );
    assert!(config.contains("operation_timeout = 4"), "{config}");
    std::fs::write(dir.join("shipdeck.toml"), config).unwrap();
    let out = status_in(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for env in ["dev", "stg", "prd"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(env) && l.contains("timed out")),
            "{env}: {stderr}"
        );
    }
    let open = first_close.lock().unwrap().expect("a call gave up");
    assert!(
        open >= 3,
        "{open} connection(s) open when the first call gave up: the reads ran one after another"
    );
    std::fs::remove_dir_all(&dir).ok();
}
