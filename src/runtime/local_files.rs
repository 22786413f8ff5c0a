//! The local files of the console's upload prompt: completing a typed path on the file system
//! (`~` is the home directory, directories end with `/`) and reading a package for its plan.

use crate::app::PackageFile;
use std::path::{Path, PathBuf};

/// Most paths one completion lists (a directory with more is cut there, sorted first).
pub const MAX_MATCHES: usize = 200;

/// The home directory, for `~`.
fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// `text` with a leading `~` (alone or before `/`) replaced by `home`.
fn expand(text: &str, home: Option<&Path>) -> Result<PathBuf, String> {
    let rest = match text.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
        _ => return Ok(PathBuf::from(text)),
    };
    let Some(home) = home else {
        return Err(format!(
            "{text}: `~` names the home directory, and HOME is not set"
        ));
    };
    Ok(home.join(rest.trim_start_matches('/')))
}

/// The texts that complete `text`, sorted: `text`'s directory part as typed, then each entry
/// of that directory whose name starts with what follows (hidden ones only when that starts
/// with `.`), a directory with a `/` after it. `~` alone completes to `~/`.
pub fn complete_path(text: &str, home: Option<&Path>) -> Result<Vec<String>, String> {
    if text == "~" {
        return Ok(vec!["~/".into()]);
    }
    let (dir, prefix) = match text.rfind('/') {
        Some(i) => text.split_at(i + 1),
        None => ("", text),
    };
    let listed = if dir.is_empty() {
        PathBuf::from(".")
    } else {
        expand(dir, home)?
    };
    let shown = if dir.is_empty() { "." } else { dir };
    let entries = std::fs::read_dir(&listed).map_err(|e| format!("cannot list {shown}: {e}"))?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
            continue;
        }
        // A link to a directory completes as the directory.
        let is_dir = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
        found.push(format!("{dir}{name}{}", if is_dir { "/" } else { "" }));
    }
    found.sort();
    found.truncate(MAX_MATCHES);
    Ok(found)
}

/// Reads the release package at `text` (`~` expanded) as its upload's plan needs it: size,
/// SHA-256 and the working tree's commit; a bad path, a directory, an unreadable file or one
/// that is no zip is an error naming the path.
pub fn read_package(text: &str, home: Option<&Path>) -> Result<PackageFile, String> {
    let path = expand(text, home)?.display().to_string();
    let (bytes, sha256) = crate::ops::apply::upload::read_package(&path)?;
    Ok(PackageFile {
        path,
        size: bytes.len() as u64,
        sha256,
        commit: crate::ops::apply::upload::working_tree_commit(),
    })
}

/// [`complete_path`] with the session's home directory, off the event loop.
pub async fn complete(text: String) -> Result<Vec<String>, String> {
    tokio::task::spawn_blocking(move || complete_path(&text, home().as_deref()))
        .await
        .map_err(|e| format!("completion stopped: {e}"))?
}

/// [`read_package`] with the session's home directory, off the event loop (a large file takes
/// a while to hash).
pub async fn read(text: String) -> Result<PackageFile, String> {
    tokio::task::spawn_blocking(move || read_package(&text, home().as_deref()))
        .await
        .map_err(|e| format!("reading stopped: {e}"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary directory with two packages, a directory, a hidden file and a text file.
    fn tree(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("shipdeck-paths-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("packages/old")).unwrap();
        std::fs::write(
            dir.join("packages/storefront-1.44.0.zip"),
            b"PK\x03\x04 one",
        )
        .unwrap();
        std::fs::write(
            dir.join("packages/storefront-1.45.0.zip"),
            b"PK\x03\x04 two",
        )
        .unwrap();
        std::fs::write(dir.join("packages/.hidden.zip"), b"PK\x03\x04").unwrap();
        std::fs::write(dir.join("packages/notes.txt"), b"notes").unwrap();
        dir
    }

    #[test]
    fn completes_files_and_directories_against_a_temporary_directory() {
        let dir = tree("complete");
        let base = dir.display().to_string();
        // One match: the whole name; a directory ends with `/`.
        assert_eq!(
            complete_path(&format!("{base}/pack"), None).unwrap(),
            vec![format!("{base}/packages/")]
        );
        // Several: every one, sorted, hidden files left out.
        assert_eq!(
            complete_path(&format!("{base}/packages/"), None).unwrap(),
            vec![
                format!("{base}/packages/notes.txt"),
                format!("{base}/packages/old/"),
                format!("{base}/packages/storefront-1.44.0.zip"),
                format!("{base}/packages/storefront-1.45.0.zip"),
            ]
        );
        assert_eq!(
            complete_path(&format!("{base}/packages/st"), None).unwrap(),
            vec![
                format!("{base}/packages/storefront-1.44.0.zip"),
                format!("{base}/packages/storefront-1.45.0.zip"),
            ]
        );
        // A leading dot lists hidden files.
        assert_eq!(
            complete_path(&format!("{base}/packages/.h"), None).unwrap(),
            vec![format!("{base}/packages/.hidden.zip")]
        );
        assert!(
            complete_path(&format!("{base}/packages/zz"), None)
                .unwrap()
                .is_empty()
        );
        // A directory that does not exist: an error naming it.
        let missing = format!("{base}/nowhere/");
        assert!(
            complete_path(&format!("{missing}x"), None)
                .unwrap_err()
                .starts_with(&format!("cannot list {missing}: ")),
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_tilde_is_the_home_directory_and_stays_as_typed() {
        let dir = tree("tilde");
        assert_eq!(complete_path("~", Some(&dir)).unwrap(), vec!["~/"]);
        assert_eq!(
            complete_path("~/pa", Some(&dir)).unwrap(),
            vec!["~/packages/"]
        );
        assert_eq!(
            complete_path("~/packages/storefront-1.45", Some(&dir)).unwrap(),
            vec!["~/packages/storefront-1.45.0.zip"]
        );
        assert!(
            complete_path("~/pa", None)
                .unwrap_err()
                .contains("HOME is not set")
        );
        let read = read_package("~/packages/storefront-1.45.0.zip", Some(&dir)).unwrap();
        assert_eq!(
            read.path,
            dir.join("packages/storefront-1.45.0.zip")
                .display()
                .to_string()
        );
        assert_eq!(read.size, 8);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reading_a_directory_a_text_file_or_nothing_names_the_path() {
        let dir = tree("read");
        let base = dir.display().to_string();
        let d = format!("{base}/packages/old");
        assert_eq!(
            read_package(&d, None).unwrap_err(),
            format!("{d} is a directory; expected a release package (zip)")
        );
        let t = format!("{base}/packages/notes.txt");
        assert!(
            read_package(&t, None)
                .unwrap_err()
                .starts_with(&format!("{t} is not a release package"))
        );
        let n = format!("{base}/packages/none.zip");
        assert!(
            read_package(&n, None)
                .unwrap_err()
                .starts_with(&format!("cannot read {n}: "))
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
