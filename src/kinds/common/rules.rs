//! The rules every kind applies to the pieces it shares: figures, references, sections.

use std::collections::HashMap;

use super::{Figure, Header, Prose, REFERENCE_FORMS, Section, is_valid_id};
use crate::decode::{Located, nearest};
use crate::diag::Diagnostics;
use crate::zh::MAX_HEADING_LEVEL;

/// Figure ids unique and well-formed; no negative counts; no previous value of 0.
pub fn figures(figures: &[Figure], diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, &Figure> = HashMap::new();
    for figure in figures {
        let id = figure.id.value.as_str();
        if !is_valid_id(id) {
            diags
                .error(figure.id.pos, t!("`%{id}` is not a valid figure id", id = id))
                .hint(t!("an id is ASCII letters, digits, `_` or `-`, starting with a letter, e.g. tech_contracts"));
        }
        if let Some(first) = seen.get(id) {
            diags
                .error(figure.id.pos, t!("duplicate figure id `%{id}`", id = id))
                .hint(t!(
                    "`%{id}` is already used at line %{line}; give each figure its own id",
                    id = id,
                    line = first.id.pos.line
                ));
        } else {
            seen.insert(id, figure);
        }
        for number in std::iter::once(&figure.value).chain(figure.previous.as_ref()) {
            if number.value < 0.0 {
                diags
                    .error(
                        number.pos,
                        t!("negative count %{number} for `%{id}`", number = number.text, id = id),
                    )
                    .hint(t!("figures are amounts and counts; a fall is shown by a `previous` value above `value`"));
            }
        }
        if let Some(previous) = &figure.previous
            && previous.value != 0.0
            && !figure
                .change_percent()
                .is_some_and(|c| c.abs() < crate::decode::MAX_NUMBER)
        {
            diags
                .error(
                    previous.pos,
                    t!(
                        "the year-on-year change of `%{id}` is too large to print",
                        id = id
                    ),
                )
                .hint(t!("check `previous`: it is tiny next to `value`"));
        }
        if let Some(previous) = &figure.previous
            && previous.value == 0.0
        {
            diags
                .error(
                    previous.pos,
                    t!("previous-year value of `%{id}` is 0, so no year-on-year change can be computed", id = id),
                )
                .hint(t!("remove `previous` when there was nothing last year, or correct the value"));
        }
    }
}

/// Every `{id}` in prose names a figure, with a known form that the figure can give.
pub fn references(prose: &[&Prose], figures: &[Figure], diags: &mut Diagnostics) {
    for text in prose {
        for reference in &text.refs {
            let id = reference.id.as_str();
            if diags.failed(id) {
                continue;
            }
            let Some(figure) = figures.iter().find(|f| f.id.value == id) else {
                let hint = match nearest(id, figures.iter().map(|f| f.id.value.as_str())) {
                    Some(near) => t!(
                        "did you mean `{%{near}}`? figures are declared under `figures:`",
                        near = near
                    ),
                    None if figures.is_empty() => {
                        t!("declare the figure under `figures:` with this id")
                    }
                    None => t!(
                        "the figure ids are: %{ids}",
                        ids = figures
                            .iter()
                            .map(|f| f.id.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                diags
                    .error(reference.pos, t!("unknown figure `%{id}`", id = id))
                    .hint(hint);
                continue;
            };
            match reference.form.as_deref() {
                None => {}
                Some(form) if !REFERENCE_FORMS.contains(&form) => {
                    diags
                        .error(
                            reference.pos,
                            t!(
                                "unknown form `%{form}` in `{%{id}:%{form}}`",
                                form = form,
                                id = id
                            ),
                        )
                        .hint(t!(
                            "the forms are: %{forms}",
                            forms = REFERENCE_FORMS.join(", ")
                        ));
                }
                Some(form @ ("change" | "previous")) if figure.previous.is_none() => {
                    diags
                        .error(
                            reference.pos,
                            t!(
                                "`{%{id}:%{form}}` needs a previous-year value",
                                id = id,
                                form = form
                            ),
                        )
                        .hint(t!("add `previous:` to the figure `%{id}`", id = id));
                }
                Some(_) => {}
            }
        }
    }
}

/// Every section says something (text, items or subsections), and headings go no deeper
/// than four levels; `level` is the heading level of `sections`.
pub fn sections(sections: &[Section], level: usize, diags: &mut Diagnostics) {
    for section in sections {
        if level > MAX_HEADING_LEVEL {
            diags
                .error(section.pos, t!("sections nest too deeply"))
                .hint(t!("headings go four levels deep (一、 （一） 1. （1））; move the text into `items` or `text`"));
            continue;
        }
        if section.text.is_none()
            && section.items.is_empty()
            && section.sections.is_empty()
            && !section.misspelt
        {
            diags
                .error(
                    section.title.pos,
                    t!("empty section `%{title}`", title = section.title.value),
                )
                .hint(t!(
                    "give the section `text`, `items` or `sections`, or remove it"
                ));
        }
        for item in &section.items {
            if item.title.is_none() && item.text.is_none() {
                diags
                    .error(item.pos, t!("empty item"))
                    .hint(t!("an item needs `title` or `text`"));
            }
        }
        self::sections(&section.sections, level + 1, diags);
    }
}

/// The rules of the parts every kind may have: the title lines, the 版头 and the seals
/// (every kind's data has an organ and a date, so a 落款 to seal).
pub fn shared_parts(
    title: &str,
    title_lines: &[Located<String>],
    header: Option<&Header>,
    seal: Option<&super::seal::Seals>,
    pdf_standard: Option<&Located<String>>,
    organ: &str,
    diags: &mut Diagnostics,
) {
    if let Some(standard) = pdf_standard
        && let Err(e) = crate::plan::standard::PdfStandard::parse(&standard.value)
    {
        let mut error = diags.error(standard.pos, e.message.clone());
        for hint in &e.hints {
            error = error.hint(hint.clone());
        }
    }
    self::title_lines(title, title_lines, diags);
    if let Some(header) = header {
        self::header(header, diags);
    }
    if let Some(seals) = seal {
        let issuers: Vec<&str> = header
            .map(|h| h.issuers.iter().map(|i| i.value.as_str()).collect())
            .unwrap_or_default();
        let organs = if seals.0.len() > 1 && issuers.len() > 1 {
            issuers
        } else {
            vec![organ]
        };
        super::seal::rules(seals, &organs, diags);
    }
}

/// The author's title lines, when given, read as the title.
fn title_lines(title: &str, lines: &[Located<String>], diags: &mut Diagnostics) {
    let Some(first) = lines.first() else {
        return;
    };
    let joined: String = lines.iter().map(|l| l.value.as_str()).collect();
    if joined != title {
        diags
            .error(
                first.pos,
                t!("the title lines read `%{joined}`, not the title `%{title}`", joined = joined, title = title),
            )
            .hint(t!("`title_lines` break the title into lines: together they must be the title, character for character"));
    }
}

/// The 版头's elements as the standard writes them.
fn header(header: &Header, diags: &mut Diagnostics) {
    if let Some(copy) = &header.copy_number
        && !(copy.value.len() == 6 && copy.value.chars().all(|c| c.is_ascii_digit()))
    {
        diags
            .error(
                copy.pos,
                t!("copy number `%{copy}` is not six digits", copy = copy.value),
            )
            .hint(t!(
                "write the 份号 as six Arabic digits in quotes, e.g. \"000001\""
            ));
    }
    if let Some(secrecy) = &header.secrecy
        && !["绝密", "机密", "秘密"]
            .iter()
            .any(|s| secrecy.value.starts_with(s))
    {
        diags
            .error(
                secrecy.pos,
                t!(
                    "secrecy `%{secrecy}` is not 绝密, 机密 or 秘密",
                    secrecy = secrecy.value
                ),
            )
            .hint(t!(
                "write the 密级, with the period after ★ if there is one, e.g. 秘密★1年"
            ));
    }
    if let Some(urgency) = &header.urgency
        && !["特急", "加急"].contains(&urgency.value.as_str())
    {
        diags
            .error(
                urgency.pos,
                t!(
                    "urgency `%{urgency}` is not 特急 or 加急",
                    urgency = urgency.value
                ),
            )
            .hint(t!("the 紧急程度 of a document is 特急 or 加急"));
    }
    if header.issuers.is_empty() && !header.signers.is_empty() {
        diags
            .error(header.pos, t!("signers without an issuing organ"))
            .hint(t!("签发人 stand beside the document number under the issuing organ's mark: add `issuers`"));
    }
}
