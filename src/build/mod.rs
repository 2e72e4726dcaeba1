//! `gongwen build`: every document of the given folders, in parallel, incrementally.
//! Each document runs the stages load → validate → render → write on a worker thread;
//! fonts, typst and templates are prepared once for the run and shared.

pub mod manifest;

use std::collections::{BTreeMap, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{BuildArgs, Format, Status};
use crate::commands::{check, discover, pdf_engine, pdf_error, plural, templates_dir};
use crate::kinds::{Document, KINDS};
use crate::load::DataFile;
use crate::pdf::{Engine, PdfError};
use crate::render::{Renderer, tables};
use crate::write::{self, Output};
use manifest::{Entry, Manifest, hash_bytes, hash_inputs, hash_parts};

/// What happened to one document.
enum Outcome {
    Built(Entry),
    Unchanged,
    Failed(Status),
}

/// Everything shared by the workers of one run.
struct Run<'a> {
    args: &'a BuildArgs,
    renderer: Renderer,
    engine: Option<Engine>,
    /// The environment hash of each kind (see `Entry::environment`).
    environments: HashMap<&'static str, String>,
    manifest: Manifest,
    progress: ProgressBar,
}

pub fn run(args: &BuildArgs) -> Status {
    let started = Instant::now();
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
            crate::load::io_reason(&e)
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
        let style = args.out_dir.join(crate::pdf::STYLE);
        if let Err(e) = write::write_atomic(&style, engine.style().as_bytes()) {
            eprintln!("{e}");
            return Status::Usage;
        }
    }
    let environments = KINDS
        .iter()
        .map(|&kind| {
            (
                kind,
                environment(args, &renderer, engine.as_ref(), templates.as_deref(), kind),
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
        renderer,
        engine,
        environments,
        manifest: Manifest::load(&args.out_dir),
        progress,
    };

    // Output names come from file stems: a second file with the same stem is refused
    // before anything is built, so that neither overwrites the other.
    let mut stems: HashMap<String, &Path> = HashMap::new();
    let mut jobs: Vec<(&DataFile, String)> = Vec::new();
    let mut refused = 0;
    for file in &files {
        let stem = file
            .path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if let Some(first) = stems.get(&stem) {
            eprintln!(
                "{}: error: output name `{stem}` is already taken by {}\n  hint: rename one of the files: outputs are named after the file",
                file.path.display(),
                first.display()
            );
            refused += 1;
            continue;
        }
        stems.insert(stem.clone(), &file.path);
        jobs.push((file, stem));
    }

    let outcomes = run.parallel(&jobs);
    run.progress.finish_and_clear();

    let mut manifest = run.manifest;
    let (mut built, mut unchanged, mut failed) = (0, 0, refused);
    let mut status = if refused > 0 {
        Status::Invalid
    } else {
        Status::Ok
    };
    for ((file, _), outcome) in jobs.iter().zip(outcomes) {
        match outcome {
            Outcome::Built(entry) => {
                built += 1;
                manifest.set(&file.path, entry);
            }
            Outcome::Unchanged => unchanged += 1,
            Outcome::Failed(s) => {
                failed += 1;
                status = status.max(s);
            }
        }
    }
    if built > 0
        && let Err(e) = manifest.save(&args.out_dir)
    {
        eprintln!("{e}\n  hint: the documents were built; the next build will build them again");
    }
    if !args.quiet || failed > 0 {
        eprintln!(
            "{} built, {unchanged} unchanged, {failed} failed in {:.2} s",
            plural(built, "document"),
            started.elapsed().as_secs_f64()
        );
    }
    status
}

/// The hash of everything outside the data that shapes a kind's outputs.
fn environment(
    args: &BuildArgs,
    renderer: &Renderer,
    engine: Option<&Engine>,
    templates: Option<&Path>,
    kind: &str,
) -> String {
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("gongwen".into(), env!("CARGO_PKG_VERSION").into()),
        ("formats".into(), format!("{:?}", args.format).into_bytes()),
        (
            "csv".into(),
            format!("{:?}", args.csv_encoding).into_bytes(),
        ),
    ];
    // The kind's template and every shared partial (`_*`), built-in or from the folder.
    let mut names: Vec<String> = crate::render::BUILTIN_TEMPLATES
        .iter()
        .map(|(name, _)| name.to_string())
        .filter(|name| name.starts_with('_'))
        .collect();
    if let Some(dir) = templates
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
    names.push(format!("{kind}.md"));
    for name in names {
        let source = renderer.template_source(&name).unwrap_or_default();
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
    fn parallel(&self, jobs: &[(&DataFile, String)]) -> Vec<Outcome> {
        let threads = self
            .args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .clamp(1, jobs.len().max(1));
        let next = AtomicUsize::new(0);
        let results: Mutex<BTreeMap<usize, Outcome>> = Mutex::new(BTreeMap::new());
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((file, stem)) = jobs.get(i) else {
                            break;
                        };
                        self.progress.set_message(file.path.display().to_string());
                        let outcome = self.one(file, stem);
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

    fn one(&self, file: &DataFile, stem: &str) -> Outcome {
        let path = &file.path;
        if !self.args.force
            && let Some(entry) = self.manifest.get(path)
            && let Some(environment) = self.environments.get(entry.kind.as_str())
            && entry.is_current(environment, &self.args.out_dir)
        {
            return Outcome::Unchanged;
        }
        let checked = check(file);
        if !checked.diagnostics.is_empty() {
            let text: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
            self.say(false, &text.join("\n"));
        }
        let Some(document) = checked.document else {
            return Outcome::Failed(Status::Invalid);
        };
        let outputs = match self.outputs(&document, path, stem) {
            Ok(outputs) => outputs,
            Err(message) => {
                self.say(false, &message);
                return Outcome::Failed(Status::Invalid);
            }
        };
        if let Err(e) = write::write_all(&outputs) {
            self.say(false, &e.to_string());
            return Outcome::Failed(Status::Usage);
        }
        if !self.args.quiet {
            let names: Vec<String> = outputs
                .iter()
                .map(|o| o.path.display().to_string())
                .collect();
            self.say(
                true,
                &format!("built {} → {}", path.display(), names.join(", ")),
            );
        }
        let mut inputs = vec![path.clone()];
        inputs.extend(document.linked_files());
        Outcome::Built(Entry {
            kind: document.kind().to_owned(),
            environment: self.environments[document.kind()].clone(),
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
        document: &Document,
        data_path: &Path,
        stem: &str,
    ) -> Result<Vec<Output>, String> {
        let args = self.args;
        let rendered = self
            .renderer
            .render(document)
            .map_err(|e| format!("{e}\n  hint: while building {}", data_path.display()))?;
        let mut outputs = Vec::new();
        let out = |name: String| -> PathBuf { args.out_dir.join(name) };
        if let Some(engine) = &self.engine {
            let located = |e: PdfError| {
                let data = std::fs::read_to_string(data_path).unwrap_or_default();
                pdf_error(data_path, &data, &e)
            };
            if args.format.contains(&Format::Typ) {
                let source = engine.source(&rendered.markdown).map_err(located)?;
                outputs.push(Output {
                    path: out(format!("{stem}.typ")),
                    bytes: source.main.into_bytes(),
                });
            }
            if args.format.contains(&Format::Pdf) {
                let pdf = engine
                    .pdf(&rendered.markdown, &data_path.display().to_string())
                    .map_err(located)?;
                outputs.push(Output {
                    path: out(format!("{stem}.pdf")),
                    bytes: pdf,
                });
            }
        }
        if args.format.contains(&Format::Md) {
            outputs.push(Output {
                path: out(format!("{stem}.md")),
                bytes: rendered.markdown.into_bytes(),
            });
        }
        if args.format.contains(&Format::Csv) {
            for table in &rendered.tables {
                let path = out(format!("{stem}-{}.csv", table.name));
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
}

/// `gongwen watch`: builds, then builds again whenever a data file, a linked file (which
/// lies in the data folder) or a template changes. Only the changed documents are rebuilt;
/// errors are shown and watching goes on.
pub fn watch(args: &BuildArgs, interval: std::time::Duration) -> Status {
    let mut last = None;
    loop {
        let now = snapshot(args);
        if last.as_ref() != Some(&now) {
            if last.is_some() {
                eprintln!("change seen: building");
            }
            let status = run(args);
            if status == Status::Usage && last.is_none() {
                // Nothing to watch: a wrong path or output folder.
                return status;
            }
            // The snapshot from before the build: a change made while it ran is seen next.
            last = Some(now);
        }
        std::thread::sleep(interval);
    }
}

/// Size and modification time of every watched file.
fn snapshot(args: &BuildArgs) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut files: Vec<PathBuf> = crate::load::discover(&args.paths)
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
