//! An action plan's appendices: the task decomposition table (任务分解表), its targets, and
//! each unit's share of the tasks.

use std::collections::HashMap;

use super::{ActionPlan, Target, Task};
use crate::decode::Located;
use crate::table::Table;
use crate::zh::heading_number;

pub fn tables(plan: &ActionPlan) -> Vec<Table> {
    vec![tasks(plan), targets(plan), units(plan)]
}

fn join(units: &[Located<String>]) -> String {
    units
        .iter()
        .map(|u| u.value.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// The task decomposition table (任务分解表): `<stem>-tasks.csv`, and the plan's attachment.
pub fn tasks(plan: &ActionPlan) -> Table {
    Table {
        name: "tasks",
        title: "任务分解表",
        header: vec!["序号", "任务", "牵头单位", "责任单位", "目标", "完成时限"],
        rows: plan
            .tasks()
            .enumerate()
            .map(|(i, task)| {
                let targets: Vec<String> = task
                    .targets
                    .iter()
                    .map(|t| format!("{}（{}年）", t.phrase(), t.year.value))
                    .collect();
                vec![
                    (i + 1).to_string(),
                    task.title.value.clone(),
                    join(&task.lead_units),
                    join(&task.units),
                    targets.join("；"),
                    plan.deadline(task),
                ]
            })
            .collect(),
    }
}

/// Every target of the plan with its group: `<stem>-targets.csv`.
fn targets(plan: &ActionPlan) -> Table {
    let mut rows = Vec::new();
    let mut push = |group: String, t: &Target| {
        rows.push(vec![
            group,
            t.id.value.clone(),
            t.name.value.clone(),
            t.value.text.clone(),
            t.unit().to_owned(),
            t.comparison().label().to_owned(),
            t.year.value.to_string(),
            t.baseline
                .as_ref()
                .map(|b| b.text.clone())
                .unwrap_or_default(),
        ]);
    };
    for group in &plan.goals.groups {
        for target in &group.targets {
            push(format!("主要目标：{}", group.title.value), target);
        }
    }
    for (i, task) in plan.tasks().enumerate() {
        for target in &task.targets {
            push(format!("任务{}：{}", i + 1, task.title.value), target);
        }
    }
    Table {
        name: "targets",
        title: "主要目标",
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
fn units(plan: &ActionPlan) -> Table {
    let mut order: Vec<String> = Vec::new();
    let mut leads: HashMap<String, Vec<String>> = HashMap::new();
    let mut shares: HashMap<String, Vec<String>> = HashMap::new();
    let tasks = plan
        .tasks()
        .enumerate()
        .map(|(i, t)| (t, format!("{}.{}", i + 1, t.title.value)));
    let safeguards = plan
        .safeguards
        .iter()
        .enumerate()
        .map(|(i, t): (usize, &Task)| {
            let number = heading_number(i as u32 + 1, 2).unwrap_or_default();
            (t, format!("保障措施{number}{}", t.title.value))
        });
    for (task, label) in tasks.chain(safeguards) {
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
        title: "单位任务清单",
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
