//! The shell completion scripts and the manual page, made from the command-line definition.

use crate::cli::args;
use clap_complete::Shell;

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> String {
    let mut cmd = args::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "shipdeck", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The manual page (roff): the top-level page (synopsis, description, the global options, the
/// subcommands), then a section per subcommand, nested ones included, with its own synopsis,
/// description and options.
pub fn manual() -> std::io::Result<String> {
    let cmd = args::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for (path, sub) in subcommands(&cmd, "shipdeck") {
        let man = clap_mangen::Man::new(sub.clone());
        let mut section = Vec::new();
        man.render_synopsis_section(&mut section)?;
        man.render_description_section(&mut section)?;
        man.render_options_section(&mut section)?;
        out.extend_from_slice(format!(".SH \"{}\"\n", path.to_uppercase()).as_bytes());
        // The subcommand's own sections become subsections of its section.
        for line in String::from_utf8_lossy(&section).lines() {
            match line.strip_prefix(".SH ") {
                Some(title) => out.extend_from_slice(format!(".SS {title}\n").as_bytes()),
                None => out.extend_from_slice(format!("{line}\n").as_bytes()),
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Every subcommand below `cmd`, depth first, with its full path (`shipdeck logs cloudfront`).
fn subcommands<'a>(cmd: &'a clap::Command, path: &str) -> Vec<(String, &'a clap::Command)> {
    cmd.get_subcommands()
        .filter(|s| s.get_name() != "help")
        .flat_map(|s| {
            let here = format!("{path} {}", s.get_name());
            let mut list = vec![(here.clone(), s)];
            list.extend(subcommands(s, &here));
            list
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args::{Cli, Command};
    use clap::FromArgMatches;

    fn parse(argv: &[&str]) -> Result<Cli, clap::Error> {
        let matches = args::command().try_get_matches_from(argv)?;
        Cli::from_arg_matches(&matches)
    }

    fn help(argv: &[&str]) -> String {
        match args::command().try_get_matches_from(argv) {
            Err(e) => e.render().to_string(),
            Ok(_) => panic!("{argv:?} should print help"),
        }
    }

    /// Every subcommand's path, `help` left out.
    fn paths() -> Vec<String> {
        let cmd = args::command();
        subcommands(&cmd, "shipdeck")
            .into_iter()
            .map(|(p, _)| p)
            .collect()
    }

    #[test]
    fn global_flags_given_after_a_subcommand_still_count() {
        let cli = parse(&[
            "shipdeck", "status", "--demo", "--seed", "7", "--speed", "3",
        ])
        .unwrap();
        assert!(cli.global.demo);
        assert_eq!((cli.global.seed, cli.global.speed), (7, 3.0));
        let cli = parse(&[
            "shipdeck",
            "logs",
            "cloudfront",
            "--file",
            "x.gz",
            "--config",
            "c.toml",
        ])
        .unwrap();
        assert_eq!(
            cli.global.config.as_deref(),
            Some(std::path::Path::new("c.toml"))
        );
        let cli = parse(&["shipdeck", "--demo", "--seed", "9", "status"]).unwrap();
        assert!(cli.global.demo);
        assert_eq!(cli.global.seed, 9);
    }

    #[test]
    fn read_only_is_offered_to_the_console_and_the_actions_only() {
        let err = parse(&["shipdeck", "status", "--read-only"]).err().unwrap();
        assert_eq!(err.kind(), clap::error::ErrorKind::UnknownArgument);
        let Some(Command::Approve(a)) = parse(&["shipdeck", "approve", "prd", "--read-only"])
            .unwrap()
            .command
        else {
            panic!("approve expected");
        };
        assert!(a.flags.read_only);
        assert!(
            parse(&["shipdeck", "--read-only"])
                .unwrap()
                .global
                .read_only
        );
        assert!(!help(&["shipdeck", "status", "--help"]).contains("--read-only"));
        assert!(help(&["shipdeck", "approve", "--help"]).contains("--read-only"));
    }

    #[test]
    fn global_flags_are_shown_once_in_the_top_help_and_named_in_each_subcommand() {
        let top = help(&["shipdeck", "--help"]);
        assert_eq!(top.matches("--endpoint-url <URL>").count(), 1, "{top}");
        for path in paths() {
            let mut argv: Vec<&str> = path.split(' ').collect();
            argv.push("--help");
            let text = help(&argv);
            assert!(!text.contains("--endpoint-url <URL>"), "{path}: {text}");
            assert!(!text.contains("Simulator seed"), "{path}: {text}");
            assert!(
                text.contains("Global options: --demo, --config, --system, --profile, --region, --endpoint-url, --seed, --speed"),
                "{path}: {text}"
            );
        }
    }

    #[test]
    fn completions_name_every_subcommand_for_each_shell() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let script = completions(shell);
            for path in paths() {
                let last = path.rsplit(' ').next().unwrap();
                assert!(script.contains(last), "{shell}: no `{last}` ({path})");
            }
            for flag in [
                "since",
                "dry-run",
                "endpoint-url",
                "source-version",
                "system",
            ] {
                assert!(script.contains(flag), "{shell}: no `{flag}`");
            }
        }
    }

    #[test]
    fn the_manual_has_a_section_with_the_options_of_every_subcommand() {
        let page = manual().unwrap();
        assert!(page.contains(".TH shipdeck 1"), "{page}");
        let cmd = args::command();
        for (path, sub) in subcommands(&cmd, "shipdeck") {
            let heading = format!(".SH \"{}\"", path.to_uppercase());
            let at = page
                .find(&heading)
                .unwrap_or_else(|| panic!("no {heading}"));
            let section = &page[at + heading.len()..];
            let section = &section[..section.find(".SH ").unwrap_or(section.len())];
            for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
                if let Some(long) = arg.get_long() {
                    let roff = format!("\\fB\\-\\-{}\\fR", long.replace('-', "\\-"));
                    assert!(section.contains(&roff), "{path}: no --{long} in {section}");
                }
            }
        }
        // The global options are in the top section, once.
        let top = &page[..page.find(".SH \"SHIPDECK ").unwrap()];
        assert!(top.contains("\\fB\\-\\-endpoint\\-url\\fR"));
        assert!(top.contains("\\fB\\-\\-system\\fR"), "{top}");
        assert_eq!(
            page.matches("Send every AWS call to this endpoint").count(),
            1
        );
    }
}
