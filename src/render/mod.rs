//! Stage 3, render: data + templates → Markdown with front matter, and the CSV tables.
//! Nothing is written to disk here; the write stage does that atomically.

pub mod filters;
pub mod tables;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use crate::kinds::Document;
use tables::Table;

/// The built-in templates, embedded in the binary; a file of the same name in the
/// templates folder replaces one.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("_macros.md", include_str!("../../templates/_macros.md")),
    (
        "work-report.md",
        include_str!("../../templates/work-report.md"),
    ),
    (
        "proposal-reply.md",
        include_str!("../../templates/proposal-reply.md"),
    ),
    (
        "action-plan.md",
        include_str!("../../templates/action-plan.md"),
    ),
    (
        crate::pdf::STYLE,
        include_str!("../../templates/gongwen.typ"),
    ),
];

/// A rendered document, in memory.
#[derive(Debug)]
pub struct Rendered {
    pub markdown: String,
    pub tables: Vec<Table>,
}

/// A template that failed to load or render, named with its line.
#[derive(Debug)]
pub struct TemplateError {
    pub template: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.template)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": error: {}", self.message)
    }
}

pub struct Renderer {
    env: Environment<'static>,
    templates_dir: Option<PathBuf>,
}

const MARKDOWN: &str = "markdown";

impl Renderer {
    /// Built-in templates, each replaced by `templates_dir/<name>` where that file exists.
    pub fn new(templates_dir: Option<&Path>) -> Renderer {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".md") {
                AutoEscape::Custom(MARKDOWN.into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(|out, state, value| {
            if matches!(state.auto_escape(), AutoEscape::Custom(name) if name == MARKDOWN) {
                if value.is_safe() {
                    out.write_str(value.as_str().unwrap_or(&value.to_string()))?;
                } else if !value.is_none() {
                    out.write_str(&filters::escape_markdown(&value.to_string()))?;
                }
                Ok(())
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        let dir = templates_dir.map(Path::to_path_buf);
        let loader_dir = dir.clone().map(Arc::new);
        env.set_loader(move |name| {
            load_template(loader_dir.as_deref().map(PathBuf::as_path), name)
        });
        env.add_filter("prose", filters::prose);
        env.add_filter("figure", filters::figure);
        env.add_filter("change", filters::change);
        env.add_filter("cn_heading", filters::cn_heading);
        env.add_filter("cn_inline", filters::cn_inline);
        env.add_filter("cn_date", filters::cn_date);
        env.add_filter("sentence", filters::sentence);
        env.add_filter("cn_number", filters::chinese_numeral);
        Renderer {
            env,
            templates_dir: dir,
        }
    }

    /// Where a template comes from, for error messages: its file, or `<built-in>/name`.
    pub fn template_origin(&self, name: &str) -> String {
        match &self.templates_dir {
            Some(dir) if dir.join(name).is_file() => dir.join(name).display().to_string(),
            _ => format!("<built-in>/{name}"),
        }
    }

    /// The text of a template as it is, e.g. the page style `gongwen.typ`.
    pub fn template_source(&self, name: &str) -> Result<String, TemplateError> {
        load_template(self.templates_dir.as_deref(), name)
            .map_err(|e| TemplateError {
                template: self.template_origin(name),
                line: None,
                message: e.detail().unwrap_or("cannot read").to_owned(),
            })?
            .ok_or_else(|| TemplateError {
                template: name.to_owned(),
                line: None,
                message: "no such template".to_owned(),
            })
    }

    pub fn render(&self, doc: &Document) -> Result<Rendered, TemplateError> {
        let template = format!("{}.md", doc.kind());
        let (front, body, tables) = match doc {
            Document::WorkReport(report) => (
                FrontMatter {
                    kind: doc.kind(),
                    title: report.title(),
                    organ: report.organ.value.clone(),
                    date: report.date.value.iso(),
                    year: Some(report.year.value),
                    doc_number: None,
                    cc: Vec::new(),
                },
                self.render_template(&template, report.context())?,
                vec![
                    tables::metrics(&report.figures),
                    tables::report_targets(&report.completion()),
                ],
            ),
            Document::ProposalReply(reply) => (
                FrontMatter {
                    kind: doc.kind(),
                    title: reply.title(),
                    organ: reply.organ.value.clone(),
                    date: reply.date.value.iso(),
                    year: None,
                    doc_number: Some(reply.doc_number.value.clone()),
                    cc: reply.cc.iter().map(|c| c.value.clone()).collect(),
                },
                self.render_template(&template, reply.context())?,
                vec![tables::metrics(&reply.figures)],
            ),
            Document::ActionPlan(plan) => (
                FrontMatter {
                    kind: doc.kind(),
                    title: plan.title.value.clone(),
                    organ: plan.organ.value.clone(),
                    date: plan.date.value.iso(),
                    year: None,
                    doc_number: None,
                    cc: Vec::new(),
                },
                self.render_template(&template, plan.context())?,
                vec![
                    tables::plan_tasks(plan),
                    tables::plan_targets(plan),
                    tables::plan_units(plan),
                ],
            ),
        };
        Ok(Rendered {
            markdown: format!("{}{}", front.to_yaml(), tidy(&body)),
            tables: tables.into_iter().filter(|t| !t.rows.is_empty()).collect(),
        })
    }

    fn render_template(
        &self,
        name: &str,
        context: impl Serialize,
    ) -> Result<String, TemplateError> {
        let error = |e: minijinja::Error| {
            let template = e.name().unwrap_or(name).to_owned();
            let message = match e.detail() {
                Some(detail) if !detail.contains(&e.kind().to_string()) => {
                    format!("{}: {detail}", e.kind())
                }
                Some(detail) => detail.to_owned(),
                None => e.kind().to_string(),
            };
            TemplateError {
                template: self.template_origin(&template),
                line: e.line(),
                message,
            }
        };
        let template = self.env.get_template(name).map_err(error)?;
        template
            .render(Value::from(minijinja::value::Serde(&context)))
            .map_err(error)
    }
}

fn load_template(dir: Option<&Path>, name: &str) -> Result<Option<String>, minijinja::Error> {
    // Template names are plain file names: nothing may be read from outside the folder.
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return Ok(None);
    }
    if let Some(dir) = dir {
        let path = dir.join(name);
        if path.is_file() {
            return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("cannot read {}: {e}", path.display()),
                )
            });
        }
    }
    Ok(BUILTIN_TEMPLATES
        .iter()
        .find(|(builtin, _)| *builtin == name)
        .map(|(_, source)| (*source).to_owned()))
}

/// Blank lines collapsed to one, a blank line before each heading, no trailing spaces,
/// one final newline.
fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank_run = 0;
    for line in markdown.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        // A heading always stands apart, even where a template's tags ate the blank line.
        if !out.is_empty() && (blank_run > 0 || line.starts_with('#')) {
            out.push('\n');
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The metadata block at the top of the Markdown, read by the PDF stage.
struct FrontMatter {
    kind: &'static str,
    title: String,
    organ: String,
    date: String,
    year: Option<i64>,
    doc_number: Option<String>,
    /// 抄送: the PDF stage sets it as the colophon.
    cc: Vec<String>,
}

impl FrontMatter {
    fn to_yaml(&self) -> String {
        let mut out = format!(
            "---\nkind: {}\ntitle: {}\norgan: {}\ndate: {}\n",
            yaml_quote(self.kind),
            yaml_quote(&self.title),
            yaml_quote(&self.organ),
            yaml_quote(&self.date)
        );
        if let Some(year) = self.year {
            out.push_str(&format!("year: {year}\n"));
        }
        if let Some(number) = &self.doc_number {
            out.push_str(&format!("doc_number: {}\n", yaml_quote(number)));
        }
        if !self.cc.is_empty() {
            let cc: Vec<String> = self.cc.iter().map(|c| yaml_quote(c)).collect();
            out.push_str(&format!("cc: [{}]\n", cc.join(", ")));
        }
        out.push_str("---\n\n");
        out
    }
}

/// A YAML double-quoted string: safe for any text.
pub fn yaml_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
