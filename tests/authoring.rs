//! Authoring: skeletons (`new`), the JSON Schema (`schema`) and `import`.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// Fills every `〖…〗` of a skeleton with a value of the kind it asks for.
fn fill(skeleton: &str) -> String {
    let mut out = String::new();
    let mut rest = skeleton;
    while let Some(start) = rest.find('〖') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('〗').unwrap() + '〗'.len_utf8();
        let inside = &rest[start + '〖'.len_utf8()..end - '〗'.len_utf8()];
        let value = match inside {
            s if s.starts_with("年份") => "2024",
            s if s.starts_with("日期") => "2024-06-06",
            s if s.starts_with("数值") => "12",
            s if s.starts_with("编号") => "0520",
            s if s.starts_with("文号") => "测科提字〔2024〕第1号",
            s if s.starts_with("联系电话") => "0311-85057592",
            _ => "示例文字",
        };
        out.push_str(value);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn skeletons_fail_with_positions_until_filled_then_pass() {
    for kind in ["work-report", "proposal-reply", "action-plan", "notice"] {
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

// ---- import ---------------------------------------------------------------------------

use gongwen::kinds::common::import::{clean_lines, heading, split_run_in};

/// The numbered headings of a text, in order: their level and title.
fn numbered_headings(lines: impl Iterator<Item = String>) -> Vec<(usize, String)> {
    lines
        .filter_map(|line| {
            let line = line.trim_start_matches('#').trim().to_owned();
            let (level, rest) = heading(&line)?;
            Some((level, split_run_in(rest).0))
        })
        .collect()
}

#[test]
fn imported_texts_validate_and_render_back_with_the_same_headings() {
    for (name, kind) in [
        ("report", "work-report"),
        ("reply", "proposal-reply"),
        ("plan", "action-plan"),
    ] {
        let dir = temp_dir();
        let source = manifest_dir().join(format!("tests/fixtures/import/{name}.txt"));
        fs::copy(&source, dir.path().join("in.txt")).unwrap();
        let out = gongwen_in(dir.path(), &["import", "in.txt"]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let yaml = fs::read_to_string(dir.path().join("in.yaml")).unwrap();
        assert!(
            yaml.contains(&format!("kind: \"{kind}\"")),
            "{name} recognised as {kind}:\n{yaml}"
        );
        for furniture in [
            "发布时间",
            "分享到",
            "此处隐藏",
            "在线咨询",
            "社交媒体",
            "政策解读",
            "【字体",
        ] {
            assert!(
                !yaml.contains(furniture),
                "{name}: `{furniture}` kept:\n{yaml}"
            );
        }
        let data: String = yaml.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(
            !data.contains('〖'),
            "{name}: everything recognised:\n{yaml}"
        );

        let out = gongwen_in(dir.path(), &["validate", "in.yaml"]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let out = gongwen_in(dir.path(), &["build", "in.yaml", "--format", "md"]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let markdown = fs::read_to_string(dir.path().join("out/in.md")).unwrap();
        let original =
            numbered_headings(clean_lines(&fs::read_to_string(&source).unwrap()).into_iter());
        let rendered = numbered_headings(markdown.lines().map(str::to_owned));
        assert!(original.len() >= 5, "{name}: {original:?}");
        assert_eq!(rendered, original, "{name}: headings differ");
    }
}

#[test]
fn import_understands_both_punctuation_widths() {
    let dir = temp_dir();
    let half = fs::read_to_string(manifest_dir().join("tests/fixtures/import/reply.txt")).unwrap();
    let full = half
        .replace(':', "：")
        .replace('(', "（")
        .replace(')', "）")
        .replace(',', "，")
        .replace('[', "〔")
        .replace(']', "〕");
    fs::write(dir.path().join("half.txt"), &half).unwrap();
    fs::write(dir.path().join("full.txt"), &full).unwrap();
    for name in ["half", "full"] {
        let out = gongwen_in(dir.path(), &["import", &format!("{name}.txt")]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let body = |name: &str| {
        let text = fs::read_to_string(dir.path().join(format!("{name}.yaml"))).unwrap();
        text.lines().skip(2).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(body("half"), body("full"));
    assert!(body("half").contains("doc_number: \"测科提字〔2024〕第3号\""));
}

#[test]
fn import_takes_a_kind_and_keeps_existing_files() {
    let dir = temp_dir();
    fs::copy(
        manifest_dir().join("tests/fixtures/import/report.txt"),
        dir.path().join("r.txt"),
    )
    .unwrap();
    let out = gongwen_in(dir.path(), &["import", "r.txt", "--kind", "letter"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown document kind `letter`"));
    fs::write(dir.path().join("r.yaml"), "mine").unwrap();
    let out = gongwen_in(dir.path(), &["import", "r.txt", "--kind", "work-report"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(dir.path().join("r.yaml")).unwrap(),
        "mine"
    );
    let out = gongwen_in(dir.path(), &["import", "r.txt", "-o", "other.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
}
