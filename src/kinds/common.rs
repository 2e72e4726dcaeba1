//! Pieces shared by every document kind: dates, figures, prose with figure references,
//! numbered sections. Each has its decoder here, so every kind reads them the same way.

use serde::Serialize;

use crate::diag::Pos;
use crate::load::decode::{Decoder, FieldSpec, Located, Number};
use crate::load::node::Node;

/// A calendar date, written `2024-06-06` (or `2024年6月6日`) in data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let parts: Vec<&str> = if let Some(rest) = text.strip_suffix('日') {
            rest.split(['年', '月']).collect()
        } else {
            text.split('-').collect()
        };
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !(y.len() == 4 && all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        (date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= date.days_in_month())
            .then_some(date)
    }

    fn days_in_month(&self) -> u32 {
        match self.month {
            2 if self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `2024年6月6日`: Arabic numerals, no zero padding.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

pub fn decode_date(d: &mut Decoder, node: &Node) -> Option<Located<Date>> {
    let text = d.string(node)?;
    match Date::parse(&text.value) {
        Some(date) => Some(Located {
            value: date,
            pos: text.pos,
        }),
        None => {
            d.diags
                .error(text.pos, format!("`{}` is not a date", text.value))
                .hint("write the date as YYYY-MM-DD, e.g. 2024-06-06");
            None
        }
    }
}

/// A headline figure: typed once, referenced from the prose by its id.
#[derive(Clone, Debug)]
pub struct Figure {
    pub id: Located<String>,
    pub name: Located<String>,
    pub value: Number,
    pub unit: Located<String>,
    pub previous: Option<Number>,
    /// The id of the action-plan target this figure is measured against.
    pub target: Option<Located<String>>,
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
        st.serialize_field("unit", &self.unit.value)?;
        st.serialize_field("previous", &self.previous.as_ref().map(|n| n.value))?;
        st.serialize_field("previous_text", &self.previous.as_ref().map(|n| &n.text))?;
        st.serialize_field("change", &self.change_percent())?;
        st.end()
    }
}

impl Figure {
    /// The year-on-year change in percent, when there is a previous-year value to compare.
    pub fn change_percent(&self) -> Option<f64> {
        let previous = self.previous.as_ref()?.value;
        (previous != 0.0).then(|| (self.value.value - previous) / previous * 100.0)
    }
}

pub(crate) const FIGURE_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "id",
        help: "指标代号，正文中以 {代号} 引用，如 tech_contracts",
    },
    FieldSpec {
        name: "name",
        help: "指标名称，如“技术合同登记额”",
    },
    FieldSpec {
        name: "value",
        help: "本年数值，只写数字，如 42.27",
    },
    FieldSpec {
        name: "unit",
        help: "单位，如 亿元、家、项",
    },
    FieldSpec {
        name: "target",
        help: "对照的行动计划目标代号（需在报告中以 plan 指明行动计划）",
    },
    FieldSpec {
        name: "previous",
        help: "上年数值，填写后自动计算同比增减",
    },
];

pub fn decode_figures(d: &mut Decoder, node: &Node) -> Vec<Figure> {
    let Some(items) = d.list(node, "headline figures") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| decode_figure(d, item))
        .collect()
}

fn decode_figure(d: &mut Decoder, node: &Node) -> Option<Figure> {
    let mut f = d.fields(node, "a figure", FIGURE_FIELDS)?;
    let id = f.required(d, "id").and_then(|n| d.text(n, "the figure id"));
    let name = f
        .required(d, "name")
        .and_then(|n| d.text(n, "the figure name"));
    let value = f.required(d, "value").and_then(|n| d.number(n));
    let unit = f.optional("unit").and_then(|n| d.string(n));
    let previous = f.optional("previous").and_then(|n| d.number(n));
    let target = f
        .optional("target")
        .and_then(|n| d.text(n, "the target id"));
    f.finish(d);
    let value = value?;
    Some(Figure {
        id: id?,
        name: name?,
        unit: unit_or_none(unit, value.pos),
        value,
        previous,
        target,
    })
}

/// The unit as written, or an empty one placed at the value (for errors about units).
pub fn unit_or_none(unit: Option<Located<String>>, value_pos: Pos) -> Located<String> {
    match unit {
        Some(u) => Located {
            value: u.value.trim().to_owned(),
            pos: u.pos,
        },
        None => Located {
            value: String::new(),
            pos: value_pos,
        },
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

pub fn decode_prose(d: &mut Decoder, node: &Node, what: &str) -> Option<Prose> {
    let text = d.text(node, what)?;
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

/// A numbered section: its heading, prose, inline enumeration (一是/二是) and subsections.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub title: Located<String>,
    pub text: Option<Prose>,
    pub items: Vec<Item>,
    pub sections: Vec<Section>,
    #[serde(skip)]
    pub pos: Pos,
    /// Had a misspelt field, already reported: its emptiness is no news.
    #[serde(skip)]
    pub misspelt: bool,
}

/// One point of an inline enumeration: `一是` + title + `。` + text.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub title: Option<Located<String>>,
    pub text: Option<Prose>,
    #[serde(skip)]
    pub pos: Pos,
}

pub(crate) const SECTION_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "title",
        help: "标题，编号自动生成，如“聚焦工作标准，全力争先创优”",
    },
    FieldSpec {
        name: "text",
        help: "正文，可引用指标 {代号}，空行分段",
    },
    FieldSpec {
        name: "items",
        help: "分项列举，依次生成“一是……二是……”",
    },
    FieldSpec {
        name: "sections",
        help: "下一级小节",
    },
];

pub(crate) const ITEM_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "title",
        help: "分项的要点，如“聚力提升科技品牌”",
    },
    FieldSpec {
        name: "text",
        help: "分项正文",
    },
];

/// Headings go four levels deep: 一、 （一） 1. （1）.
pub const MAX_LEVEL: usize = 4;

pub fn decode_sections(d: &mut Decoder, node: &Node, level: usize) -> Vec<Section> {
    let Some(items) = d.list(node, "sections") else {
        return Vec::new();
    };
    if level > MAX_LEVEL {
        d.diags
            .error(crate::load::node::pos(node), "sections nest too deeply")
            .hint("headings go four levels deep (一、 （一） 1. （1））; move the text into `items` or `text`");
        return Vec::new();
    }
    items
        .iter()
        .filter_map(|item| decode_section(d, item, level))
        .collect()
}

fn decode_section(d: &mut Decoder, node: &Node, level: usize) -> Option<Section> {
    let mut f = d.fields(node, "a section", SECTION_FIELDS)?;
    let title = f
        .required(d, "title")
        .and_then(|n| d.text(n, "the section title"));
    let text = f
        .optional("text")
        .and_then(|n| decode_prose(d, n, "the section text"));
    let items = f
        .optional("items")
        .map(|n| decode_items(d, n))
        .unwrap_or_default();
    let sections = f
        .optional("sections")
        .map(|n| decode_sections(d, n, level + 1))
        .unwrap_or_default();
    let pos = f.pos();
    let misspelt = !f.finish(d);
    Some(Section {
        title: title?,
        text,
        items,
        sections,
        pos,
        misspelt,
    })
}

fn decode_items(d: &mut Decoder, node: &Node) -> Vec<Item> {
    let Some(items) = d.list(node, "items") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| decode_item(d, item))
        .collect()
}

fn decode_item(d: &mut Decoder, node: &Node) -> Option<Item> {
    let pos = crate::load::node::pos(node);
    if let crate::load::node::Value::Map(_) = node.value {
        let mut f = d.fields(node, "an item", ITEM_FIELDS)?;
        let title = f
            .optional("title")
            .and_then(|n| d.text(n, "the item title"));
        let text = f
            .optional("text")
            .and_then(|n| decode_prose(d, n, "the item text"));
        f.finish(d);
        Some(Item { title, text, pos })
    } else {
        let text = decode_prose(d, node, "the item")?;
        Some(Item {
            title: None,
            text: Some(text),
            pos,
        })
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
    fn dates_parse_both_ways_and_reject_nonsense() {
        let d = Date::parse("2024-06-06").unwrap();
        assert_eq!(d.chinese(), "2024年6月6日");
        assert_eq!(Date::parse("2024年6月6日"), Some(d));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.iso()),
            Some("2024-02-29".into())
        );
        assert_eq!(Date::parse("2024-13-01"), None);
        assert_eq!(Date::parse("June 6"), None);
    }

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
