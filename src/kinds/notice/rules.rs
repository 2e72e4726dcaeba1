//! The rules of a notice: the shared rules of figures and sections, and a document number
//! written with the full year in 〔〕.

use super::Notice;
use crate::diag::Diagnostics;
use crate::kinds::common::{Prose, rules};

pub fn validate(notice: &Notice, diags: &mut Diagnostics) {
    rules::shared_parts(
        &notice.title.value,
        &notice.title_lines,
        notice.header.as_ref(),
        notice.seal.as_ref(),
        notice.pdf_standard.as_ref(),
        &notice.organ.value,
        diags,
    );
    rules::figures(&notice.figures, diags);
    if notice.sections.is_empty() {
        diags
            .error(notice.key_pos("sections"), t!("the notice has no sections"))
            .hint(t!("add at least one section under `sections:`"));
    }
    rules::sections(&notice.sections, 1, diags);
    let mut prose: Vec<&Prose> = notice.lead.iter().chain(&notice.closing).collect();
    for section in &notice.sections {
        section.collect_prose(&mut prose);
    }
    rules::references(&prose, &notice.figures, diags);
    if let Some(number) = &notice.doc_number {
        let year = number
            .value
            .split_once('〔')
            .and_then(|(_, rest)| rest.split_once('〕'))
            .map(|(year, _)| year);
        if !year.is_some_and(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit())) {
            diags
                .error(
                    number.pos,
                    t!(
                        "malformed document number `%{number}`",
                        number = number.value
                    ),
                )
                .hint(t!(
                    "write the full year in hexagonal brackets, e.g. 石科字〔2025〕3号"
                ));
        }
    }
}
