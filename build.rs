//! Writes two tables into OUT_DIR for the crate to include:
//! - `templates.rs`: every file of `templates/`, embedded (no hand-kept list of files);
//! - `kinds.rs`: `KINDS`, one entry for each `pub mod` line of the registry in
//!   `src/kinds/mod.rs`, in its order.
//!
//! The locale messages are compiled in by rust-i18n: rebuild when they change too.

use std::fmt::Write;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=src/kinds/mod.rs");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    let mut names: Vec<String> = std::fs::read_dir(root.join("templates"))
        .expect("the templates folder")
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let mut table = String::from("&[\n");
    for name in &names {
        let path = root.join("templates").join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            table,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a string");
    }
    table.push(']');
    std::fs::write(out.join("templates.rs"), table).expect("OUT_DIR is writable");

    let registry = std::fs::read_to_string(root.join("src/kinds/mod.rs")).expect("the registry");
    let block = registry
        .split("// registry:")
        .nth(1)
        .and_then(|rest| rest.split("// end of registry").next())
        .expect("src/kinds/mod.rs has a `// registry:` … `// end of registry` block");
    let modules: Vec<&str> = block
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';').trim())
        .collect();
    let entries: Vec<String> = modules
        .iter()
        .map(|m| format!("&{m}::Definition"))
        .collect();
    std::fs::write(out.join("kinds.rs"), format!("&[{}]", entries.join(", ")))
        .expect("OUT_DIR is writable");
}
