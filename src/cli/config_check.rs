//! `shipdeck config check`: validates a configuration file, and the keymap it names exactly as the
//! console loads it, and says what they describe.

use super::Failure;
use crate::config::{self, Config, regions};
use crate::tui::keymap::Keymap;
use std::path::Path;

/// Checks the file named by the command's argument, else by `--config`, else the one the usual
/// search finds; then the keymap file its `[ui] keymap` names, with the console's own loader.
pub fn run(argument: Option<&Path>, flag: Option<&Path>) -> Result<String, Failure> {
    let loaded = match argument {
        Some(path) => {
            config::Search::from_env(None).load_named(path, config::Origin::CheckArgument)
        }
        None => config::discover(flag),
    };
    let config = loaded.map_err(|e| Failure::new(e.to_string()))?;
    let keymap = Keymap::load(config.ui.keymap.as_deref()).map_err(|e| {
        let named_by = config.path.as_ref().map_or_else(String::new, |p| {
            format!(" (named by [ui] keymap in {})", p.display())
        });
        Failure::new(format!("{e}{named_by}"))
    })?;
    Ok(report(&config, &keymap))
}

/// What a valid configuration describes.
fn report(config: &Config, keymap: &Keymap) -> String {
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
    if let Some(region) = &config.aws.region
        && let Ok(regions::RegionName::Newer { partition }) = regions::check(region)
    {
        out.push_str(&format!(
            "  note: region {region} is not among the regions this build knows; it is named as \
             a newer region of partition {partition} would be\n"
        ));
    }
    if let Some(path) = &config.ui.keymap {
        out.push_str(&format!(
            "  keymap {}: ok, {} bindings with the defaults\n",
            path.display(),
            keymap.bindings().len()
        ));
    }
    out
}
