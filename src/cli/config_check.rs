//! `shipdeck config check`: validates a configuration file, and the keymap it names exactly as the
//! console loads it, and says what they describe; with `--discover`, how each environment's
//! distribution logs and the config lines that would pin each source.

use super::{Answer, Failure};
use crate::app::{Resolved, resolve_logs};
use crate::cli::args::Global;
use crate::cloud::Discovery;
use crate::config::{self, Config, regions};
use crate::domain::words::count;
use crate::domain::{EnvSpec, LogSource, SourceKind};
use crate::tui::keymap::Keymap;
use std::path::Path;

/// Checks the file named by the command's argument, else by `--config`, else (with `--demo`)
/// the built-in demo configuration, else the one the usual search finds; then the keymap file
/// its `[ui] keymap` names, with the console's own loader.
pub fn run(argument: Option<&Path>, flag: Option<&Path>, demo: bool) -> Result<String, Failure> {
    let loaded = match argument {
        Some(path) => {
            config::Search::from_env(None).load_named(path, config::Origin::CheckArgument)
        }
        None if demo && flag.is_none() => Config::demo(),
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

/// What a valid configuration describes: its environments, or each system's.
fn report(config: &Config, keymap: &Keymap) -> String {
    let file = config
        .path
        .as_ref()
        .map_or("<built-in>".into(), |p| p.display().to_string());
    let mut out = if config.systems.is_empty() {
        let envs = count(config.environments.len(), "environment", "environments");
        let mut out = format!("{file}: ok, {envs}\n");
        out.push_str(&environments(config, "  "));
        out
    } else {
        let systems = count(config.systems.len(), "system", "systems");
        let mut out = format!("{file}: ok, {systems}\n");
        for system in &config.systems {
            let name = system.system.as_deref().unwrap_or_default();
            let default = if config.system == system.system {
                " (the default)"
            } else {
                ""
            };
            out.push_str(&format!(
                "  system {name}{default}: {}{}\n",
                count(system.environments.len(), "environment", "environments"),
                system
                    .github
                    .as_ref()
                    .map_or_else(String::new, |g| format!(", GitHub {}", g.repository))
            ));
            out.push_str(&environments(system, "    "));
        }
        out
    };
    if let Some(path) = &config.ui.keymap {
        out.push_str(&format!(
            "  keymap {}: ok, {} bindings with the defaults\n",
            path.display(),
            keymap.bindings().len()
        ));
    }
    out
}

/// One system's environments, each on a line starting with `indent`, and a note on its region.
fn environments(config: &Config, indent: &str) -> String {
    let mut out = String::new();
    for env in &config.environments {
        out.push_str(&format!(
            "{indent}{:<6} pipeline {}  distribution {}{}{}\n",
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
            "{indent}note: region {region} is not among the regions this build knows; it is \
             named as a newer region of partition {partition} would be\n"
        ));
    }
    out
}

/// `--discover`: after the check's `text`, each environment's log sources as discovery finds
/// them (through the simulator with `--demo`); exit 1 when a source is unknown (a read failed).
pub async fn discover(
    global: &Global,
    path: Option<&Path>,
    text: String,
) -> Result<Answer, Failure> {
    let mut global = global.clone();
    if let Some(p) = path {
        global.config = Some(p.to_path_buf());
    }
    let mut out = text;
    out.push_str(
        "log sources (legacy logging from GetDistribution, v2 deliveries from the CloudWatch \
         Logs delivery APIs in us-east-1):\n",
    );
    // Every system's environments, as the check above lists them (`--system` picks one).
    let systems = super::systems::every(&global);
    if systems.is_empty() {
        let unknowns = discover_system(&global, &mut out, "").await?;
        return Ok(Answer::with_unknowns(out, unknowns));
    }
    let mut unknowns = 0;
    for name in &systems {
        out.push_str(&format!("  system {name}\n"));
        let narrowed = super::systems::narrowed(&global, name);
        unknowns += discover_system(&narrowed, &mut out, "  ").await?;
    }
    Ok(Answer::with_unknowns(out, unknowns))
}

/// One system's log sources, each line indented by `indent` more; how many are unknown.
async fn discover_system(
    global: &Global,
    out: &mut String,
    indent: &str,
) -> Result<usize, Failure> {
    let backend = super::connect(global).map_err(Failure::new)?;
    let mut unknowns = 0;
    for spec in &backend.config.environments {
        let found = crate::runtime::cloudfront_logs::discover(
            backend.clouds.named(&spec.name),
            &spec.distribution_id,
        )
        .await;
        unknowns += found.problems().len();
        for line in describe(spec, &found).lines() {
            out.push_str(&format!("{indent}{line}\n"));
        }
    }
    Ok(unknowns)
}

/// One environment's sources, which one is read and how to pin each.
fn describe(spec: &EnvSpec, found: &Discovery) -> String {
    let mut out = format!("  {} (distribution {})\n", spec.name, spec.distribution_id);
    let sources = found.sources();
    for (i, s) in sources.iter().enumerate() {
        out.push_str(&source_lines(i + 1, s, &spec.distribution_id));
    }
    for p in found.problems() {
        out.push_str(&format!("    {p}\n"));
    }
    if sources.is_empty() && found.problems().is_empty() {
        out.push_str("    no access logging (neither legacy logging nor a v2 delivery)\n");
    }
    let reads = match resolve_logs(spec, Some(found), None) {
        Resolved::Target(t) if spec.logs_bucket.is_some() => format!(
            "the configured {} (logs_bucket wins; --source or :logsource picks another)",
            t.describe()
        ),
        Resolved::Target(t) => format!(
            "{} by default (--source N or :logsource N picks another)",
            t.label
        ),
        Resolved::Unreadable(why) | Resolved::NoSuchSource(why) => format!("nothing: {why}"),
        Resolved::Discover => "nothing yet".into(),
    };
    out.push_str(&format!("    reads: {reads}\n"));
    out
}

/// A numbered source: destination, format, fields, key template, and the lines that pin it.
fn source_lines(n: usize, s: &LogSource, dist: &str) -> String {
    let what = match &s.kind {
        SourceKind::Legacy => "legacy logging".to_string(),
        SourceKind::Delivery {
            id,
            source,
            destination,
        } => format!("v2 delivery {id} (source {source}, destination {destination})"),
    };
    let mut out = format!("    {n}. {what}\n");
    out.push_str(&format!(
        "       destination {}\n",
        s.destination.describe()
    ));
    let mut format = format!("       format {}", s.format);
    if let Some(d) = &s.delimiter {
        format.push_str(&format!(", delimiter {d:?}"));
    }
    out.push_str(&format!("{format}\n"));
    if !s.fields.is_empty() {
        out.push_str(&format!(
            "       fields ({}) {}\n",
            s.fields.len(),
            s.fields.join(",")
        ));
    }
    match (s.s3(), s.unreadable()) {
        (Some((bucket, template)), None) => {
            let file = match s.kind {
                SourceKind::Legacy => format!("{dist}.YYYY-MM-DD-HH.<unique>.gz"),
                SourceKind::Delivery { .. } => "<file>".into(),
            };
            out.push_str(&format!("       keys {template}{file}\n"));
            if s.format == "plain" {
                // A configured bucket carries no field list: only discovery knows the layout.
                out.push_str(
                    "       not pinned: plain lines are read by the delivery's fields, which \
                     only discovery knows; leave logs_bucket unset\n",
                );
            } else {
                out.push_str(&format!(
                    "       pin: logs_bucket = {}\n            logs_prefix = {}\n",
                    toml_string(bucket),
                    toml_string(template)
                ));
            }
        }
        (_, Some(why)) => out.push_str(&format!("       not read: {why}\n")),
        (None, None) => {
            // A log group is read through FilterLogEvents; the configuration names buckets only.
            out.push_str(&format!(
                "       read with FilterLogEvents: --source {n} or :logsource {n} (no \
                 configuration line pins a log group)\n"
            ));
        }
    }
    out
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
