//! An appendix table of a document (任务分解表, 指标, …): a header and rows of text, as
//! every table back-end (CSV today) reads it.

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its file-name suffix: `<stem>-<name>.csv`.
    pub name: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}
