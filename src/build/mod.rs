//! `gongwen build`: every document of the given folders, in parallel, incrementally.
//! The files are loaded into one library and validated; then each document is rendered
//! and written on a worker thread. Fonts, typst and templates are prepared once a run.

pub mod backends;
pub mod manifest;
mod summary;
mod watch;

pub use watch::{Rebuilder, watch};

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::diag::{Diagnostic, Place, Printer, Report};
use crate::kinds::{Document, KINDS, Linked};
use crate::load::{self, Entry, Library};
use crate::pdf::Engine;
use crate::render::Renderer;
use crate::settings::{BuildSettings, Format, Status};
use crate::templates::{STYLE, Templates, builtins};
use crate::write::{self, Output};
use backends::{Backend, Job};
use manifest::{Entry as Built, Manifest, hash_bytes, hash_inputs, hash_parts};

/// What happened to one document.
enum Outcome {
    Built(Built),
    Unchanged,
    Failed(Status),
    /// Some formats written, others failed (a format's limit, typst): reported, and the
    /// document is built again next time.
    Partial,
    /// Not built: the run was asked to stop.
    Interrupted,
}

/// Everything shared by the workers of one run.
struct Run<'a> {
    args: &'a BuildSettings,
    printer: Printer,
    renderer: Renderer,
    backends: Vec<Box<dyn Backend>>,
    /// The environment hash of each kind (see `Entry::environment`).
    environments: HashMap<&'static str, String>,
    manifest: Manifest,
    progress: ProgressBar,
}

/// The Engine that typesets PDFs (and Typst sources) with the run's page style.
pub fn pdf_engine(templates: &Templates, with_typst: bool) -> Result<Engine, Diagnostic> {
    let style = templates.source(STYLE)?;
    Engine::new(style, templates.origin(STYLE), with_typst)
        .map_err(|e| e.report(&Place::new(Path::new(&templates.origin(STYLE)), "")))
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
    let renderer = Renderer::new(&templates).with_charts(args.charts);
    // Fonts are resolved and typst located once for the whole run.
    let typesets = args.wants(Format::Pdf) || args.wants(Format::Ofd) || args.wants(Format::Svg);
    let engine = if typesets || args.wants(Format::Typ) {
        let mut engine = pdf_engine(&templates, typesets)?;
        engine.letterhead = args.letterhead;
        engine.standard = args.pdf_standard.clone();
        engine.pages = args.wants(Format::Svg);
        Some(Arc::new(engine))
    } else {
        None
    };
    if let Some(engine) = engine.as_ref().filter(|_| args.wants(Format::Typ)) {
        // The style beside the Typst sources, so that `typst compile out/x.typ` works.
        write::write_atomic(&args.out_dir.join(STYLE), engine.style().as_bytes())
            .map_err(|e| e.report(&Place::NONE))?;
        let module = crate::plan::gbt9704::TYPST_MODULE;
        write::write_atomic(
            &args.out_dir.join(module),
            crate::plan::gbt9704::typst_module().as_bytes(),
        )
        .map_err(|e| e.report(&Place::NONE))?;
    }
    let backends = backends::enabled(args, engine);
    let environments = KINDS
        .iter()
        .map(|&kind| {
            (
                kind.name(),
                environment(args, &templates, &backends, kind.name()),
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
        backends,
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
    let summary = summary::summarize(&run, &templates, &library, &jobs, &stems);
    run.progress.finish_and_clear();

    let mut manifest = run.manifest;
    let (mut built, mut unchanged, mut failed, mut stopped) = (0, 0, refused, 0);
    let mut forgotten = 0;
    let mut status = if refused > 0 {
        Status::Invalid
    } else {
        Status::Ok
    };
    let documents = jobs
        .iter()
        .zip(outcomes)
        .map(|((index, _), outcome)| (library.entries[*index].file.path.clone(), outcome));
    for (key, outcome) in documents.chain(summary) {
        match outcome {
            Outcome::Built(entry) => {
                built += 1;
                manifest.set(&key, entry);
            }
            Outcome::Unchanged => unchanged += 1,
            Outcome::Interrupted => stopped += 1,
            Outcome::Failed(s) => {
                failed += 1;
                status = status.max(s);
            }
            Outcome::Partial => {
                failed += 1;
                status = status.max(Status::Invalid);
                manifest.remove(&key);
                forgotten += 1;
            }
        }
    }
    if (built > 0 || forgotten > 0)
        && let Err(e) = manifest.save(&args.out_dir)
    {
        printer.print(&[e.report(&Place::NONE).with_hint(t!(
            "the documents were built; the next build will build them again"
        ))]);
    }
    if crate::interrupt::requested() {
        // The manifest above lists what was built; nothing half-built is anywhere.
        printer.status(&t!(
            "stopped: %{built} built, %{stopped} not built",
            built = built,
            stopped = stopped
        ));
        return Ok(Status::Interrupted);
    }
    if !args.quiet || failed > 0 {
        printer.status(&t!(
            "%{built} built, %{unchanged} unchanged, %{failed} failed in %{seconds} s",
            built = built,
            unchanged = unchanged,
            failed = failed,
            seconds = format!("{:.2}", started.elapsed().as_secs_f64())
        ));
    }
    Ok(status)
}

/// Each written file's name in the output folder, with its hash, for the manifest.
fn output_hashes(outputs: &[Output]) -> std::collections::BTreeMap<String, String> {
    outputs
        .iter()
        .map(|o| {
            let name = o.path.file_name().unwrap_or_default().to_string_lossy();
            (name.into_owned(), hash_bytes(&o.bytes))
        })
        .collect()
}

/// The hash of everything outside the data that shapes a kind's outputs.
fn environment(
    args: &BuildSettings,
    templates: &Templates,
    backends: &[Box<dyn Backend>],
    kind: &str,
) -> String {
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("gongwen".into(), env!("CARGO_PKG_VERSION").into()),
        ("letterhead".into(), vec![u8::from(args.letterhead)]),
        ("charts".into(), vec![u8::from(args.charts)]),
        // Messages are not in the outputs; the language of the run does not matter.
    ];
    for backend in backends {
        let format = format!("{:?}", backend.format());
        parts.push((format, backend.fingerprint().into_bytes()));
    }
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
    // A plan's task list for each unit, when asked for, is among its outputs.
    if args.by_unit && kind == crate::kinds::action_plan::KIND {
        parts.push(("by-unit".into(), vec![1]));
        names.push(crate::templates::kind_template(
            crate::kinds::action_plan::units::KIND,
        ));
    }
    for name in names {
        let source = templates.load(&name).ok().flatten().unwrap_or_default();
        parts.push((name, source.into_bytes()));
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
        crate::parallel::map(jobs, self.args.jobs, |(index, stem)| {
            let entry = &library.entries[*index];
            self.progress
                .set_message(entry.file.path.display().to_string());
            let outcome = if crate::interrupt::requested() {
                Outcome::Interrupted
            } else {
                self.one(entry, stem)
            };
            self.progress.inc(1);
            outcome
        })
    }

    /// Prints the failures of some formats, then writes the files made: their names as
    /// printed, or the status of a write that failed (reported).
    fn deliver(&self, outputs: &[Output], failures: &[Diagnostic]) -> Result<String, Status> {
        if !failures.is_empty() {
            self.progress.suspend(|| self.printer.print(failures));
        }
        if let Err(e) = write::write_all(outputs) {
            self.progress
                .suspend(|| self.printer.print(&[e.report(&Place::NONE)]));
            return Err(Status::Usage);
        }
        let names: Vec<String> = outputs
            .iter()
            .map(|o| crate::diag::printable(&o.path.display().to_string()))
            .collect();
        Ok(names.join(", "))
    }

    /// Removes the page images of an earlier build that this one did not make again (the
    /// document lost pages), so that the folder holds the document's pages and no more.
    fn forget_pages(
        &self,
        stem: &str,
        previous: &std::collections::BTreeMap<String, String>,
        outputs: &[Output],
    ) {
        let made = output_hashes(outputs);
        let stale = previous.keys().filter(|name| {
            !made.contains_key(*name) && backends::page_number(stem, name).is_some()
        });
        for name in stale {
            // One left behind is only shown if asked for by number; never an error.
            let _ = std::fs::remove_file(self.args.out_dir.join(name));
        }
    }

    /// Prints a result line above the progress bar.
    fn say(&self, text: &str) {
        self.progress.suspend(|| self.printer.result(text));
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
        let (mut outputs, mut format_failures) =
            match self.outputs(document, Linked(&entry.linked), path, stem) {
                Ok(made) => made,
                Err(_) if crate::interrupt::requested() => return Outcome::Interrupted,
                Err(d) => {
                    self.progress.suspend(|| self.printer.print(&[d]));
                    return Outcome::Failed(Status::Invalid);
                }
            };
        // The documents made from it (`--by-unit`) are its files too: written with them,
        // built again with them.
        let derived = match self.args.by_unit {
            true => document.by_unit(),
            false => Vec::new(),
        };
        for made in derived {
            let name = format!("{stem}-{}", made.suffix);
            let made = self
                .renderer
                .render_collection(made.parts, made.context, Vec::new())
                .and_then(|rendered| self.outputs_of(rendered, path, &name));
            match made {
                Ok((files, failures)) => {
                    outputs.extend(files);
                    format_failures.extend(failures);
                }
                Err(_) if crate::interrupt::requested() => return Outcome::Interrupted,
                Err(d) => {
                    self.progress.suspend(|| self.printer.print(&[d]));
                    return Outcome::Failed(Status::Invalid);
                }
            }
        }
        let names = match self.deliver(&outputs, &format_failures) {
            Ok(names) => names,
            Err(status) => return Outcome::Failed(status),
        };
        if let Some(previous) = self.manifest.get(path) {
            self.forget_pages(stem, &previous.outputs, &outputs);
        }
        if !self.args.quiet {
            self.say(&t!(
                "built %{data} → %{outputs}",
                data = crate::diag::printable(&path.display().to_string()),
                outputs = names
            ));
        }
        if !format_failures.is_empty() {
            return Outcome::Partial;
        }
        let loaded: Vec<(&Path, &str)> = entry
            .hash
            .as_deref()
            .map(|hash| (path.as_path(), hash))
            .into_iter()
            .collect();
        let kind = document.kind().name();
        Outcome::Built(Built {
            kind: kind.to_owned(),
            environment: self.environments[kind].clone(),
            inputs: hash_inputs(&loaded, &entry.linked_files),
            outputs: output_hashes(&outputs),
        })
    }

    /// Everything one document writes, rendered and encoded in memory first, so that a
    /// failure before the formats writes none of its files. A format that fails (its
    /// limit, typst) is an error of its own beside the formats made, which are written.
    fn outputs(
        &self,
        document: &dyn Document,
        linked: Linked,
        data_path: &Path,
        stem: &str,
    ) -> Result<(Vec<Output>, Vec<Diagnostic>), Diagnostic> {
        let rendered = self
            .renderer
            .render(document, linked)
            .map_err(|d| d.with_note(t!("while building %{data}", data = data_path.display())))?;
        self.outputs_of(rendered, data_path, stem)
    }

    /// The files of a rendered document in every enabled format; see [`Run::outputs`].
    fn outputs_of(
        &self,
        mut rendered: crate::render::Rendered,
        data_path: &Path,
        stem: &str,
    ) -> Result<(Vec<Output>, Vec<Diagnostic>), Diagnostic> {
        let args = self.args;
        rendered.rebase_seals(data_path.parent().unwrap_or(Path::new(".")), &args.out_dir);
        let plan = match self.backends.iter().any(|b| b.needs_plan()) {
            true => {
                let mut plan = rendered.plan();
                plan.read_seal_images(&args.out_dir).map_err(|e| {
                    e.report(&crate::diag::Place {
                        file: Some(data_path),
                        text: "",
                    })
                })?;
                Some(plan)
            }
            false => None,
        };
        let job = Job {
            rendered: &rendered,
            plan: plan.as_ref(),
            data_path,
            out_dir: &args.out_dir,
            stem,
            warnings: Default::default(),
            typeset: Default::default(),
        };
        let mut outputs = Vec::new();
        let mut failures = Vec::new();
        for backend in &self.backends {
            match backend.render(&job) {
                Ok(files) => outputs.extend(files),
                Err(_) if crate::interrupt::requested() => {
                    return Err(Diagnostic::error(t!("stopped")));
                }
                Err(d) => failures.push(d.with_note(t!(
                    "the %{format} of %{data} was not written; its other formats were",
                    format = backend.format().label(),
                    data = data_path.display()
                ))),
            }
        }
        let warnings = job.warnings.into_inner();
        if !warnings.is_empty() {
            self.progress.suspend(|| self.printer.print(&warnings));
        }
        Ok((outputs, failures))
    }
}
