//! Helping the people who write data files: the JSON Schema for editors (`schema`) and
//! conversion of existing plain-text documents (`import`). Skeletons (`new`) come from
//! each kind's declarations.

use serde_json::{Map, Value, json};

use crate::kinds::common::import::clean_lines;
use crate::kinds::{KINDS, Kind};

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

/// Imports a text as a data file of `kind` (or the kind it reads as): the YAML text.
pub fn import(text: &str, kind: Option<&dyn Kind>, source_name: &str) -> String {
    let lines = clean_lines(text);
    // The first kind that recognises the text; else the first kind (the work report).
    let kind = kind.unwrap_or_else(|| {
        KINDS
            .iter()
            .copied()
            .find(|k| k.recognise(&lines))
            .unwrap_or(KINDS[0])
    });
    let mut out = format!(
        "# yaml-language-server: $schema=../schema/gongwen.schema.json\n# 由 gongwen import 从 {source_name} 导入：请核对；〖…〗处为未能识别、需要填写的内容。\n"
    );
    kind.import(&lines).emit(0, &mut out);
    out
}
