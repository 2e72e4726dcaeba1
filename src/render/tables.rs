//! CSV appendices: the tables of a document and their encoding for spreadsheets.

use crate::kinds::common::Figure;
use crate::load::decode::format_number;

/// One CSV appendix, written as `<stem>-<name>.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
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

/// The headline figures with their year-on-year change: `<stem>-metrics.csv`.
pub fn metrics(figures: &[Figure]) -> Table {
    Table {
        name: "metrics",
        header: vec!["指标", "数值", "单位", "上年", "同比增减(%)"],
        rows: figures
            .iter()
            .map(|f| {
                vec![
                    f.name.value.clone(),
                    f.value.text.clone(),
                    f.unit.clone(),
                    f.previous
                        .as_ref()
                        .map(|p| p.text.clone())
                        .unwrap_or_default(),
                    f.change_percent()
                        .map(|c| format_number((c * 100.0).round() / 100.0))
                        .unwrap_or_default(),
                ]
            })
            .collect(),
    }
}

/// A character that the chosen encoding cannot represent.
#[derive(Debug, PartialEq)]
pub struct Unencodable {
    pub character: char,
    pub cell: String,
}

/// The table as CSV bytes in the chosen encoding.
pub fn encode(table: &Table, encoding: CsvEncoding) -> Result<Vec<u8>, Unencodable> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, record: &[&str]| {
        w.write_record(record)
            .expect("writing CSV to memory cannot fail");
    };
    write(&mut writer, &table.header);
    for row in &table.rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        write(&mut writer, &cells);
    }
    let utf8 = writer
        .into_inner()
        .expect("flushing CSV to memory cannot fail");
    match encoding {
        CsvEncoding::Utf8 => Ok(utf8),
        CsvEncoding::Utf8Bom => Ok([b"\xEF\xBB\xBF".as_slice(), &utf8].concat()),
        CsvEncoding::Gbk => {
            let text = String::from_utf8(utf8).expect("CSV of UTF-8 strings is UTF-8");
            let (bytes, _, had_errors) = encoding_rs::GBK.encode(&text);
            if had_errors {
                return Err(first_unencodable(table));
            }
            Ok(bytes.into_owned())
        }
    }
}

fn first_unencodable(table: &Table) -> Unencodable {
    let cells = table
        .header
        .iter()
        .map(|h| h.to_string())
        .chain(table.rows.iter().flatten().cloned());
    for cell in cells {
        for character in cell.chars() {
            let (_, _, bad) = encoding_rs::GBK.encode(character.encode_utf8(&mut [0; 4]));
            if bad {
                return Unencodable { character, cell };
            }
        }
    }
    unreachable!("GBK reported an error, so some character is unencodable")
}
