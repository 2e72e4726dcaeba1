//! What the template and the back-ends see of a reply.

use serde::Serialize;

use super::model::Proposal;
use super::{KIND, ProposalReply};
use crate::kinds::common::{Contact, Figure, Prose, Section, shared_parts};
use crate::official::Official;
use crate::zh::Date;

pub fn official(reply: &ProposalReply) -> Official {
    let mut parts = Official::new(KIND, reply.title());
    shared_parts(
        &mut parts,
        &reply.title_lines,
        reply.header.as_ref(),
        reply.printing.as_ref(),
        reply.seal.as_ref(),
    );
    parts.pdf_standard = reply.pdf_standard.as_ref().map(|s| s.value.clone());
    parts.marks = vec![format!(
        "是否同意公开：{}　办理结果：{}",
        if reply.public.value { "是" } else { "否" },
        reply.result.value
    )];
    parts.doc_number = Some(reply.doc_number.value.clone());
    parts.addressee = Some(format!(
        "{}{}",
        reply.proposal.proposer.value, reply.proposal.role.value
    ));
    parts.organ = Some(reply.organ.value.clone());
    parts.date = Some(reply.date.value.iso());
    parts.signer = Some(reply.signed_by.value.clone());
    parts.contact = Some(reply.contact.official());
    parts.cc = reply.cc.iter().map(|c| c.value.clone()).collect();
    parts
}

pub fn context(reply: &ProposalReply) -> minijinja::Value {
    #[derive(Serialize)]
    struct Context<'a> {
        kind: &'static str,
        title: String,
        organ: &'a str,
        date: Date,
        doc_number: &'a str,
        result: &'a str,
        reason: &'a Option<Prose>,
        public: bool,
        proposal: &'a Proposal,
        figures: &'a [Figure],
        lead: &'a Option<Prose>,
        sections: &'a [Section],
        closing: &'a Option<Prose>,
        signed_by: &'a str,
        contact: &'a Contact,
        cc: Vec<&'a str>,
    }
    minijinja::Value::from(minijinja::value::Serde(Context {
        kind: KIND,
        title: reply.title(),
        organ: &reply.organ.value,
        date: reply.date.value,
        doc_number: &reply.doc_number.value,
        result: &reply.result.value,
        reason: &reply.reason,
        public: reply.public.value,
        proposal: &reply.proposal,
        figures: &reply.figures,
        lead: &reply.lead,
        sections: &reply.sections,
        closing: &reply.closing,
        signed_by: &reply.signed_by.value,
        contact: &reply.contact,
        cc: reply.cc.iter().map(|c| c.value.as_str()).collect(),
    }))
}
