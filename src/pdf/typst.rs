//! Running the typst CLI as a child process: found once, killed when it hangs.

use crate::diag::{Diagnostic, Place, Report};
use crate::process;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The most of `typst fonts` read: a line per face, far below this for any font folder.
const MAX_FONT_LIST_BYTES: usize = 4 * 1024 * 1024;

/// The typst version gongwen is built and tested with; `make` installs it.
pub const PINNED_VERSION: &str = "0.15.1";

/// The project-local install `make` creates, relative to the project folder.
pub const LOCAL_TYPST: &str = "tools/typst/bin/typst";

#[derive(Debug)]
pub enum TypstError {
    /// No typst executable was found.
    Missing,
    /// typst ran and reported errors (its short diagnostics).
    Failed { status: String, stderr: String },
    /// typst ran longer than the timeout and was killed.
    TimedOut(Duration),
    /// typst exited 0 but what it wrote is not a PDF.
    NotPdf,
    /// The run was asked to stop while typst ran; typst was stopped.
    Interrupted,
    /// typst could not be started or its output not read.
    Io(String),
}

impl Report for TypstError {
    /// A missing typst is the machine's, not the file's; the others are the file's.
    fn report(&self, place: &Place) -> Diagnostic {
        let d = match self {
            TypstError::Missing => {
                return Diagnostic::error(t!("the typst CLI was not found")).with_hint(t!(
                "run `make install` in gongwen's folder (it puts typst %{version} beside gongwen as gongwen-typst), or `make` there (into %{path}), or install it with `cargo install typst-cli --version %{version} --locked`, or set GONGWEN_TYPST to its path",
                version = PINNED_VERSION,
                path = LOCAL_TYPST
            ));
            }
            TypstError::Failed { status, stderr } => {
                let mut d = Diagnostic::error(t!("typst failed (%{status})", status = status));
                for line in stderr.lines().filter(|l| !l.trim().is_empty()).take(20) {
                    d = d.with_note(format!("typst: {}", cut(line, MAX_NOTE_CHARS)));
                }
                d
            }
            TypstError::NotPdf => Diagnostic::error(t!("typst reported success but did not write a PDF"))
                .with_hint(t!("check that GONGWEN_TYPST names the typst CLI (`typst --version`), or run `make` to install it")),
            TypstError::Interrupted => Diagnostic::error(t!("stopped")),
            TypstError::TimedOut(limit) => Diagnostic::error(t!(
                "typst did not finish within %{seconds} s and was stopped",
                seconds = limit.as_secs()
            ))
            .with_hint(t!("a very long document may need more time: set GONGWEN_TYPST_TIMEOUT (seconds)")),
            TypstError::Io(message) => {
                Diagnostic::error(t!("cannot run typst: %{reason}", reason = message))
            }
        };
        place.file_of(d)
    }
}

/// The most characters of one relayed line of typst's output.
const MAX_NOTE_CHARS: usize = 400;

/// The first `max` characters of a line, with `…` where it was cut.
fn cut(line: &str, max: usize) -> String {
    match line.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_owned(),
    }
}

/// The name of the pinned typst that `make install` puts beside the gongwen binary: not
/// `typst`, so that it never stands in for a typst of the user's own on the PATH.
pub const INSTALLED_TYPST: &str = "gongwen-typst";

/// `gongwen-typst` in the folder of the running gongwen, found whatever the current folder.
fn beside_gongwen() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let candidate = exe.parent()?.join(INSTALLED_TYPST);
    candidate.is_file().then_some(candidate)
}

/// A located typst executable and the time it may take per document.
#[derive(Clone, Debug)]
pub struct Typst {
    pub path: PathBuf,
    pub timeout: Duration,
}

impl Typst {
    /// `GONGWEN_TYPST`, else the pinned typst `make install` puts beside gongwen
    /// (`gongwen-typst`), else the project-local install, else `typst` on the PATH.
    pub fn locate() -> Result<Typst, TypstError> {
        let timeout = std::env::var("GONGWEN_TYPST_TIMEOUT")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map_or(Duration::from_secs(60), Duration::from_secs_f64);
        let path = match std::env::var_os("GONGWEN_TYPST") {
            Some(path) => Some(PathBuf::from(path)).filter(|p| p.is_file()),
            None => beside_gongwen()
                .or_else(|| Some(PathBuf::from(LOCAL_TYPST)).filter(|p| p.is_file()))
                .or_else(|| search_path("typst")),
        };
        // Absolute, because typst runs inside its private root folder.
        let path = path.map(|p| std::fs::canonicalize(&p).unwrap_or(p));
        path.map(|path| Typst { path, timeout })
            .ok_or(TypstError::Missing)
    }

    /// `typst compile` of `root/main.typ` into `root/out.pdf`; returns the PDF's bytes.
    pub fn compile(
        &self,
        root: &Path,
        font_dir: &Path,
        timestamp: i64,
        standard: Option<&str>,
    ) -> Result<Vec<u8>, TypstError> {
        let standard = standard.map(|s| ["--pdf-standard", s]);
        self.run(
            root,
            font_dir,
            timestamp,
            standard.into_iter().flatten(),
            "out.pdf",
        )?;
        let pdf = std::fs::read(root.join("out.pdf"))
            .map_err(|e| TypstError::Io(format!("reading its PDF: {e}")))?;
        // A typst that exits 0 without writing a PDF (a wrong program, a broken install)
        // must not give a "built" document.
        if !pdf.starts_with(b"%PDF-") {
            return Err(TypstError::NotPdf);
        }
        Ok(pdf)
    }

    /// `typst compile` of `root/main.typ` into one SVG image a page, in page order.
    pub fn compile_pages(
        &self,
        root: &Path,
        font_dir: &Path,
        timestamp: i64,
    ) -> Result<Vec<Vec<u8>>, TypstError> {
        let folder = root.join("pages");
        std::fs::create_dir_all(&folder)
            .map_err(|e| TypstError::Io(format!("making its page folder: {e}")))?;
        self.run(
            root,
            font_dir,
            timestamp,
            ["--format", "svg"],
            "pages/{p}.svg",
        )?;
        let mut pages = Vec::new();
        // Pages are numbered from 1 without gaps; the first missing number ends them.
        while let Ok(svg) = std::fs::read(folder.join(format!("{}.svg", pages.len() + 1))) {
            pages.push(svg);
        }
        if pages.is_empty() || !pages.iter().all(|p| p.starts_with(b"<svg")) {
            return Err(TypstError::NotPdf);
        }
        Ok(pages)
    }

    fn run<'a>(
        &self,
        root: &Path,
        font_dir: &Path,
        timestamp: i64,
        extra: impl IntoIterator<Item = &'a str>,
        output: &str,
    ) -> Result<(), TypstError> {
        // Run inside the root with relative names, so diagnostics read `gongwen.typ:12:3`.
        let mut command = Command::new(&self.path);
        command
            .current_dir(root)
            .arg("compile")
            .arg("--root")
            .arg(".")
            .arg("--font-path")
            .arg(font_dir)
            .arg("--ignore-system-fonts")
            .arg("--diagnostic-format")
            .arg("short")
            .arg("--creation-timestamp")
            .arg(timestamp.to_string())
            .args(extra)
            .arg("main.typ")
            .arg(output)
            .env_remove("TYPST_FONT_PATHS");
        let finished = process::run(&mut command, self.timeout, 0).map_err(TypstError::from)?;
        if !finished.status.success() {
            return Err(TypstError::Failed {
                status: process::describe(finished.status),
                stderr: String::from_utf8_lossy(&finished.stderr).into_owned(),
            });
        }
        Ok(())
    }
}

impl From<process::RunError> for TypstError {
    fn from(e: process::RunError) -> Self {
        match e {
            process::RunError::Missing => TypstError::Missing,
            process::RunError::TimedOut(limit) => TypstError::TimedOut(limit),
            process::RunError::Interrupted => TypstError::Interrupted,
            process::RunError::Io(message) => TypstError::Io(message),
        }
    }
}

impl Typst {
    /// The family names typst gives the fonts of `font_dir`, with the file each is in:
    /// typst shortens some names (`AR PL UKai CN` is `AR PL UKai` to it). Asking typst
    /// costs a process start, so the answer is cached per typst binary and font files.
    pub fn families(&self, font_dir: &Path, files: &[&Path]) -> Vec<(String, PathBuf)> {
        let cache = cache_file(&self.path, files);
        if let Some(text) = cache.as_ref().and_then(|c| std::fs::read_to_string(c).ok()) {
            return parse_cache(&text);
        }
        let families = self.query_families(font_dir);
        if let Some(cache) = cache.filter(|_| !families.is_empty()) {
            let text: String = families
                .iter()
                .map(|(family, path)| format!("{family}\t{}\n", path.display()))
                .collect();
            // A cache that cannot be written only costs time.
            if std::fs::create_dir_all(cache.parent().unwrap_or(Path::new("."))).is_ok() {
                let _ = crate::write::write_atomic(&cache, text.as_bytes());
            }
        }
        families
    }

    fn query_families(&self, font_dir: &Path) -> Vec<(String, PathBuf)> {
        let mut command = Command::new(&self.path);
        command
            .arg("fonts")
            .arg("--font-path")
            .arg(font_dir)
            .arg("--ignore-system-fonts")
            .arg("--variants")
            .env_remove("TYPST_FONT_PATHS");
        // A typst that hangs or floods here costs its timeout, then names come from the fonts.
        let Ok(output) = process::run(&mut command, self.timeout, MAX_FONT_LIST_BYTES) else {
            return Vec::new();
        };
        if !output.status.success() {
            return Vec::new();
        }
        let mut families = Vec::new();
        let mut current = None;
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            if !line.starts_with(char::is_whitespace) && !line.trim().is_empty() {
                current = Some(line.trim().to_owned());
            } else if let (Some(path), Some(family)) = (line.trim().strip_prefix("└ "), &current)
            {
                families.push((family.clone(), PathBuf::from(path.trim())));
            }
        }
        families
    }
}

/// `~/.cache/gongwen/font-names-<hash>.tsv`, the hash over the typst binary and the font
/// files (path, size, modification time), so any change asks typst again.
fn cache_file(typst: &Path, files: &[&Path]) -> Option<PathBuf> {
    use std::hash::{Hash, Hasher};
    let base = super::cache_dir()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for path in std::iter::once(typst).chain(files.iter().copied()) {
        let meta = std::fs::metadata(path).ok()?;
        path.hash(&mut hasher);
        meta.len().hash(&mut hasher);
        meta.modified().ok()?.hash(&mut hasher);
    }
    Some(base.join(format!("font-names-{:016x}.tsv", hasher.finish())))
}

fn parse_cache(text: &str) -> Vec<(String, PathBuf)> {
    text.lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(family, path)| (family.to_owned(), PathBuf::from(path)))
        .collect()
}

fn search_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
