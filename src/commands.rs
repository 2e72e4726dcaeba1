//! The commands: each runs the pipeline stages over the data files and reports.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::cli::{BuildArgs, Format, Status};
use crate::diag::{Diagnostic, Diagnostics};
use crate::kinds::Document;
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

pub fn check(path: &Path) -> Checked {
    let mut diags = Diagnostics::new(path);
    let document = load::load(path, &mut diags);
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

fn discover(paths: &[PathBuf]) -> Option<Vec<PathBuf>> {
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
    for path in &files {
        let checked = check(path);
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
    if args.format.contains(&Format::Pdf) {
        eprintln!("error: PDF output is not available yet in this version");
        eprintln!("  hint: build with `--format md,csv`");
        return Status::Usage;
    }
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
    let mut status = Status::Ok;
    let (mut built, mut failed) = (0, 0);
    let mut stems: HashMap<String, PathBuf> = HashMap::new();
    for path in &files {
        let checked = check(path);
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
        let outputs = match outputs(&renderer, &document, &stem, args) {
            Ok(outputs) => outputs,
            Err(message) => {
                eprintln!("{message}");
                eprintln!("  hint: while building {}", path.display());
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

/// Everything one document writes, rendered and encoded in memory first.
fn outputs(
    renderer: &Renderer,
    document: &Document,
    stem: &str,
    args: &BuildArgs,
) -> Result<Vec<Output>, String> {
    let rendered = renderer.render(document).map_err(|e| e.to_string())?;
    let mut outputs = Vec::new();
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
