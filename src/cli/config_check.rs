//! `shipdeck config check`: validates a configuration file and says what it describes.

use super::Failure;
use crate::config;
use std::path::Path;

/// Checks the file named by the command's argument, else by `--config`, else the one the usual
/// search finds.
pub fn run(argument: Option<&Path>, flag: Option<&Path>) -> Result<String, Failure> {
    let loaded = match argument {
        Some(path) => {
            config::Search::from_env(None).load_named(path, config::Origin::CheckArgument)
        }
        None => config::discover(flag),
    };
    let config = loaded.map_err(|e| Failure::new(e.to_string()))?;
    let file = config
        .path
        .as_ref()
        .map_or("<built-in>".into(), |p| p.display().to_string());
    let mut out = format!("{file}: ok, {} environments\n", config.environments.len());
    for env in &config.environments {
        out.push_str(&format!(
            "  {:<6} pipeline {}  distribution {}{}{}\n",
            env.name,
            env.pipeline,
            env.distribution_id,
            if env.protected { "  protected" } else { "" },
            if env.read_only { "  read-only" } else { "" },
        ));
    }
    Ok(out)
}
