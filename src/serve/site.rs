//! The served folder as the pages show it: every document with its kind, title, state,
//! diagnostics and outputs, scanned again after each build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::build::backends::page_number;
use crate::build::manifest::Manifest;
use crate::diag::{Diagnostic, Printer, Severity};
use crate::load::{self, Library};
use crate::settings::BuildSettings;

/// A diagnostic as the API and the pages give it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    /// The data file, relative to the served folder (or the name a request gave).
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// `error` or `warning`.
    pub severity: &'static str,
    pub message: String,
    /// The first hint, if any; all of them are in `hints`.
    pub hint: Option<String>,
    pub hints: Vec<String>,
    pub notes: Vec<String>,
    /// The source line the position is on.
    pub source: Option<String>,
    /// The whole diagnostic as `gongwen validate` prints it.
    pub text: String,
}

impl Problem {
    /// `d`, its file named relative to `root` (a file outside it keeps its path).
    pub fn of(d: &Diagnostic, root: &Path) -> Problem {
        let file = d.file.as_ref().map(|f| {
            f.strip_prefix(root)
                .unwrap_or(f)
                .to_string_lossy()
                .into_owned()
        });
        let mut shown = d.clone();
        shown.file = file.as_ref().map(PathBuf::from);
        Problem {
            file,
            line: d.pos.map(|p| p.line),
            column: d.pos.map(|p| p.col),
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: d.message.clone(),
            hint: d.hints.first().cloned(),
            hints: d.hints.clone(),
            notes: d.notes.clone(),
            source: d.line_text.clone(),
            text: Printer::default().render(&shown),
        }
    }
}

/// One output file of a document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutputFile {
    pub name: String,
    /// PDF, DOCX, XLSX, Markdown, CSV, OFD, SVG.
    pub format: &'static str,
    pub hash: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentState {
    /// Relative to the served folder, `/`-separated.
    pub path: String,
    pub kind: Option<&'static str>,
    pub kind_label: Option<&'static str>,
    pub title: String,
    pub errors: usize,
    pub warnings: usize,
    pub problems: Vec<Problem>,
    /// The downloads, page images left out.
    pub outputs: Vec<OutputFile>,
    /// The page images' names, in page order.
    pub pages: Vec<String>,
    /// Changes whenever the file, its diagnostics or its outputs do.
    pub version: String,
}

impl DocumentState {
    pub fn state(&self) -> &'static str {
        match (self.errors, self.warnings) {
            (0, 0) => "valid",
            (0, _) => "warnings",
            _ => "errors",
        }
    }
}

#[derive(Default)]
pub struct Site {
    pub documents: BTreeMap<String, DocumentState>,
    /// A problem of the whole build (the output folder, the fonts, typst).
    pub problems: Vec<Problem>,
}

impl Site {
    /// Loads and checks every document of the folder, and reads which outputs the last
    /// build made from the manifest. `built` are the build's own diagnostics (a PDF that
    /// typst refused), added to the documents they are about.
    pub fn scan(
        root: &Path,
        settings: &BuildSettings,
        built: &[Diagnostic],
        locale: &str,
    ) -> Result<Site, Diagnostic> {
        let scope = crate::diag::scope::Scope {
            locale: Some(locale.to_owned()),
            sink: None,
        };
        crate::diag::scope::enter(scope, || Site::scan_here(root, settings, built))
    }

    fn scan_here(
        root: &Path,
        settings: &BuildSettings,
        built: &[Diagnostic],
    ) -> Result<Site, Diagnostic> {
        let files = load::discover(&settings.paths)?;
        let mut library = Library::load(&files, settings.jobs);
        crate::validate::validate(&mut library, settings.jobs);
        let manifest = Manifest::load(&settings.out_dir);
        let mut site = Site::default();
        for entry in library.entries.iter().filter(|e| !e.linked_only) {
            let path = &entry.file.path;
            let mut diagnostics = entry.diagnostics.sorted();
            for d in built
                .iter()
                .filter(|d| d.file.as_deref() == Some(path.as_path()))
            {
                if !diagnostics.contains(d) {
                    diagnostics.push(d.clone());
                }
            }
            let problems: Vec<Problem> = diagnostics.iter().map(|d| Problem::of(d, root)).collect();
            let errors = problems.iter().filter(|p| p.severity == "error").count();
            let warnings = problems.len() - errors;
            let relative = path
                .strip_prefix(root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            let stem = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let (mut outputs, mut pages) = (Vec::new(), Vec::new());
            if let Some(made) = manifest.get(path) {
                for (name, hash) in &made.outputs {
                    match page_number(&stem, name) {
                        Some(n) => pages.push((n, name.clone())),
                        None => outputs.push(OutputFile {
                            name: name.clone(),
                            format: format_of(name),
                            hash: hash.clone(),
                        }),
                    }
                }
            }
            pages.sort();
            let document = entry.document.as_deref();
            let title = document
                .map(|d| d.official().title)
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| relative.clone());
            let mut state = DocumentState {
                path: relative.clone(),
                kind: document.map(|d| d.kind().name()),
                kind_label: document.map(|d| d.kind().label()),
                title,
                errors,
                warnings,
                problems,
                outputs,
                pages: pages.into_iter().map(|(_, name)| name).collect(),
                version: String::new(),
            };
            let seen = serde_json::to_vec(&state).unwrap_or_default();
            let source = entry.hash.clone().unwrap_or_default();
            let mut parts = vec![("state", seen.as_slice()), ("source", source.as_bytes())];
            let hashes: Vec<String> = state.outputs.iter().map(|o| o.hash.clone()).collect();
            let joined = hashes.join(",");
            parts.push(("outputs", joined.as_bytes()));
            state.version = crate::build::manifest::hash_parts(parts)[..16].to_owned();
            site.documents.insert(relative, state);
        }
        site.problems = built
            .iter()
            .filter(|d| d.file.as_deref().is_none_or(|f| !site_has(&site, root, f)))
            .map(|d| Problem::of(d, root))
            .collect();
        Ok(site)
    }

    /// The documents whose version differs in `fresh`, or that one of the two lacks.
    pub fn changed(&self, fresh: &Site) -> Vec<String> {
        let mut changed: Vec<String> = fresh
            .documents
            .iter()
            .filter(|(path, doc)| {
                self.documents.get(*path).map(|d| &d.version) != Some(&doc.version)
            })
            .map(|(path, _)| path.clone())
            .collect();
        changed.extend(
            self.documents
                .keys()
                .filter(|path| !fresh.documents.contains_key(*path))
                .cloned(),
        );
        if self.problems != fresh.problems {
            changed.push(String::new());
        }
        changed
    }

    /// Whether `name` is an output of a document, and so may be downloaded.
    pub fn has_output(&self, name: &str) -> bool {
        self.documents
            .values()
            .any(|d| d.pages.iter().any(|p| p == name) || d.outputs.iter().any(|o| o.name == name))
    }
}

fn site_has(site: &Site, root: &Path, file: &Path) -> bool {
    let relative = file
        .strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/");
    site.documents.contains_key(&relative)
}

pub fn format_of(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "pdf" => "PDF",
        "docx" => "DOCX",
        "xlsx" => "XLSX",
        "md" => "Markdown",
        "csv" => "CSV",
        "ofd" => "OFD",
        "svg" => "SVG",
        "typ" => "Typst",
        _ => "",
    }
}

/// The media type of an output, by its name.
pub fn media_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ofd" => "application/ofd",
        "svg" => "image/svg+xml",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}
