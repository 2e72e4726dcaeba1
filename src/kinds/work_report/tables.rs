//! A work report's appendices: its figures, and its figures against the plan's targets.

use super::WorkReport;
use super::view::completion;
use crate::kinds::action_plan::ActionPlan;
use crate::kinds::common::{change_table, metrics_table};
use crate::table::{Chart, Table};

pub fn tables(
    report: &WorkReport,
    plan: Option<&ActionPlan>,
    last_year: Option<&WorkReport>,
) -> Vec<Table> {
    let targets = Table {
        name: "targets",
        title: "目标完成情况".into(),
        sheet_only: false,
        chart: Some(Chart {
            title: "目标完成率(%)".into(),
            categories: 0,
            values: vec![5],
        }),
        header: vec![
            "指标",
            "目标代号",
            "目标值",
            "实际值",
            "单位",
            "完成率(%)",
            "是否达标",
        ],
        rows: completion(report, plan)
            .into_iter()
            .map(|c| {
                vec![
                    c.name,
                    c.target_id,
                    c.target_value,
                    c.actual_value,
                    c.unit,
                    c.rate,
                    if c.met { "达标" } else { "未达标" }.to_owned(),
                ]
            })
            .collect(),
    };
    let figures = report.figures_with(last_year);
    vec![metrics_table(&figures), targets, change_table(&figures)]
}
