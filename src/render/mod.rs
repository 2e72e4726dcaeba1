//! Stage 3, render: a document and its template → Markdown (front matter with the official
//! parts, then the body), and its tables. Nothing is written to disk here.

pub mod csv;
pub mod filters;
pub mod xlsx;

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::diag::Diagnostic;
use crate::kinds::{Document, Linked};
use crate::official::Official;
use crate::plan::Plan;
use crate::table::Table;
use crate::templates::{Templates, kind_template, template_error};

/// A rendered document, in memory.
#[derive(Debug)]
pub struct Rendered {
    /// The official parts, as the front matter writes them.
    pub parts: Official,
    pub markdown: String,
    /// Where the body starts in `markdown`, after the front matter.
    body_start: usize,
    pub tables: Vec<Table>,
}

impl Rendered {
    /// Rewrites the seal images' paths, which the data names relative to its own folder
    /// `from`, relative to the folder `to` the Markdown is written in, so that the written
    /// Markdown names the same files (`gongwen pdf out/x.md` finds them).
    pub fn rebase_seals(&mut self, from: &std::path::Path, to: &std::path::Path) {
        if self.parts.seals.iter().all(|s| s.image.is_none()) {
            return;
        }
        for seal in &mut self.parts.seals {
            if let Some(image) = &mut seal.image {
                *image = relative_path(to, &from.join(&*image));
            }
        }
        let body = self.markdown.split_off(self.body_start);
        self.markdown = self.parts.to_front_matter();
        self.body_start = self.markdown.len();
        self.markdown.push_str(&body);
    }

    /// The layout plan of the document, from the typed parts: no front matter read back.
    pub fn plan(&self) -> Plan {
        let first_line = 1 + self.markdown[..self.body_start].matches('\n').count() as u32;
        Plan::new_at(&self.parts, &self.markdown[self.body_start..], first_line)
    }
}

pub struct Renderer {
    env: Environment<'static>,
    templates: Templates,
    /// `build --charts`: the templates draw their charts as attachments.
    charts: bool,
}

const MARKDOWN: &str = "markdown";

impl Renderer {
    pub fn new(templates: &Templates) -> Renderer {
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
        let loader = templates.clone();
        env.set_loader(move |name| {
            loader.load(name).map_err(|e| {
                minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
            })
        });
        env.add_filter("prose", filters::prose);
        env.add_filter("figure", filters::figure);
        env.add_filter("change", filters::change);
        env.add_filter("cn_heading", filters::cn_heading);
        env.add_filter("cn_inline", filters::cn_inline);
        env.add_filter("cn_date", filters::cn_date);
        env.add_filter("sentence", filters::sentence);
        env.add_filter("closed", filters::closed);
        env.add_filter("cn_number", filters::cn_number);
        env.add_global("charts", false);
        Renderer {
            env,
            templates: templates.clone(),
            charts: false,
        }
    }

    /// With `charts`, the templates that have charts (the work report's) add them as an
    /// attachment, which the 附件说明 then lists.
    pub fn with_charts(mut self, charts: bool) -> Renderer {
        self.env.add_global("charts", charts);
        self.charts = charts;
        self
    }

    pub fn render(&self, doc: &dyn Document, linked: Linked) -> Result<Rendered, Diagnostic> {
        let name = kind_template(doc.kind().name());
        let body = self.render_template(&name, doc.view(linked))?;
        let mut parts = doc.official();
        if self.charts {
            // An attachment the template added for the charts is listed with the others.
            let (_, attachments) = crate::plan::markdown::read(&body);
            for attachment in attachments {
                let mut title = String::new();
                crate::plan::inline_text(&attachment.title, &mut title);
                if !parts.attachments.contains(&title) {
                    parts.attachments.push(title);
                }
            }
        }
        let front_matter = parts.to_front_matter();
        Ok(Rendered {
            body_start: front_matter.len(),
            markdown: front_matter + &tidy(&body),
            parts,
            tables: doc
                .tables(linked)
                .into_iter()
                .filter(|t| !t.rows.is_empty())
                .collect(),
        })
    }

    /// A document made from several (the 办理情况汇总表): its template `<kind>.md` rendered
    /// from `context`, under the front matter of `parts`.
    pub fn render_collection(
        &self,
        parts: Official,
        context: minijinja::Value,
        tables: Vec<Table>,
    ) -> Result<Rendered, Diagnostic> {
        let body = self.render_template(&kind_template(&parts.kind), context)?;
        let front_matter = parts.to_front_matter();
        Ok(Rendered {
            body_start: front_matter.len(),
            markdown: front_matter + &tidy(&body),
            parts,
            tables: tables.into_iter().filter(|t| !t.rows.is_empty()).collect(),
        })
    }

    fn render_template(&self, name: &str, context: minijinja::Value) -> Result<String, Diagnostic> {
        let error = |e: minijinja::Error| {
            let template = e.name().unwrap_or(name).to_owned();
            let message = match e.detail() {
                Some(detail) if !detail.contains(&e.kind().to_string()) => {
                    format!("{}: {detail}", e.kind())
                }
                Some(detail) => detail.to_owned(),
                None => e.kind().to_string(),
            };
            template_error(&self.templates.origin(&template), e.line(), message).with_hint(t!(
                "fix the template, or remove it from the templates folder to use the built-in one"
            ))
        };
        let template = self.env.get_template(name).map_err(error)?;
        template.render(context).map_err(error)
    }
}

/// `target` as a path relative to the folder `base`, through their real paths; the real
/// path itself where they share no root (another drive).
fn relative_path(base: &std::path::Path, target: &std::path::Path) -> String {
    use std::path::Component;
    let real = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (base, target) = (real(base), real(target));
    let base: Vec<Component> = base.components().collect();
    let target_parts: Vec<Component> = target.components().collect();
    let common = base
        .iter()
        .zip(&target_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return target.display().to_string();
    }
    let mut out = std::path::PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for part in &target_parts[common..] {
        out.push(part.as_os_str());
    }
    // Written with `/` on every system: the Markdown travels.
    out.to_string_lossy().replace('\\', "/")
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
