//! `kind: work-report`: the year's work report with next year's plan (工作总结 + 工作计划).

mod import;
mod model;
mod rules;
mod tables;
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
pub use model::{Part, WorkReport};

pub const KIND: &str = "work-report";

pub struct Definition;

impl Kind for Definition {
    fn name(&self) -> &'static str {
        KIND
    }
    fn label(&self) -> &'static str {
        "工作总结和工作计划"
    }
    fn template(&self) -> &'static str {
        include_str!("../../../templates/work-report.md")
    }
    fn decode(&self, d: &mut Decoder, root: &Node) -> Option<Box<dyn Document>> {
        decode_root::<WorkReport>(d, root)
    }
    fn schema(&self, defs: &mut Definitions) -> serde_json::Value {
        root_schema::<WorkReport>(KIND, defs)
    }
    fn skeleton(&self) -> String {
        root_skeleton::<WorkReport>(KIND, self.label())
    }
    fn recognise(&self, _: &[String]) -> bool {
        // Registered first, it is the kind a text is taken for when no other recognises it.
        false
    }
    fn import(&self, lines: &[String]) -> Yaml {
        import::import(lines)
    }
}

impl Document for WorkReport {
    fn kind(&self) -> &'static dyn Kind {
        &Definition
    }
    fn links(&self) -> Vec<Link> {
        self.action_plan
            .iter()
            .map(|path| Link {
                path: path.clone(),
                kind: crate::kinds::action_plan::KIND,
            })
            .collect()
    }
    fn validate(&self, linked: Linked, diags: &mut Diagnostics) {
        rules::validate(self, linked.get(0), diags);
    }
    fn official(&self) -> Official {
        view::official(self)
    }
    fn view(&self, linked: Linked) -> minijinja::Value {
        view::context(self, linked.get(0))
    }
    fn tables(&self, linked: Linked) -> Vec<Table> {
        tables::tables(self, linked.get(0))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
