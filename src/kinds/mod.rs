//! The document kinds. Each kind has its own module with its data model, decoder,
//! kind-specific checks and CSV appendices; the pieces they share live in `common`.

pub mod action_plan;
pub mod common;
pub mod proposal_reply;
pub mod work_report;

use crate::diag::Diagnostics;
use crate::load::Source;
use crate::load::decode::{Decoder, nearest};
use crate::load::node::{self, Node, Value};

/// The kinds gongwen knows, as written in `kind:`.
pub const KINDS: &[&str] = &[work_report::KIND, proposal_reply::KIND, action_plan::KIND];

#[derive(Debug)]
pub enum Document {
    WorkReport(Box<work_report::WorkReport>),
    ProposalReply(Box<proposal_reply::ProposalReply>),
    ActionPlan(Box<action_plan::ActionPlan>),
}

impl Document {
    /// The files this document links to (a report's action plan), as paths to read.
    pub fn linked_files(&self) -> Vec<std::path::PathBuf> {
        match self {
            Document::WorkReport(report) => report
                .action_plan
                .iter()
                .filter_map(|link| link.file.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Document::WorkReport(_) => work_report::KIND,
            Document::ProposalReply(_) => proposal_reply::KIND,
            Document::ActionPlan(_) => action_plan::KIND,
        }
    }
}

/// Decodes a parsed file into its document kind, as named by its `kind` field.
pub fn decode(source: &Source, root: &Node, diags: &mut Diagnostics) -> Option<Document> {
    let mut d = Decoder::new(&source.text, diags);
    if matches!(root.value, Value::Null) {
        d.diags
            .error(node::pos(root), "the file is empty")
            .hint(format!(
                "a data file starts with `kind:` ({}) and the document's fields",
                KINDS.join(", ")
            ));
        return None;
    }
    let Value::Map(entries) = &root.value else {
        d.diags
            .error(
                node::pos(root),
                format!(
                    "expected a mapping of fields, found {}",
                    root.value.type_name()
                ),
            )
            .hint("a data file starts with `kind: work-report` and the document's fields");
        return None;
    };
    let kind_node = entries
        .iter()
        .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == "kind"))
        .map(|(_, v)| v);
    let Some(kind_node) = kind_node else {
        d.diags
            .error(node::pos(root), "missing required field `kind`")
            .hint(format!("add `kind:` with one of: {}", KINDS.join(", ")));
        return None;
    };
    let kind = d.string(kind_node)?;
    match kind.value.as_str() {
        work_report::KIND => {
            work_report::decode(&mut d, root).map(|r| Document::WorkReport(Box::new(r)))
        }
        proposal_reply::KIND => {
            proposal_reply::decode(&mut d, root).map(|r| Document::ProposalReply(Box::new(r)))
        }
        action_plan::KIND => {
            action_plan::decode(&mut d, root).map(|p| Document::ActionPlan(Box::new(p)))
        }
        other => {
            let hint = match nearest(other, KINDS.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? the kinds are: {}", KINDS.join(", ")),
                None => format!("the kinds are: {}", KINDS.join(", ")),
            };
            d.diags
                .error(kind.pos, format!("unknown document kind `{other}`"))
                .hint(hint);
            None
        }
    }
}
