//! `kind: action-plan`: a multi-year action plan (行动计划) whose tasks are split among
//! departments, and whose targets later work reports are measured against.

mod import;
mod model;
mod rules;
pub(crate) mod tables;
mod view;

use std::any::Any;

use crate::diag::Diagnostics;
use crate::kinds::{Document, Kind, Link, Linked};
use crate::official::Official;
use crate::table::Table;
pub use model::{ActionPlan, Comparison, Target, Task};

pub const KIND: &str = "action-plan";

define_kind! {
    name: KIND,
    label: "行动计划",
    model: ActionPlan,
    template: include_str!("../../../templates/action-plan.md"),
    recognise: import::recognise,
    import: import::import,
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
        parts.title_lines = self.title_lines.iter().map(|l| l.value.clone()).collect();
        parts.doc_number = self.doc_number.as_ref().map(|n| n.value.clone());
        if let Some(header) = &self.header {
            header.fill(&mut parts);
        }
        parts.attachments = vec![format!("{}任务分解表", self.title.value)];
        if let Some(printing) = &self.printing {
            printing.fill(&mut parts);
        }
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
