//! Writing an export file without losing one: a file already there is replaced only when asked,
//! and the records go to a temporary file beside it that is renamed into place once complete,
//! so a write that fails half-way leaves the file as it was.

use crate::app::{ExportError, ExportJob};
use std::fs::{self, OpenOptions};
use std::io::{BufWriter, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Writes `job` to `path`; with `replace` false an existing file is left alone and reported as
/// [`ExportError::Exists`]. Returns the records written.
pub fn write_export(
    path: &Path,
    job: &Arc<ExportJob>,
    replace: bool,
) -> Result<usize, ExportError> {
    let failed = |e: std::io::Error| ExportError::Failed(e.to_string());
    // A link is followed: the file it points at is the one replaced, the link stays.
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    };
    let mut permissions = None;
    let mut reserved = false;
    match fs::metadata(&target) {
        Ok(m) if m.is_dir() => {
            return Err(ExportError::Failed(format!(
                "{} is a directory",
                target.display()
            )));
        }
        Ok(m) if !replace => {
            return Err(ExportError::Exists {
                bytes: m.len(),
                job: job.clone(),
            });
        }
        Ok(m) => permissions = Some(m.permissions()),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            if !replace {
                // Claim the name now, so that a file appearing while the records are written
                // is not overwritten by the rename.
                match OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&target)
                {
                    Ok(_) => reserved = true,
                    Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                        let bytes = fs::metadata(&target).map_or(0, |m| m.len());
                        return Err(ExportError::Exists {
                            bytes,
                            job: job.clone(),
                        });
                    }
                    Err(e) => return Err(failed(e)),
                }
            }
        }
        Err(e) => return Err(failed(e)),
    }
    let temp = temp_beside(&target).map_err(failed)?;
    let written = write_all(&temp, job, permissions).and_then(|n| {
        fs::rename(&temp, &target)?;
        Ok(n)
    });
    written.map_err(|e| {
        let _ = fs::remove_file(&temp);
        if reserved && fs::metadata(&target).is_ok_and(|m| m.len() == 0) {
            let _ = fs::remove_file(&target);
        }
        failed(e)
    })
}

/// `.NAME.PID.shipdeck-tmp` in the directory of `target`.
fn temp_beside(target: &Path) -> std::io::Result<PathBuf> {
    let name = target.file_name().ok_or_else(|| {
        std::io::Error::new(
            ErrorKind::InvalidInput,
            format!("{} names no file", target.display()),
        )
    })?;
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    temp.push(format!(".{}.shipdeck-tmp", std::process::id()));
    Ok(target.with_file_name(temp))
}

/// Writes the records to `temp`, flushed to the disk, with the permissions of the file it
/// replaces (if any).
fn write_all(
    temp: &Path,
    job: &ExportJob,
    permissions: Option<fs::Permissions>,
) -> std::io::Result<usize> {
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(temp)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let n = job.write_to(&mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    if let Some(p) = permissions {
        file.set_permissions(p)?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::ExportFormat;

    fn job() -> Arc<ExportJob> {
        Arc::new(ExportJob::of(
            &crate::app::Traffic::default(),
            ExportFormat::Tsv,
        ))
    }

    fn dir(tag: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("shipdeck-export-file-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn an_existing_file_is_kept_unless_replacing_is_asked_for() {
        let d = dir("keep");
        let path = d.join("out.tsv");
        fs::write(&path, "precious\n").unwrap();
        match write_export(&path, &job(), false) {
            Err(ExportError::Exists { bytes, .. }) => assert_eq!(bytes, 9),
            other => panic!("{other:?}"),
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), "precious\n");
        assert_eq!(write_export(&path, &job(), true), Ok(0));
        assert!(
            fs::read_to_string(&path)
                .unwrap()
                .starts_with("timestamp\t")
        );
        let fresh = d.join("new.tsv");
        assert_eq!(write_export(&fresh, &job(), false), Ok(0));
        assert!(
            fs::read_to_string(&fresh)
                .unwrap()
                .starts_with("timestamp\t")
        );
        let left: Vec<_> = fs::read_dir(&d).unwrap().collect();
        assert_eq!(left.len(), 2, "no temporary file left behind");
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_file_as_it_was() {
        let d = dir("fail");
        // The temporary file's name is taken by a directory: the write fails before the rename.
        let path = d.join("out.tsv");
        fs::write(&path, "precious\n").unwrap();
        fs::create_dir(temp_beside(&path).unwrap()).unwrap();
        assert!(matches!(
            write_export(&path, &job(), true),
            Err(ExportError::Failed(_))
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "precious\n");
        // A new file that cannot be written is not left behind empty.
        let fresh = d.join("new.tsv");
        fs::create_dir(temp_beside(&fresh).unwrap()).unwrap();
        assert!(matches!(
            write_export(&fresh, &job(), false),
            Err(ExportError::Failed(_))
        ));
        assert!(!fresh.exists());
        assert!(matches!(
            write_export(&d, &job(), true),
            Err(ExportError::Failed(e)) if e.contains("is a directory")
        ));
        fs::remove_dir_all(&d).unwrap();
    }
}
