//! An action plan's appendices: the task decomposition table (任务分解表), its targets, and
//! each unit's share of the tasks.

use std::collections::HashMap;

use super::{ActionPlan, Target, Task};
use crate::decode::Located;
use crate::table::Table;
use crate::zh::heading_number;

pub fn tables(plan: &ActionPlan) -> Vec<Table> {
    let mut tables = vec![tasks(plan), targets(plan), units(plan)];
    let mut taken: Vec<String> = tables.iter().map(|t| t.title.clone()).collect();
    tables.extend(unit_sheets(plan, &mut taken));
    tables
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
        title: "任务分解表".into(),
        sheet_only: false,
        chart: None,
        header: vec!["序号", "任务", "牵头单位", "责任单位", "目标", "完成时限"],
        rows: plan
            .tasks()
            .enumerate()
            .map(|(i, task)| {
                vec![
                    (i + 1).to_string(),
                    task.title.value.clone(),
                    join(&task.lead_units),
                    join(&task.units),
                    targets_text(task),
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
        title: "主要目标".into(),
        sheet_only: false,
        chart: None,
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

/// A task or safeguard as a unit's list names it: its number as in the plan (`3`, `保障措施（一）`).
pub struct Numbered<'a> {
    pub number: String,
    pub task: &'a Task,
    pub safeguard: bool,
}

impl Numbered<'_> {
    /// `3.实施高新技术企业倍增计划`, `保障措施（一）加强组织领导`.
    pub fn label(&self) -> String {
        match self.safeguard {
            true => format!("{}{}", self.number, self.task.title.value),
            false => format!("{}.{}", self.number, self.task.title.value),
        }
    }
}

/// One unit's share of the plan: the tasks it leads, and those it shares, in the plan's order.
pub struct UnitTasks<'a> {
    pub unit: String,
    pub tasks: Vec<(Numbered<'a>, bool)>,
}

impl UnitTasks<'_> {
    pub fn led(&self) -> impl Iterator<Item = &Numbered<'_>> {
        self.tasks.iter().filter(|(_, lead)| *lead).map(|(t, _)| t)
    }
    pub fn shared(&self) -> impl Iterator<Item = &Numbered<'_>> {
        self.tasks.iter().filter(|(_, lead)| !*lead).map(|(t, _)| t)
    }
}

/// The tasks and safeguards, numbered as the plan prints them.
pub fn numbered(plan: &ActionPlan) -> Vec<Numbered<'_>> {
    let tasks = plan.tasks().enumerate().map(|(i, task)| Numbered {
        number: (i + 1).to_string(),
        task,
        safeguard: false,
    });
    let safeguards = plan
        .safeguards
        .iter()
        .enumerate()
        .map(|(i, task)| Numbered {
            number: format!(
                "保障措施{}",
                heading_number(i as u32 + 1, 2).unwrap_or_default()
            ),
            task,
            safeguard: true,
        });
    tasks.chain(safeguards).collect()
}

/// Every unit named anywhere, in the order they are first named, with its tasks. A unit
/// that both leads and shares a task lists it once, as its lead.
pub fn unit_tasks(plan: &ActionPlan) -> Vec<UnitTasks<'_>> {
    let mut units: Vec<UnitTasks> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for numbered in numbered(plan) {
        let task = numbered.task;
        let mut named: Vec<(&str, bool)> = Vec::new();
        for (list, lead) in [(&task.lead_units, true), (&task.units, false)] {
            for unit in list {
                if !named.iter().any(|(u, _)| *u == unit.value) {
                    named.push((&unit.value, lead));
                }
            }
        }
        for (unit, lead) in named {
            let k = *index.entry(unit.to_owned()).or_insert_with(|| {
                units.push(UnitTasks {
                    unit: unit.to_owned(),
                    tasks: Vec::new(),
                });
                units.len() - 1
            });
            let entry = Numbered {
                number: numbered.number.clone(),
                task,
                safeguard: numbered.safeguard,
            };
            units[k].tasks.push((entry, lead));
        }
    }
    units
}

/// For every unit named anywhere, the tasks it leads and the tasks it shares:
/// `<stem>-units.csv`, so each department sees its own list.
fn units(plan: &ActionPlan) -> Table {
    Table {
        name: "units",
        title: "单位任务清单".into(),
        sheet_only: false,
        chart: None,
        header: vec!["单位", "牵头任务数", "牵头任务", "参与任务数", "参与任务"],
        rows: unit_tasks(plan)
            .iter()
            .map(|u| {
                let led: Vec<String> = u.led().map(Numbered::label).collect();
                let shared: Vec<String> = u.shared().map(Numbered::label).collect();
                vec![
                    u.unit.clone(),
                    led.len().to_string(),
                    led.join("；"),
                    shared.len().to_string(),
                    shared.join("；"),
                ]
            })
            .collect(),
    }
}

/// The other units of a task besides `unit`, leads first.
pub fn other_units(task: &Task, unit: &str) -> String {
    let mut others: Vec<&str> = Vec::new();
    for u in task.lead_units.iter().chain(&task.units) {
        if u.value != unit && !others.contains(&u.value.as_str()) {
            others.push(&u.value);
        }
    }
    others.join("、")
}

/// A task's targets, each with its year, as the 任务分解表 writes them.
pub fn targets_text(task: &Task) -> String {
    let targets: Vec<String> = task
        .targets
        .iter()
        .map(|t| format!("{}（{}年）", t.phrase(), t.year.value))
        .collect();
    targets.join("；")
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unlike the others.
fn sheet_name(unit: &str, taken: &mut Vec<String>) -> String {
    let clean: String = unit
        .chars()
        .map(|c| if "[]:*?/\\'".contains(c) { '_' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    let clean = clean.trim().to_owned();
    let clean = if clean.is_empty() {
        "单位".to_owned()
    } else {
        clean
    };
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("（{n}）")
        };
        let room = 31 - suffix.chars().count();
        let name: String = clean.chars().take(room).collect::<String>() + &suffix;
        if !taken.contains(&name) {
            taken.push(name.clone());
            return name;
        }
        n += 1;
    }
}

/// One sheet per unit (workbook only): the tasks it leads or shares, numbered as in the plan,
/// with the other units, the targets and the deadline.
fn unit_sheets(plan: &ActionPlan, taken: &mut Vec<String>) -> Vec<Table> {
    unit_tasks(plan)
        .iter()
        .map(|u| Table {
            name: "unit",
            title: sheet_name(&u.unit, taken),
            sheet_only: true,
            chart: None,
            header: vec!["序号", "任务", "分工", "其他单位", "目标", "完成时限"],
            rows: u
                .tasks
                .iter()
                .map(|(t, lead)| {
                    vec![
                        t.number.clone(),
                        t.task.title.value.clone(),
                        if *lead { "牵头" } else { "参与" }.to_owned(),
                        other_units(t.task, &u.unit),
                        targets_text(t.task),
                        plan.deadline(t.task),
                    ]
                })
                .collect(),
        })
        .collect()
}
