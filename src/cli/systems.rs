//! `--system`: which system of the configuration a command runs in, and the refusal of an
//! environment name that several systems have when `--system` does not say which.

use super::args::{Command, LogsCommand};
use super::{Failure, Global};
use crate::config::Config;

/// The environment a command names, if it names one.
pub fn environment(command: &Command) -> Option<&str> {
    let env = match command {
        Command::Pipeline { env, .. }
        | Command::Rules { env, .. }
        | Command::Impact { env, .. } => env,
        Command::Health { env, .. } => env.as_ref()?,
        Command::Watch(a) => a.env.as_ref()?,
        Command::Query(a) => &a.env,
        Command::Insights(a) => &a.env,
        Command::Logs {
            command: LogsCommand::Cloudfront(a),
        } => a.env.as_ref()?,
        Command::Logs {
            command: LogsCommand::Group(a),
        } => &a.env,
        Command::Approve(a) => &a.env,
        Command::Reject(a) => &a.env,
        Command::Deploy(a) => &a.env,
        Command::Stop(a) => &a.env,
        Command::Retry(a) => &a.env,
        Command::Release(a) => a.env.as_ref()?,
        Command::Rollback(a) => &a.env,
        Command::Freeze(a) | Command::Unfreeze(a) => &a.env,
        Command::Override(a) => &a.env,
        Command::Invalidate(a) => &a.env,
        _ => return None,
    };
    Some(env.as_str())
}

/// The flags with the system the command runs in: `--system` as given (refused, exit 2, when
/// the configuration has no such system or it lacks the environment named); without it, the one
/// system that has the environment named, refused when several have it; else the default.
/// A configuration that cannot be loaded is left for the command to report.
pub fn resolve(global: &Global, command: &Command) -> Result<Global, Failure> {
    let Ok(config) = crate::runtime::load_config(&global.connection()) else {
        return Ok(global.clone());
    };
    let system = pick(&config, global.system.as_deref(), environment(command))?;
    if system.is_none() && names_a_run(command) {
        one_repository(&config)?;
    }
    Ok(Global {
        system,
        ..global.clone()
    })
}

/// Whether the command names one GitHub Actions run (by its id): `runs show`, `rerun`, `cancel`.
fn names_a_run(command: &Command) -> bool {
    matches!(command, Command::Runs(args) if args.command.is_some())
}

/// A run id is a run of one repository: with systems of different repositories, `--system`
/// says which (exit 2 without it), since an id read in the wrong one would be another's run.
fn one_repository(config: &Config) -> Result<(), Failure> {
    let repositories: Vec<(&str, String)> = (config.systems.iter())
        .filter_map(|s| {
            Some((
                s.system.as_deref()?,
                s.github.as_ref()?.repository.to_string(),
            ))
        })
        .collect();
    if repositories.windows(2).all(|w| w[0].1 == w[1].1) {
        return Ok(());
    }
    let which: Vec<String> = (repositories.iter())
        .map(|(system, repository)| format!("--system {system} ({repository})"))
        .collect();
    Err(Failure::usage(format!(
        "a run id is a run of one repository, and the systems have several; say which with {}",
        which.join(" or ")
    )))
}

/// The systems a command about everything reads when `--system` picks none and the
/// configuration names several: their names, in file order. Empty otherwise (one system: the
/// command reads it as ever). A configuration that cannot be loaded is left for the command.
pub fn every(global: &Global) -> Vec<String> {
    match crate::runtime::load_config(&global.connection()) {
        Ok(config) if global.system.is_none() && config.systems.len() > 1 => {
            (config.system_names().into_iter())
                .map(str::to_string)
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The flags narrowed to system `name`.
pub fn narrowed(global: &Global, name: &str) -> Global {
    Global {
        system: Some(name.to_string()),
        ..global.clone()
    }
}

/// [`resolve`] over a loaded configuration: the system's name, `None` for the default.
fn pick(
    config: &Config,
    system: Option<&str>,
    env: Option<&str>,
) -> Result<Option<String>, Failure> {
    if let Some(name) = system {
        let one = config.select(Some(name)).map_err(Failure::usage)?;
        if let Some(env) = env
            && one.environment(env).is_none()
        {
            let elsewhere = config.systems_with(env);
            if !elsewhere.is_empty() {
                return Err(Failure::usage(format!(
                    "environment `{env}` is not in system `{name}`; it is in {} (--system {})",
                    elsewhere.join(", "),
                    elsewhere[0]
                )));
            }
        }
        return Ok(Some(name.to_string()));
    }
    let Some(env) = env else { return Ok(None) };
    match config.systems_with(env).as_slice() {
        // In no system of several: every system's environments are the choices (not only the
        // default system's, which the command would name).
        [] if config.systems.len() > 1 => {
            let choices: Vec<String> = (config.systems.iter())
                .map(|s| {
                    let names: Vec<&str> =
                        (s.environments.iter()).map(|e| e.name.as_str()).collect();
                    format!(
                        "{} ({})",
                        names.join(", "),
                        s.system.as_deref().unwrap_or("-")
                    )
                })
                .collect();
            Err(Failure::usage(format!(
                "unknown environment `{env}`; expected one of {}",
                choices.join("; ")
            )))
        }
        [] => Ok(None),
        [one] => Ok(Some((*one).to_string())),
        several => Err(Failure::usage(format!(
            "environment `{env}` is in several systems ({}); say which with {}",
            several.join(", "),
            several
                .iter()
                .map(|s| format!("--system {s}"))
                .collect::<Vec<_>>()
                .join(" or ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two() -> Config {
        let system = |name: &str, envs: &[&str]| {
            let mut out = format!("[[systems]]\nname = \"{name}\"\n");
            for env in envs {
                out.push_str(&format!(
                    "[[systems.environments]]\nname = \"{env}\"\npipeline = \"{name}-{env}\"\n\
                     source_bucket = \"{name}-source\"\nsource_key = \"k\"\n\
                     distribution_id = \"E{}\"\n",
                    format!("{name}{env}").to_uppercase()
                ));
            }
            out
        };
        let text = system("storefront", &["dev", "prd"]) + &system("backoffice", &["dev", "live"]);
        Config::from_str(&text, None).unwrap()
    }

    #[test]
    fn an_environment_of_several_systems_needs_system_and_one_of_one_picks_it() {
        let c = two();
        let err = pick(&c, None, Some("dev")).unwrap_err();
        assert_eq!(err.code, 2);
        assert_eq!(
            err.message,
            "environment `dev` is in several systems (storefront, backoffice); say which with \
             --system storefront or --system backoffice"
        );
        assert_eq!(
            pick(&c, None, Some("live")).unwrap().as_deref(),
            Some("backoffice")
        );
        assert_eq!(
            pick(&c, None, Some("prd")).unwrap().as_deref(),
            Some("storefront")
        );
        assert_eq!(pick(&c, None, None).unwrap(), None);
        // In none of several systems: every system's environments are the choices.
        let err = pick(&c, None, Some("qa")).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (
                2,
                "unknown environment `qa`; expected one of dev, prd (storefront); dev, live \
                 (backoffice)"
            )
        );
        assert_eq!(
            pick(&c, Some("backoffice"), Some("dev"))
                .unwrap()
                .as_deref(),
            Some("backoffice")
        );
        let err = pick(&c, Some("storefront"), Some("live")).unwrap_err();
        assert_eq!(
            err.message,
            "environment `live` is not in system `storefront`; it is in backoffice (--system backoffice)"
        );
        let err = pick(&c, Some("payments"), None).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (
                2,
                "unknown system `payments`; expected one of storefront, backoffice"
            )
        );
    }
}
