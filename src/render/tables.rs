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
                    f.unit.value.clone(),
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

use crate::kinds::action_plan::{ActionPlan, Task};
use crate::render::filters::heading_number;

/// The task decomposition table (任务分解表): `<stem>-tasks.csv`.
pub fn plan_tasks(plan: &ActionPlan) -> Table {
    let units = |list: &[crate::load::decode::Located<String>]| {
        list.iter()
            .map(|u| u.value.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    Table {
        name: "tasks",
        header: vec!["序号", "任务", "牵头单位", "责任单位", "目标", "完成时限"],
        rows: plan
            .tasks()
            .map(|task| {
                let targets: Vec<String> = task
                    .targets
                    .iter()
                    .map(|t| format!("{}（{}年）", t.phrase(), t.year.value))
                    .collect();
                vec![
                    task.number.to_string(),
                    task.title.value.clone(),
                    units(&task.lead_units),
                    units(&task.units),
                    targets.join("；"),
                    plan.deadline(task),
                ]
            })
            .collect(),
    }
}

/// Every target of the plan with its group: `<stem>-targets.csv`.
pub fn plan_targets(plan: &ActionPlan) -> Table {
    let mut rows = Vec::new();
    let mut push = |group: String, t: &crate::kinds::action_plan::Target| {
        rows.push(vec![
            group,
            t.figure.id.value.clone(),
            t.figure.name.value.clone(),
            t.figure.value.text.clone(),
            t.figure.unit.value.clone(),
            t.comparison.label().to_owned(),
            t.year.value.to_string(),
            t.baseline
                .as_ref()
                .map(|b| b.text.clone())
                .unwrap_or_default(),
        ]);
    };
    for group in &plan.goals {
        for target in &group.targets {
            push(format!("主要目标：{}", group.title.value), target);
        }
    }
    for task in plan.tasks() {
        for target in &task.targets {
            push(format!("任务{}：{}", task.number, task.title.value), target);
        }
    }
    Table {
        name: "targets",
        header: vec![
            "分组",
            "代号",
            "指标",
            "目标值",
            "单位",
            "比较",
            "年份",
            "基数",
        ],
        rows,
    }
}

/// For every unit named anywhere, the tasks it leads and the tasks it shares:
/// `<stem>-units.csv`, so each department sees its own list.
pub fn plan_units(plan: &ActionPlan) -> Table {
    let mut order: Vec<String> = Vec::new();
    let mut leads: std::collections::HashMap<String, Vec<String>> = Default::default();
    let mut shares: std::collections::HashMap<String, Vec<String>> = Default::default();
    let label_task = |task: &Task| format!("{}.{}", task.number, task.title.value);
    let safeguard_label = |task: &Task| {
        let number = heading_number(task.number as u32, 2).unwrap_or_default();
        format!("保障措施{number}{}", task.title.value)
    };
    let labelled = plan
        .tasks()
        .map(|t| (t, label_task(t)))
        .chain(plan.safeguards.iter().map(|t| (t, safeguard_label(t))));
    for (task, label) in labelled {
        for (list, map) in [(&task.lead_units, &mut leads), (&task.units, &mut shares)] {
            for unit in list {
                if !order.contains(&unit.value) {
                    order.push(unit.value.clone());
                }
                map.entry(unit.value.clone())
                    .or_default()
                    .push(label.clone());
            }
        }
    }
    Table {
        name: "units",
        header: vec!["单位", "牵头任务数", "牵头任务", "参与任务数", "参与任务"],
        rows: order
            .into_iter()
            .map(|unit| {
                let led = leads.remove(&unit).unwrap_or_default();
                let shared = shares.remove(&unit).unwrap_or_default();
                vec![
                    unit,
                    led.len().to_string(),
                    led.join("；"),
                    shared.len().to_string(),
                    shared.join("；"),
                ]
            })
            .collect(),
    }
}

/// A work report's linked figures against the plan's targets: `<stem>-targets.csv`.
pub fn report_targets(completion: &[crate::kinds::work_report::Completion]) -> Table {
    Table {
        name: "targets",
        header: vec![
            "指标",
            "目标代号",
            "目标值",
            "实际值",
            "单位",
            "完成率(%)",
            "是否达标",
        ],
        rows: completion
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.target_id.clone(),
                    c.target_value.clone(),
                    c.actual_value.clone(),
                    c.unit.clone(),
                    c.rate.clone(),
                    if c.met { "达标" } else { "未达标" }.to_owned(),
                ]
            })
            .collect(),
    }
}
