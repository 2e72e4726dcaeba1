//! What the template and the back-ends see of a notice.

use serde::Serialize;

use super::{KIND, Notice};
use crate::kinds::common::{Figure, Prose, Section, shared_parts};
use crate::official::Official;

pub fn official(notice: &Notice) -> Official {
    let mut parts = Official::new(KIND, notice.title.value.clone());
    shared_parts(
        &mut parts,
        &notice.title_lines,
        notice.header.as_ref(),
        notice.printing.as_ref(),
        notice.seal.as_ref(),
    );
    parts.pdf_standard = notice.pdf_standard.as_ref().map(|s| s.value.clone());
    parts.doc_number = notice.doc_number.as_ref().map(|n| n.value.clone());
    parts.addressee = Some(notice.addressee.value.clone());
    parts.attachments = notice.attachments.iter().map(|a| a.value.clone()).collect();
    parts.organ = Some(notice.organ.value.clone());
    parts.date = Some(notice.date.value.iso());
    parts.contact = notice.contact.as_ref().map(|c| c.official());
    parts.cc = notice.cc.iter().map(|c| c.value.clone()).collect();
    parts
}

pub fn context(notice: &Notice) -> minijinja::Value {
    #[derive(Serialize)]
    struct Context<'a> {
        kind: &'static str,
        title: &'a str,
        organ: &'a str,
        figures: &'a [Figure],
        lead: &'a Option<Prose>,
        sections: &'a [Section],
        closing: &'a Option<Prose>,
    }
    minijinja::Value::from(minijinja::value::Serde(Context {
        kind: KIND,
        title: &notice.title.value,
        organ: &notice.organ.value,
        figures: &notice.figures,
        lead: &notice.lead,
        sections: &notice.sections,
        closing: &notice.closing,
    }))
}
