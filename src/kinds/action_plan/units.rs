//! Each responsible unit's own task list (`build --by-unit`): the tasks it leads and those it
//! shares, numbered as in the plan, with the other units, targets and deadlines. Each is a
//! landscape attachment of its own, to be sent to the unit with the plan.

use serde::Serialize;

use super::ActionPlan;
use super::tables::{other_units, targets_text, unit_tasks};
use crate::kinds::Derived;
use crate::official::Official;

/// The kind of a unit's task list in its front matter, and its template's name.
pub const KIND: &str = "unit-tasks";

#[derive(Serialize)]
struct Row {
    number: String,
    title: String,
    /// 牵头 or 参与.
    role: &'static str,
    others: String,
    targets: String,
    deadline: String,
}

#[derive(Serialize)]
struct Context {
    kind: &'static str,
    title: String,
    unit: String,
    plan_title: String,
    led: usize,
    shared: usize,
    rows: Vec<Row>,
}

/// A file-name part from a unit's name: what a file name cannot hold becomes `_`.
fn file_part(unit: &str) -> String {
    let part: String = unit
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() || c.is_whitespace() => '_',
            c => c,
        })
        .take(40)
        .collect();
    part.trim_start_matches('.').to_owned()
}

pub fn documents(plan: &ActionPlan) -> Vec<Derived> {
    let mut taken: Vec<String> = Vec::new();
    unit_tasks(plan)
        .into_iter()
        .map(|unit| {
            let mut suffix = file_part(&unit.unit);
            if suffix.is_empty() {
                suffix = "单位".to_owned();
            }
            let base = suffix.clone();
            let mut n = 2;
            while taken.contains(&suffix) {
                suffix = format!("{base}{n}");
                n += 1;
            }
            taken.push(suffix.clone());
            let title = format!("{}任务清单", unit.unit);
            let mut parts = Official::new(KIND, format!("{}：{title}", plan.title.value));
            parts.as_attachment = true;
            parts.organ = Some(plan.organ.value.clone());
            parts.date = Some(plan.date.value.iso());
            parts.pdf_standard = plan.pdf_standard.as_ref().map(|s| s.value.clone());
            let rows = unit
                .tasks
                .iter()
                .map(|(t, lead)| Row {
                    number: t.number.clone(),
                    title: t.task.title.value.clone(),
                    role: if *lead { "牵头" } else { "参与" },
                    others: other_units(t.task, &unit.unit),
                    targets: targets_text(t.task),
                    deadline: plan.deadline(t.task),
                })
                .collect();
            let context = Context {
                kind: KIND,
                title,
                unit: unit.unit.clone(),
                plan_title: plan.title.value.clone(),
                led: unit.led().count(),
                shared: unit.shared().count(),
                rows,
            };
            Derived {
                suffix,
                parts,
                context: minijinja::Value::from(minijinja::value::Serde(context)),
            }
        })
        .collect()
}
