//! `kind: proposal-reply`: a bureau's reply to a CPPCC member's proposal (提案, addressed
//! `…委员：`) or an NPC deputy's suggestion (建议, addressed `…代表：`).

mod import;
mod model;
mod rules;
mod view;

use std::any::Any;

use crate::decode::Decoder;
use crate::decode::node::Node;
use crate::decode::record::Definitions;
use crate::diag::Diagnostics;
use crate::kinds::common::import::Yaml;
use crate::kinds::common::metrics_table;
use crate::kinds::{Document, Kind, Link, Linked, decode_root, root_schema, root_skeleton};
use crate::official::Official;
use crate::table::Table;
pub use model::ProposalReply;

pub const KIND: &str = "proposal-reply";

pub struct Definition;

impl Kind for Definition {
    fn name(&self) -> &'static str {
        KIND
    }
    fn label(&self) -> &'static str {
        "提案答复 / 建议答复"
    }
    fn template(&self) -> &'static str {
        include_str!("../../../templates/proposal-reply.md")
    }
    fn decode(&self, d: &mut Decoder, root: &Node) -> Option<Box<dyn Document>> {
        decode_root::<ProposalReply>(d, root)
    }
    fn schema(&self, defs: &mut Definitions) -> serde_json::Value {
        root_schema::<ProposalReply>(KIND, defs)
    }
    fn skeleton(&self) -> String {
        root_skeleton::<ProposalReply>(KIND, self.label())
    }
    fn recognise(&self, lines: &[String]) -> bool {
        import::recognise(lines)
    }
    fn import(&self, lines: &[String]) -> Yaml {
        import::import(lines)
    }
}

impl Document for ProposalReply {
    fn kind(&self) -> &'static dyn Kind {
        &Definition
    }
    fn links(&self) -> Vec<Link> {
        Vec::new()
    }
    fn validate(&self, _: Linked, diags: &mut Diagnostics) {
        rules::validate(self, diags);
    }
    fn official(&self) -> Official {
        view::official(self)
    }
    fn view(&self, _: Linked) -> minijinja::Value {
        view::context(self)
    }
    fn tables(&self, _: Linked) -> Vec<Table> {
        vec![metrics_table(&self.figures)]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
