//! `gongwen build`: every document of the given folders, in parallel, incrementally.
//! The files are loaded into one library and validated; then each document is rendered
//! and written on a worker thread. Fonts, typst and templates are prepared once a run.

pub mod manifest;

use std::collections::{BTreeMap, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rust_i18n::t;

use crate::diag::{Diagnostic, Printer};
use crate::kinds::{Document, KINDS, Linked};
use crate::load::{self, Entry, Library};
use crate::pdf::Engine;
use crate::render::{Renderer, csv};
use crate::settings::{BuildSettings, Format, Status};
use crate::templates::{STYLE, Templates, builtins};
use crate::write::{self, Output};
use manifest::{Entry as Built, Manifest, hash_bytes, hash_inputs, hash_parts};

/// What happened to one document.
enum Outcome {
    Built(Built),
    Unchanged,
    Failed(Status),
    /// Not built: the run was asked to stop.
    Interrupted,
}

/// Everything shared by the workers of one run.
struct Run<'a> {
    args: &'a BuildSettings,
    printer: Printer,
    renderer: Renderer,
    engine: Option<Engine>,
    /// The environment hash of each kind (see `Entry::environment`).
    environments: HashMap<&'static str, String>,
    manifest: Manifest,
    progress: ProgressBar,
}

/// The Engine that typesets PDFs (and Typst sources) with the run's page style.
pub fn pdf_engine(templates: &Templates, with_typst: bool) -> Result<Engine, Diagnostic> {
    let style = templates.source(STYLE)?;
    Engine::new(style, templates.origin(STYLE), with_typst)
        .map_err(|e| e.diagnostic(Path::new(&templates.origin(STYLE)), ""))
}

/// Builds every document; problems of a document are printed as they come, a problem of
/// the run as a whole is returned.
pub fn run(args: &BuildSettings, printer: Printer) -> Result<Status, Diagnostic> {
    let started = Instant::now();
    let files = load::discover(&args.paths)?;
    std::fs::create_dir_all(&args.out_dir).map_err(|e| {
        Diagnostic::error(t!(
            "cannot create the output folder: %{reason}",
            reason = load::io_reason(&e)
        ))
        .in_file(&args.out_dir)
    })?;
    let templates = Templates::new(args.templates.as_deref());
    let renderer = Renderer::new(&templates);
    // Fonts are resolved and typst located once for the whole run.
    let engine = if args.wants(Format::Pdf) || args.wants(Format::Typ) {
        let mut engine = pdf_engine(&templates, args.wants(Format::Pdf))?;
        engine.letterhead = args.letterhead;
        Some(engine)
    } else {
        None
    };
    if let Some(engine) = engine.as_ref().filter(|_| args.wants(Format::Typ)) {
        // The style beside the Typst sources, so that `typst compile out/x.typ` works.
        write::write_atomic(&args.out_dir.join(STYLE), engine.style().as_bytes())
            .map_err(|e| e.diagnostic())?;
    }
    let environments = KINDS
        .iter()
        .map(|&kind| {
            (
                kind.name(),
                environment(args, &templates, engine.as_ref(), kind.name()),
            )
        })
        .collect();
    let progress = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
                .expect("the progress template is valid"),
        );
        bar
    };
    let run = Run {
        args,
        printer,
        renderer,
        engine,
        environments,
        manifest: Manifest::load(&args.out_dir),
        progress,
    };

    // Output names come from file stems: a second file with the same stem is refused
    // before anything is built, so that neither overwrites the other.
    let mut stems: HashMap<String, &Path> = HashMap::new();
    let mut jobs: Vec<(usize, String)> = Vec::new();
    let mut refused = 0;
    let mut library = Library::load(&files, args.jobs);
    crate::validate::validate(&mut library, args.jobs);
    for (index, entry) in library.entries.iter().enumerate() {
        let file = &entry.file;
        if entry.linked_only {
            continue;
        }
        let stem = file
            .path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if let Some(first) = stems.get(&stem) {
            printer.print(&[Diagnostic::error(t!(
                "output name `%{stem}` is already taken by %{first}",
                stem = stem,
                first = first.display()
            ))
            .in_file(&file.path)
            .with_hint(t!(
                "rename one of the files: outputs are named after the file"
            ))]);
            refused += 1;
            continue;
        }
        stems.insert(stem.clone(), &file.path);
        jobs.push((index, stem));
    }

    let outcomes = run.parallel(&library, &jobs);
    run.progress.finish_and_clear();

    let mut manifest = run.manifest;
    let (mut built, mut unchanged, mut failed, mut stopped) = (0, 0, refused, 0);
    let mut status = if refused > 0 {
        Status::Invalid
    } else {
        Status::Ok
    };
    for ((index, _), outcome) in jobs.iter().zip(outcomes) {
        match outcome {
            Outcome::Built(entry) => {
                built += 1;
                manifest.set(&library.entries[*index].file.path, entry);
            }
            Outcome::Unchanged => unchanged += 1,
            Outcome::Interrupted => stopped += 1,
            Outcome::Failed(s) => {
                failed += 1;
                status = status.max(s);
            }
        }
    }
    if built > 0
        && let Err(e) = manifest.save(&args.out_dir)
    {
        printer.print(&[e.diagnostic().with_hint(t!(
            "the documents were built; the next build will build them again"
        ))]);
    }
    if crate::interrupt::requested() {
        // The manifest above lists what was built; nothing half-built is anywhere.
        eprintln!(
            "{}",
            t!(
                "stopped: %{built} built, %{stopped} not built",
                built = built,
                stopped = stopped
            )
        );
        return Ok(Status::Interrupted);
    }
    if !args.quiet || failed > 0 {
        eprintln!(
            "{}",
            t!(
                "%{built} built, %{unchanged} unchanged, %{failed} failed in %{seconds} s",
                built = built,
                unchanged = unchanged,
                failed = failed,
                seconds = format!("{:.2}", started.elapsed().as_secs_f64())
            )
        );
    }
    Ok(status)
}

/// The hash of everything outside the data that shapes a kind's outputs.
fn environment(
    args: &BuildSettings,
    templates: &Templates,
    engine: Option<&Engine>,
    kind: &str,
) -> String {
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("gongwen".into(), env!("CARGO_PKG_VERSION").into()),
        ("formats".into(), format!("{:?}", args.formats).into_bytes()),
        (
            "csv".into(),
            format!("{:?}", args.csv_encoding).into_bytes(),
        ),
        ("letterhead".into(), vec![u8::from(args.letterhead)]),
        // Messages are not in the outputs; the language of the run does not matter.
    ];
    // The kind's template and every shared partial (`_*`), built-in or from the folder.
    let mut names: Vec<String> = builtins()
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with('_'))
        .collect();
    if let Some(dir) = templates.dir()
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        names.extend(
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('_')),
        );
    }
    names.sort();
    names.dedup();
    names.push(crate::templates::kind_template(kind));
    for name in names {
        let source = templates.load(&name).ok().flatten().unwrap_or_default();
        parts.push((name, source.into_bytes()));
    }
    if let Some(engine) = engine {
        parts.push(("style".into(), engine.style().as_bytes().to_vec()));
        parts.push(("fonts+typst".into(), engine.fingerprint().into_bytes()));
    }
    hash_parts(
        parts
            .iter()
            .map(|(label, bytes)| (label.as_str(), bytes.as_slice())),
    )
}

impl Run<'_> {
    /// Builds the jobs on `--jobs` threads; the outcomes come back in the jobs' order.
    fn parallel(&self, library: &Library, jobs: &[(usize, String)]) -> Vec<Outcome> {
        let threads = self.args.jobs.clamp(1, jobs.len().max(1));
        let next = AtomicUsize::new(0);
        let results: Mutex<BTreeMap<usize, Outcome>> = Mutex::new(BTreeMap::new());
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((index, stem)) = jobs.get(i) else {
                            break;
                        };
                        let entry = &library.entries[*index];
                        self.progress
                            .set_message(entry.file.path.display().to_string());
                        let outcome = if crate::interrupt::requested() {
                            Outcome::Interrupted
                        } else {
                            self.one(entry, stem)
                        };
                        self.progress.inc(1);
                        results
                            .lock()
                            .expect("no worker panics holding the lock")
                            .insert(i, outcome);
                    }
                });
            }
        });
        results
            .into_inner()
            .expect("the workers are done")
            .into_values()
            .collect()
    }

    /// Prints above the progress bar.
    fn say(&self, to_stdout: bool, text: &str) {
        self.progress.suspend(|| {
            if to_stdout {
                println!("{text}");
            } else {
                eprintln!("{text}");
            }
        });
    }

    fn one(&self, entry: &Entry, stem: &str) -> Outcome {
        let path = &entry.file.path;
        if !self.args.force
            && let Some(built) = self.manifest.get(path)
            && let Some(environment) = self.environments.get(built.kind.as_str())
            && built.is_current(environment, &self.args.out_dir)
        {
            return Outcome::Unchanged;
        }
        let diagnostics = entry.diagnostics.sorted();
        if !diagnostics.is_empty() {
            self.progress.suspend(|| self.printer.print(&diagnostics));
        }
        let Some(document) = entry
            .document
            .as_deref()
            .filter(|_| !entry.diagnostics.has_errors())
        else {
            return Outcome::Failed(Status::Invalid);
        };
        let outputs = match self.outputs(document, Linked(&entry.linked), path, stem) {
            Ok(outputs) => outputs,
            Err(_) if crate::interrupt::requested() => return Outcome::Interrupted,
            Err(d) => {
                self.progress.suspend(|| self.printer.print(&[d]));
                return Outcome::Failed(Status::Invalid);
            }
        };
        if let Err(e) = write::write_all(&outputs) {
            self.progress
                .suspend(|| self.printer.print(&[e.diagnostic()]));
            return Outcome::Failed(Status::Usage);
        }
        if !self.args.quiet {
            let names: Vec<String> = outputs
                .iter()
                .map(|o| crate::diag::printable(&o.path.display().to_string()))
                .collect();
            self.say(
                true,
                &t!(
                    "built %{data} → %{outputs}",
                    data = crate::diag::printable(&path.display().to_string()),
                    outputs = names.join(", ")
                ),
            );
        }
        let mut inputs = vec![path.clone()];
        inputs.extend(entry.linked_files.iter().cloned());
        let kind = document.kind().name();
        Outcome::Built(Built {
            kind: kind.to_owned(),
            environment: self.environments[kind].clone(),
            inputs: hash_inputs(&inputs),
            outputs: outputs
                .iter()
                .map(|o| {
                    let name = o
                        .path
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    (name, hash_bytes(&o.bytes))
                })
                .collect(),
        })
    }

    /// Everything one document writes, rendered and encoded in memory first, so that a
    /// failure at any step writes none of its files.
    fn outputs(
        &self,
        document: &dyn Document,
        linked: Linked,
        data_path: &Path,
        stem: &str,
    ) -> Result<Vec<Output>, Diagnostic> {
        let args = self.args;
        let rendered = self
            .renderer
            .render(document, linked)
            .map_err(|d| d.with_note(t!("while building %{data}", data = data_path.display())))?;
        let mut outputs = Vec::new();
        let out = |name: String| -> PathBuf { args.out_dir.join(name) };
        if let Some(engine) = &self.engine {
            let located = |e: crate::pdf::PdfError| {
                let data = std::fs::read_to_string(data_path).unwrap_or_default();
                e.diagnostic(data_path, &data)
            };
            if args.wants(Format::Typ) {
                let source = engine.source(&rendered.markdown).map_err(located)?;
                outputs.push(Output {
                    path: out(format!("{stem}.typ")),
                    bytes: source.main.into_bytes(),
                });
            }
            if args.wants(Format::Pdf) {
                let pdf = engine
                    .pdf(&rendered.markdown, &data_path.display().to_string())
                    .map_err(located)?;
                outputs.push(Output {
                    path: out(format!("{stem}.pdf")),
                    bytes: pdf,
                });
            }
        }
        if args.wants(Format::Docx) {
            let bytes = crate::docx::docx(&rendered.markdown, args.letterhead)
                .map_err(|e| e.diagnostic(data_path, &rendered.markdown))?;
            outputs.push(Output {
                path: out(format!("{stem}.docx")),
                bytes,
            });
        }
        if args.wants(Format::Md) {
            outputs.push(Output {
                path: out(format!("{stem}.md")),
                bytes: rendered.markdown.into_bytes(),
            });
        }
        if args.wants(Format::Xlsx) && !rendered.tables.is_empty() {
            let path = out(format!("{stem}.xlsx"));
            let bytes =
                crate::render::xlsx::workbook(&rendered.parts, &rendered.tables).map_err(|e| {
                    Diagnostic::error(t!("the workbook cannot be written: %{reason}", reason = e))
                        .in_file(&path)
                })?;
            outputs.push(Output { path, bytes });
        }
        if args.wants(Format::Csv) {
            for table in &rendered.tables {
                let path = out(format!("{stem}-{}.csv", table.name));
                let bytes = csv::encode(table, args.csv_encoding).map_err(|u| {
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
        }
        Ok(outputs)
    }
}

/// `gongwen watch`: builds, then builds again whenever a data file, a linked file (which
/// lies in the data folder) or a template changes. Only the changed documents are rebuilt;
/// errors are shown and watching goes on.
pub fn watch(
    args: &BuildSettings,
    interval: std::time::Duration,
    printer: Printer,
) -> Result<Status, Diagnostic> {
    let mut last = None;
    loop {
        let now = snapshot(args);
        if last.as_ref() != Some(&now) {
            if last.is_some() {
                eprintln!("{}", t!("change seen: building"));
            }
            match run(args, printer) {
                // Nothing to watch: a wrong path or output folder.
                Err(d) if last.is_none() => return Err(d),
                Err(d) => printer.print(&[d]),
                Ok(_) => {}
            }
            // The snapshot from before the build: a change made while it ran is seen next.
            last = Some(now);
        }
        // Slept in short steps, so that Ctrl-C stops the watch at once.
        let woke = Instant::now();
        while woke.elapsed() < interval && !crate::interrupt::requested() {
            std::thread::sleep(interval.min(std::time::Duration::from_millis(50)));
        }
        if crate::interrupt::requested() {
            return Ok(Status::Interrupted);
        }
    }
}

/// Size and modification time of every watched file.
fn snapshot(args: &BuildSettings) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut files: Vec<PathBuf> = load::discover(&args.paths)
        .map(|found| found.into_iter().map(|f| f.path).collect())
        .unwrap_or_default();
    let templates = args
        .templates
        .clone()
        .unwrap_or_else(|| PathBuf::from("templates"));
    if let Ok(entries) = std::fs::read_dir(&templates) {
        files.extend(entries.flatten().map(|e| e.path()));
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let meta = std::fs::metadata(&path).ok();
            let size = meta.as_ref().map_or(0, |m| m.len());
            let modified = meta.and_then(|m| m.modified().ok());
            (path, size, modified)
        })
        .collect()
}
