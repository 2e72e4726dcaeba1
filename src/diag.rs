//! Typed diagnostics and their one printer. Every problem gongwen reports, in a data file
//! or anywhere else, is a `Diagnostic`: a message, a primary position, notes and hints.
//! Commands return them; `Printer` alone turns them into text, in the long form (the
//! source line with a caret under the column) or the short one-line form for scripts.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod yaml;
pub mod scope;

use unicode_width::UnicodeWidthChar;

/// A 1-based line and column (in characters) inside a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }

    /// The position of a byte offset in a text: 1-based line, column in characters.
    pub fn at(text: &str, offset: usize) -> Pos {
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[..end];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Pos::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in; `None` for a problem of the run itself.
    pub file: Option<PathBuf>,
    pub pos: Option<Pos>,
    pub severity: Severity,
    pub message: String,
    /// The source line at `pos`, for the long form.
    pub line_text: Option<String>,
    pub notes: Vec<String>,
    pub hints: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            file: None,
            pos: None,
            severity: Severity::Error,
            message: message.into(),
            line_text: None,
            notes: Vec::new(),
            hints: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn in_file(mut self, file: &Path) -> Self {
        self.file = Some(file.to_path_buf());
        self
    }

    /// Places the diagnostic at `pos` of `text` (the file's content), with its line.
    pub fn at(mut self, text: &str, pos: Pos) -> Self {
        self.pos = Some(pos);
        self.line_text = text
            .split('\n')
            .nth(pos.line.saturating_sub(1) as usize)
            .map(str::to_owned);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// How diagnostics are printed: `--message-format long|short`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    /// `FILE:LINE:COL: 错误：…`, the source line with a caret, then notes and hints.
    #[default]
    Long,
    /// One line each, `FILE:LINE:COL: error: …`, for scripts and editors.
    Short,
}

/// A typed error of a stage, as the one diagnostic the printer prints. Every stage's error
/// type implements it; `place` is the file the work was on and its text, for the errors
/// that point into it.
pub trait Report {
    fn report(&self, place: &Place) -> Diagnostic;
}

/// The file a stage was working on, and its text (empty where there is none to show).
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub file: Option<&'a Path>,
    pub text: &'a str,
}

impl<'a> Place<'a> {
    /// Work on no file in particular (writing a named output, the fonts of the machine).
    pub const NONE: Place<'static> = Place {
        file: None,
        text: "",
    };

    pub fn new(file: &'a Path, text: &'a str) -> Self {
        Place {
            file: Some(file),
            text,
        }
    }

    /// `d` in this place's file, if it has one.
    pub fn file_of(&self, d: Diagnostic) -> Diagnostic {
        match self.file {
            Some(file) => d.in_file(file),
            None => d,
        }
    }
}

/// The widest part of a source line shown around the caret.
const EXCERPT_COLUMNS: usize = 100;

/// The one place where diagnostics become text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Printer {
    pub format: MessageFormat,
}

impl Printer {
    pub fn print(&self, diagnostics: &[Diagnostic]) {
        if crate::diag::scope::gather(diagnostics) {
            return;
        }
        for d in diagnostics {
            eprintln!("{}", self.render(d));
        }
    }

    /// A line about the run (a count, a step), on standard error.
    pub fn status(&self, line: &str) {
        if crate::diag::scope::silent() {
            return;
        }
        eprintln!("{}", printable(line));
    }

    /// A line naming what was made (`built … → …`), on standard output.
    pub fn result(&self, line: &str) {
        if crate::diag::scope::silent() {
            return;
        }
        println!("{}", printable(line));
    }

    pub fn render(&self, d: &Diagnostic) -> String {
        let mut out = String::new();
        if let Some(file) = &d.file {
            out.push_str(&printable(&file.display().to_string()));
            if let Some(pos) = d.pos {
                let _ = write!(out, ":{}:{}", pos.line, pos.col);
            }
            out.push_str(": ");
        }
        let message = printable(&d.message);
        match self.format {
            // Scripts and editors match `error:` / `warning:` whatever the language.
            MessageFormat::Short => {
                let label = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let _ = write!(out, "{label}: {}", message.replace('\n', " "));
            }
            MessageFormat::Long => {
                let label = match d.severity {
                    Severity::Error => t!("error"),
                    Severity::Warning => t!("warning"),
                };
                let _ = write!(out, "{}{message}", labelled(&label));
                if let (Some(pos), Some(line)) = (d.pos, &d.line_text) {
                    excerpt(&mut out, pos, line);
                }
                for note in &d.notes {
                    let _ = write!(out, "\n  = {}{}", labelled(&t!("note")), printable(note));
                }
                for hint in &d.hints {
                    let _ = write!(out, "\n  = {}{}", labelled(&t!("hint")), printable(hint));
                }
            }
        }
        out
    }
}

/// `错误：` in Chinese, `error: ` in English.
fn labelled(label: &str) -> String {
    if label.is_ascii() {
        format!("{label}: ")
    } else {
        format!("{label}：")
    }
}

/// The source line under the message, with a caret at the column.
fn excerpt(out: &mut String, pos: Pos, line: &str) {
    let chars: Vec<char> = line.trim_end_matches('\r').chars().collect();
    let col = (pos.col as usize).saturating_sub(1).min(chars.len());
    // A very long line is cut to a window around the column.
    let start = col.saturating_sub(EXCERPT_COLUMNS / 2);
    let end = (start + EXCERPT_COLUMNS).min(chars.len());
    let shown: String = chars[start..end].iter().collect();
    let before: String = chars[start..col].iter().collect();
    let number = pos.line.to_string();
    let gutter = " ".repeat(number.len());
    let lead = if start > 0 { "…" } else { "" };
    // Tabs stay tabs so that the caret lines up; wide (CJK) characters take two columns.
    let mut pad: String = lead.chars().map(|_| ' ').collect();
    for c in printable(&before).chars() {
        match c {
            '\t' => pad.push('\t'),
            c => pad.extend(std::iter::repeat_n(' ', c.width().unwrap_or(0))),
        }
    }
    let _ = write!(
        out,
        "\n{gutter} |\n{number} | {lead}{}\n{gutter} | {pad}^",
        printable(&shown)
    );
}

/// Control characters (a terminal escape in a file name or a data value) and invisible
/// ones (a zero-width space, a bidirectional override) are shown as `\u{…}` escapes, never
/// sent to the terminal as they are.
pub fn printable(text: &str) -> String {
    if !text.chars().any(crate::zh::is_unprintable) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if crate::zh::is_unprintable(c) {
                format!("\\u{{{:X}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The most diagnostics kept for one file; the rest are counted in a closing line. A file
/// with thousands of the same mistake gets a readable report, in bounded memory and time.
pub const MAX_PER_FILE: usize = 200;

/// The parser's message alone: its first line without its `error: ` label and its own
/// `line L column C: ` (gongwen prints the position itself).
pub fn parser_message(e: &serde_saphyr::Error) -> String {
    let full = e.to_string();
    let first = full.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match first.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(first, |(_, m)| m),
        None => first,
    }
    .to_owned()
}

/// Collects the diagnostics of one file, so that every problem is reported in one run.
#[derive(Debug)]
pub struct Diagnostics {
    file: PathBuf,
    /// The file's text and where each line starts, once it has been read.
    source: Option<(Arc<str>, Vec<usize>)>,
    items: Vec<Diagnostic>,
    /// Errors and warnings past `MAX_PER_FILE`, counted and not kept.
    left_off: (usize, usize),
    /// Where hints of a diagnostic that was left off go.
    spare: Diagnostic,
    /// Ids of records that failed to decode: later rules do not report them as unknown.
    failed_ids: HashSet<String>,
}

impl Diagnostics {
    pub fn new(file: &Path) -> Self {
        Diagnostics {
            file: file.to_path_buf(),
            source: None,
            items: Vec::new(),
            left_off: (0, 0),
            spare: Diagnostic::error(""),
            failed_ids: HashSet::new(),
        }
    }

    /// The position of a byte offset of the file's text, found through the line index.
    pub fn pos_at(&self, text: &str, offset: usize) -> Pos {
        match &self.source {
            Some((source, starts)) if source.len() == text.len() => {
                let mut end = offset.min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let line = starts.partition_point(|&s| s <= end).max(1);
                let col = text[starts[line - 1]..end].chars().count() + 1;
                Pos::new(
                    u32::try_from(line).unwrap_or(u32::MAX),
                    u32::try_from(col).unwrap_or(u32::MAX),
                )
            }
            _ => Pos::at(text, offset),
        }
    }

    /// Records that the record with this id failed to decode (its error is reported).
    pub fn mark_failed(&mut self, id: &str) {
        self.failed_ids.insert(id.to_owned());
    }

    /// Whether a record with this id failed to decode.
    pub fn failed(&self, id: &str) -> bool {
        self.failed_ids.contains(id)
    }

    /// The file's text, so that each diagnostic shows its source line.
    pub fn set_source(&mut self, text: Arc<str>) {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        self.source = Some((text, starts));
    }

    /// Lets the file's text go once nothing more will be reported against it: a run holds
    /// every document of a batch at once.
    pub fn release_source(&mut self) {
        self.source = None;
    }

    /// An empty collector for the same file, to be filled elsewhere and absorbed back.
    pub fn fork(&self) -> Diagnostics {
        Diagnostics {
            file: self.file.clone(),
            source: self.source.clone(),
            items: Vec::new(),
            left_off: (0, 0),
            spare: Diagnostic::error(""),
            failed_ids: self.failed_ids.clone(),
        }
    }

    /// Takes over the diagnostics of a fork.
    pub fn absorb(&mut self, other: Diagnostics) {
        for d in other.items {
            if self.items.len() < MAX_PER_FILE {
                self.items.push(d);
            } else {
                self.count_left_off(d.severity);
            }
        }
        self.left_off.0 += other.left_off.0;
        self.left_off.1 += other.left_off.1;
    }

    fn count_left_off(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.left_off.0 += 1,
            Severity::Warning => self.left_off.1 += 1,
        }
    }

    pub fn error(&mut self, pos: Pos, message: impl Into<String>) -> Hinted<'_> {
        self.push(Some(pos), Severity::Error, message.into())
    }

    pub fn warning(&mut self, pos: Pos, message: impl Into<String>) -> Hinted<'_> {
        self.push(Some(pos), Severity::Warning, message.into())
    }

    /// A problem of the file as a whole (unreadable, not UTF-8), with no position.
    pub fn file_error(&mut self, message: impl Into<String>) -> Hinted<'_> {
        self.push(None, Severity::Error, message.into())
    }

    fn line_text(&self, pos: Pos) -> Option<String> {
        let (text, starts) = self.source.as_ref()?;
        let start = *starts.get(pos.line.checked_sub(1)? as usize)?;
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        Some(text[start..end].to_owned())
    }

    fn push(&mut self, pos: Option<Pos>, severity: Severity, message: String) -> Hinted<'_> {
        if self.items.len() >= MAX_PER_FILE {
            self.count_left_off(severity);
            self.spare.hints.clear();
            self.spare.notes.clear();
            return Hinted(&mut self.spare);
        }
        let line_text = pos.and_then(|p| self.line_text(p));
        self.items.push(Diagnostic {
            file: Some(self.file.clone()),
            pos,
            severity,
            message,
            line_text,
            notes: Vec::new(),
            hints: Vec::new(),
        });
        Hinted(self.items.last_mut().expect("just pushed"))
    }

    pub fn has_errors(&self) -> bool {
        self.left_off.0 > 0 || self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.counts().0
    }

    /// Errors and warnings, those left off included.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.items.iter().filter(|d| d.is_error()).count();
        (
            errors + self.left_off.0,
            self.items.len() - errors + self.left_off.1,
        )
    }

    /// A copy of the diagnostics in file order, with a closing line that counts those
    /// left off.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort_by_key(|d| (d.pos, d.severity));
        let (errors, warnings) = self.left_off;
        if errors + warnings > 0 {
            let mut closing = Diagnostic::error(t!(
                "%{errors} more errors and %{warnings} more warnings in this file are not shown",
                errors = errors,
                warnings = warnings
            ))
            .in_file(&self.file)
            .with_hint(t!(
                "the first %{limit} are shown; fix them and check again",
                limit = MAX_PER_FILE
            ));
            if errors == 0 {
                closing.severity = Severity::Warning;
            }
            items.push(closing);
        }
        items
    }
}

/// Lets a caller attach hints and notes to the diagnostic it has just pushed.
pub struct Hinted<'a>(&'a mut Diagnostic);

impl Hinted<'_> {
    pub fn hint(self, hint: impl Into<String>) -> Self {
        self.0.hints.push(hint.into());
        self
    }

    pub fn note(self, note: impl Into<String>) -> Self {
        self.0.notes.push(note.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Diagnostic {
        Diagnostic::error("expected a number")
            .in_file(Path::new("data/x.yaml"))
            .at("kind: x\n  名称：value: abc\n", Pos::new(2, 11))
            .with_hint("write digits")
    }

    #[test]
    fn short_form_is_one_line() {
        let printer = Printer {
            format: MessageFormat::Short,
        };
        assert_eq!(
            printer.render(&sample()),
            "data/x.yaml:2:11: error: expected a number"
        );
    }

    #[test]
    fn long_form_puts_a_caret_under_the_column_counting_wide_characters() {
        rust_i18n::set_locale("en");
        let text = Printer::default().render(&sample());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "data/x.yaml:2:11: error: expected a number");
        assert_eq!(lines[2], "2 |   名称：value: abc");
        // Two spaces, three wide characters (6 columns), `value` (5 columns).
        assert_eq!(lines[3], format!("  | {}^", " ".repeat(2 + 6 + 5)));
        assert_eq!(lines[4], "  = hint: write digits");
    }

    #[test]
    fn terminal_escapes_are_never_printed() {
        let d = Diagnostic::error("unknown field `\u{1b}]0;pwned\u{7}`");
        let text = Printer::default().render(&d);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
        assert!(text.contains("\\u{1B}]0;pwned\\u{7}"));
    }
}
