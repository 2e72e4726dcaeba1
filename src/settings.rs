//! What a run is asked to do, apart from how the command line spelt it: the library's
//! build settings and the exit status of a command.

use std::path::PathBuf;

/// The exit status: 0 all good, 1 some document invalid or not built, 2 usage or I/O.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok = 0,
    Invalid = 1,
    Usage = 2,
    /// Stopped by Ctrl-C or SIGTERM.
    Interrupted = 130,
}

/// An output format of `build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Csv,
    Pdf,
    /// The Typst source that `typst compile` turns into the PDF.
    Typ,
    /// Word/WPS document.
    Docx,
    /// Excel workbook of the appendix tables.
    Xlsx,
    /// OFD (GB/T 33190), the national fixed-layout format: the PDF's pages.
    Ofd,
    /// The PDF's pages as SVG images, one file a page (what `serve` shows).
    Svg,
}

impl Format {
    /// The format's name in messages.
    pub fn label(self) -> &'static str {
        match self {
            Format::Md => "Markdown",
            Format::Csv => "CSV",
            Format::Pdf => "PDF",
            Format::Typ => "Typst",
            Format::Docx => "DOCX",
            Format::Xlsx => "XLSX",
            Format::Ofd => "OFD",
            Format::Svg => "SVG",
        }
    }
}

/// How CSV files are encoded. Excel and WPS on Chinese Windows read UTF-8 only with a BOM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CsvEncoding {
    #[value(name = "utf-8")]
    Utf8,
    #[default]
    #[value(name = "utf-8-bom")]
    Utf8Bom,
    #[value(name = "gbk")]
    Gbk,
}

/// Everything `build` and `watch` need to know.
#[derive(Clone, Debug)]
pub struct BuildSettings {
    /// Data files or folders.
    pub paths: Vec<PathBuf>,
    pub out_dir: PathBuf,
    pub formats: Vec<Format>,
    /// The folder whose templates replace the built-in ones, if any.
    pub templates: Option<PathBuf>,
    pub csv_encoding: CsvEncoding,
    /// Documents built at once.
    pub jobs: usize,
    /// Build even the documents unchanged since the last build.
    pub force: bool,
    /// No progress and no line per built document.
    pub quiet: bool,
    /// 套打: leave the 版头's mark and red rules blank for pre-printed paper.
    pub letterhead: bool,
    /// The PDF standards typst enforces (`--pdf-standard`), if any.
    pub pdf_standard: Option<crate::pdf::standard::PdfStandard>,
    /// `--summary NAME`: the name of the replies' 办理情况汇总表, which is then written even
    /// for a single reply.
    pub summary: Option<String>,
    /// `--session`: the session the summary is limited to.
    pub session: Option<String>,
    /// `--by-unit`: each plan's tasks also as one document per responsible unit.
    pub by_unit: bool,
    /// `--charts`: the work reports' charts as an attachment of the PDF (a table in the DOCX).
    pub charts: bool,
}

impl BuildSettings {
    pub fn wants(&self, format: Format) -> bool {
        self.formats.contains(&format)
    }
}
