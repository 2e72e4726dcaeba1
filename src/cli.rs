//! Command-line arguments, and the exit status of each command.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;
use crate::render::tables::CsvEncoding;

#[derive(Parser)]
#[command(
    name = "gongwen",
    version,
    about = "Chinese official documents (公文) from YAML data: Markdown, CSV appendices and PDF"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check data files and report every problem as FILE:LINE:COL
    Validate {
        /// Data files or folders (every *.yaml / *.yml in them)
        #[arg(default_value = "data")]
        paths: Vec<PathBuf>,
    },
    /// Render data files into Markdown and CSV appendices
    Build(BuildArgs),
}

#[derive(Args)]
pub struct BuildArgs {
    /// Data files or folders (every *.yaml / *.yml in them)
    #[arg(default_value = "data")]
    pub paths: Vec<PathBuf>,
    /// Output folder
    #[arg(short = 'o', long = "out", default_value = "out")]
    pub out_dir: PathBuf,
    /// Output formats, comma-separated
    #[arg(long, value_delimiter = ',', default_value = "md,csv")]
    pub format: Vec<Format>,
    /// Folder whose templates replace the built-in ones of the same name
    /// [default: templates/ when it exists]
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Encoding of CSV files
    #[arg(long, value_enum, default_value_t = CsvEncoding::Utf8Bom)]
    pub csv_encoding: CsvEncoding,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Md,
    Csv,
    Pdf,
}

/// The exit status: 0 all good, 1 some document invalid or not built, 2 usage or I/O.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok = 0,
    Invalid = 1,
    Usage = 2,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Validate { paths } => commands::validate(&paths),
        Command::Build(args) => commands::build(&args),
    };
    ExitCode::from(status as u8)
}
