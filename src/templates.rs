//! The built-in templates, embedded in the binary: the shared partials, the page style and
//! each kind's body template (`templates/<kind>.md`). A file of the same name in the user's
//! templates folder replaces one.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Pos};

/// The file name of the page style (Typst), a template like the others.
pub const STYLE: &str = "gongwen.typ";

/// Every file of `templates/`, embedded by the build script: the shared partials (`_*.md`),
/// the page style and each kind's body template.
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// The name of a kind's body template.
pub fn kind_template(kind: &str) -> String {
    format!("{kind}.md")
}

/// Every built-in template: name and text.
pub fn builtins() -> Vec<(String, &'static str)> {
    BUILTIN.iter().map(|(n, t)| ((*n).to_owned(), *t)).collect()
}

fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// A template file of the folder that cannot be read.
#[derive(Debug)]
pub struct TemplateError {
    pub path: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&t!(
            "cannot read %{path}: %{reason}",
            path = self.path.display(),
            reason = self.reason
        ))
    }
}

/// The templates of a run: the built-ins, each replaced by a file of the folder.
#[derive(Clone, Debug, Default)]
pub struct Templates {
    dir: Option<PathBuf>,
}

impl Templates {
    pub fn new(dir: Option<&Path>) -> Self {
        Templates {
            dir: dir.map(Path::to_path_buf),
        }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Where a template comes from, for messages: its file, or `<built-in>/name`.
    pub fn origin(&self, name: &str) -> String {
        match &self.dir {
            Some(dir) if dir.join(name).is_file() => dir.join(name).display().to_string(),
            _ => format!("<built-in>/{name}"),
        }
    }

    /// The text of a template, from the folder or built in; `None` if there is none.
    pub fn load(&self, name: &str) -> Result<Option<String>, TemplateError> {
        // Template names are plain file names: nothing may be read from outside the folder.
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Ok(None);
        }
        if let Some(dir) = &self.dir {
            let path = dir.join(name);
            if path.is_file() {
                return std::fs::read_to_string(&path)
                    .map(Some)
                    .map_err(|e| TemplateError {
                        path,
                        reason: crate::load::io_reason(&e),
                    });
            }
        }
        Ok(builtin(name).map(str::to_owned))
    }

    /// The text of a template, or a diagnostic naming it.
    pub fn source(&self, name: &str) -> Result<String, Diagnostic> {
        match self.load(name) {
            Ok(Some(text)) => Ok(text),
            Ok(None) => Err(template_error(
                &self.origin(name),
                None,
                t!("no such template"),
            )),
            Err(e) => Err(template_error(&self.origin(name), None, e.to_string())),
        }
    }
}

/// A problem in a template, at its line when known.
pub fn template_error(origin: &str, line: Option<usize>, message: impl Into<String>) -> Diagnostic {
    let mut d = Diagnostic::error(message).in_file(Path::new(origin));
    if let Some(line) = line {
        d.pos = Some(Pos::new(u32::try_from(line).unwrap_or(u32::MAX), 1));
        if let Some(text) = std::fs::read_to_string(origin)
            .ok()
            .or_else(|| builtin(origin.trim_start_matches("<built-in>/")).map(str::to_owned))
        {
            d = d.at(&text, Pos::new(u32::try_from(line).unwrap_or(u32::MAX), 1));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_has_its_built_in_template() {
        for kind in crate::kinds::KINDS {
            let name = super::kind_template(kind.name());
            assert!(
                super::builtin(&name).is_some(),
                "templates/{name} is missing"
            );
        }
        assert!(super::builtin(super::STYLE).is_some());
    }
}
