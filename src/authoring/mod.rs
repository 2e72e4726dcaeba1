//! Helping the people who write data files: the JSON Schema for editors (`schema`) and
//! conversion of existing plain-text documents (`import`). Skeletons (`new`) come from
//! each kind's declarations.

use serde_json::{Map, Value, json};

pub mod read;
mod script;

use crate::kinds::common::import::prepare;
use crate::kinds::{DEFAULT_SCHEMA_REFERENCE, KINDS, Kind};

/// The whole schema (draft-07), every kind chosen by its `kind`.
pub fn schema() -> Value {
    let mut definitions = Map::new();
    let choices: Vec<Value> = KINDS
        .iter()
        .map(|k| {
            let reference = k.schema(&mut definitions);
            json!({"if": {"properties": {"kind": {"const": k.name()}}}, "then": reference})
        })
        .collect();
    let names = crate::kinds::names();
    let described: Vec<String> = KINDS
        .iter()
        .map(|k| format!("{}（{}）", k.label(), k.name()))
        .collect();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "gongwen 数据文件",
        "description": format!("gongwen 公文数据文件：{}", described.join("、")),
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": names, "description": "文种"}},
        "allOf": choices,
        "definitions": definitions,
    })
}

/// The schema as pretty JSON with a final newline.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("the schema serializes");
    text.push('\n');
    text
}

/// Imports a document as a data file of `kind` (or the kind it reads as): the YAML text.
/// The bytes are a `.docx` file or plain text in any of the usual encodings.
pub fn import(
    bytes: &[u8],
    kind: Option<&dyn Kind>,
    source_name: &str,
) -> Result<String, read::ReadError> {
    let mut notes = Vec::new();
    let text = if read::is_zip(bytes) {
        notes.push("Word 文档，段落样式和自动编号已写成编号".to_owned());
        read::docx_lines(bytes)?
    } else {
        let decoded = read::decode_text(bytes);
        if let Some(encoding) = decoded.encoding {
            notes.push(format!("原文编码为 {encoding}"));
        }
        decoded.text
    };
    let (text, changes) = script::simplify(&text);
    if changes.glosses > 0 {
        notes.push(format!("删去拼音注音 {} 处", changes.glosses));
    }
    if changes.converted > 0 {
        notes.push(format!("繁体字已转为简体字（{} 字）", changes.converted));
    }
    let text = prepare(&text);
    if text.lead_sections > 0 {
        notes.push(format!(
            "{} 个段落的首句（加粗或短句）已作为小节标题",
            text.lead_sections
        ));
    }
    // The kind the text reads as most strongly; the first kind (the work report) when none
    // scores, and the earlier kind of two that score the same.
    let kind = kind.unwrap_or_else(|| {
        let mut best = (0, KINDS[0]);
        for &candidate in KINDS {
            let score = candidate.score(&text.lines);
            if score > best.0 {
                best = (score, candidate);
            }
        }
        best.1
    });
    // The name goes into a comment line: a line break in it must not end the comment.
    let source_name = crate::diag::printable(source_name)
        .replace('\n', "\\n")
        .replace('\r', "\\r");
    let mut out = format!(
        "# yaml-language-server: $schema={DEFAULT_SCHEMA_REFERENCE}\n# 由 gongwen import 从 {source_name} 导入：请核对；〖…〗处为未能识别、需要填写的内容。\n"
    );
    if !notes.is_empty() {
        out.push_str(&format!("# 导入时：{}。\n", notes.join("；")));
    }
    kind.import(&text).emit(0, &mut out);
    Ok(out)
}
