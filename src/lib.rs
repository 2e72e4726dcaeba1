//! gongwen: Chinese official documents from YAML data.
//!
//! The stages run in one direction, one module each: `load` (find, read and parse the
//! files, decode each document, resolve links into one library) → `validate` → `render`
//! (templates → Markdown with the official parts as front matter, and tables) → the
//! back-ends (`pdf`, `render::csv`) → `write` (atomic files). Document kinds live in
//! `kinds`, one folder each; `decode` declares and reads their fields; `official` is the
//! contract between the Markdown and the back-ends; `zh` holds the Chinese conventions;
//! `diag` the diagnostics and their printer. `commands` runs the stages, `cli` parses.

// A diagnostic is returned once per failed command or document, never in a hot loop:
// its size does not matter, and boxing it would only add noise to every signature.
#![allow(clippy::result_large_err)]

rust_i18n::i18n!("locales", fallback = "en");

/// `rust_i18n::t!` in the language of the running scope (see [`scope`]), so that requests
/// served at once each get their own.
#[macro_export]
macro_rules! t {
    ($($arg:tt)*) => {
        rust_i18n::t!($($arg)*, locale = &$crate::diag::scope::locale())
    };
}

pub mod authoring;
pub mod build;
pub mod cli;
pub mod commands;
pub mod decode;
pub mod diag;
pub mod docx;
pub mod interrupt;
pub mod kinds;
pub mod load;
pub mod ofd;
pub mod official;
pub mod parallel;
pub mod pdf;
pub mod plan;
pub mod process;
pub mod render;
pub mod serve;
pub mod settings;
pub mod table;
pub mod templates;
pub mod validate;
pub mod write;
pub mod zh;
