//! `kind: action-plan`: a multi-year action plan (行动计划) whose tasks are split among
//! departments, and whose targets later work reports are measured against.

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
pub use model::{ActionPlan, Comparison, Target, Task};

pub const KIND: &str = "action-plan";

pub struct Definition;

impl Kind for Definition {
    fn name(&self) -> &'static str {
        KIND
    }
    fn label(&self) -> &'static str {
        "行动计划"
    }
    fn template(&self) -> &'static str {
        include_str!("../../../templates/action-plan.md")
    }
    fn decode(&self, d: &mut Decoder, root: &Node) -> Option<Box<dyn Document>> {
        decode_root::<ActionPlan>(d, root)
    }
    fn schema(&self, defs: &mut Definitions) -> serde_json::Value {
        root_schema::<ActionPlan>(KIND, defs)
    }
    fn skeleton(&self) -> String {
        root_skeleton::<ActionPlan>(KIND, self.label())
    }
    fn recognise(&self, lines: &[String]) -> bool {
        import::recognise(lines)
    }
    fn import(&self, lines: &[String]) -> Yaml {
        import::import(lines)
    }
}

impl Document for ActionPlan {
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
        let mut parts = Official::new(KIND, self.title.value.clone());
        parts.organ = Some(self.organ.value.clone());
        parts.date = Some(self.date.value.iso());
        parts
    }
    fn view(&self, _: Linked) -> minijinja::Value {
        view::context(self)
    }
    fn tables(&self, _: Linked) -> Vec<Table> {
        tables::tables(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
