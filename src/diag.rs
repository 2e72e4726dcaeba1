//! Typed diagnostics: every problem found in a data file, with its position and a hint.

use std::fmt;
use std::path::{Path, PathBuf};

/// A 1-based line and column (in characters) inside a data file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    pub file: PathBuf,
    pub pos: Option<Pos>,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `FILE:LINE:COL: error: MESSAGE`, then `  hint: …` on the next line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(pos) = self.pos {
            write!(f, ":{}:{}", pos.line, pos.col)?;
        }
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {label}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Collects the diagnostics of one file, so that every problem is reported in one run.
#[derive(Debug)]
pub struct Diagnostics {
    file: PathBuf,
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(file: &Path) -> Self {
        Diagnostics {
            file: file.to_path_buf(),
            items: Vec::new(),
        }
    }

    pub fn file(&self) -> &Path {
        &self.file
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

    fn push(&mut self, pos: Option<Pos>, severity: Severity, message: String) -> Hinted<'_> {
        self.items.push(Diagnostic {
            file: self.file.clone(),
            pos,
            severity,
            message,
            hint: None,
        });
        Hinted(self.items.last_mut().expect("just pushed"))
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// The diagnostics in file order (position, then errors before warnings).
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_key(|d| (d.pos, d.severity));
        self.items
    }
}

/// Lets a caller attach a hint to the diagnostic it has just pushed.
pub struct Hinted<'a>(&'a mut Diagnostic);

impl Hinted<'_> {
    pub fn hint(self, hint: impl Into<String>) {
        self.0.hint = Some(hint.into());
    }
}
