//! Declaring a mapping once. `record!` turns one list of fields — name, type, required or
//! not, Chinese help, skeleton example — into the struct, its positioned decoder (every
//! problem reported, each at its line and column), its JSON Schema and its skeleton lines.

use std::marker::PhantomData;
use std::ops::Deref;

use serde_json::{Map, Value as Json, json};
use unicode_width::UnicodeWidthStr;

use super::node::Node;
use super::{Decoder, Located, Number};
use crate::zh::Date;

/// The JSON Schema definitions collected while describing the records.
pub type Definitions = Map<String, Json>;

/// One field of a record, as declared.
pub struct FieldDecl {
    pub name: &'static str,
    /// The Chinese help: shown in hints, in the schema and in the skeleton.
    pub help: &'static str,
    pub required: bool,
    /// What `gongwen new` writes for the field (raw YAML); none: a commented line.
    pub example: Option<&'static str>,
    pub schema: fn(&mut Definitions) -> Json,
    pub skeleton: fn(&mut Skeleton, &FieldDecl),
}

/// A type a field can have.
pub trait Decode: Sized {
    /// Reads the value; problems go to the decoder's diagnostics. `key` names the field.
    fn decode(d: &mut Decoder, node: &Node, key: &str) -> Option<Self>;
    fn schema(defs: &mut Definitions) -> Json;
    fn skeleton(out: &mut Skeleton, field: &FieldDecl) {
        out.scalar(field);
    }
    /// The skeleton of a list of this type.
    fn skeleton_list(out: &mut Skeleton, field: &FieldDecl) {
        out.scalar(field);
    }
}

/// A mapping declared with `record!`.
pub trait Record: Sized {
    /// How messages name it: "a section".
    const WHAT: &'static str;
    /// Its Chinese title in the schema.
    const TITLE: &'static str;
    /// Its name among the schema's definitions.
    const NAME: &'static str;
    const FIELDS: &'static [FieldDecl];
    fn decode_fields(d: &mut Decoder, node: &Node) -> Option<Self>;
}

/// The schema of a record: registered once under its name, referred to everywhere.
pub fn record_schema<R: Record>(defs: &mut Definitions) -> Json {
    if !defs.contains_key(R::NAME) {
        // Registered before its fields, so that a record that contains itself terminates.
        defs.insert(R::NAME.to_owned(), Json::Null);
        let object = object_schema(R::TITLE, R::FIELDS, defs);
        defs.insert(R::NAME.to_owned(), object);
    }
    json!({"$ref": format!("#/definitions/{}", R::NAME)})
}

/// A closed mapping: unknown fields are errors, as for the validator. An optional field
/// may also be left empty (`title:`), which counts as absent.
pub fn object_schema(title: &str, fields: &[FieldDecl], defs: &mut Definitions) -> Json {
    let mut properties = Map::new();
    for field in fields {
        let mut schema = (field.schema)(defs);
        if !field.required {
            schema = json!({"anyOf": [schema, {"type": "null"}]});
        }
        if let Json::Object(map) = &mut schema {
            map.insert("description".into(), field.help.into());
        }
        properties.insert(field.name.into(), schema);
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({
        "type": "object",
        "title": title,
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// Text fields also take what YAML reads as a number or yes/no: the decoder keeps it as
/// written (`number: 0520`).
pub fn text_schema() -> Json {
    json!({"type": ["string", "number", "boolean"]})
}

/// Non-empty text on one line, trimmed: names, titles, units of a list. Prose, which may
/// hold paragraphs, is a type of its own.
impl Decode for Located<String> {
    fn decode(d: &mut Decoder, node: &Node, key: &str) -> Option<Self> {
        d.line(node, key)
    }
    fn schema(_: &mut Definitions) -> Json {
        text_schema()
    }
}

/// Text that may be empty, such as a figure's unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit(pub Located<String>);

impl Deref for Unit {
    type Target = Located<String>;
    fn deref(&self) -> &Located<String> {
        &self.0
    }
}

impl Decode for Unit {
    fn decode(d: &mut Decoder, node: &Node, _: &str) -> Option<Self> {
        d.string(node).map(|u| {
            Unit(Located {
                value: u.value.trim().to_owned(),
                pos: u.pos,
            })
        })
    }
    fn schema(_: &mut Definitions) -> Json {
        text_schema()
    }
}

/// A calendar year that an official document can name.
#[derive(Clone, Debug, PartialEq)]
pub struct Year(pub Located<i64>);

impl Deref for Year {
    type Target = Located<i64>;
    fn deref(&self) -> &Located<i64> {
        &self.0
    }
}

impl Decode for Year {
    fn decode(d: &mut Decoder, node: &Node, key: &str) -> Option<Self> {
        let year = d.integer(node)?;
        if !crate::zh::YEARS.contains(&year.value) {
            d.diags
                .error(
                    year.pos,
                    t!(
                        "`%{key}` is %{year}, not a year a document can name",
                        key = key,
                        year = year.value
                    ),
                )
                .hint(t!(
                    "write a year between %{first} and %{last}, e.g. 2024",
                    first = crate::zh::YEARS.start(),
                    last = crate::zh::YEARS.end()
                ));
            return None;
        }
        Some(Year(year))
    }
    fn schema(_: &mut Definitions) -> Json {
        json!({"type": "integer", "minimum": crate::zh::YEARS.start(), "maximum": crate::zh::YEARS.end()})
    }
}

impl Decode for Located<bool> {
    fn decode(d: &mut Decoder, node: &Node, _: &str) -> Option<Self> {
        d.boolean(node)
    }
    fn schema(_: &mut Definitions) -> Json {
        json!({"type": "boolean"})
    }
}

impl Decode for Number {
    fn decode(d: &mut Decoder, node: &Node, _: &str) -> Option<Self> {
        d.number(node)
    }
    fn schema(_: &mut Definitions) -> Json {
        json!({"type": "number"})
    }
}

impl Decode for Located<Date> {
    fn decode(d: &mut Decoder, node: &Node, _: &str) -> Option<Self> {
        let text = d.string(node)?;
        match Date::parse(&text.value) {
            Some(date) => Some(Located {
                value: date,
                pos: text.pos,
            }),
            None => {
                d.diags
                    .error(text.pos, t!("`%{text}` is not a date", text = text.value))
                    .hint(t!(
                        "write the date as YYYY-MM-DD or as 2024年6月6日, e.g. 2024-06-06"
                    ));
                None
            }
        }
    }
    fn schema(_: &mut Definitions) -> Json {
        json!({"type": "string", "pattern": "^\\s*\\d{4}(-\\d{1,2}-\\d{1,2}|年\\d{1,2}月\\d{1,2}日)\\s*$"})
    }
}

/// A list; bad items are reported and left out.
impl<T: Decode> Decode for Vec<T> {
    fn decode(d: &mut Decoder, node: &Node, key: &str) -> Option<Self> {
        let items = d.list(node, key)?;
        Some(
            items
                .iter()
                .filter_map(|item| T::decode(d, item, key))
                .collect(),
        )
    }
    fn schema(defs: &mut Definitions) -> Json {
        json!({"type": "array", "items": T::schema(defs)})
    }
    fn skeleton(out: &mut Skeleton, field: &FieldDecl) {
        T::skeleton_list(out, field);
    }
}

/// The values a `Choice` field may take.
pub trait Choices {
    const VALUES: &'static [&'static str];
}

/// Text that is one of a few values: the schema lists them, the rules explain a wrong one.
#[derive(Debug)]
pub struct Choice<C>(pub Located<String>, PhantomData<C>);

impl<C> Clone for Choice<C> {
    fn clone(&self) -> Self {
        Choice(self.0.clone(), PhantomData)
    }
}

impl<C> Deref for Choice<C> {
    type Target = Located<String>;
    fn deref(&self) -> &Located<String> {
        &self.0
    }
}

impl<C> serde::Serialize for Choice<C> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.value.serialize(s)
    }
}

impl<C: Choices> Decode for Choice<C> {
    fn decode(d: &mut Decoder, node: &Node, key: &str) -> Option<Self> {
        d.text(node, key).map(|text| Choice(text, PhantomData))
    }
    fn schema(_: &mut Definitions) -> Json {
        json!({"enum": C::VALUES})
    }
}

/// The column where skeleton comments start, as the hand-written skeletons had them.
const COMMENT_COLUMN: usize = 38;

/// The skeleton `gongwen new` writes: every field with an example or commented out, each
/// with its help as a comment.
#[derive(Default)]
pub struct Skeleton {
    out: String,
    indent: usize,
    /// The records being written, so that one that contains itself is written once.
    stack: Vec<&'static str>,
    /// Inside an optional block written commented out: the column of its `#`.
    comment_at: Option<usize>,
}

impl Skeleton {
    pub fn new() -> Self {
        Skeleton::default()
    }

    pub fn into_text(self) -> String {
        self.out
    }

    pub fn comment(&mut self, text: &str) {
        self.out.push_str(&format!("# {text}\n"));
    }

    pub fn blank(&mut self) {
        self.out.push('\n');
    }

    /// The start of a line at `indent`: spaces, and inside a commented-out block its `# `
    /// at the block's column, so that removing that one mark restores the block.
    fn prefix(&self, indent: usize) -> String {
        match self.comment_at {
            Some(at) => format!(
                "{}# {}",
                " ".repeat(at),
                " ".repeat(indent.saturating_sub(at))
            ),
            None => " ".repeat(indent),
        }
    }

    fn line(&mut self, text: &str, help: &str) {
        let line = format!("{}{text}", self.prefix(self.indent));
        let width = line.width();
        self.out.push_str(&line);
        if !help.is_empty() {
            let pad = COMMENT_COLUMN.saturating_sub(width).max(2);
            self.out.push_str(&" ".repeat(pad));
            self.out.push_str("# ");
            self.out.push_str(help);
        }
        self.out.push('\n');
    }

    /// `key: example  # help`, or `# key:  # help` for a field with no example.
    pub fn scalar(&mut self, field: &FieldDecl) {
        match field.example {
            Some(example) => self.line(&format!("{}: {example}", field.name), field.help),
            None if field.required => {
                self.line(&format!("{}: 〖{}〗", field.name, field.name), field.help)
            }
            // Inside a commented-out block the field is written plainly: the block's mark
            // comments it out already.
            None if self.comment_at.is_some() => self.line(&format!("{}:", field.name), field.help),
            None => self.line(&format!("# {}:", field.name), field.help),
        }
    }

    /// `key: >` and the example on the lines below: prose.
    pub fn block(&mut self, field: &FieldDecl) {
        match field.example {
            Some(example) => {
                self.line(&format!("{}: >", field.name), field.help);
                self.indent += 2;
                for line in example.lines() {
                    self.line(line, "");
                }
                self.indent -= 2;
            }
            None => self.scalar(field),
        }
    }

    /// Every field of a record, at the current indentation.
    pub fn fields<R: Record>(&mut self) {
        self.stack.push(R::NAME);
        for field in R::FIELDS {
            (field.skeleton)(self, field);
        }
        self.stack.pop();
    }

    fn recursing<R: Record>(&mut self, field: &FieldDecl) -> bool {
        if self.stack.contains(&R::NAME) {
            let mark = if self.comment_at.is_some() { "" } else { "# " };
            self.line(&format!("{mark}{}:", field.name), field.help);
            return true;
        }
        false
    }

    /// `key:` and the record's fields below it; an example, where given, instead.
    pub fn record<R: Record>(&mut self, field: &FieldDecl) {
        if field.example.is_some() {
            return self.scalar(field);
        }
        if self.recursing::<R>(field) {
            return;
        }
        // An optional block (版头, 印发) is left commented out: a document without it is
        // complete, and removing the one `# ` of each line brings it in.
        let outermost = !field.required && self.comment_at.is_none();
        if outermost {
            self.comment_at = Some(self.indent);
        }
        self.line(&format!("{}:", field.name), field.help);
        self.indent += 2;
        self.fields::<R>();
        self.indent -= 2;
        if outermost {
            self.comment_at = None;
        }
    }

    /// `key:` and one item, `- first: …` with the other fields below it.
    pub fn record_list<R: Record>(&mut self, field: &FieldDecl) {
        if field.example.is_some() {
            return self.scalar(field);
        }
        if self.recursing::<R>(field) {
            return;
        }
        self.line(&format!("{}:", field.name), field.help);
        // The item is written two columns in from the dash, so its comments line up.
        let mut item = Skeleton {
            indent: self.indent + 4,
            stack: self.stack.clone(),
            comment_at: self.comment_at,
            ..Skeleton::default()
        };
        item.fields::<R>();
        let dash = format!("{}- ", self.prefix(self.indent + 2));
        let item_prefix = item.prefix(item.indent).len();
        for (i, line) in item.out.lines().enumerate() {
            if i == 0 {
                self.out.push_str(&dash);
                self.out.push_str(&line[item_prefix..]);
            } else {
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
    }
}

/// Declares a record: `name: req|opt|many Type = "help", example "yaml";` per field.
/// `req` fields must be present, `opt` ones are `Option`s, `many` ones lists that may be
/// absent. A field whose YAML key is not a Rust name is written `field as "key"`.
#[macro_export]
macro_rules! record {
    (
        $(#[$attr:meta])*
        pub struct $name:ident ($what:literal, $title:literal) {
            $(
                $field:ident $(as $key:literal)? : $mode:ident $ty:ty = $help:literal
                    $(, example $example:literal)? ;
            )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Clone, Debug)]
        pub struct $name {
            $( pub $field: $crate::__field_type!($mode $ty), )*
            /// Where the mapping starts in the data file.
            pub pos: $crate::diag::Pos,
            /// The mapping had an unknown field, already reported.
            pub misspelt: bool,
            /// Where each field present was written, for rules that point at a field.
            pub keys: Vec<(&'static str, $crate::diag::Pos)>,
        }

        impl $name {
            /// Where the field `key` was written, or the mapping when it is absent.
            // Generated for every record; only some have rules that point at a field.
            #[allow(dead_code)]
            pub fn key_pos(&self, key: &str) -> $crate::diag::Pos {
                self.keys
                    .iter()
                    .find(|(name, _)| *name == key)
                    .map_or(self.pos, |(_, pos)| *pos)
            }
        }

        impl $crate::decode::record::Record for $name {
            const WHAT: &'static str = $what;
            const TITLE: &'static str = $title;
            const NAME: &'static str = stringify!($name);
            const FIELDS: &'static [$crate::decode::record::FieldDecl] = &[
                $( $crate::decode::record::FieldDecl {
                    name: $crate::__field_key!($field $(, $key)?),
                    help: $help,
                    required: $crate::__field_required!($mode),
                    example: $crate::__field_example!($($example)?),
                    schema: $crate::__field_schema!($mode $ty),
                    skeleton: $crate::__field_skeleton!($mode $ty),
                }, )*
            ];

            fn decode_fields(
                d: &mut $crate::decode::Decoder,
                node: &$crate::decode::node::Node,
            ) -> Option<Self> {
                let mut fields = d.fields(node, $crate::decode::Label { en: $what, zh: $title }, Self::FIELDS)?;
                $( let $field = $crate::__field_decode!(
                    $mode $ty, fields, d, $crate::__field_key!($field $(, $key)?)
                ); )*
                let pos = fields.pos();
                let keys = fields.positions();
                let misspelt = !fields.finish(d);
                Some($name { $( $field: $crate::__field_finish!($mode $field), )* pos, misspelt, keys })
            }
        }

        impl $crate::decode::record::Decode for $name {
            fn decode(
                d: &mut $crate::decode::Decoder,
                node: &$crate::decode::node::Node,
                key: &str,
            ) -> Option<Self> {
                if !d.expect_mapping(node, key) {
                    return None;
                }
                let errors = d.diags.error_count();
                let record = <Self as $crate::decode::record::Record>::decode_fields(d, node);
                if record.is_none() || d.diags.error_count() > errors {
                    d.failed_record(node);
                }
                record
            }
            fn schema(defs: &mut $crate::decode::record::Definitions) -> serde_json::Value {
                $crate::decode::record::record_schema::<Self>(defs)
            }
            fn skeleton(
                out: &mut $crate::decode::record::Skeleton,
                field: &$crate::decode::record::FieldDecl,
            ) {
                out.record::<Self>(field);
            }
            fn skeleton_list(
                out: &mut $crate::decode::record::Skeleton,
                field: &$crate::decode::record::FieldDecl,
            ) {
                out.record_list::<Self>(field);
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __field_type {
    (req $t:ty) => { $t };
    (opt $t:ty) => { Option<$t> };
    (many $t:ty) => { Vec<$t> };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __field_key {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $key:literal) => {
        $key
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __field_required {
    (req) => {
        true
    };
    (opt) => {
        false
    };
    (many) => {
        false
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __field_example {
    () => {
        None
    };
    ($example:literal) => {
        Some($example)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __field_schema {
    (many $t:ty) => {
        <Vec<$t> as $crate::decode::record::Decode>::schema
    };
    ($mode:ident $t:ty) => {
        <$t as $crate::decode::record::Decode>::schema
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __field_skeleton {
    (many $t:ty) => {
        <Vec<$t> as $crate::decode::record::Decode>::skeleton
    };
    ($mode:ident $t:ty) => {
        <$t as $crate::decode::record::Decode>::skeleton
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __field_decode {
    (req $t:ty, $f:ident, $d:ident, $key:expr) => {
        $f.required($d, $key)
            .and_then(|n| <$t as $crate::decode::record::Decode>::decode($d, n, $key))
    };
    (opt $t:ty, $f:ident, $d:ident, $key:expr) => {
        $f.optional($key)
            .and_then(|n| <$t as $crate::decode::record::Decode>::decode($d, n, $key))
    };
    (many $t:ty, $f:ident, $d:ident, $key:expr) => {
        $f.optional($key)
            .and_then(|n| <Vec<$t> as $crate::decode::record::Decode>::decode($d, n, $key))
            .unwrap_or_default()
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __field_finish {
    (req $field:ident) => {
        $field?
    };
    (opt $field:ident) => {
        $field
    };
    (many $field:ident) => {
        $field
    };
}
