//! An appendix table of a document (任务分解表, 指标, …): a header and rows of text, as
//! every table back-end (CSV, XLSX) reads it.

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its file-name suffix: `<stem>-<name>.csv`.
    pub name: &'static str,
    /// Its Chinese title: the XLSX sheet's name and title row.
    pub title: String,
    /// A sheet of the workbook only, with no CSV of its own (a unit's task list, whose rows
    /// the units CSV already holds).
    pub sheet_only: bool,
    /// A native chart of some of its columns, drawn beside it in the workbook.
    pub chart: Option<Chart>,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// A bar chart of a table: one bar a row, named by the `categories` column, a series for
/// each of the `values` columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub categories: usize,
    pub values: Vec<usize>,
}

/// A column whose header ends in `(%)` holds percentages (`24.97` for 24.97 %).
pub fn is_percent_column(header: &str) -> bool {
    header.ends_with("(%)")
}

/// A cell's text as a number, when it is written as one (`1260`, `-3.5`, `0.52`): never
/// text such as `2020年底`, `1e5` or ` 12`.
pub fn number(cell: &str) -> Option<f64> {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let valid = !whole.is_empty()
        && plain(whole)
        && plain(fraction)
        && fraction.is_empty() != digits.contains('.')
        // `007` is a code, not a number.
        && (whole == "0" || !whole.starts_with('0'));
    valid
        .then(|| cell.parse::<f64>().ok())
        .flatten()
        .filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_are_told_from_text() {
        assert_eq!(number("1260"), Some(1260.0));
        assert_eq!(number("-3.5"), Some(-3.5));
        assert_eq!(number("0.52"), Some(0.52));
        for text in [
            "2020年底",
            "1e5",
            " 12",
            "",
            "-",
            "1.",
            ".5",
            "007",
            "1,000",
            "NaN",
            "inf",
        ] {
            assert_eq!(number(text), None, "{text}");
        }
    }
}
