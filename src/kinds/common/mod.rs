//! Pieces shared by every document kind: figures, prose with figure references, numbered
//! sections, and the rules and import helpers they share. Each is declared once here, so
//! every kind reads, checks and describes them the same way.

pub mod furniture;
pub mod import;
pub mod rules;
pub mod seal;

use serde::Serialize;

use crate::decode::node::{self, Node, Value};
use crate::decode::record::{Decode, Definitions, Record, Skeleton, Unit, text_schema};
use crate::decode::{Decoder, Located, Number, format_number};
use crate::diag::Pos;
use crate::record;
use crate::table::Table;

record! {
    /// A headline figure: typed once, referenced from the prose by its id.
    pub struct Figure("a figure", "指标") {
        id: req Located<String> = "指标代号，正文中以 {代号} 引用，如 tech_contracts", example "firms";
        name: req Located<String> = "指标名称，如“技术合同登记额”", example "〖指标名称〗";
        value: req Number = "本年数值，只写数字，如 42.27", example "〖数值〗";
        unit: opt Unit = "单位，如 亿元、家、项", example "〖单位〗";
        previous: opt Number = "上年数值，填写后自动计算同比增减";
        target: opt Located<String> = "对照的行动计划目标代号（需在报告中以 action_plan 指明行动计划）";
    }
}

/// Templates see a figure's numbers both as values and as written (`value_text`).
impl Serialize for Figure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Figure", 8)?;
        st.serialize_field("id", &self.id.value)?;
        st.serialize_field("name", &self.name.value)?;
        st.serialize_field("value", &self.value.value)?;
        st.serialize_field("value_text", &self.value.text)?;
        st.serialize_field("unit", self.unit())?;
        st.serialize_field("previous", &self.previous.as_ref().map(|n| n.value))?;
        st.serialize_field("previous_text", &self.previous.as_ref().map(|n| &n.text))?;
        st.serialize_field("change", &self.change_percent())?;
        st.end()
    }
}

impl Figure {
    /// The unit as written, or empty.
    pub fn unit(&self) -> &str {
        self.unit.as_ref().map_or("", |u| u.value.as_str())
    }

    /// Where the unit is written, or the value when there is none (for errors about units).
    pub fn unit_pos(&self) -> Pos {
        self.unit.as_ref().map_or(self.value.pos, |u| u.pos)
    }

    /// The year-on-year change in percent, when there is a previous-year value to compare.
    pub fn change_percent(&self) -> Option<f64> {
        let previous = self.previous.as_ref()?.value;
        (previous != 0.0).then(|| (self.value.value - previous) / previous * 100.0)
    }
}

record! {
    /// 联系人及电话.
    #[derive(Serialize)]
    pub struct Contact("the contact", "联系人") {
        name: req Located<String> = "联系人姓名", example "〖联系人姓名〗";
        phone: req Located<String> = "联系电话，如 0311-85057592", example "〖联系电话〗";
    }
}

impl Contact {
    /// As an official part.
    pub fn official(&self) -> crate::official::Contact {
        crate::official::Contact {
            name: self.name.value.clone(),
            phone: self.phone.value.clone(),
        }
    }
}

/// 版头格式: file (文件格式) or letter (信函格式).
#[derive(Debug)]
pub struct HeaderForms;
impl crate::decode::record::Choices for HeaderForms {
    const VALUES: &'static [&'static str] = &["file", "letter"];
}

record! {
    /// 版头: the issuing organs' mark, 份号, 密级, 紧急程度 and 签发人.
    pub struct Header("the header", "版头") {
        issuers: many Located<String> = "发文机关标志中的发文机关，联合行文时依次列出、主办机关在前；文件格式自动加“文件”二字", example "[〖发文机关〗]";
        form: opt crate::decode::record::Choice<HeaderForms> = "版头格式：file（文件格式，默认）或 letter（信函格式）";
        copy_number: opt Located<String> = "份号，6 位阿拉伯数字，如 \"000001\"";
        secrecy: opt Located<String> = "密级和保密期限，如“秘密★1年”";
        urgency: opt Located<String> = "紧急程度：特急 或 加急";
        signers: many Located<String> = "签发人（上行文），按发文机关的顺序";
    }
}

record! {
    /// 印发机关和印发日期, the 版记's last line.
    pub struct Printing("the printing", "印发") {
        organ: req Located<String> = "印发机关，一般是发文机关的办公厅（室）", example "〖印发机关〗";
        date: req Located<crate::zh::Date> = "印发日期，如 2024-03-15", example "〖日期〗";
    }
}

/// The parts every kind may have — the author's title lines, the 版头, the 印发 line — as
/// official parts.
pub fn shared_parts(
    parts: &mut crate::official::Official,
    title_lines: &[Located<String>],
    header: Option<&Header>,
    printing: Option<&Printing>,
    seal: Option<&seal::Seals>,
) {
    if let Some(seals) = seal {
        parts.seals = seal::official(seals);
    }
    let text = |l: &Located<String>| l.value.clone();
    parts.title_lines = title_lines.iter().map(text).collect();
    if let Some(header) = header {
        parts.issuers = header.issuers.iter().map(text).collect();
        parts.form = header.form.as_ref().map(|f| f.value.clone());
        parts.copy_number = header.copy_number.as_ref().map(text);
        parts.secrecy = header.secrecy.as_ref().map(text);
        parts.urgency = header.urgency.as_ref().map(text);
        parts.signers = header.signers.iter().map(text).collect();
    }
    if let Some(printing) = printing {
        parts.printer = Some(printing.organ.value.clone());
        parts.printed = Some(printing.date.value.iso());
    }
}

/// The headline figures with their year-on-year change: `<stem>-metrics.csv`.
pub fn metrics_table(figures: &[Figure]) -> Table {
    Table {
        name: "metrics",
        title: "主要指标".into(),
        sheet_only: false,
        chart: None,
        header: vec!["指标", "数值", "单位", "上年", "同比增减(%)"],
        rows: figures
            .iter()
            .map(|f| {
                vec![
                    f.name.value.clone(),
                    f.value.text.clone(),
                    f.unit().to_owned(),
                    f.previous
                        .as_ref()
                        .map(|p| p.text.clone())
                        .unwrap_or_default(),
                    f.change_percent()
                        .map(|c| format_number((c * 100.0).round() / 100.0))
                        .unwrap_or_default(),
                ]
            })
            .collect(),
    }
}

/// The figures with a previous-year value, and a chart of their change (workbook only):
/// the headline figures against last year, in the one unit they share, per cent.
pub fn change_table(figures: &[Figure]) -> Table {
    Table {
        name: "change",
        title: "同比增减".into(),
        sheet_only: true,
        chart: Some(crate::table::Chart {
            title: "主要指标同比增减(%)".into(),
            categories: 0,
            values: vec![4],
        }),
        header: vec!["指标", "单位", "上年", "本年", "同比增减(%)"],
        rows: figures
            .iter()
            .filter_map(|f| {
                let change = f.change_percent()?;
                Some(vec![
                    f.name.value.clone(),
                    f.unit().to_owned(),
                    f.previous.as_ref()?.text.clone(),
                    f.value.text.clone(),
                    format_number((change * 100.0).round() / 100.0),
                ])
            })
            .collect(),
    }
}

/// How a reference shows its figure: `{id}` value and unit, `{id:change}` 同比增长x%, ….
pub const REFERENCE_FORMS: &[&str] = &["value", "previous", "change", "name"];

/// A reference `{id}` or `{id:form}` inside prose, at its place in the data file.
#[derive(Clone, Debug)]
pub struct FigureRef {
    pub id: String,
    pub form: Option<String>,
    pub pos: Pos,
}

/// One piece of prose: literal text, or a reference to a figure.
#[derive(Debug, PartialEq)]
pub enum Piece<'t> {
    Text(&'t str),
    Ref {
        id: &'t str,
        form: Option<&'t str>,
        source: &'t str,
    },
}

fn is_id_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

pub fn is_valid_id(id: &str) -> bool {
    id.starts_with(is_id_start) && id.chars().all(is_id_char)
}

/// Splits prose into literal text and figure references. A `{` that does not open
/// `{id}` or `{id:form}` is literal text, and `\{` writes a literal `{`.
pub fn split_prose(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut literal_start = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'{') {
            if literal_start < i {
                pieces.push(Piece::Text(&text[literal_start..i]));
            }
            literal_start = i + 1; // the `{` itself starts the next literal run
            i += 2;
            continue;
        }
        if bytes[i] == b'{'
            && let Some((len, id, form)) = reference_at(&text[i..])
        {
            if literal_start < i {
                pieces.push(Piece::Text(&text[literal_start..i]));
            }
            pieces.push(Piece::Ref {
                id,
                form,
                source: &text[i..i + len],
            });
            i += len;
            literal_start = i;
            continue;
        }
        i += 1;
    }
    if literal_start < text.len() {
        pieces.push(Piece::Text(&text[literal_start..]));
    }
    pieces
}

/// `{id}` or `{id:form}` at the start of `s`: its length, id and form.
fn reference_at(s: &str) -> Option<(usize, &str, Option<&str>)> {
    let close = s.find('}')?;
    let inner = &s[1..close];
    let (id, form) = match inner.split_once(':') {
        Some((id, form)) => (id, Some(form)),
        None => (inner, None),
    };
    let form_ok = form.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphabetic()));
    (is_valid_id(id) && form_ok).then_some((close + 1, id, form))
}

/// Prose written in data: paragraphs separated by blank lines, figures referenced by id.
#[derive(Clone, Debug)]
pub struct Prose {
    pub text: String,
    pub pos: Pos,
    pub refs: Vec<FigureRef>,
}

impl Serialize for Prose {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl Decode for Prose {
    fn decode(d: &mut Decoder, node: &Node, key: &str) -> Option<Self> {
        decode_prose(d, node, key)
    }
    fn schema(_: &mut Definitions) -> serde_json::Value {
        text_schema()
    }
    fn skeleton(out: &mut Skeleton, field: &crate::decode::FieldDecl) {
        out.block(field);
    }
}

pub fn decode_prose(d: &mut Decoder, node: &Node, key: &str) -> Option<Prose> {
    let text = d.text(node, key)?;
    let raw = d.raw_range(node);
    let mut refs = Vec::new();
    // Each reference is located by finding its text in the raw scalar, in order; where the
    // raw text differs (escapes in a quoted string), the scalar's own position is used.
    let mut search_from = raw.as_ref().map(|r| r.start);
    for piece in split_prose(&text.value) {
        let Piece::Ref { id, form, source } = piece else {
            continue;
        };
        let mut pos = text.pos;
        if let (Some(range), Some(from)) = (&raw, search_from)
            && let Some(found) = d.source[from..range.end].find(source)
        {
            pos = d.pos_at(from + found);
            search_from = Some(from + found + source.len());
        }
        refs.push(FigureRef {
            id: id.to_owned(),
            form: form.map(str::to_owned),
            pos,
        });
    }
    Some(Prose {
        text: text.value,
        pos: text.pos,
        refs,
    })
}

record! {
    /// A numbered section: its heading, prose, inline enumeration (一是/二是) and subsections.
    #[derive(Serialize)]
    pub struct Section("a section", "小节") {
        title: req Located<String> = "标题，编号自动生成，如“聚焦工作标准，全力争先创优”", example "〖小节标题〗";
        text: opt Prose = "正文，可引用指标 {代号}，空行分段", example "〖正文〗";
        items: many Item = "分项列举，依次生成“一是……二是……”";
        sections: many Section = "下一级小节";
    }
}

record! {
    /// A point of an inline enumeration written as a mapping.
    pub struct ItemFields("an item", "分项（一是、二是……）") {
        title: opt Located<String> = "分项的要点，如“聚力提升科技品牌”";
        text: opt Prose = "分项正文";
    }
}

/// One point of an inline enumeration: `一是` + title + `。` + text. Written as a mapping,
/// or as a plain text.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub title: Option<Located<String>>,
    pub text: Option<Prose>,
    #[serde(skip)]
    pub pos: Pos,
}

impl Decode for Item {
    fn decode(d: &mut Decoder, node: &Node, key: &str) -> Option<Self> {
        let pos = node::pos(node);
        if let Value::Map(_) = node.value {
            let fields = ItemFields::decode_fields(d, node)?;
            Some(Item {
                title: fields.title,
                text: fields.text,
                pos,
            })
        } else {
            let text = decode_prose(d, node, key)?;
            Some(Item {
                title: None,
                text: Some(text),
                pos,
            })
        }
    }
    fn schema(defs: &mut Definitions) -> serde_json::Value {
        let fields = ItemFields::schema(defs);
        serde_json::json!({"anyOf": [text_schema(), fields]})
    }
}

impl Section {
    /// Every prose of the section and its subsections, for reference checks.
    pub fn collect_prose<'s>(&'s self, out: &mut Vec<&'s Prose>) {
        out.extend(self.text.iter());
        out.extend(self.items.iter().filter_map(|i| i.text.as_ref()));
        for sub in &self.sections {
            sub.collect_prose(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_splits_references_and_keeps_other_braces() {
        let pieces = split_prose("完成{tech}，{tech:change}；{{ x }} {not valid} \\{lit}");
        assert_eq!(
            pieces,
            vec![
                Piece::Text("完成"),
                Piece::Ref {
                    id: "tech",
                    form: None,
                    source: "{tech}"
                },
                Piece::Text("，"),
                Piece::Ref {
                    id: "tech",
                    form: Some("change"),
                    source: "{tech:change}"
                },
                Piece::Text("；{{ x }} {not valid} "),
                Piece::Text("{lit}"),
            ]
        );
    }
}
