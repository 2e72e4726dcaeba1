//! gongwen: Chinese official documents from YAML data.
//!
//! The pipeline, one module a stage: `load` (read, parse, decode) → `validate` →
//! `render` (templates → Markdown, CSV tables) → `write` (atomic files).
//! Document kinds live in `kinds`; `commands` runs the stages for the CLI.

pub mod authoring;
pub mod build;
pub mod cli;
pub mod commands;
pub mod diag;
pub mod kinds;
pub mod load;
pub mod pdf;
pub mod render;
pub mod validate;
pub mod write;
