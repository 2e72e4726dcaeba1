//! CSV appendices: a document's tables encoded for spreadsheets.

pub use crate::settings::CsvEncoding;
use crate::table::Table;

/// A character that the chosen encoding cannot represent.
#[derive(Debug, PartialEq)]
pub struct Unencodable {
    pub character: char,
    pub cell: String,
}

/// A text cell that Excel or WPS would run as a formula (`=`, `+`, `-`, `@`, or a tab or
/// carriage return before one) gets a leading `'`, which spreadsheets show as text; numbers
/// such as `-12.5` stay numbers.
pub fn defuse_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
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
        let cells: Vec<std::borrow::Cow<str>> = row.iter().map(|c| defuse_formula(c)).collect();
        let cells: Vec<&str> = cells.iter().map(|c| c.as_ref()).collect();
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

#[cfg(test)]
mod tests {
    use super::defuse_formula;

    #[test]
    fn formulas_are_defused_but_numbers_kept() {
        assert_eq!(defuse_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse_formula("+1+2"), "'+1+2");
        assert_eq!(defuse_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse_formula("-cmd"), "'-cmd");
        assert_eq!(defuse_formula("\t=1"), "'\t=1");
        assert_eq!(defuse_formula("-12.5"), "-12.5");
        assert_eq!(defuse_formula("市财政局"), "市财政局");
    }
}
