//! `kind: work-report`: the year's work report with next year's plan (工作总结 + 工作计划).

mod import;
mod model;
mod rules;
mod tables;
mod view;

use crate::diag::Diagnostics;
use crate::kinds::{Document, Kind, Link, Linked};
use crate::official::Official;
use crate::table::Table;
pub use model::{Part, WorkReport};

pub const KIND: &str = "work-report";

// Registered first, it is the kind a text is taken for when no other scores it.
define_kind! {
    name: KIND,
    label: "工作总结和工作计划",
    model: WorkReport,
    score: |_: &[String]| 0,
    import: import::import,
}

impl Document for WorkReport {
    fn kind(&self) -> &'static dyn Kind {
        &Definition
    }
    fn seals(&self) -> Option<&crate::kinds::common::seal::Seals> {
        self.seal.as_ref()
    }
    fn links(&self) -> Vec<Link> {
        let plan = self.action_plan.iter().map(|path| Link {
            path: path.clone(),
            kind: crate::kinds::action_plan::KIND,
        });
        let last_year = self.previous_report.iter().map(|path| Link {
            path: path.clone(),
            kind: KIND,
        });
        plan.chain(last_year).collect()
    }
    fn validate(&self, linked: Linked, diags: &mut Diagnostics) {
        rules::validate(self, linked.first(), linked.first(), diags);
    }
    fn official(&self) -> Official {
        view::official(self)
    }
    fn view(&self, linked: Linked) -> minijinja::Value {
        view::context(self, linked.first(), linked.first())
    }
    fn tables(&self, linked: Linked) -> Vec<Table> {
        tables::tables(self, linked.first(), linked.first())
    }
}
