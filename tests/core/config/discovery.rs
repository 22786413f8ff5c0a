//! Finding the file (`--config`, `$SHIPDECK_CONFIG`, working and config directories), its
//! errors, paths next to the file, and self-approval per environment.

use super::*;

/// A fresh, empty directory under the system temp dir.
fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("shipdeck-config-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a one-environment config named `env` at `path`.
fn write_config(path: &Path, env: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        format!(
            "[[environments]]\n{}",
            ENV.replace("\"dev\"", &format!("\"{env}\""))
        ),
    )
    .unwrap();
}

#[test]
fn discovery_order() {
    let root = temp_dir("order");
    let (cwd, home, xdg) = (root.join("work"), root.join("home"), root.join("xdg"));
    let search = Search {
        explicit: Some(root.join("flag.toml")),
        env_var: Some(root.join("env.toml")),
        cwd: Some(cwd.clone()),
        xdg_config_home: Some(xdg.clone()),
        home: Some(home.clone()),
    };
    let name = |s: &Search| s.load().unwrap().environments[0].name.clone();
    write_config(&root.join("flag.toml"), "flag");
    write_config(&root.join("env.toml"), "env");
    write_config(&cwd.join("shipdeck.toml"), "cwd");
    write_config(&xdg.join("shipdeck/shipdeck.toml"), "xdg");
    write_config(&home.join(".config/shipdeck/shipdeck.toml"), "home");
    assert_eq!(name(&search), "flag");
    let search = Search {
        explicit: None,
        ..search
    };
    assert_eq!(name(&search), "env");
    assert_eq!(
        search.locate().unwrap(),
        (root.join("env.toml"), Origin::EnvVar)
    );
    let search = Search {
        env_var: None,
        ..search
    };
    assert_eq!(name(&search), "cwd");
    std::fs::remove_file(cwd.join("shipdeck.toml")).unwrap();
    assert_eq!(name(&search), "xdg");
    let search = Search {
        xdg_config_home: None,
        ..search
    };
    assert_eq!(name(&search), "home");
    assert_eq!(
        search.load().unwrap().path,
        Some(home.join(".config/shipdeck/shipdeck.toml"))
    );
    // A relative --config path is taken from the working directory.
    let search = Search {
        explicit: Some(PathBuf::from("../flag.toml")),
        ..search
    };
    assert_eq!(name(&search), "flag");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn discovery_errors() {
    let root = temp_dir("errors");
    let search = Search {
        explicit: None,
        env_var: None,
        cwd: Some(root.join("work")),
        xdg_config_home: None,
        home: Some(root.join("home")),
    };
    let e = search.load().unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "no configuration file found; searched:\n  {0}/work/shipdeck.toml\n  {0}/home/.config/shipdeck/shipdeck.toml\n\
             copy assets/shipdeck.example.toml to one of these paths (or pass --config <path>, \
             or set SHIPDECK_CONFIG), or run with --demo",
            root.display()
        )
    );
    // A named file must exist, even when a default place has one.
    write_config(&root.join("work/shipdeck.toml"), "cwd");
    let named = Search {
        env_var: Some(root.join("missing.toml")),
        ..search.clone()
    };
    assert_eq!(
        named.load().unwrap_err().to_string(),
        format!(
            "{}/missing.toml: config file not found (named by $SHIPDECK_CONFIG)",
            root.display()
        )
    );
    let named = Search {
        explicit: Some(root.join("nope.toml")),
        ..named
    };
    assert_eq!(
        named.load().unwrap_err().to_string(),
        format!(
            "{}/nope.toml: config file not found (named by --config)",
            root.display()
        )
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn keymap_paths_expand_home_and_resolve_next_to_the_file() {
    let root = temp_dir("keymap");
    let path = root.join("work/shipdeck.toml");
    let search = Search {
        cwd: Some(root.join("work")),
        home: Some(root.join("home")),
        ..Search::default()
    };
    std::fs::create_dir_all(root.join("work")).unwrap();
    std::fs::write(
        &path,
        with_env("[ui]\nkeymap = \"~/.config/shipdeck/keymap.toml\""),
    )
    .unwrap();
    assert_eq!(
        search.load().unwrap().ui.keymap,
        Some(root.join("home/.config/shipdeck/keymap.toml"))
    );
    std::fs::write(&path, with_env("[ui]\nkeymap = \"keys.toml\"")).unwrap();
    assert_eq!(
        search.load().unwrap().ui.keymap,
        Some(root.join("work/keys.toml"))
    );
    std::fs::remove_dir_all(&root).unwrap();
}

proptest::proptest! {
    /// Any text, and the example with any one line dropped, parses or fails cleanly, and a
    /// located error points inside the text.
    #[test]
    fn never_panics_and_locations_stay_inside(text in "\\PC{0,200}", drop in 0usize..140) {
        let lines: Vec<&str> = EXAMPLE.lines().collect();
        let mut edited = lines.clone();
        edited.remove(drop % lines.len());
        for input in [text, edited.join("\n")] {
            if let Err(e) = parse(&input)
                && let Some(at) = e.location()
            {
                proptest::prop_assert!(at.line <= input.lines().count().max(1) + 1, "{e}");
                proptest::prop_assert!(at.column >= 1);
            }
        }
    }
}

#[test]
fn self_approval_is_refuse_or_allow_per_environment() {
    use shipdeck::ops::SelfApproval;
    let c = parse(&format!(
        "[[environments]]\n{ENV}self_approval = \"allow\"\n"
    ))
    .unwrap();
    assert_eq!(c.self_approval("dev"), SelfApproval::Allow);
    let c = parse(&format!(
        "[[environments]]\n{ENV}self_approval = \"refuse\"\n"
    ))
    .unwrap();
    assert_eq!(c.self_approval("dev"), SelfApproval::Refuse);
    let c = parse(&format!("[[environments]]\n{ENV}")).unwrap();
    assert_eq!(c.self_approval("dev"), SelfApproval::Default);
    assert!(SelfApproval::Default.refuses(true) && !SelfApproval::Default.refuses(false));
    assert_eq!(
        err(&format!(
            "[[environments]]\n{ENV}self_approval = \"never\"\n"
        )),
        "shipdeck.toml:8:17: environments[0].self_approval: expected \"refuse\" or \"allow\", \
         found `never`"
    );
    assert_eq!(
        err(&format!("[[environments]]\n{ENV}self_approval = false\n")),
        "shipdeck.toml:8:17: environments[0].self_approval: expected a string, found a boolean"
    );
    let demo = Config::demo().unwrap();
    assert_eq!(demo.self_approval("prd"), SelfApproval::Refuse);
    assert_eq!(demo.self_approval("dev"), SelfApproval::Default);
}
