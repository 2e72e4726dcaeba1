//! Stage 1, load: find the data files, read them, parse the YAML and decode the document.

pub mod decode;
pub mod node;

use std::path::{Path, PathBuf};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::diag::{Diagnostics, Pos};
use crate::kinds::Document;
use crate::kinds::action_plan::ActionPlan;
use decode::Located;
use node::Node;

/// Why a path given on the command line yields no files (exit status 2).
#[derive(Debug)]
pub struct PathError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: error: {}", self.path.display(), self.message)
    }
}

fn is_data_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// A data file, and the data folder it was found in: linked files (a report's plan) must
/// stay inside that folder.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DataFile {
    pub path: PathBuf,
    pub root: PathBuf,
}

/// Every `*.yaml`/`*.yml` file under the given files and folders, sorted, each once. A file
/// named on its own has its parent folder as its data folder.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<DataFile>, PathError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| PathError {
            path: path.clone(),
            message: format!("cannot read: {}", io_reason(&e)),
        })?;
        if meta.is_dir() && !is_data_file(path) {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            files.extend(found.into_iter().map(|file| DataFile {
                path: file,
                root: path.clone(),
            }));
        } else {
            let root = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            files.push(DataFile {
                path: path.clone(),
                root: root.to_path_buf(),
            });
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.path == b.path);
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), PathError> {
    let entries = std::fs::read_dir(dir).map_err(|e| PathError {
        path: dir.to_path_buf(),
        message: format!("cannot list folder: {}", io_reason(&e)),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        // A folder named like a data file is listed, so that reading it reports it.
        if is_data_file(&path) {
            files.push(path);
        } else if kind.is_dir() {
            walk(&path, files)?;
        }
    }
    Ok(())
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// The largest data file read; larger ones are refused before reading.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A data file's text, as read from disk.
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// Reads a data file; problems with the file as a whole go to `diags`.
pub fn read(path: &Path, diags: &mut Diagnostics) -> Option<Source> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            diags
                .file_error("this is a folder, not a data file")
                .hint("rename the folder: names ending in .yaml or .yml are for data files");
            return None;
        }
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            diags
                .file_error(format!(
                    "the file is {} MiB, more than the limit of {} MiB",
                    meta.len() / (1024 * 1024),
                    MAX_FILE_BYTES / (1024 * 1024)
                ))
                .hint("a document's data is a few hundred KiB at most; is this the right file?");
            return None;
        }
        _ => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            diags
                .file_error(format!("cannot read file: {}", io_reason(&e)))
                .hint("check that the file exists and is readable");
            return None;
        }
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match String::from_utf8(bytes.to_vec()) {
        Ok(text) => Some(Source {
            path: path.to_path_buf(),
            text,
        }),
        Err(e) => {
            let valid = &bytes[..e.utf8_error().valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let line = text.matches('\n').count() + 1;
            let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            diags
                .error(Pos::new(line as u32, col as u32), "the file is not UTF-8 text")
                .hint("save the file as UTF-8 (a GBK file from an old editor must be converted, e.g. `iconv -f GBK -t UTF-8`)");
            None
        }
    }
}

/// Parses YAML into the positioned tree; a syntax error goes to `diags`.
pub fn parse(source: &Source, diags: &mut Diagnostics) -> Option<Node> {
    let mut options = serde_saphyr::Options::default();
    // Duplicates reach the decoder, which reports each one at its own position.
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = MAX_NODES;
    budget.max_depth = MAX_DEPTH;
    options.budget = Some(budget);
    match serde_saphyr::from_str_with_options::<Node>(&source.text, options) {
        Ok(node) => Some(node),
        Err(e) => {
            let pos = e.location().map_or(Pos::new(1, 1), |l| {
                Pos::new(l.line() as u32, l.column() as u32)
            });
            let (message, hint) = syntax_message(&e);
            diags.error(pos, message).hint(hint);
            None
        }
    }
}

/// The parser's limits: values in one file, and how deep they nest.
pub const MAX_NODES: usize = 250_000;
pub const MAX_DEPTH: usize = 64;

/// The parser's message without its own location and source excerpt (printed by us), and
/// a hint. Its first line reads `error: line L column C: message`. The limits that protect
/// against alias bombs and runaway nesting get messages of their own.
fn syntax_message(e: &serde_saphyr::Error) -> (String, String) {
    let full = e.to_string();
    let first = full.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let message = match first.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(first, |(_, m)| m),
        None => first,
    };
    if message.contains("budget breached: Nodes") {
        (
            format!("the file holds more than {MAX_NODES} values"),
            "aliases (*name) multiply what is written; split a very large document into several files".to_owned(),
        )
    } else if message.contains("budget breached: Depth") || message.contains("recursion limit") {
        (
            format!("values nest more than {MAX_DEPTH} levels deep"),
            "a document needs a handful of levels; check the indentation and the brackets"
                .to_owned(),
        )
    } else if message.contains("budget breached") {
        (
            format!("the file exceeds a safety limit ({message})"),
            "anchors and aliases (&name, *name) are limited; write the values out instead"
                .to_owned(),
        )
    } else {
        (
            format!("invalid YAML: {message}"),
            "check the indentation and the `:` after each field name; text with `: ` or `#` in it goes in quotes; indent with spaces, not tabs".to_owned(),
        )
    }
}

/// Loads one data file: read, parse, decode, then load the files it links to.
/// `None` when it could not be decoded at all.
pub fn load(file: &DataFile, diags: &mut Diagnostics) -> Option<Document> {
    let mut document = load_one(&file.path, diags)?;
    if let Document::WorkReport(report) = &mut document
        && let Some(link) = &mut report.action_plan
    {
        let path = file
            .path
            .parent()
            .unwrap_or(Path::new("."))
            .join(&link.path.value);
        link.plan = load_plan(file, &path, &link.path, diags);
        link.file = Some(path);
    }
    Some(document)
}

fn load_one(path: &Path, diags: &mut Diagnostics) -> Option<Document> {
    let source = read(path, diags)?;
    load_source(&source, diags)
}

/// Parses and decodes a data file's text, without reading anything else.
pub fn load_source(source: &Source, diags: &mut Diagnostics) -> Option<Document> {
    let root = parse(source, diags)?;
    crate::kinds::decode(source, &root, diags)
}

/// The action plan a report names, resolved against the report's folder. It must exist,
/// stay inside the data folder, and be a valid action plan; each failure is an error at
/// the report's `plan` field.
fn load_plan(
    file: &DataFile,
    path: &Path,
    link: &Located<String>,
    diags: &mut Diagnostics,
) -> Option<Arc<ActionPlan>> {
    let Ok(real) = std::fs::canonicalize(path) else {
        diags
            .error(
                link.pos,
                format!("the plan `{}` does not exist", link.value),
            )
            .hint(format!(
                "the path is relative to the report's folder; it resolves to {}",
                path.display()
            ));
        return None;
    };
    let root = std::fs::canonicalize(&file.root).unwrap_or_else(|_| file.root.clone());
    if !real.starts_with(&root) {
        diags
            .error(
                link.pos,
                format!(
                    "the plan `{}` is outside the data folder {}",
                    link.value,
                    file.root.display()
                ),
            )
            .hint("a linked file must be inside the folder being built; copy the plan into it");
        return None;
    }
    match linked_document(path, &real) {
        Linked::Plan(plan) => Some(plan),
        Linked::Invalid(errors) => {
            diags
                .error(
                    link.pos,
                    format!("the plan `{}` is not valid ({errors} errors)", link.value),
                )
                .hint(format!(
                    "run `gongwen validate {}` to see them",
                    path.display()
                ));
            None
        }
        Linked::Other(kind) => {
            diags
                .error(
                    link.pos,
                    format!("`{}` is a {kind}, not an action plan", link.value),
                )
                .hint("`action_plan` names a data file with `kind: action-plan`");
            None
        }
    }
}

/// A linked file, loaded and validated.
#[derive(Clone)]
enum Linked {
    Plan(Arc<ActionPlan>),
    Invalid(usize),
    Other(&'static str),
}

/// Loads a linked file once per run however many reports name it. The cache key holds
/// the file's size and time, so `gongwen watch` sees an edited plan.
fn linked_document(path: &Path, real: &Path) -> Linked {
    type Key = (PathBuf, u64, Option<std::time::SystemTime>);
    static CACHE: OnceLock<Mutex<HashMap<Key, Linked>>> = OnceLock::new();
    let meta = std::fs::metadata(real).ok();
    let key = (
        real.to_path_buf(),
        meta.as_ref().map_or(0, |m| m.len()),
        meta.and_then(|m| m.modified().ok()),
    );
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().expect("the cache is never poisoned").get(&key) {
        return found.clone();
    }
    let mut diags = Diagnostics::new(path);
    let document = load_one(path, &mut diags);
    if let Some(doc) = &document {
        crate::validate::validate(doc, &mut diags);
    }
    let errors = diags
        .into_sorted()
        .into_iter()
        .filter(|d| d.is_error())
        .count();
    let linked = match document {
        Some(Document::ActionPlan(plan)) if errors == 0 => Linked::Plan(Arc::from(plan)),
        Some(Document::ActionPlan(_)) | None => Linked::Invalid(errors),
        Some(other) => Linked::Other(other.kind()),
    };
    cache
        .lock()
        .expect("the cache is never poisoned")
        .insert(key, linked.clone());
    linked
}
