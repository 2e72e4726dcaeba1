//! Stage 2, validate: the semantic rules that hold for a well-typed document.
//! The checks shared by every kind are here; each kind calls them from its own `validate`.

use std::collections::HashMap;

use crate::diag::Diagnostics;
use crate::kinds::Document;
use crate::kinds::common::{Figure, Prose, REFERENCE_FORMS, Section, is_valid_id};
use crate::load::decode::nearest;

pub fn validate(doc: &Document, diags: &mut Diagnostics) {
    match doc {
        Document::WorkReport(report) => report.validate(diags),
        Document::ProposalReply(reply) => reply.validate(diags),
        Document::ActionPlan(plan) => plan.validate(diags),
    }
}

/// Figure ids unique and well-formed; no negative counts; no previous value of 0.
pub fn figures(figures: &[Figure], diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, &Figure> = HashMap::new();
    for figure in figures {
        let id = figure.id.value.as_str();
        if !is_valid_id(id) {
            diags
                .error(figure.id.pos, format!("`{id}` is not a valid figure id"))
                .hint("an id is ASCII letters, digits, `_` or `-`, starting with a letter, e.g. tech_contracts");
        }
        if let Some(first) = seen.get(id) {
            diags
                .error(figure.id.pos, format!("duplicate figure id `{id}`"))
                .hint(format!(
                    "`{id}` is already used at line {}; give each figure its own id",
                    first.id.pos.line
                ));
        } else {
            seen.insert(id, figure);
        }
        for number in std::iter::once(&figure.value).chain(figure.previous.as_ref()) {
            if number.value < 0.0 {
                diags
                    .error(number.pos, format!("negative count {} for `{id}`", number.text))
                    .hint("figures are amounts and counts; a fall is shown by a `previous` value above `value`");
            }
        }
        if let Some(previous) = &figure.previous
            && previous.value == 0.0
        {
            diags
                .error(
                    previous.pos,
                    format!("previous-year value of `{id}` is 0, so no year-on-year change can be computed"),
                )
                .hint("remove `previous` when there was nothing last year, or correct the value");
        }
    }
}

/// Every `{id}` in prose names a figure, with a known form that the figure can give.
pub fn references(prose: &[&Prose], figures: &[Figure], diags: &mut Diagnostics) {
    for text in prose {
        for reference in &text.refs {
            let Some(figure) = figures.iter().find(|f| f.id.value == reference.id) else {
                let hint = match nearest(&reference.id, figures.iter().map(|f| f.id.value.as_str()))
                {
                    Some(near) => {
                        format!("did you mean `{{{near}}}`? figures are declared under `figures:`")
                    }
                    None if figures.is_empty() => {
                        "declare the figure under `figures:` with this id".to_owned()
                    }
                    None => format!(
                        "the figure ids are: {}",
                        figures
                            .iter()
                            .map(|f| f.id.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                diags
                    .error(reference.pos, format!("unknown figure `{}`", reference.id))
                    .hint(hint);
                continue;
            };
            match reference.form.as_deref() {
                None => {}
                Some(form) if !REFERENCE_FORMS.contains(&form) => {
                    diags
                        .error(
                            reference.pos,
                            format!("unknown form `{form}` in `{{{}:{form}}}`", reference.id),
                        )
                        .hint(format!("the forms are: {}", REFERENCE_FORMS.join(", ")));
                }
                Some(form @ ("change" | "previous")) if figure.previous.is_none() => {
                    diags
                        .error(
                            reference.pos,
                            format!("`{{{}:{form}}}` needs a previous-year value", reference.id),
                        )
                        .hint(format!("add `previous:` to the figure `{}`", reference.id));
                }
                Some(_) => {}
            }
        }
    }
}

/// Every section says something: text, items or subsections.
pub fn sections(sections: &[Section], diags: &mut Diagnostics) {
    for section in sections {
        if section.text.is_none()
            && section.items.is_empty()
            && section.sections.is_empty()
            && !section.misspelt
        {
            diags
                .error(
                    section.title.pos,
                    format!("empty section `{}`", section.title.value),
                )
                .hint("give the section `text`, `items` or `sections`, or remove it");
        }
        for item in &section.items {
            if item.title.is_none() && item.text.is_none() {
                diags
                    .error(item.pos, "empty item")
                    .hint("an item needs `title` or `text`");
            }
        }
        self::sections(&section.sections, diags);
    }
}
