//! `gongwen schema`: a JSON Schema (draft-07) of every kind, for editors with the YAML
//! language server. Titles and descriptions come from the decoders' own field tables, so
//! the hints of `validate` and the help on hover say the same thing.

use serde_json::{Map, Value, json};

use crate::kinds::{action_plan as plan, common, proposal_reply as reply, work_report as report};
use crate::load::decode::FieldSpec;

/// A field as it may be written, optional or required.
struct Field {
    name: &'static str,
    schema: Value,
    required: bool,
}

fn req(name: &'static str, schema: Value) -> Field {
    Field {
        name,
        schema,
        required: true,
    }
}

/// An optional field may also be left empty (`title:`), which counts as absent.
fn opt(name: &'static str, schema: Value) -> Field {
    Field {
        name,
        schema: json!({"anyOf": [schema, {"type": "null"}]}),
        required: false,
    }
}

/// Text fields also take what YAML reads as a number or yes/no: the decoder keeps it as
/// written (`number: 0520`).
fn text() -> Value {
    json!({"type": ["string", "number", "boolean"]})
}

fn list(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

fn date() -> Value {
    json!({"type": "string", "pattern": "^\\s*\\d{4}(-\\d{1,2}-\\d{1,2}|年\\d{1,2}月\\d{1,2}日)\\s*$"})
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/definitions/{name}")})
}

/// A closed mapping: unknown fields are errors, as for the validator.
fn object(title: &str, specs: &[FieldSpec], fields: Vec<Field>) -> Value {
    let mut properties = Map::new();
    for field in &fields {
        let help = specs
            .iter()
            .find(|s| s.name == field.name)
            .map_or("", |s| s.help);
        let mut schema = field.schema.clone();
        if let Value::Object(map) = &mut schema {
            map.insert("description".into(), help.into());
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

fn kind(name: &str) -> Value {
    json!({"const": name})
}

/// The whole schema, every kind chosen by its `kind`.
pub fn schema() -> Value {
    let prose = text;
    let definitions = json!({
        "figure": object("指标", common::FIGURE_FIELDS, vec![
            req("id", json!({"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]*$"})),
            req("name", text()),
            req("value", json!({"type": "number"})),
            opt("unit", text()),
            opt("target", text()),
            opt("previous", json!({"type": "number"})),
        ]),
        "section": object("小节", common::SECTION_FIELDS, vec![
            req("title", text()),
            opt("text", prose()),
            opt("items", list(json!({"anyOf": [prose(), reference("item")]}))),
            opt("sections", list(reference("section"))),
        ]),
        "item": object("分项（一是、二是……）", common::ITEM_FIELDS, vec![
            opt("title", text()),
            opt("text", prose()),
        ]),
        "part": object("总结或计划部分", report::PART_FIELDS, vec![
            opt("heading", text()),
            opt("lead", prose()),
            req("sections", list(reference("section"))),
        ]),
        "work-report": object("工作总结和工作计划", report::FIELDS, vec![
            req("kind", kind(report::KIND)),
            req("organ", text()),
            req("year", json!({"type": "integer"})),
            req("date", date()),
            opt("title", text()),
            opt("action_plan", text()),
            opt("figures", list(reference("figure"))),
            opt("lead", prose()),
            req("review", reference("part")),
            req("plan", reference("part")),
        ]),
        "proposal": object("提案或建议", reply::PROPOSAL_FIELDS, vec![
            req("meeting", text()),
            req("number", text()),
            req("title", text()),
            req("proposer", text()),
            req("role", json!({"enum": ["委员", "代表"]})),
            req("type", json!({"enum": ["提案", "建议"]})),
        ]),
        "contact": object("联系人", reply::CONTACT_FIELDS, vec![
            req("name", text()),
            req("phone", text()),
        ]),
        "proposal-reply": object("提案答复或建议答复", reply::FIELDS, vec![
            req("kind", kind(reply::KIND)),
            req("organ", text()),
            req("date", date()),
            req("doc_number", text()),
            req("result", json!({"enum": ["A", "B", "C"]})),
            opt("reason", prose()),
            req("public", json!({"type": "boolean"})),
            req("proposal", reference("proposal")),
            opt("figures", list(reference("figure"))),
            opt("lead", prose()),
            req("sections", list(reference("section"))),
            opt("closing", prose()),
            req("signed_by", text()),
            req("contact", reference("contact")),
            opt("cc", list(text())),
        ]),
        "target": object("目标", plan::TARGET_FIELDS, vec![
            req("id", json!({"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]*$"})),
            req("name", text()),
            req("value", json!({"type": "number"})),
            opt("unit", text()),
            opt("comparison", json!({"enum": plan::Comparison::names()})),
            req("year", json!({"type": "integer"})),
            opt("baseline", json!({"type": "number"})),
        ]),
        "task": object("任务或保障措施", plan::TASK_FIELDS, vec![
            req("title", text()),
            opt("text", prose()),
            opt("lead_units", list(text())),
            opt("units", list(text())),
            opt("targets", list(reference("target"))),
            opt("deadline", text()),
        ]),
        "action-plan": object("行动计划", plan::FIELDS, vec![
            req("kind", kind(plan::KIND)),
            req("title", text()),
            req("organ", text()),
            req("period", object("计划期", plan::PERIOD_FIELDS, vec![
                req("first", json!({"type": "integer"})),
                req("last", json!({"type": "integer"})),
            ])),
            req("date", date()),
            req("guiding", prose()),
            req("goals", object("主要目标", plan::GOALS_FIELDS, vec![
                opt("lead", prose()),
                req("groups", list(object("目标分组", plan::GOAL_GROUP_FIELDS, vec![
                    req("title", text()),
                    opt("targets", list(reference("target"))),
                    opt("text", prose()),
                ]))),
            ])),
            req("tasks", list(object("任务分组", plan::TASK_GROUP_FIELDS, vec![
                req("title", text()),
                req("tasks", list(reference("task"))),
            ]))),
            opt("safeguards", list(reference("task"))),
        ]),
    });
    let choices: Vec<Value> = crate::kinds::KINDS
        .iter()
        .map(|k| json!({"if": {"properties": {"kind": {"const": k}}}, "then": reference(k)}))
        .collect();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "gongwen 数据文件",
        "description": "gongwen 公文数据文件：工作总结（work-report）、提案答复（proposal-reply）、行动计划（action-plan）",
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": crate::kinds::KINDS, "description": "文种"}},
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field a decoder knows is in the schema, and nothing else: the two cannot drift.
    #[test]
    fn schema_fields_match_the_decoders() {
        let schema = schema();
        let defs = &schema["definitions"];
        let check = |object: &Value, specs: &[FieldSpec]| {
            let mut in_schema: Vec<&str> = object["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let mut known: Vec<&str> = specs.iter().map(|s| s.name).collect();
            in_schema.sort();
            known.sort();
            assert_eq!(in_schema, known);
        };
        check(&defs["figure"], common::FIGURE_FIELDS);
        check(&defs["section"], common::SECTION_FIELDS);
        check(&defs["item"], common::ITEM_FIELDS);
        check(&defs["part"], report::PART_FIELDS);
        check(&defs["work-report"], report::FIELDS);
        check(&defs["proposal"], reply::PROPOSAL_FIELDS);
        check(&defs["contact"], reply::CONTACT_FIELDS);
        check(&defs["proposal-reply"], reply::FIELDS);
        check(&defs["target"], plan::TARGET_FIELDS);
        check(&defs["task"], plan::TASK_FIELDS);
        check(&defs["action-plan"], plan::FIELDS);
        check(
            &defs["action-plan"]["properties"]["period"],
            plan::PERIOD_FIELDS,
        );
        check(
            &defs["action-plan"]["properties"]["goals"],
            plan::GOALS_FIELDS,
        );
    }
}
