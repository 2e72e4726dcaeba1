//! Stage 4, write: output files replaced atomically, so a failed run never leaves a
//! truncated file and never destroys an earlier good one.

use std::io::Write;

use crate::diag::{Diagnostic, Place, Report};
use std::path::{Path, PathBuf};

/// One output file of a document, rendered and encoded, not yet on disk.
pub struct Output {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub reason: String,
}

impl Report for WriteError {
    /// The error at the file that could not be written, wherever the work was.
    fn report(&self, _: &Place) -> Diagnostic {
        Diagnostic::error(t!("cannot write: %{reason}", reason = self.reason)).in_file(&self.path)
    }
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    if unchanged(path, bytes) {
        return Ok(());
    }
    // On failure the temporary file is removed when it drops.
    stage(path, bytes)?
        .persist(path)
        .map_err(|e| fail(path, &e.error))?;
    Ok(())
}

/// Whether `path` already holds `bytes`. An identical file is left alone: no churn, and its
/// time stays for tools that watch it.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// The permissions of the file being replaced, or read-write for the owner and readable for
/// everyone (a temporary file alone would be private to the owner).
fn permissions(path: &Path) -> std::fs::Permissions {
    if let Ok(meta) = std::fs::metadata(path) {
        return meta.permissions();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(0o644)
    }
    #[cfg(not(unix))]
    {
        std::fs::File::open(".")
            .and_then(|f| f.metadata())
            .map(|m| m.permissions())
            .expect("the current folder")
    }
}

/// Writes every output of one document, all or none: each is first written whole to a
/// temporary file beside its place; only when all are written are they renamed into place,
/// the files they replace kept aside until every rename has worked. If any step fails, the
/// new files are removed and the earlier ones put back.
pub fn write_all(outputs: &[Output]) -> Result<(), WriteError> {
    let mut staged = Vec::with_capacity(outputs.len());
    for output in outputs {
        if unchanged(&output.path, &output.bytes) {
            continue;
        }
        // On failure, the files staged so far are removed as `staged` drops.
        staged.push((output, stage(&output.path, &output.bytes)?));
    }
    let mut placed: Vec<(&Path, Option<tempfile::TempPath>)> = Vec::new();
    let undo = |placed: Vec<(&Path, Option<tempfile::TempPath>)>| {
        for (path, old) in placed.into_iter().rev() {
            let _ = std::fs::remove_file(path);
            restore(path, old);
        }
    };
    for (output, temp) in staged {
        let path = output.path.as_path();
        let old = match set_aside(path) {
            Ok(old) => old,
            Err(error) => {
                undo(placed);
                return Err(error);
            }
        };
        if let Err(e) = temp.persist(path) {
            restore(path, old);
            undo(placed);
            return Err(fail(path, &e.error));
        }
        placed.push((path, old));
    }
    // Every file is in place: the ones set aside are removed as they drop.
    Ok(())
}

fn fail(path: &Path, e: &std::io::Error) -> WriteError {
    WriteError {
        path: path.to_path_buf(),
        reason: crate::load::io_reason(e),
    }
}

/// Writes `bytes` to a new temporary file in `path`'s folder.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, WriteError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".gongwen-")
        .suffix(".tmp")
        .permissions(permissions(path))
        .tempfile_in(dir)
        .map_err(|e| fail(path, &e))?;
    // No fsync: the rename alone guarantees that readers see the old file or the new one,
    // never a part; syncing every file would cost more than the rest of a batch build.
    temp.write_all(bytes).map_err(|e| fail(path, &e))?;
    Ok(temp)
}

/// A hard link to the file at `path` under a temporary name, if there is a file: it lets the
/// file be put back, and is removed when dropped.
fn set_aside(path: &Path) -> Result<Option<tempfile::TempPath>, WriteError> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let aside = tempfile::Builder::new()
        .prefix(".gongwen-")
        .suffix(".old")
        // A copy where the file system has no hard links.
        .make_in(dir, |name| {
            std::fs::hard_link(path, name).or_else(|_| std::fs::copy(path, name).map(|_| ()))
        })
        .map_err(|e| fail(path, &e))?;
    Ok(Some(aside.into_temp_path()))
}

/// Puts a file set aside back at `path`.
fn restore(path: &Path, old: Option<tempfile::TempPath>) {
    if let Some(old) = old {
        let _ = old.persist(path);
    }
}

/// A user folder of the XDG layout for gongwen: `$VARIABLE/gongwen`, else
/// `~/FALLBACK/gongwen` (an empty variable counts as unset).
pub fn xdg_dir(variable: &str, fallback: &str) -> Option<std::path::PathBuf> {
    std::env::var_os(variable)
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| std::path::PathBuf::from(h).join(fallback))
        })
        .map(|base| base.join("gongwen"))
}

/// How a part of a zip package is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packing {
    /// Deflated at the default level.
    Deflated,
    /// Deflated at the fastest level (large text that is written often).
    Fast,
    /// Stored as it is (fonts and images, which deflate barely shrinks).
    Stored,
}

/// A zip package (DOCX, OFD) of the parts in the order given, with fixed times and
/// permissions, so that the same parts give the same bytes.
pub fn zip_package(parts: impl IntoIterator<Item = (String, Vec<u8>, Packing)>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes, packing) in parts {
        let options = match packing {
            Packing::Deflated => deflated,
            Packing::Fast => deflated.compression_level(Some(1)),
            Packing::Stored => deflated.compression_method(zip::CompressionMethod::Stored),
        };
        // Writing into memory cannot fail.
        zip.start_file(name, options)
            .expect("a zip entry starts in memory");
        zip.write_all(&bytes)
            .expect("a zip entry is written in memory");
    }
    zip.finish()
        .expect("a zip in memory is finished")
        .into_inner()
}
