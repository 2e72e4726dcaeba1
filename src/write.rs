//! Stage 4, write: output files replaced atomically, so a failed run never leaves a
//! truncated file and never destroys an earlier good one.

use std::io::Write;

use rust_i18n::t;

use crate::diag::Diagnostic;
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

impl WriteError {
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::error(t!("cannot write: %{reason}", reason = self.reason)).in_file(&self.path)
    }
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    // An identical file is left alone: no churn, and its time stays for tools that watch it.
    if std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
    {
        return Ok(());
    }
    let fail = |e: std::io::Error| WriteError {
        path: path.to_path_buf(),
        reason: crate::load::io_reason(&e),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".gongwen-")
        .suffix(".tmp")
        .permissions(permissions(path))
        .tempfile_in(dir)
        .map_err(fail)?;
    // No fsync: the rename alone guarantees that readers see the old file or the new one,
    // never a part; syncing every file would cost more than the rest of a batch build.
    temp.write_all(bytes).map_err(fail)?;
    // On failure the temporary file is removed when `temp` drops.
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
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

/// Writes every output of one document; stops at the first failure.
pub fn write_all(outputs: &[Output]) -> Result<(), WriteError> {
    outputs
        .iter()
        .try_for_each(|o| write_atomic(&o.path, &o.bytes))
}
