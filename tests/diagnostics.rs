//! Every invalid fixture beside the diagnostics it must give: `tests/fixtures/invalid/X.yaml`
//! and `X.stderr` (the short form, in English), so that a new error case is one pair of
//! files. After a deliberate change to a message, `GONGWEN_BLESS=1 cargo test --test
//! diagnostics` rewrites the `.stderr` files.

mod common;

use std::fs;

use common::*;

#[test]
fn every_invalid_fixture_gives_its_recorded_diagnostics() {
    let dir = manifest_dir().join("tests/fixtures/invalid");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 20, "{names:?}");
    let bless = std::env::var_os("GONGWEN_BLESS").is_some();
    let mut failures = Vec::new();
    for name in &names {
        let path = format!("tests/fixtures/invalid/{name}");
        let out = gongwen(&["--message-format", "short", "validate", &path]);
        let got = format!(
            "status {}\n{}",
            out.status.code().unwrap_or(-1),
            stderr(&out)
        );
        let expected_path = dir.join(name.replace(".yaml", ".stderr"));
        if bless {
            fs::write(&expected_path, &got).unwrap();
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == got => {}
            Ok(expected) => failures.push(format!("{name}:\nexpected:\n{expected}\ngot:\n{got}")),
            Err(_) => failures.push(format!("{name}: no {}", expected_path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
