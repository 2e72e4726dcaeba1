//! The commands: each runs the stages for the CLI. Problems in files are printed through
//! the one printer as they are found; a problem of the command itself is returned.

use std::path::{Path, PathBuf};

use crate::build;
use crate::diag::{Diagnostic, Place, Printer, Report};
use crate::load::{self, Library};
use crate::pdf::fonts;
use crate::plan::Plan;
use crate::settings::Status;
use crate::templates::Templates;
use crate::write;

/// `gongwen validate`: every file checked, every problem reported, a count at the end.
pub fn validate(paths: &[PathBuf], jobs: usize, printer: Printer) -> Result<Status, Diagnostic> {
    let files = load::discover(paths)?;
    let mut library = Library::load(&files, jobs);
    crate::validate::validate(&mut library, jobs);
    let (mut invalid, mut errors, mut warnings) = (0, 0, 0);
    for entry in library.entries.iter().filter(|e| !e.linked_only) {
        printer.print(&entry.diagnostics.sorted());
        let (e, w) = entry.diagnostics.counts();
        errors += e;
        warnings += w;
        invalid += usize::from(e > 0);
    }
    printer.status(&t!(
            "checked %{files} files: %{valid} valid, %{invalid} invalid (%{errors} errors, %{warnings} warnings)",
            files = files.len(),
            valid = files.len() - invalid,
            invalid = invalid,
            errors = errors,
            warnings = warnings
        )
    );
    Ok(if invalid > 0 {
        Status::Invalid
    } else {
        Status::Ok
    })
}

/// The largest Markdown or document file `pdf`, `docx` and `import` read.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The bytes of a regular file named on the command line.
fn read_input(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    load::read_regular(path, MAX_INPUT_BYTES).map_err(|e| e.report(&Place::new(path, "")))
}

/// A Markdown file named on the command line, as text.
fn read_markdown(input: &Path) -> Result<String, Diagnostic> {
    String::from_utf8(read_input(input)?).map_err(|_| {
        Diagnostic::error(t!("the file is not UTF-8 text"))
            .in_file(input)
            .with_hint(t!("save the file as UTF-8"))
    })
}

/// Writes the one output of `pdf` or `docx`, or prints why there is none (status 1).
fn write_single(
    input: &Path,
    target: &Path,
    result: Result<Vec<u8>, Diagnostic>,
    printer: Printer,
) -> Result<Status, Diagnostic> {
    match result {
        Ok(bytes) => {
            write::write_atomic(target, &bytes).map_err(|e| e.report(&Place::NONE))?;
            printer.result(&t!(
                "built %{data} → %{outputs}",
                data = crate::diag::printable(&input.display().to_string()),
                outputs = crate::diag::printable(&target.display().to_string())
            ));
            Ok(Status::Ok)
        }
        Err(d) => {
            printer.print(&[d]);
            Ok(Status::Invalid)
        }
    }
}

/// The plan of a Markdown file named on the command line, with its seal images read from
/// beside it.
fn markdown_plan(input: &Path, markdown: &str) -> Result<Plan, Diagnostic> {
    let place = Place::new(input, markdown);
    let mut plan = Plan::from_markdown(markdown).map_err(|e| e.report(&place))?;
    plan.read_seal_images(input.parent().unwrap_or(Path::new(".")))
        .map_err(|e| e.report(&place))?;
    Ok(plan)
}

/// `gongwen pdf FILE.md`: typesets a Markdown file that carries gongwen front matter.
/// How `gongwen pdf` sets its pages: on letterhead paper, to a PDF standard.
pub struct Page {
    pub letterhead: bool,
    pub standard: Option<crate::pdf::standard::PdfStandard>,
}

pub fn pdf(
    input: &Path,
    output: Option<&Path>,
    templates: &Templates,
    page: Page,
    printer: Printer,
) -> Result<Status, Diagnostic> {
    let target = output.map_or_else(|| input.with_extension("pdf"), Path::to_path_buf);
    let result = typeset_markdown(input, templates, page, printer).map(|(typeset, _)| typeset.pdf);
    write_single(input, &target, result, printer)
}

/// A Markdown file named on the command line typeset by typst, with its plan.
fn typeset_markdown(
    input: &Path,
    templates: &Templates,
    page: Page,
    printer: Printer,
) -> Result<(crate::pdf::Typeset, Plan), Diagnostic> {
    let markdown = read_markdown(input)?;
    let mut engine = build::pdf_engine(templates, true)?;
    engine.letterhead = page.letterhead;
    engine.standard = page.standard;
    let plan = markdown_plan(input, &markdown)?;
    let typeset = engine
        .pdf(&plan, &input.display().to_string())
        .map_err(|e| e.report(&Place::new(input, &markdown)))?;
    if let Some(e) = &typeset.subset_error {
        printer.print(&[e.report(&Place::new(input, ""))]);
    }
    Ok((typeset, plan))
}

/// `gongwen ofd FILE.md`: the OFD of a Markdown file that carries gongwen front matter,
/// drawn from the PDF typst sets it as.
pub fn ofd(
    input: &Path,
    output: Option<&Path>,
    templates: &Templates,
    page: Page,
    printer: Printer,
) -> Result<Status, Diagnostic> {
    let target = output.map_or_else(|| input.with_extension("ofd"), Path::to_path_buf);
    let result = typeset_markdown(input, templates, page, printer).and_then(|(typeset, plan)| {
        let info = crate::ofd::DocInfo::of(&plan.parts);
        let made = crate::ofd::from_pdf(&typeset.pdf, &typeset.font_dir, &info)
            .map_err(|e| e.report(&Place::new(input, "")))?;
        for warning in made.warnings {
            printer.print(&[Diagnostic::warning(warning).in_file(&target)]);
        }
        Ok(made.bytes)
    });
    write_single(input, &target, result, printer)
}

/// `gongwen docx FILE.md`: writes a Markdown file that carries gongwen front matter as a
/// Word/WPS document.
pub fn docx(
    input: &Path,
    output: Option<&Path>,
    letterhead: bool,
    printer: Printer,
) -> Result<Status, Diagnostic> {
    let markdown = read_markdown(input)?;
    let target = output.map_or_else(|| input.with_extension("docx"), Path::to_path_buf);
    let result = markdown_plan(input, &markdown).map(|plan| crate::docx::docx(&plan, letterhead));
    write_single(input, &target, result, printer)
}

/// The printed text of a document named to `gongwen fonts`: a data file rendered by its
/// kind's template, or a gongwen Markdown file.
fn document_text(path: &Path, templates: &Templates) -> Result<String, Vec<Diagnostic>> {
    let text = read_markdown(path).map_err(|d| vec![d])?;
    let is_markdown = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"));
    if is_markdown {
        return Plan::from_markdown(&text)
            .map(|plan| plan.text())
            .map_err(|e| vec![e.report(&Place::new(path, &text))]);
    }
    let (document, diags) = load::load_text(path, &text);
    match document {
        Some(document) if !diags.has_errors() => crate::render::Renderer::new(templates)
            .render(document.as_ref(), crate::kinds::Linked::NONE)
            .map(|rendered| rendered.plan().text())
            .map_err(|d| vec![d]),
        _ => Err(diags.sorted()),
    }
}

/// `gongwen fonts`: the face serving each role and the faces after it in its chain, and
/// with a document, how many of its distinct characters each of them serves.
pub fn fonts(
    document: Option<&Path>,
    link: Option<&Path>,
    templates: &Templates,
    printer: Printer,
) -> Result<Status, Diagnostic> {
    let faces = fonts::scan(&fonts::font_dirs());
    let found = fonts::resolve(&faces);
    let text = match document.map(|p| document_text(p, templates)).transpose() {
        Ok(text) => text,
        Err(diagnostics) => {
            printer.print(&diagnostics);
            return Ok(Status::Invalid);
        }
    };
    for choice in &found.choices {
        let marker = if choice.preferred {
            String::new()
        } else {
            format!(
                "  ({})",
                t!("fallback: the standard's face is not installed")
            )
        };
        let served = text.as_deref().map(|t| found.served(choice.role, t));
        let count = |i: usize| {
            served
                .as_ref()
                .map(|s| format!("  {}", t!("serves %{n} characters", n = s[i].1)))
                .unwrap_or_default()
        };
        printer.result(&format!(
            "{:<12} {}  {} [{}] weight {}{marker}{}",
            choice.role.key(),
            choice.role.describe(),
            choice.face.family,
            choice.face.path.display(),
            choice.face.weight,
            count(0),
        ));
        // The chain's later faces, each serving what the ones before it lack.
        for (i, face) in choice.fallbacks.iter().enumerate() {
            printer.result(&format!(
                "{:<12}   → {} [{}]{}",
                "",
                face.family,
                face.path.display(),
                count(i + 1)
            ));
        }
    }
    for role in &found.unresolved {
        printer.result(&format!(
            "{:<12} {}  {}",
            role.key(),
            role.describe(),
            t!("MISSING: no face of its chain is installed")
        ));
    }
    if !found.unresolved.is_empty() {
        let error = fonts::FontError {
            unresolved: found.unresolved.clone(),
        };
        printer.print(&[error.report(&Place::NONE)]);
        return Ok(Status::Invalid);
    }
    if let Some(dir) = link {
        found.link_folder(dir).map_err(|e| {
            Diagnostic::error(t!("cannot link the fonts: %{reason}", reason = e)).in_file(dir)
        })?;
        printer.result(&t!(
            "linked the chosen font files into %{dir}",
            dir = dir.display()
        ));
    }
    Ok(Status::Ok)
}

/// Writes `text` to `output` (atomically, never over an existing file unless asked) or to
/// standard output.
fn emit(
    text: &str,
    output: Option<&Path>,
    replace: bool,
    printer: Printer,
) -> Result<Status, Diagnostic> {
    match output {
        None => {
            // The text itself is the command's output, as it is.
            std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())
                .map_err(|e| Diagnostic::error(t!("cannot write: %{reason}", reason = e)))?;
            Ok(Status::Ok)
        }
        Some(path) if !replace && path.exists() => {
            Err(Diagnostic::error(t!("the file exists already"))
                .in_file(path)
                .with_hint(t!("choose another name, or remove the file first")))
        }
        Some(path) => {
            write::write_atomic(path, text.as_bytes()).map_err(|e| e.report(&Place::NONE))?;
            printer.status(&t!("wrote %{path}", path = path.display()));
            Ok(Status::Ok)
        }
    }
}

fn unknown_kind(kind: &str) -> Diagnostic {
    Diagnostic::error(t!("unknown document kind `%{kind}`", kind = kind))
        .with_hint(t!("the kinds are: %{kinds}", kinds = crate::kinds::list()))
}

/// `gongwen new KIND`: a commented skeleton to fill in, whose schema comment names a
/// schema file that exists.
pub fn new(
    kind: &str,
    output: Option<&Path>,
    schema_beside: bool,
    printer: Printer,
) -> Result<Status, Diagnostic> {
    let kind = crate::kinds::find(kind).ok_or_else(|| unknown_kind(kind))?;
    let skeleton = with_schema(&kind.skeleton(), output, schema_beside, printer)?;
    emit(&skeleton, output, false, printer)
}

/// The schema file's name where gongwen writes it.
const SCHEMA_FILE: &str = "gongwen.schema.json";

/// The text with its `$schema=` comment pointing at a schema the editor will find: beside
/// the file when asked (written there); else the nearest `schema/gongwen.schema.json` or
/// `gongwen.schema.json` of its folder or a folder above (a checkout of gongwen, a
/// bureau's shared folder); else the user's own copy under `~/.local/share/gongwen`,
/// written or refreshed now.
fn with_schema(
    text: &str,
    output: Option<&Path>,
    beside: bool,
    printer: Printer,
) -> Result<String, Diagnostic> {
    let folder = match output.and_then(Path::parent) {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let schema = crate::authoring::schema_text();
    let write_schema = |path: &Path| -> Result<(), Diagnostic> {
        if std::fs::read(path).ok().as_deref() != Some(schema.as_bytes()) {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    Diagnostic::error(t!("cannot write: %{reason}", reason = e)).in_file(parent)
                })?;
            }
            write::write_atomic(path, schema.as_bytes()).map_err(|e| e.report(&Place::NONE))?;
            printer.status(&t!("wrote %{path}", path = path.display()));
        }
        Ok(())
    };
    let reference = if beside {
        write_schema(&folder.join(SCHEMA_FILE))?;
        SCHEMA_FILE.to_owned()
    } else if let Some(found) = nearest_schema(&folder) {
        found
    } else if let Some(data) = user_data_dir() {
        let path = data.join(SCHEMA_FILE);
        write_schema(&path)?;
        path.display().to_string()
    } else {
        write_schema(&folder.join(SCHEMA_FILE))?;
        SCHEMA_FILE.to_owned()
    };
    Ok(text.replacen(crate::kinds::DEFAULT_SCHEMA_REFERENCE, &reference, 1))
}

/// A schema in `folder` or above it, as a path relative to `folder`.
fn nearest_schema(folder: &Path) -> Option<String> {
    let absolute = std::fs::canonicalize(folder).ok()?;
    for (up, dir) in absolute.ancestors().enumerate() {
        for candidate in [format!("schema/{SCHEMA_FILE}"), SCHEMA_FILE.to_owned()] {
            if dir.join(&candidate).is_file() {
                return Some(format!("{}{candidate}", "../".repeat(up)));
            }
        }
    }
    None
}

/// `$XDG_DATA_HOME/gongwen`, else `~/.local/share/gongwen`.
fn user_data_dir() -> Option<std::path::PathBuf> {
    crate::write::xdg_dir("XDG_DATA_HOME", ".local/share")
}

/// `gongwen schema`: the JSON Schema of every kind.
pub fn schema(output: Option<&Path>, printer: Printer) -> Result<Status, Diagnostic> {
    emit(&crate::authoring::schema_text(), output, true, printer)
}

/// `gongwen import FILE`: a data file from a plain-text or Word document.
pub fn import(
    input: &Path,
    kind: Option<&str>,
    output: Option<&Path>,
    printer: Printer,
) -> Result<Status, Diagnostic> {
    let bytes = read_input(input)?;
    let kind = match kind {
        Some(name) => Some(crate::kinds::find(name).ok_or_else(|| unknown_kind(name))?),
        None => None,
    };
    let name = input.file_name().unwrap_or_default().to_string_lossy();
    // A broken Word file is bad input, like a data file's error (status 1).
    let yaml = match crate::authoring::import(&bytes, kind, &name) {
        Ok(yaml) => yaml,
        Err(e) => {
            printer.print(&[e.report(&Place::new(input, ""))]);
            return Ok(Status::Invalid);
        }
    };
    let target = output.map_or_else(|| input.with_extension("yaml"), Path::to_path_buf);
    let yaml = with_schema(&yaml, Some(&target), false, printer)?;
    let status = emit(&yaml, Some(&target), false, printer)?;
    printer.status(&format!(
        "  {}",
        t!(
            "next: check it with `gongwen validate %{path}`",
            path = target.display()
        )
    ));
    Ok(status)
}
