//! `gongwen watch`: the build of `run`, again at every change of a watched file.

use std::path::PathBuf;
use std::time::Instant;

use super::run;
use crate::diag::{Diagnostic, Printer};
use crate::load;
use crate::settings::{BuildSettings, Status};

/// The one rebuild mechanism of `watch` and `serve`: what the watched files looked like at
/// the last build, and a build whenever that changes. Only the changed documents are built
/// again (the manifest's work).
pub struct Rebuilder {
    args: BuildSettings,
    last: Option<Snapshot>,
}

type Snapshot = Vec<(PathBuf, u64, Option<std::time::SystemTime>)>;

impl Rebuilder {
    pub fn new(args: BuildSettings) -> Rebuilder {
        Rebuilder { args, last: None }
    }

    pub fn settings(&self) -> &BuildSettings {
        &self.args
    }

    /// Builds when a data file, a linked file (which lies in the data folder) or a
    /// template changed since the last build, and the first time; `None`: nothing changed.
    pub fn rebuild_if_changed(&mut self, printer: Printer) -> Option<Result<Status, Diagnostic>> {
        let now = snapshot(&self.args);
        if self.last.as_ref() == Some(&now) {
            return None;
        }
        let result = run(&self.args, printer);
        // The snapshot from before the build: a change made while it ran is seen next.
        self.last = Some(now);
        Some(result)
    }
}

/// `gongwen watch`: builds, then builds again whenever a data file, a linked file or a
/// template changes. Errors are shown and watching goes on.
pub fn watch(
    args: &BuildSettings,
    interval: std::time::Duration,
    printer: Printer,
) -> Result<Status, Diagnostic> {
    let mut rebuilder = Rebuilder::new(args.clone());
    let mut first = true;
    loop {
        if !first && rebuilder.last.as_ref() != Some(&snapshot(args)) {
            printer.status(&t!("change seen: building"));
        }
        match rebuilder.rebuild_if_changed(printer) {
            // Nothing to watch: a wrong path or output folder.
            Some(Err(d)) if first => return Err(d),
            Some(Err(d)) => printer.print(&[d]),
            _ => {}
        }
        first = false;
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
fn snapshot(args: &BuildSettings) -> Snapshot {
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
