//! The document kinds. A kind is one folder — its model (records declared once), rules,
//! view (template context and official parts), tables and importer — plus its template
//! `templates/<name>.md`; it is registered by one `pub mod` line in the registry below. `Kind` and `Document` have no default
//! for any part a kind must bring, so a kind that lacks one does not compile.

pub mod common;

use std::any::Any;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::decode::node::{self, Node, Value};
use crate::decode::record::{Definitions, Record, Skeleton, record_schema};
use crate::decode::{Decoder, Located, nearest};
use crate::diag::Diagnostics;
use crate::official::Official;
use crate::table::Table;
use common::import::Yaml;

/// Defines a kind's `Definition` from its parts. Every part must be named: a kind that
/// leaves one out does not compile.
macro_rules! define_kind {
    (
        name: $name:expr,
        label: $label:expr,
        model: $model:ty,
        score: $score:expr,
        import: $import:expr $(,)?
    ) => {
        /// The kind, as registered in `crate::kinds::KINDS`.
        pub struct Definition;

        impl $crate::kinds::Kind for Definition {
            fn name(&self) -> &'static str {
                $name
            }
            fn label(&self) -> &'static str {
                $label
            }
            fn decode(
                &self,
                d: &mut $crate::decode::Decoder,
                root: &$crate::decode::node::Node,
            ) -> Option<Box<dyn $crate::kinds::Document>> {
                $crate::kinds::decode_root::<$model>(d, root)
            }
            fn schema(&self, defs: &mut $crate::decode::record::Definitions) -> serde_json::Value {
                $crate::kinds::root_schema::<$model>($name, defs)
            }
            fn skeleton(&self) -> String {
                $crate::kinds::root_skeleton::<$model>($name, $label)
            }
            fn score(&self, lines: &[String]) -> u32 {
                ($score)(lines)
            }
            fn import(
                &self,
                text: &$crate::kinds::common::import::Text,
            ) -> $crate::kinds::common::import::Yaml {
                ($import)(text)
            }
        }
    };
}

// registry: one `pub mod` line a kind, each module with a `Definition` implementing `Kind`.
// The order is the order `gongwen new`, the help and the schema list them in; the build
// script makes `KINDS` from these lines (rustfmt.toml keeps their order).
pub mod work_report;
pub mod proposal_reply;
pub mod action_plan;
pub mod notice;
// end of registry

/// Every kind gongwen knows, in the registry's order.
pub static KINDS: &[&dyn Kind] = include!(concat!(env!("OUT_DIR"), "/kinds.rs"));

/// What a kind brings besides its model: its names, template, schema, skeleton, importer.
pub trait Kind: Sync {
    /// As written in `kind:` (`work-report`).
    fn name(&self) -> &'static str;
    /// Its Chinese name (文种), for the schema and the skeleton.
    fn label(&self) -> &'static str;
    fn decode(&self, d: &mut Decoder, root: &Node) -> Option<Box<dyn Document>>;
    /// Its schema among `defs`: a reference to its root record.
    fn schema(&self, defs: &mut Definitions) -> Json;
    /// The commented skeleton `gongwen new` writes.
    fn skeleton(&self) -> String;
    /// How strongly a plain text reads as a document of this kind, 0 for not at all: `import`
    /// takes the kind with the highest score.
    fn score(&self, lines: &[String]) -> u32;
    /// The data file of a plain text of this kind.
    fn import(&self, text: &common::import::Text) -> Yaml;
}

/// A data file this document names, to be loaded with it (a report's action plan).
#[derive(Clone, Debug)]
pub struct Link {
    pub path: Located<String>,
    /// The kind the named file must be.
    pub kind: &'static str,
}

/// The documents a document links to, in the order of its `links()`; `None` where a link
/// could not be followed (already reported).
#[derive(Clone, Copy)]
pub struct Linked<'a>(pub &'a [Option<Arc<dyn Document>>]);

impl Linked<'_> {
    pub const NONE: Linked<'static> = Linked(&[]);

    /// The first linked document of the type `T`: a kind links to each kind at most once
    /// (a report to its plan and to last year's report).
    pub fn first<T: 'static>(&self) -> Option<&T> {
        self.0
            .iter()
            .flatten()
            .find_map(|d| d.as_ref().as_any().downcast_ref::<T>())
    }
}

/// A document as `Any`, so that a linked one can be taken as the type it must be.
pub trait AsAny {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A decoded document of any kind: what every later stage reads.
pub trait Document: Send + Sync + std::fmt::Debug + AsAny {
    fn kind(&self) -> &'static dyn Kind;
    /// The data files it names; none for most kinds.
    fn links(&self) -> Vec<Link>;
    /// The seals of its 落款, whose images the loader reads and checks with the files.
    fn seals(&self) -> Option<&common::seal::Seals>;
    /// Its semantic rules, given the documents it links to.
    fn validate(&self, linked: Linked, diags: &mut Diagnostics);
    /// Its official parts by name: title, organ, date, signature, numbers, 抄送….
    fn official(&self) -> Official;
    /// The context its template renders the body from.
    fn view(&self, linked: Linked) -> minijinja::Value;
    /// Its appendix tables (CSV).
    fn tables(&self, linked: Linked) -> Vec<Table>;
    /// The documents made from it on request (`build --by-unit`: a plan's task list for each
    /// unit); none for most kinds.
    fn by_unit(&self) -> Vec<Derived> {
        Vec::new()
    }
}

/// A document made from another: its files' name after the other's (`<stem>-<suffix>`), its
/// official parts (whose `kind` names its template) and its template's context.
pub struct Derived {
    pub suffix: String,
    pub parts: Official,
    pub context: minijinja::Value,
}

pub fn names() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name()).collect()
}

pub fn find(name: &str) -> Option<&'static dyn Kind> {
    KINDS.iter().copied().find(|k| k.name() == name)
}

/// `work-report, proposal-reply, …`.
pub fn list() -> String {
    names().join(", ")
}

/// Decodes a parsed file into its document kind, as named by its `kind` field.
pub fn decode(text: &str, root: &Node, diags: &mut Diagnostics) -> Option<Box<dyn Document>> {
    let mut d = Decoder::new(text, diags);
    if matches!(root.value, Value::Null) {
        d.diags
            .error(node::pos(root), t!("the file is empty"))
            .hint(t!(
                "a data file starts with `kind:` (%{kinds}) and the document's fields",
                kinds = list()
            ));
        return None;
    }
    let Value::Map(entries) = &root.value else {
        d.diags
            .error(
                node::pos(root),
                t!(
                    "expected a mapping of fields, found %{found}",
                    found = t!(root.value.type_name())
                ),
            )
            .hint(t!(
                "a data file starts with `kind:` (%{kinds}) and the document's fields",
                kinds = list()
            ));
        return None;
    };
    let kind_node = entries
        .iter()
        .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == "kind"))
        .map(|(_, v)| v);
    let Some(kind_node) = kind_node else {
        d.diags
            .error(node::pos(root), t!("missing required field `kind`"))
            .hint(t!("add `kind:` with one of: %{kinds}", kinds = list()));
        return None;
    };
    let name = d.string(kind_node)?;
    match find(&name.value) {
        Some(kind) => kind.decode(&mut d, root),
        None => {
            let hint = match nearest(&name.value, names().into_iter()) {
                Some(near) => t!(
                    "did you mean `%{near}`? the kinds are: %{kinds}",
                    near = near,
                    kinds = list()
                ),
                None => t!("the kinds are: %{kinds}", kinds = list()),
            };
            d.diags
                .error(
                    name.pos,
                    t!("unknown document kind `%{kind}`", kind = name.value),
                )
                .hint(hint);
            None
        }
    }
}

/// A kind's `decode`: its root record, as a document.
pub fn decode_root<R: Record + Document + 'static>(
    d: &mut Decoder,
    root: &Node,
) -> Option<Box<dyn Document>> {
    R::decode_fields(d, root).map(|r| Box::new(r) as Box<dyn Document>)
}

/// A kind's `schema`: its root record, whose `kind` must be the kind's name.
pub fn root_schema<R: Record>(name: &str, defs: &mut Definitions) -> Json {
    let reference = record_schema::<R>(defs);
    if let Some(kind) = defs
        .get_mut(R::NAME)
        .and_then(|d| d.pointer_mut("/properties/kind"))
    {
        let description = kind.get("description").cloned().unwrap_or_default();
        *kind = serde_json::json!({"const": name, "description": description});
    }
    reference
}

/// The schema comment's path in a skeleton or an import as made; `new` and `import` point
/// it at a schema file that exists before they write the file.
pub const DEFAULT_SCHEMA_REFERENCE: &str = "../schema/gongwen.schema.json";

/// A kind's `skeleton`: a header, then every field of its root record.
pub fn root_skeleton<R: Record>(name: &str, label: &str) -> String {
    let mut out = Skeleton::new();
    out.comment(&format!(
        "yaml-language-server: $schema={}",
        DEFAULT_SCHEMA_REFERENCE
    ));
    out.comment(&format!("{label}（{name}）。"));
    out.comment(
        "把每个〖……〗连同括号换成实际内容；未填写的占位符会被 `gongwen validate` 逐一指出。",
    );
    out.fields::<R>();
    out.into_text()
}
