//! `gongwen watch`: the build of `run`, again at every change of a watched file.

use std::path::PathBuf;
use std::time::Instant;

use rust_i18n::t;

use super::run;
use crate::diag::{Diagnostic, Printer};
use crate::load;
use crate::settings::{BuildSettings, Status};

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
                printer.status(&t!("change seen: building"));
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
