//! Typed diagnostics and their one printer. Every problem gongwen reports, in a data file
//! or anywhere else, is a `Diagnostic`: a message, a primary position, notes and hints.
//! Commands return them; `Printer` alone turns them into text, in the long form (the
//! source line with a caret under the column) or the short one-line form for scripts.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_i18n::t;
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

/// The widest part of a source line shown around the caret.
const EXCERPT_COLUMNS: usize = 100;

/// The one place where diagnostics become text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Printer {
    pub format: MessageFormat,
}

impl Printer {
    pub fn print(&self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            eprintln!("{}", self.render(d));
        }
    }

    pub fn render(&self, d: &Diagnostic) -> String {
        let mut out = String::new();
        if let Some(file) = &d.file {
            out.push_str(&clean(&file.display().to_string()));
            if let Some(pos) = d.pos {
                let _ = write!(out, ":{}:{}", pos.line, pos.col);
            }
            out.push_str(": ");
        }
        let message = clean(&d.message);
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
                    let _ = write!(out, "\n  = {}{}", labelled(&t!("note")), clean(note));
                }
                for hint in &d.hints {
                    let _ = write!(out, "\n  = {}{}", labelled(&t!("hint")), clean(hint));
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
    for c in clean(&before).chars() {
        match c {
            '\t' => pad.push('\t'),
            c => pad.extend(std::iter::repeat_n(' ', c.width().unwrap_or(0))),
        }
    }
    let _ = write!(
        out,
        "\n{gutter} |\n{number} | {lead}{}\n{gutter} | {pad}^",
        clean(&shown)
    );
}

/// Control characters (a terminal escape in a file name or a data value) are shown as
/// `\u{…}` escapes, never sent to the terminal.
fn clean(text: &str) -> String {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                format!("\\u{{{:X}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Collects the diagnostics of one file, so that every problem is reported in one run.
#[derive(Debug)]
pub struct Diagnostics {
    file: PathBuf,
    /// The file's text and where each line starts, once it has been read.
    source: Option<(Arc<str>, Vec<usize>)>,
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(file: &Path) -> Self {
        Diagnostics {
            file: file.to_path_buf(),
            source: None,
            items: Vec::new(),
        }
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
        }
    }

    /// Takes over the diagnostics of a fork.
    pub fn absorb(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
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
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// A copy of the diagnostics in file order.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort_by_key(|d| (d.pos, d.severity));
        items
    }

    /// The diagnostics in file order (position, then errors before warnings).
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_key(|d| (d.pos, d.severity));
        self.items
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
