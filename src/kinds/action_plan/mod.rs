//! `kind: action-plan`: a multi-year action plan (行动计划) whose tasks are split among
//! departments, and whose targets later work reports are measured against.

mod import;
mod model;
mod rules;
pub(crate) mod tables;
pub mod units;
mod view;

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
    score: import::score,
    import: import::import,
}

impl Document for ActionPlan {
    fn kind(&self) -> &'static dyn Kind {
        &Definition
    }
    fn seals(&self) -> Option<&crate::kinds::common::seal::Seals> {
        self.seal.as_ref()
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
        tables::tables(self)
    }
    fn by_unit(&self) -> Vec<crate::kinds::Derived> {
        units::documents(self)
    }
}
