//! The commands: each runs the pipeline stages over the data files and reports.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::cli::{BuildArgs, Format, Status};
use crate::diag::{Diagnostic, Diagnostics};
use crate::kinds::Document;
use crate::load::DataFile;
use crate::pdf::{Engine, PdfError};
use crate::render::Renderer;
use crate::render::tables;
use crate::write::{self, Output};
use crate::{load, validate as rules};

/// A data file after loading and validation: its diagnostics, and its document if valid.
pub struct Checked {
    pub path: PathBuf,
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
        path: path.to_path_buf(),
        diagnostics: diags.into_sorted(),
        document: document.filter(|_| valid),
    }
}

fn report(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}

fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn discover(paths: &[PathBuf]) -> Option<Vec<DataFile>> {
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
fn templates_dir(given: Option<&Path>) -> Result<Option<PathBuf>, String> {
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
    let templates = match templates_dir(args.templates.as_deref()) {
        Ok(dir) => dir,
        Err(message) => {
            eprintln!("{message}");
            return Status::Usage;
        }
    };
    let Some(files) = discover(&args.paths) else {
        return Status::Usage;
    };
    if let Err(e) = std::fs::create_dir_all(&args.out_dir) {
        eprintln!(
            "{}: error: cannot create the output folder: {}",
            args.out_dir.display(),
            load::io_reason(&e)
        );
        return Status::Usage;
    }
    let renderer = Renderer::new(templates.as_deref());
    let wants = |f: Format| args.format.contains(&f);
    // Fonts are resolved and typst located once for the whole run.
    let engine = if wants(Format::Pdf) || wants(Format::Typ) {
        match pdf_engine(&renderer, wants(Format::Pdf)) {
            Ok(engine) => Some(engine),
            Err(message) => {
                eprintln!("{message}");
                return Status::Usage;
            }
        }
    } else {
        None
    };
    if let Some(engine) = engine.as_ref().filter(|_| wants(Format::Typ)) {
        // The style beside the Typst sources, so that `typst compile out/x.typ` works.
        if let Err(e) = write::write_atomic(
            &args.out_dir.join(crate::pdf::STYLE),
            engine.style().as_bytes(),
        ) {
            eprintln!("{e}");
            return Status::Usage;
        }
    }
    let mut status = Status::Ok;
    let (mut built, mut failed) = (0, 0);
    let mut stems: HashMap<String, PathBuf> = HashMap::new();
    for file in &files {
        let checked = check(file);
        let path = &file.path;
        report(&checked.diagnostics);
        let Some(document) = checked.document else {
            failed += 1;
            status = status.max(Status::Invalid);
            continue;
        };
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if let Some(first) = stems.get(&stem) {
            eprintln!(
                "{}: error: output name `{stem}` is already taken by {}",
                path.display(),
                first.display()
            );
            eprintln!("  hint: rename one of the files: outputs are named after the file");
            failed += 1;
            status = status.max(Status::Invalid);
            continue;
        }
        stems.insert(stem.clone(), path.clone());
        let outputs = match outputs(&renderer, engine.as_ref(), &document, path, &stem, args) {
            Ok(outputs) => outputs,
            Err(message) => {
                eprintln!("{message}");
                failed += 1;
                status = status.max(Status::Invalid);
                continue;
            }
        };
        match write::write_all(&outputs) {
            Ok(()) => {
                built += 1;
                let names: Vec<String> = outputs
                    .iter()
                    .map(|o| o.path.display().to_string())
                    .collect();
                println!("built {} → {}", path.display(), names.join(", "));
            }
            Err(e) => {
                eprintln!("{e}");
                failed += 1;
                status = Status::Usage;
            }
        }
    }
    eprintln!("{} built, {} failed", plural(built, "document"), failed);
    status
}

fn pdf_engine(renderer: &Renderer, with_typst: bool) -> Result<Engine, String> {
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
fn pdf_error(file: &Path, text: &str, error: &PdfError, fallback_offset: Option<usize>) -> String {
    let offset = match error {
        PdfError::Uncovered { character, offset } => text.find(*character).or(Some(*offset)),
        _ => fallback_offset,
    };
    match (error, offset) {
        (PdfError::FrontMatter { line, .. }, _) => format!("{}:{line}:1: {error}", file.display()),
        (PdfError::Uncovered { .. }, Some(offset)) => {
            let pos = position(text, offset);
            format!("{}:{}:{}: {error}", file.display(), pos.line, pos.col)
        }
        _ => format!("{}: {error}", file.display()),
    }
}

fn position(text: &str, offset: usize) -> crate::diag::Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    crate::diag::Pos::new(line as u32, col as u32)
}

/// Everything one document writes, rendered and encoded in memory first, so that a
/// failure at any step writes none of its files.
fn outputs(
    renderer: &Renderer,
    engine: Option<&Engine>,
    document: &Document,
    data_path: &Path,
    stem: &str,
    args: &BuildArgs,
) -> Result<Vec<Output>, String> {
    let rendered = renderer
        .render(document)
        .map_err(|e| format!("{e}\n  hint: while building {}", data_path.display()))?;
    let mut outputs = Vec::new();
    if let Some(engine) = engine {
        let located = |e: PdfError| {
            let data = std::fs::read_to_string(data_path).unwrap_or_default();
            pdf_error(data_path, &data, &e, None)
        };
        if args.format.contains(&Format::Typ) {
            let source = engine.source(&rendered.markdown).map_err(located)?;
            outputs.push(Output {
                path: args.out_dir.join(format!("{stem}.typ")),
                bytes: source.main.into_bytes(),
            });
        }
        if args.format.contains(&Format::Pdf) {
            let pdf = engine
                .pdf(&rendered.markdown, &data_path.display().to_string())
                .map_err(located)?;
            outputs.push(Output {
                path: args.out_dir.join(format!("{stem}.pdf")),
                bytes: pdf,
            });
        }
    }
    if args.format.contains(&Format::Md) {
        outputs.push(Output {
            path: args.out_dir.join(format!("{stem}.md")),
            bytes: rendered.markdown.into_bytes(),
        });
    }
    if args.format.contains(&Format::Csv) {
        for table in &rendered.tables {
            let path = args.out_dir.join(format!("{stem}-{}.csv", table.name));
            let bytes = tables::encode(table, args.csv_encoding).map_err(|u| {
                format!(
                    "{}: error: the character `{}` in \"{}\" cannot be written in GBK\n  hint: use --csv-encoding utf-8-bom",
                    path.display(),
                    u.character,
                    u.cell
                )
            })?;
            outputs.push(Output { path, bytes });
        }
    }
    Ok(outputs)
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
    let markdown = match std::fs::read_to_string(input) {
        Ok(text) => text,
        Err(e) => {
            eprintln!(
                "{}: error: cannot read: {}",
                input.display(),
                load::io_reason(&e)
            );
            return Status::Usage;
        }
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
            eprintln!("{}", pdf_error(input, &markdown, &e, None));
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
