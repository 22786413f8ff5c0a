//! Text helpers of the plans: shortened secrets, and the equivalent `aws` command of an API call,
//! shell-quoted so that it runs as printed.

use serde_json::Value;

/// A token shortened for the audit log and the approvals list: its first 8 characters and `…`.
/// The one rule for every place that shortens a token.
pub fn short_token(token: &str) -> String {
    let head: String = token.chars().take(8).collect();
    if head.len() < token.len() {
        format!("{head}…")
    } else {
        head
    }
}

/// Quotes `text` as one word for a POSIX shell (the `shlex` crate's quoting). A NUL character
/// cannot be passed in a command's arguments at all, so it is left out.
pub fn shell_quote(text: &str) -> String {
    match shlex::try_quote(text) {
        Ok(q) => q.into_owned(),
        Err(_) => shell_quote(&text.replace('\0', "")),
    }
}

/// The AWS CLI's name of an API name: `PutApprovalResult` → `put-approval-result`,
/// `pipelineExecutionId` → `pipeline-execution-id`, `ChecksumSHA256` → `checksum-sha256`.
pub fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The `aws` CLI's service command: S3's API operations live under `aws s3api`.
pub fn cli_service(service: &str) -> &str {
    match service {
        "s3" => "s3api",
        other => other,
    }
}

/// One parameter as the AWS CLI takes it: `--name value`; a structure or list as JSON; a true
/// boolean as the bare flag, a false one as `--no-name`.
fn argument(name: &str, value: &Value) -> String {
    let flag = kebab(name);
    match value {
        Value::Bool(true) => format!("--{flag}"),
        Value::Bool(false) => format!("--no-{flag}"),
        Value::String(s) => format!("--{flag} {}", shell_quote(s)),
        Value::Number(n) => format!("--{flag} {n}"),
        Value::Null => format!("--{flag} ''"),
        other => format!("--{flag} {}", shell_quote(&other.to_string())),
    }
}

/// `aws SERVICE OPERATION --param value …` for an API call's parameters, in their order.
pub fn aws_command(
    service: &str,
    operation: &str,
    params: &serde_json::Map<String, Value>,
) -> String {
    let mut out = format!("aws {} {}", cli_service(service), kebab(operation));
    for (name, value) in params {
        out.push(' ');
        out.push_str(&argument(name, value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_are_shortened() {
        assert_eq!(short_token("0123456789abcdef"), "01234567…");
        assert_eq!(short_token("abc"), "abc");
    }

    #[test]
    fn names_become_the_cli_names() {
        for (api, cli) in [
            ("PutApprovalResult", "put-approval-result"),
            ("pipelineExecutionId", "pipeline-execution-id"),
            ("ChecksumSHA256", "checksum-sha256"),
            ("DistributionId", "distribution-id"),
            ("IfNoneMatch", "if-none-match"),
            ("name", "name"),
            ("InvalidationBatch", "invalidation-batch"),
            ("StartPipelineExecution", "start-pipeline-execution"),
        ] {
            assert_eq!(kebab(api), cli, "{api}");
        }
    }

    #[test]
    fn values_are_quoted_as_one_word_each() {
        assert_eq!(shell_quote("prd"), "prd");
        let quoted = shell_quote("it's ok, $HOME");
        assert_eq!(
            shlex::split(&quoted),
            Some(vec!["it's ok, $HOME".to_string()])
        );
        assert_eq!(shlex::split(&shell_quote("")), Some(vec![String::new()]));
        assert_eq!(shell_quote("a\0b"), "ab");
        let params = json!({
            "pipelineName": "p",
            "abandon": true,
            "reason": "bad build",
            "result": {"summary": "LGTM, checked", "status": "Approved"},
        });
        let Value::Object(params) = params else {
            unreachable!()
        };
        let cmd = aws_command("codepipeline", "StopPipelineExecution", &params);
        assert_eq!(
            shlex::split(&cmd).unwrap(),
            [
                "aws",
                "codepipeline",
                "stop-pipeline-execution",
                "--pipeline-name",
                "p",
                "--abandon",
                "--reason",
                "bad build",
                "--result",
                r#"{"summary":"LGTM, checked","status":"Approved"}"#,
            ]
        );
    }
}
