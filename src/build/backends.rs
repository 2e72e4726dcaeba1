//! The outputs of a build, one back-end each (the mdBook `Renderer` idea): a back-end has
//! its format, a fingerprint of what shapes its files besides the data (fonts, typst, the
//! page style), and a `render` that turns one document into its files, in memory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Place, Report};
use crate::pdf::{Engine, Typeset};
use crate::plan::Plan;
use crate::render::{Rendered, csv};
use crate::settings::{BuildSettings, CsvEncoding, Format};
use crate::write::Output;

/// One document as the back-ends see it.
pub struct Job<'a> {
    pub rendered: &'a Rendered,
    /// The layout plan, made once for the page back-ends that are enabled.
    pub plan: Option<&'a Plan>,
    /// The data file, for messages.
    pub data_path: &'a Path,
    pub out_dir: &'a Path,
    /// The outputs' name, from the data file's.
    pub stem: &'a str,
    /// What the back-ends warn of while they render (the document is still made).
    pub warnings: std::cell::RefCell<Vec<Diagnostic>>,
    /// The document typeset once for the PDF and the OFD, which is drawn from it.
    pub typeset: std::cell::OnceCell<Result<std::rc::Rc<Typeset>, Diagnostic>>,
}

impl Job<'_> {
    fn warn(&self, d: Diagnostic) {
        self.warnings.borrow_mut().push(d);
    }

    fn path(&self, suffix: &str) -> PathBuf {
        self.out_dir.join(format!("{}{suffix}", self.stem))
    }

    fn plan(&self) -> &Plan {
        self.plan
            .expect("the plan is made whenever a page back-end is enabled")
    }

    /// The document typeset by typst, once for all the formats drawn from it.
    fn typeset(&self, engine: &Engine) -> Result<std::rc::Rc<Typeset>, Diagnostic> {
        self.typeset
            .get_or_init(|| {
                let origin = self.data_path.display().to_string();
                let typeset = engine
                    .pdf(self.plan(), &origin)
                    .map_err(|e| self.pdf_error(e))?;
                if let Some(e) = &typeset.subset_error {
                    self.warn(e.report(&Place::new(self.data_path, "")));
                }
                Ok(std::rc::Rc::new(typeset))
            })
            .clone()
    }

    /// A PDF-stage error, placed in the data file where it can be.
    fn pdf_error(&self, e: crate::pdf::PdfError) -> Diagnostic {
        let data = std::fs::read_to_string(self.data_path).unwrap_or_default();
        e.report(&Place::new(self.data_path, &data))
    }
}

pub trait Backend: Sync {
    fn format(&self) -> Format;
    /// Whether it reads the layout plan.
    fn needs_plan(&self) -> bool {
        false
    }
    /// What identifies its inputs besides the data and the templates.
    fn fingerprint(&self) -> String {
        String::new()
    }
    /// The document's files of this format; none is an answer too (no tables, no XLSX).
    fn render(&self, job: &Job) -> Result<Vec<Output>, Diagnostic>;
}

struct Typ(Arc<Engine>);
struct Pdf(Arc<Engine>);
struct Ofd(Arc<Engine>);
struct Svg(Arc<Engine>);
struct Docx {
    letterhead: bool,
}
struct Markdown;
struct Xlsx;
struct Csv(CsvEncoding);

/// The back-ends a build enables, in the order their files are listed. `engine` is there
/// when PDF or Typst sources are wanted.
pub fn enabled(args: &BuildSettings, engine: Option<Arc<Engine>>) -> Vec<Box<dyn Backend>> {
    let mut backends: Vec<Box<dyn Backend>> = Vec::new();
    if let Some(engine) = engine {
        if args.wants(Format::Typ) {
            backends.push(Box::new(Typ(engine.clone())));
        }
        if args.wants(Format::Pdf) {
            backends.push(Box::new(Pdf(engine.clone())));
        }
        if args.wants(Format::Ofd) {
            backends.push(Box::new(Ofd(engine.clone())));
        }
        if args.wants(Format::Svg) {
            backends.push(Box::new(Svg(engine)));
        }
    }
    if args.wants(Format::Docx) {
        backends.push(Box::new(Docx {
            letterhead: args.letterhead,
        }));
    }
    if args.wants(Format::Md) {
        backends.push(Box::new(Markdown));
    }
    if args.wants(Format::Xlsx) {
        backends.push(Box::new(Xlsx));
    }
    if args.wants(Format::Csv) {
        backends.push(Box::new(Csv(args.csv_encoding)));
    }
    backends
}

impl Backend for Typ {
    fn format(&self) -> Format {
        Format::Typ
    }
    fn needs_plan(&self) -> bool {
        true
    }
    fn fingerprint(&self) -> String {
        format!("{}\n{}", self.0.style(), self.0.fingerprint())
    }
    fn render(&self, job: &Job) -> Result<Vec<Output>, Diagnostic> {
        let source = self.0.source(job.plan()).map_err(|e| job.pdf_error(e))?;
        // The seal images the source reads, beside it, so that it compiles by hand too.
        let assets = source.assets.into_iter().map(|(name, bytes)| Output {
            path: job.out_dir.join(name),
            bytes: bytes.to_vec(),
        });
        Ok(std::iter::once(Output {
            path: job.path(".typ"),
            bytes: source.main.into_bytes(),
        })
        .chain(assets)
        .collect())
    }
}

impl Backend for Pdf {
    fn format(&self) -> Format {
        Format::Pdf
    }
    fn needs_plan(&self) -> bool {
        true
    }
    fn fingerprint(&self) -> String {
        format!("{}\n{}", self.0.style(), self.0.fingerprint())
    }
    fn render(&self, job: &Job) -> Result<Vec<Output>, Diagnostic> {
        let typeset = job.typeset(&self.0)?;
        Ok(vec![Output {
            path: job.path(".pdf"),
            bytes: typeset.pdf.clone(),
        }])
    }
}

impl Backend for Ofd {
    fn format(&self) -> Format {
        Format::Ofd
    }
    fn needs_plan(&self) -> bool {
        true
    }
    fn fingerprint(&self) -> String {
        format!("{}\n{}", self.0.style(), self.0.fingerprint())
    }
    fn render(&self, job: &Job) -> Result<Vec<Output>, Diagnostic> {
        let typeset = job.typeset(&self.0)?;
        let path = job.path(".ofd");
        let info = crate::ofd::DocInfo::of(&job.plan().parts);
        let made = crate::ofd::from_pdf(&typeset.pdf, &typeset.font_dir, &info)
            .map_err(|e| e.report(&Place::new(job.data_path, "")))?;
        for warning in made.warnings {
            job.warn(Diagnostic::warning(warning).in_file(&path));
        }
        Ok(vec![Output {
            path,
            bytes: made.bytes,
        }])
    }
}

/// The page images' names: `STEM-page-N.svg`, from 1.
pub fn page_suffix(number: usize) -> String {
    format!("-page-{number}.svg")
}

/// N of a page image `STEM-page-N.svg` of the document `stem`; `None` for other names.
pub fn page_number(stem: &str, name: &str) -> Option<usize> {
    let n: usize = name
        .strip_prefix(stem)?
        .strip_prefix("-page-")?
        .strip_suffix(".svg")?
        .parse()
        .ok()?;
    (name == format!("{stem}{}", page_suffix(n))).then_some(n)
}

impl Backend for Svg {
    fn format(&self) -> Format {
        Format::Svg
    }
    fn needs_plan(&self) -> bool {
        true
    }
    fn fingerprint(&self) -> String {
        format!("{}\n{}", self.0.style(), self.0.fingerprint())
    }
    fn render(&self, job: &Job) -> Result<Vec<Output>, Diagnostic> {
        let typeset = job.typeset(&self.0)?;
        Ok(typeset
            .pages
            .iter()
            .enumerate()
            .map(|(i, svg)| Output {
                path: job.path(&page_suffix(i + 1)),
                bytes: svg.clone(),
            })
            .collect())
    }
}

impl Backend for Docx {
    fn format(&self) -> Format {
        Format::Docx
    }
    fn needs_plan(&self) -> bool {
        true
    }
    fn render(&self, job: &Job) -> Result<Vec<Output>, Diagnostic> {
        Ok(vec![Output {
            path: job.path(".docx"),
            bytes: crate::docx::docx(job.plan(), self.letterhead),
        }])
    }
}

impl Backend for Markdown {
    fn format(&self) -> Format {
        Format::Md
    }
    fn render(&self, job: &Job) -> Result<Vec<Output>, Diagnostic> {
        Ok(vec![Output {
            path: job.path(".md"),
            bytes: job.rendered.markdown.clone().into_bytes(),
        }])
    }
}

impl Backend for Xlsx {
    fn format(&self) -> Format {
        Format::Xlsx
    }
    fn render(&self, job: &Job) -> Result<Vec<Output>, Diagnostic> {
        let rendered = job.rendered;
        if rendered.tables.is_empty() {
            return Ok(Vec::new());
        }
        let path = job.path(".xlsx");
        let made =
            crate::render::xlsx::workbook(&rendered.parts, &rendered.tables).map_err(|e| {
                Diagnostic::error(t!("the workbook cannot be written: %{reason}", reason = e))
                    .in_file(&path)
            })?;
        for warning in made.warnings {
            job.warn(Diagnostic::warning(warning).in_file(&path));
        }
        Ok(vec![Output {
            path,
            bytes: made.bytes,
        }])
    }
}

impl Backend for Csv {
    fn format(&self) -> Format {
        Format::Csv
    }
    fn fingerprint(&self) -> String {
        format!("{:?}", self.0)
    }
    fn render(&self, job: &Job) -> Result<Vec<Output>, Diagnostic> {
        let mut outputs = Vec::new();
        for table in job.rendered.tables.iter().filter(|t| !t.sheet_only) {
            let path = job.path(&format!("-{}.csv", table.name));
            let bytes = csv::encode(table, self.0).map_err(|u| {
                Diagnostic::error(t!(
                    "the character `%{character}` in \"%{cell}\" cannot be written in GBK",
                    character = u.character,
                    cell = u.cell
                ))
                .in_file(&path)
                .with_hint(t!("use --csv-encoding utf-8-bom"))
            })?;
            outputs.push(Output { path, bytes });
        }
        Ok(outputs)
    }
}
