//! The layers, checked: the pure core (`domain`, `app`, `accesslog`, `ops/plan`) imports no I/O
//! and no outer layer. A plain scan of every core file's lines for the paths it must not name.

/// The folders of the pure core.
const CORE: &[&str] = &[
    "src/domain",
    "src/app",
    "src/accesslog",
    "src/ops/plan",
    "src/query",
];

/// What a core file must not name: outer layers, the access-log file readers, effects, terminal
/// and AWS crates, the file system, sockets (address types are values), processes, the
/// environment, clocks, async runtimes.
const FORBIDDEN: &[&str] = &[
    "crate::runtime",
    "crate::cli",
    "crate::tui",
    "crate::ops::apply",
    "crate::cloud::aws",
    "crate::cloud::sim",
    "crate::accesslog_io",
    "crate::logging",
    "tokio::",
    "ratatui",
    "crossterm",
    "aws_sdk_",
    "aws_config",
    "aws_smithy",
    "std::fs",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "std::process",
    "std::env",
    "SystemTime::now",
    "Instant::now",
];

/// Every `.rs` file under `dir`.
fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `text` that name a forbidden path, outside comments and the file's test module.
pub fn violations(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if line.trim_start().starts_with("#[cfg(test)]") {
            // Tests may read files and clocks; the module under test may not.
            break;
        }
        if let Some(bad) = FORBIDDEN.iter().find(|f| code.contains(**f)) {
            out.push((i + 1, *bad));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_imports_no_io_and_no_outer_layer() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = Vec::new();
        let mut scanned = 0;
        for dir in CORE {
            let mut paths = Vec::new();
            files(&root.join(dir), &mut paths);
            for path in paths {
                // Test files kept beside the code they test (`tests.rs`, `*_tests.rs`); tests
                // are allowed what the core is not.
                if path.ends_with("tests.rs") || path.to_string_lossy().contains("_tests") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                scanned += 1;
                for (line, bad) in violations(&text) {
                    found.push(format!("{}:{line}: {bad}", path.display()));
                }
            }
        }
        assert!(scanned > 80, "the scan read the core ({scanned} files)");
        assert!(
            found.is_empty(),
            "the core reaches outwards:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_scan_catches_what_it_names() {
        let text =
            "use crate::runtime::Headless;\n// use tokio::time;\nlet t = std::fs::read(p);\n";
        let hits = violations(text);
        assert_eq!(hits, vec![(1, "crate::runtime"), (3, "std::fs")]);
        assert!(violations("#[cfg(test)]\nuse std::fs;\n").is_empty());
    }
}
