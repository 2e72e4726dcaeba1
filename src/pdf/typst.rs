//! Running the typst CLI as a child process: found once, killed when it hangs.

use rust_i18n::t;

use crate::diag::Diagnostic;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    /// typst could not be started or its output not read.
    Io(String),
}

impl TypstError {
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            TypstError::Missing => Diagnostic::error(t!("the typst CLI was not found")).with_hint(t!(
                "run `make` (it builds typst %{version} into %{path}), or install it with `cargo install typst-cli --version %{version} --locked`, or set GONGWEN_TYPST to its path",
                version = PINNED_VERSION,
                path = LOCAL_TYPST
            )),
            TypstError::Failed { status, stderr } => {
                let mut d = Diagnostic::error(t!("typst failed (%{status})", status = status));
                for line in stderr.lines().filter(|l| !l.trim().is_empty()).take(20) {
                    d = d.with_note(format!("typst: {line}"));
                }
                d
            }
            TypstError::TimedOut(limit) => Diagnostic::error(t!(
                "typst did not finish within %{seconds} s and was stopped",
                seconds = limit.as_secs()
            ))
            .with_hint(t!("a very long document may need more time: set GONGWEN_TYPST_TIMEOUT (seconds)")),
            TypstError::Io(message) => {
                Diagnostic::error(t!("cannot run typst: %{reason}", reason = message))
            }
        }
    }
}

/// A located typst executable and the time it may take per document.
#[derive(Clone, Debug)]
pub struct Typst {
    pub path: PathBuf,
    pub timeout: Duration,
}

impl Typst {
    /// `GONGWEN_TYPST`, else the project-local install, else `typst` on the PATH.
    pub fn locate() -> Result<Typst, TypstError> {
        let timeout = std::env::var("GONGWEN_TYPST_TIMEOUT")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map_or(Duration::from_secs(60), Duration::from_secs_f64);
        let path = match std::env::var_os("GONGWEN_TYPST") {
            Some(path) => Some(PathBuf::from(path)).filter(|p| p.is_file()),
            None => Some(PathBuf::from(LOCAL_TYPST))
                .filter(|p| p.is_file())
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
    ) -> Result<Vec<u8>, TypstError> {
        // Run inside the root with relative names, so diagnostics read `gongwen.typ:12:3`.
        let mut child = Command::new(&self.path)
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
            .arg("main.typ")
            .arg("out.pdf")
            .env_remove("TYPST_FONT_PATHS")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => TypstError::Missing,
                _ => TypstError::Io(e.to_string()),
            })?;
        // Read stderr on a thread so a chatty typst cannot block on a full pipe.
        let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr_pipe.read_to_string(&mut text);
            text
        });
        let started = Instant::now();
        let mut pause = Duration::from_micros(200);
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(TypstError::TimedOut(self.timeout));
                }
                Ok(None) => {
                    std::thread::sleep(pause);
                    // Short pauses: typst's exit is seen within a millisecond.
                    pause = (pause * 2).min(Duration::from_millis(1));
                }
                Err(e) => return Err(TypstError::Io(e.to_string())),
            }
        };
        let stderr = reader.join().unwrap_or_default();
        if !status.success() {
            let status = match status.code() {
                Some(code) => format!("exit status {code}"),
                None => "killed by a signal".to_owned(),
            };
            return Err(TypstError::Failed { status, stderr });
        }
        std::fs::read(root.join("out.pdf"))
            .map_err(|e| TypstError::Io(format!("reading its PDF: {e}")))
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
        let Ok(output) = Command::new(&self.path)
            .arg("fonts")
            .arg("--font-path")
            .arg(font_dir)
            .arg("--ignore-system-fonts")
            .arg("--variants")
            .env_remove("TYPST_FONT_PATHS")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
        else {
            return Vec::new();
        };
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
