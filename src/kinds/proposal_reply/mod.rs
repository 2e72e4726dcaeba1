//! `kind: proposal-reply`: a bureau's reply to a CPPCC member's proposal (提案, addressed
//! `…委员：`) or an NPC deputy's suggestion (建议, addressed `…代表：`).

mod import;
mod model;
mod rules;
pub mod summary;
mod view;

use crate::diag::Diagnostics;
use crate::kinds::common::{change_table, metrics_table};
use crate::kinds::{Document, Kind, Link, Linked};
use crate::official::Official;
use crate::table::Table;
pub use model::ProposalReply;

pub const KIND: &str = "proposal-reply";

define_kind! {
    name: KIND,
    label: "提案答复 / 建议答复",
    model: ProposalReply,
    score: import::score,
    import: import::import,
}

impl Document for ProposalReply {
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
        vec![metrics_table(&self.figures), change_table(&self.figures)]
    }
}
