//! `kind: notice`: a notice (通知) from a bureau to the units it addresses (主送机关), with
//! numbered sections, an attachments list (附件说明) and the signing organ and date.

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
use crate::kinds::{Document, Kind, Link, Linked, decode_root, root_schema, root_skeleton};
use crate::official::Official;
use crate::table::Table;
pub use model::Notice;

pub const KIND: &str = "notice";

pub struct Definition;

impl Kind for Definition {
    fn name(&self) -> &'static str {
        KIND
    }
    fn label(&self) -> &'static str {
        "通知"
    }
    fn template(&self) -> &'static str {
        include_str!("../../../templates/notice.md")
    }
    fn decode(&self, d: &mut Decoder, root: &Node) -> Option<Box<dyn Document>> {
        decode_root::<Notice>(d, root)
    }
    fn schema(&self, defs: &mut Definitions) -> serde_json::Value {
        root_schema::<Notice>(KIND, defs)
    }
    fn skeleton(&self) -> String {
        root_skeleton::<Notice>(KIND, self.label())
    }
    fn recognise(&self, lines: &[String]) -> bool {
        import::recognise(lines)
    }
    fn import(&self, lines: &[String]) -> Yaml {
        import::import(lines)
    }
}

impl Document for Notice {
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
        // A notice's attachments are documents of their own, not tables of its data.
        Vec::new()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
