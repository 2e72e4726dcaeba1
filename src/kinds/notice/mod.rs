//! `kind: notice`: a notice (通知) from a bureau to the units it addresses (主送机关), with
//! numbered sections, an attachments list (附件说明) and the signing organ and date.

mod import;
mod model;
mod rules;
mod view;

use crate::diag::Diagnostics;
use crate::kinds::{Document, Kind, Link, Linked};
use crate::official::Official;
use crate::table::Table;
pub use model::Notice;

pub const KIND: &str = "notice";

define_kind! {
    name: KIND,
    label: "通知",
    model: Notice,
    score: import::score,
    import: import::import,
}

impl Document for Notice {
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
        // A notice's attachments are documents of their own, not tables of its data.
        Vec::new()
    }
}
