//! `[[systems]]`: several deployments of the system in one file, each with its own environments,
//! `[github]`, `[deployer]` and `[aws]` defaults; the rest (`[ui]`, `[polling]`, `[notify]`) is
//! the file's.

use super::error::ConfigError;
use super::model::Config;
use super::reader::Table;
use super::validate;
use toml::Spanned;

/// Keys of a `[[systems]]` table.
const SYSTEM_KEYS: &[&str] = &[
    "name",
    "read_only",
    "aws",
    "github",
    "deployer",
    "environments",
];

/// Reads every `[[systems]]` table of `root` over `base` (the file-wide settings): the selected
/// system's configuration (`default_system`, else the first) with every system in `systems`.
pub(super) fn read(
    root: &Table<'_, '_>,
    tables: Spanned<Vec<Table<'_, '_>>>,
    base: Config,
) -> Result<Config, ConfigError> {
    if let Some(envs) = root.tables("environments")? {
        let m = "top-level [[environments]] cannot be mixed with [[systems]]: move each into \
                 its system as [[systems.environments]]";
        return Err(root.invalid("environments", &envs.span(), m));
    }
    for key in ["github", "deployer"] {
        if let Some(t) = root.table(key)? {
            let m = format!(
                "a top-level [{key}] cannot be mixed with [[systems]]: each system has its own \
                 (write it as [systems.{key}] in each [[systems]] entry)"
            );
            return Err(root.invalid(key, &t.span(), m));
        }
    }
    let span = tables.span();
    let tables = tables.into_inner();
    if tables.is_empty() {
        let m = "lists no system; add a [[systems]] table with a name and its environments";
        return Err(root.invalid("systems", &span, m));
    }
    let mut systems: Vec<(Config, String)> = Vec::new();
    for t in &tables {
        t.deny_unknown(SYSTEM_KEYS)?;
        let name = t.required_str("name")?;
        validate::env_name(name.get_ref()).map_err(|m| t.invalid("name", &name.span(), m))?;
        let name_text = name.get_ref().to_string();
        if let Some((_, first)) = systems
            .iter()
            .find(|(c, _)| c.system.as_deref() == Some(&name_text))
        {
            let m = format!("duplicate system name `{name_text}` (already used by {first})");
            return Err(t.invalid("name", &name.span(), m));
        }
        let one = one(t, &base, &name_text).map_err(|e| e.in_system(&name_text))?;
        systems.push((one, t.path().to_string()));
    }
    let all: Vec<Config> = systems.into_iter().map(|(c, _)| c).collect();
    let names: Vec<&str> = all.iter().filter_map(|c| c.system.as_deref()).collect();
    let selected = match root.str("default_system")? {
        None => 0,
        Some(v) => names.iter().position(|n| n == v.get_ref()).ok_or_else(|| {
            let m = format!(
                "unknown system `{}`; expected one of {}",
                v.get_ref(),
                names.join(", ")
            );
            root.invalid("default_system", &v.span(), m)
        })?,
    };
    Ok(Config {
        systems: all.clone(),
        ..all[selected].clone()
    })
}

/// One `[[systems]]` entry over the file-wide `base`.
fn one(t: &Table<'_, '_>, base: &Config, name: &str) -> Result<Config, ConfigError> {
    let read_only = base.read_only || t.bool("read_only")?.unwrap_or(false);
    let aws = super::parse::aws(t.table("aws")?, &base.aws)?;
    super::parse::system(
        t,
        Config {
            read_only,
            aws,
            system: Some(name.to_string()),
            ..base.clone()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    /// One system named `name` with environments `envs`, each with only its required keys.
    fn system(name: &str, envs: &[&str]) -> String {
        system_with(name, "", envs)
    }

    /// [`system`] with `keys` (lines of the system's own table) before its environments.
    fn system_with(name: &str, keys: &str, envs: &[&str]) -> String {
        let mut out = format!("[[systems]]\nname = \"{name}\"\n{keys}");
        for env in envs {
            out.push_str(&format!(
                "[[systems.environments]]\nname = \"{env}\"\npipeline = \"{name}-{env}\"\n\
                 source_bucket = \"{name}-source\"\nsource_key = \"{env}/release.zip\"\n\
                 distribution_id = \"E{}\"\n",
                format!("{name}{env}").to_uppercase().replace('-', "")
            ));
        }
        out
    }

    fn error(text: &str) -> String {
        Config::from_str(text, Some(std::path::Path::new("shipdeck.toml")))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn each_system_has_its_own_environments_and_the_first_is_selected() {
        let text = format!(
            "{}{}",
            system("storefront", &["dev", "prd"]),
            system("backoffice", &["dev", "live"])
        );
        let c = Config::from_str(&text, None).unwrap();
        assert_eq!(c.system.as_deref(), Some("storefront"));
        assert_eq!(c.system_names(), ["storefront", "backoffice"]);
        assert_eq!(c.environments[0].pipeline, "storefront-dev");
        assert_eq!(c.systems_with("dev"), ["storefront", "backoffice"]);
        assert_eq!(c.systems_with("live"), ["backoffice"]);
        let b = c.select(Some("backoffice")).unwrap();
        assert_eq!(b.system.as_deref(), Some("backoffice"));
        let names: Vec<&str> = b.environments.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["dev", "live"]);
        assert_eq!(b.environments[0].pipeline, "backoffice-dev");
        assert_eq!(b.system_names(), c.system_names(), "the list goes along");
        assert_eq!(
            c.select(Some("payments")).unwrap_err(),
            "unknown system `payments`; expected one of storefront, backoffice"
        );
        let d = Config::from_str(&format!("default_system = \"backoffice\"\n{text}"), None);
        assert_eq!(d.unwrap().system.as_deref(), Some("backoffice"));
    }

    #[test]
    fn a_file_without_systems_is_one_system_as_before() {
        let c = Config::from_str(crate::config::ONE_ENV, None).unwrap();
        assert_eq!(c.system, None);
        assert!(c.systems.is_empty());
        assert_eq!(c.environments.len(), 1);
        assert!(
            c.select(Some("storefront"))
                .unwrap_err()
                .contains("lists no [[systems]]")
        );
        assert_eq!(c.select(None).unwrap(), c);
    }

    #[test]
    fn aws_falls_back_per_key_and_read_only_adds_up() {
        let text = format!(
            "[aws]\nregion = \"eu-west-1\"\nprofile = \"ops\"\n{}{}",
            system_with(
                "storefront",
                "read_only = true\n[systems.aws]\nregion = \"us-east-1\"\n",
                &["dev"]
            ),
            system("backoffice", &["dev"])
        );
        let c = Config::from_str(&text, None).unwrap();
        let (s, b) = (&c.systems[0], &c.systems[1]);
        assert_eq!(s.aws.region.as_deref(), Some("us-east-1"));
        assert_eq!(s.aws.profile.as_deref(), Some("ops"));
        assert!(s.read_only && s.environments[0].read_only);
        assert_eq!(b.aws.region.as_deref(), Some("eu-west-1"));
        assert!(!b.read_only && !b.environments[0].read_only);
    }

    #[test]
    fn refusals_name_the_place_and_the_system() {
        let two = format!(
            "{}{}",
            system("storefront", &["dev"]),
            system("storefront", &["dev"])
        );
        let err = error(&two);
        assert!(err.starts_with("shipdeck.toml:10:8: systems[1].name: duplicate system name `storefront` (already used by systems[0])"), "{err}");
        let mixed = format!(
            "{}{}",
            crate::config::ONE_ENV,
            system("storefront", &["dev"])
        );
        let err = error(&mixed);
        assert!(err.contains("shipdeck.toml:2:1: environments: top-level [[environments]] cannot be mixed with [[systems]]"), "{err}");
        let github = format!(
            "[github]\nrepository = \"acme/x\"\n{}",
            system("storefront", &["dev"])
        );
        assert!(error(&github).contains("a top-level [github] cannot be mixed"));
        let bad = format!(
            "{}{}",
            system("storefront", &["dev"]),
            system("backoffice", &["dev"]).replace("backoffice-dev", "arn:x")
        );
        let err = error(&bad);
        assert!(
            err.starts_with("shipdeck.toml:13:12: systems[1].environments[0].pipeline: ")
                && err.ends_with("(system `backoffice`)"),
            "{err}"
        );
        let dup_env = system("storefront", &["dev", "dev"]);
        assert!(error(&dup_env).contains("duplicate environment name `dev`"));
        assert!(error(&dup_env).ends_with("(system `storefront`)"));
        let unknown = format!("{}polling = 3\n", system("storefront", &["dev"]));
        assert!(error(&unknown).contains("unknown key `polling` in systems[0].environments[0]"));
        let no_envs = "[[systems]]\nname = \"storefront\"\n";
        assert!(error(no_envs).contains("add an [[systems.environments]] table"));
        let default = format!("default_system = \"x\"\n{}", system("storefront", &["dev"]));
        assert!(
            error(&default)
                .contains("default_system: unknown system `x`; expected one of storefront")
        );
        let lone = format!("default_system = \"x\"\n{}", crate::config::ONE_ENV);
        assert!(error(&lone).contains("names a system, but the file lists no [[systems]]"));
        assert!(error("systems = []\n").contains("lists no system"));
        assert!(
            error("[[systems]]\nname = \"Store Front\"\n")
                .contains("systems[0].name: expected lowercase")
        );
    }
}
