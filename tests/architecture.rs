//! The stages depend on each other in one direction: no module of the crate imports one
//! that imports it back, however indirectly. Read from the source, so a new `use` that
//! closes a cycle fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Each top-level module of the crate and the top-level modules it refers to.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).unwrap();
            let module = relative
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            if module == "lib" || module == "main" {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            let used = graph.entry(module.clone()).or_default();
            for (i, _) in text.match_indices("crate::") {
                let rest = &text[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    used.insert(name);
                }
            }
            // `use crate::{a, b}` names several at once.
            for (i, _) in text.match_indices("crate::{") {
                let rest = &text[i + "crate::{".len()..];
                let inner = &rest[..rest.find('}').unwrap_or(0)];
                for part in inner.split(',') {
                    let name = part.trim().split("::").next().unwrap_or("").to_owned();
                    if !name.is_empty() && name != module {
                        used.insert(name);
                    }
                }
            }
        }
    }
    graph
}

/// A cycle through `start`, if there is one: the modules along it.
fn cycle_from(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    node: &str,
    path: &mut Vec<String>,
    seen: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    for next in graph.get(node).into_iter().flatten() {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(start.to_owned());
            return Some(cycle);
        }
        if seen.insert(next.clone()) {
            path.push(next.clone());
            if let Some(found) = cycle_from(graph, start, next, path, seen) {
                return Some(found);
            }
            path.pop();
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = dependencies();
    assert!(
        graph.contains_key("load") && graph.contains_key("pdf"),
        "{graph:?}"
    );
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|start| {
            let mut path = vec![start.clone()];
            cycle_from(&graph, start, start, &mut path, &mut BTreeSet::new()).map(|c| c.join(" → "))
        })
        .collect();
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_stages_run_in_one_direction() {
    let graph = dependencies();
    let uses = |a: &str, b: &str| graph.get(a).is_some_and(|d| d.contains(b));
    // Earlier stages never reach into later ones.
    for (earlier, later) in [
        ("load", "validate"),
        ("load", "render"),
        ("kinds", "load"),
        ("kinds", "validate"),
        ("kinds", "render"),
        ("kinds", "pdf"),
        ("render", "pdf"),
        ("pdf", "render"),
        ("commands", "cli"),
        ("build", "cli"),
    ] {
        assert!(!uses(earlier, later), "`{earlier}` uses `{later}`");
    }
}
