//! Authoring: skeletons (`new`) and the JSON Schema (`schema`); `import` is in import.rs.

mod common;

use std::fs;
use std::path::Path;

use common::*;

#[test]
fn skeletons_fail_with_positions_until_filled_then_pass() {
    for kind in gongwen::kinds::names() {
        let dir = temp_dir();
        let out = gongwen_in(dir.path(), &["new", kind, "-o", "doc.yaml"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let skeleton = fs::read_to_string(dir.path().join("doc.yaml")).unwrap();
        assert!(skeleton.contains(&format!("kind: {kind}")));
        assert!(
            skeleton.lines().filter(|l| l.contains("# ")).count() > 10,
            "commented in Chinese"
        );

        let out = gongwen_in(dir.path(), &["validate", "doc.yaml"]);
        assert_eq!(out.status.code(), Some(1), "{kind}");
        let found = diagnostics(&out);
        // One error per line holding a placeholder (outside comments), each at its line.
        let placeholder_lines: Vec<usize> = skeleton
            .lines()
            .enumerate()
            .filter(|(_, l)| l.split('#').next().unwrap().contains('〖'))
            .map(|(i, _)| i + 1)
            .collect();
        let mut reported: Vec<usize> = found
            .iter()
            .map(|d| d.split(':').nth(1).unwrap().parse().unwrap())
            .collect();
        reported.dedup();
        assert_eq!(reported, placeholder_lines, "{kind}: {found:#?}");
        assert!(
            found.iter().all(|d| d.contains(": error: placeholder 〖")),
            "{found:#?}"
        );

        fs::write(dir.path().join("doc.yaml"), fill(&skeleton)).unwrap();
        let out = gongwen_in(dir.path(), &["validate", "doc.yaml"]);
        assert!(out.status.success(), "{kind} filled: {}", stderr(&out));
        assert!(diagnostics(&out).is_empty(), "{}", stderr(&out));
    }
}

#[test]
fn new_refuses_to_overwrite_and_unknown_kinds() {
    let dir = temp_dir();
    fs::write(dir.path().join("doc.yaml"), "mine").unwrap();
    let out = gongwen_in(dir.path(), &["new", "work-report", "-o", "doc.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(dir.path().join("doc.yaml")).unwrap(),
        "mine"
    );
    let out = gongwen_in(dir.path(), &["new", "letter"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the kinds are: work-report, proposal-reply, action-plan"));
}

fn schema() -> jsonschema::Validator {
    let text = fs::read_to_string(manifest_dir().join("schema/gongwen.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::new(&schema).expect("a valid draft-07 schema")
}

fn as_json(yaml: &str) -> serde_json::Value {
    serde_saphyr::from_str(yaml).expect("YAML that the validator accepted")
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let out = gongwen(&["schema"]);
    assert!(out.status.success());
    let committed = fs::read_to_string(manifest_dir().join("schema/gongwen.schema.json")).unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        committed,
        "run `gongwen schema -o schema/gongwen.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    // Descriptions are the decoders' own Chinese help texts.
    assert_eq!(
        schema["definitions"]["WorkReport"]["properties"]["organ"]["description"],
        "发文机关，如“某市科学技术局”"
    );
}

/// Every document the validator accepts is accepted by the schema.
fn assert_schema_accepts(path: &Path) {
    let out = gongwen(&["validate", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}: {}", path.display(), stderr(&out));
    let json = as_json(&fs::read_to_string(manifest_dir().join(path)).unwrap());
    let errors: Vec<String> = schema()
        .iter_errors(&json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
}

#[test]
fn every_sample_carries_the_modeline_and_meets_the_schema() {
    for entry in fs::read_dir(manifest_dir().join("data")).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schema/gongwen.schema.json\n"),
            "{} lacks the modeline",
            path.display()
        );
        assert_schema_accepts(Path::new("data").join(path.file_name().unwrap()).as_path());
    }
    assert_schema_accepts(Path::new("tests/fixtures/valid/minimal.yaml"));
    assert_schema_accepts(Path::new("tests/fixtures/linked/report.yaml"));
    assert_schema_accepts(Path::new("tests/fixtures/linked/plan.yaml"));
}

#[test]
fn the_schema_refuses_what_the_validator_refuses_most_plainly() {
    let schema = schema();
    let bad = as_json(
        "kind: work-report\norgan: x\nyear: 2024\ndate: 2024-01-01\ntitel: y\nreview: {sections: []}\nplan: {sections: []}\n",
    );
    assert!(!schema.is_valid(&bad), "an unknown field");
    let bad = as_json("kind: proposal-reply\nresult: D\n");
    assert!(
        !schema.is_valid(&bad),
        "a result outside A/B/C and missing fields"
    );
}
