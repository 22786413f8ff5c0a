//! Text helpers of the plans: shortened secrets and shell-quoted `aws` commands.

/// A token shortened for display and the audit log: its first 8 characters and `…`.
pub fn short_token(token: &str) -> String {
    let head: String = token.chars().take(8).collect();
    if head.len() < token.len() {
        format!("{head}…")
    } else {
        head
    }
}

/// Quotes `text` for a POSIX shell when it needs quoting.
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+%".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// `aws SERVICE COMMAND --flag value …`, each value quoted as needed.
pub fn aws_command(service: &str, command: &str, args: &[(&str, String)]) -> String {
    let mut out = format!("aws {service} {command}");
    for (flag, value) in args {
        out.push_str(&format!(" --{flag}"));
        if !value.is_empty() {
            out.push(' ');
            out.push_str(&shell_quote(value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_shortened_and_values_quoted() {
        assert_eq!(short_token("0123456789abcdef"), "01234567…");
        assert_eq!(short_token("abc"), "abc");
        assert_eq!(shell_quote("prd"), "prd");
        assert_eq!(shell_quote("it's ok"), r"'it'\''s ok'");
        assert_eq!(
            aws_command(
                "codepipeline",
                "stop-pipeline-execution",
                &[
                    ("pipeline-name", "p".into()),
                    ("abandon", String::new()),
                    ("reason", "bad build".into())
                ]
            ),
            "aws codepipeline stop-pipeline-execution --pipeline-name p --abandon --reason 'bad build'"
        );
    }
}
