//! The commands: each runs the pipeline stages over the data files and reports.

use std::path::{Path, PathBuf};

use crate::cli::{BuildArgs, Status};
use crate::diag::{Diagnostic, Diagnostics};
use crate::kinds::Document;
use crate::load::DataFile;
use crate::pdf::{Engine, PdfError};
use crate::render::Renderer;
use crate::write;
use crate::{load, validate as rules};

/// A data file after loading and validation: its diagnostics, and its document if valid.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub document: Option<Document>,
}

pub fn check(file: &DataFile) -> Checked {
    let path = file.path.as_path();
    let mut diags = Diagnostics::new(path);
    let document = load::load(file, &mut diags);
    if let Some(doc) = &document {
        rules::validate(doc, &mut diags);
    }
    let valid = !diags.has_errors();
    Checked {
        diagnostics: diags.into_sorted(),
        document: document.filter(|_| valid),
    }
}

pub(crate) fn report(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}

fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub(crate) fn discover(paths: &[PathBuf]) -> Option<Vec<DataFile>> {
    match load::discover(paths) {
        Ok(files) if files.is_empty() => {
            eprintln!(
                "error: no *.yaml or *.yml data files in {}",
                display_paths(paths)
            );
            None
        }
        Ok(files) => Some(files),
        Err(e) => {
            eprintln!("{e}");
            None
        }
    }
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn validate(paths: &[PathBuf]) -> Status {
    let Some(files) = discover(paths) else {
        return Status::Usage;
    };
    let (mut invalid, mut errors, mut warnings) = (0, 0, 0);
    for file in &files {
        let checked = check(file);
        report(&checked.diagnostics);
        let (e, w) = count(&checked.diagnostics);
        errors += e;
        warnings += w;
        invalid += usize::from(e > 0);
    }
    eprintln!(
        "checked {}: {} valid, {} invalid ({}, {})",
        plural(files.len(), "file"),
        files.len() - invalid,
        invalid,
        plural(errors, "error"),
        plural(warnings, "warning"),
    );
    if invalid > 0 {
        Status::Invalid
    } else {
        Status::Ok
    }
}

/// The templates folder: the one given, or `templates/` when it exists.
pub(crate) fn templates_dir(given: Option<&Path>) -> Result<Option<PathBuf>, String> {
    match given {
        Some(dir) if dir.is_dir() => Ok(Some(dir.to_path_buf())),
        Some(dir) => Err(format!(
            "{}: error: templates folder not found",
            dir.display()
        )),
        None => Ok(Some(PathBuf::from("templates")).filter(|d| d.is_dir())),
    }
}

pub fn build(args: &BuildArgs) -> Status {
    crate::build::run(args)
}

pub(crate) fn pdf_engine(renderer: &Renderer, with_typst: bool) -> Result<Engine, String> {
    let style = renderer
        .template_source(crate::pdf::STYLE)
        .map_err(|e| e.to_string())?;
    Engine::new(
        style,
        renderer.template_origin(crate::pdf::STYLE),
        with_typst,
    )
    .map_err(|e| e.to_string())
}

/// `FILE:LINE:COL: error: …` for a PDF error, located in `text` (the data or Markdown).
/// A character the template wrote itself has no place in `text`: then no position.
pub(crate) fn pdf_error(file: &Path, text: &str, error: &PdfError) -> String {
    match error {
        PdfError::FrontMatter { line, .. } => format!("{}:{line}:1: {error}", file.display()),
        PdfError::Uncovered { character } if text.contains(*character) => {
            let pos = crate::diag::Pos::at(text, text.find(*character).unwrap_or(0));
            format!("{}:{}:{}: {error}", file.display(), pos.line, pos.col)
        }
        _ => format!("{}: {error}", file.display()),
    }
}

/// The bytes of a file named on the command line; a failure is reported (exit status 2).
fn read_input(path: &Path) -> Result<Vec<u8>, Status> {
    std::fs::read(path).map_err(|e| {
        eprintln!(
            "{}: error: cannot read: {}",
            path.display(),
            load::io_reason(&e)
        );
        Status::Usage
    })
}

/// `gongwen pdf FILE.md`: typesets a Markdown file that carries gongwen front matter.
pub fn pdf(input: &Path, output: Option<&Path>, templates: Option<&Path>) -> Status {
    let templates = match templates_dir(templates) {
        Ok(dir) => dir,
        Err(message) => {
            eprintln!("{message}");
            return Status::Usage;
        }
    };
    let markdown = match read_input(input).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            eprintln!("{}: error: the file is not UTF-8 text", input.display());
            return Status::Invalid;
        }
        Err(status) => return status,
    };
    let renderer = Renderer::new(templates.as_deref());
    let engine = match pdf_engine(&renderer, true) {
        Ok(engine) => engine,
        Err(message) => {
            eprintln!("{message}");
            return Status::Usage;
        }
    };
    let target = output.map_or_else(|| input.with_extension("pdf"), Path::to_path_buf);
    match engine.pdf(&markdown, &input.display().to_string()) {
        Ok(bytes) => match write::write_atomic(&target, &bytes) {
            Ok(()) => {
                println!("built {} → {}", input.display(), target.display());
                Status::Ok
            }
            Err(e) => {
                eprintln!("{e}");
                Status::Usage
            }
        },
        Err(e) => {
            eprintln!("{}", pdf_error(input, &markdown, &e));
            Status::Invalid
        }
    }
}

/// `gongwen fonts`: the face serving each role, and the preferred faces that are missing.
pub fn fonts(link: Option<&Path>) -> Status {
    let faces = crate::pdf::fonts::scan(&crate::pdf::fonts::font_dirs());
    let fonts = crate::pdf::fonts::resolve(&faces);
    for choice in &fonts.choices {
        let marker = if choice.preferred {
            ""
        } else {
            "  (fallback: the standard's face is not installed)"
        };
        println!(
            "{:<12} {}  {} [{}] weight {}{marker}",
            choice.role.key(),
            choice.role.describe(),
            choice.face.family,
            choice.face.path.display(),
            choice.face.weight,
        );
    }
    for role in &fonts.unresolved {
        println!(
            "{:<12} {}  MISSING: no face of its chain is installed",
            role.key(),
            role.describe()
        );
    }
    if !fonts.unresolved.is_empty() {
        eprintln!(
            "{}",
            crate::pdf::fonts::FontError {
                unresolved: fonts.unresolved.clone()
            }
        );
        return Status::Invalid;
    }
    if let Some(dir) = link {
        if let Err(e) = fonts.link_folder(dir) {
            eprintln!("{}: error: cannot link the fonts: {e}", dir.display());
            return Status::Usage;
        }
        println!("linked the chosen font files into {}", dir.display());
    }
    Status::Ok
}

/// Writes `text` to `output` (atomically, never over an existing file unless asked) or to
/// standard output.
fn emit(text: &str, output: Option<&Path>, replace: bool) -> Status {
    match output {
        None => {
            print!("{text}");
            Status::Ok
        }
        Some(path) if !replace && path.exists() => {
            eprintln!("{}: error: the file exists already", path.display());
            eprintln!("  hint: choose another name, or remove the file first");
            Status::Usage
        }
        Some(path) => match write::write_atomic(path, text.as_bytes()) {
            Ok(()) => {
                eprintln!("wrote {}", path.display());
                Status::Ok
            }
            Err(e) => {
                eprintln!("{e}");
                Status::Usage
            }
        },
    }
}

/// `gongwen new KIND`: a commented skeleton to fill in.
pub fn new(kind: &str, output: Option<&Path>) -> Status {
    let Some(text) = crate::authoring::skeleton(kind) else {
        eprintln!("error: unknown document kind `{kind}`");
        eprintln!("  hint: the kinds are: {}", crate::kinds::KINDS.join(", "));
        return Status::Usage;
    };
    emit(text, output, false)
}

/// `gongwen schema`: the JSON Schema of every kind.
pub fn schema(output: Option<&Path>) -> Status {
    emit(&crate::authoring::schema::schema_text(), output, true)
}

/// `gongwen import FILE.txt`: a data file from a plain-text document.
pub fn import(input: &Path, kind: Option<&str>, output: Option<&Path>) -> Status {
    let bytes = match read_input(input) {
        Ok(bytes) => bytes,
        Err(status) => return status,
    };
    // Text saved by Word or a browser on Chinese Windows is often GBK.
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => encoding_rs::GBK.decode(e.as_bytes()).0.into_owned(),
    };
    let name = input.file_name().unwrap_or_default().to_string_lossy();
    let yaml = match crate::authoring::import::import(&text, kind, &name) {
        Ok(yaml) => yaml,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("  hint: the kinds are: {}", crate::kinds::KINDS.join(", "));
            return Status::Usage;
        }
    };
    let target = output.map_or_else(|| input.with_extension("yaml"), Path::to_path_buf);
    let status = emit(&yaml, Some(&target), false);
    if status == Status::Ok {
        eprintln!(
            "  next: check it with `gongwen validate {}`",
            target.display()
        );
    }
    status
}
