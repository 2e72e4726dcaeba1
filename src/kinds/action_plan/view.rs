//! What the template sees of an action plan.

use serde::Serialize;

use super::model::{GoalGroup, units_note};
use super::{ActionPlan, KIND, Task};
use crate::kinds::common::{Figure, Prose, shared_parts};
use crate::official::Official;
use crate::zh::Date;

#[derive(Serialize)]
struct TaskView<'a> {
    #[serde(flatten)]
    task: &'a Task,
    /// Numbered continuously across the groups (safeguards on their own).
    number: usize,
    units_note: String,
}

#[derive(Serialize)]
struct GroupView<'a> {
    title: &'a str,
    tasks: Vec<TaskView<'a>>,
}

fn task_view(number: usize, task: &Task) -> TaskView<'_> {
    TaskView {
        task,
        number,
        units_note: units_note(task),
    }
}

pub fn official(plan: &ActionPlan) -> Official {
    let mut parts = Official::new(KIND, plan.title.value.clone());
    shared_parts(
        &mut parts,
        &plan.title_lines,
        plan.header.as_ref(),
        plan.printing.as_ref(),
        plan.seal.as_ref(),
    );
    parts.pdf_standard = plan.pdf_standard.as_ref().map(|s| s.value.clone());
    parts.doc_number = plan.doc_number.as_ref().map(|n| n.value.clone());
    parts.addressee = plan.addressee.as_ref().map(|a| a.value.clone());
    // The 任务分解表 is the plan's attachment (see its template).
    parts.attachments = vec![format!("{}任务分解表", plan.title.value)];
    parts.organ = Some(plan.organ.value.clone());
    parts.date = Some(plan.date.value.iso());
    parts
}

pub fn context(plan: &ActionPlan) -> minijinja::Value {
    #[derive(Serialize)]
    struct Context<'a> {
        kind: &'static str,
        title: &'a str,
        organ: &'a str,
        first_year: i64,
        last_year: i64,
        date: Date,
        figures: Vec<Figure>,
        lead: &'a Option<Prose>,
        /// The parts' headings, the author's or the usual ones.
        headings: Headings<'a>,
        guiding: &'a Prose,
        goals_lead: &'a Option<Prose>,
        goals: &'a [GoalGroup],
        task_groups: Vec<GroupView<'a>>,
        safeguards: Vec<TaskView<'a>>,
        /// The 任务分解表's rows, for the attachment.
        task_table: Vec<TaskRow>,
    }
    #[derive(Serialize)]
    struct Headings<'a> {
        guiding: &'a str,
        goals: &'a str,
        tasks: &'a str,
        safeguards: &'a str,
    }
    #[derive(Serialize)]
    struct TaskRow {
        /// The task group this row opens (一、培育创新主体), set as a full-width row above it.
        group: Option<String>,
        number: String,
        title: String,
        lead_units: String,
        units: String,
        targets: String,
        deadline: String,
    }
    // The row at which each task group starts, with the group's numbered title.
    let mut group_starts = std::collections::HashMap::new();
    let mut first = 0;
    for (i, group) in plan.task_groups.iter().enumerate() {
        let number = crate::zh::heading_number(i as u32 + 1, 1).unwrap_or_default();
        group_starts.insert(first, format!("{number}{}", group.title.value));
        first += group.tasks.len();
    }
    let task_table = super::tables::tasks(plan)
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let [number, title, lead_units, units, targets, deadline]: [String; 6] =
                row.try_into().expect("the task table has six columns");
            TaskRow {
                group: group_starts.remove(&i),
                number,
                title,
                lead_units,
                units,
                targets,
                deadline,
            }
        })
        .collect();
    let mut number = 0;
    let task_groups = plan
        .task_groups
        .iter()
        .map(|g| GroupView {
            title: &g.title.value,
            tasks: g
                .tasks
                .iter()
                .map(|task| {
                    number += 1;
                    task_view(number, task)
                })
                .collect(),
        })
        .collect();
    minijinja::Value::from(minijinja::value::Serde(Context {
        kind: KIND,
        title: &plan.title.value,
        organ: &plan.organ.value,
        first_year: plan.period.first.value,
        last_year: plan.period.last.value,
        date: plan.date.value,
        figures: plan.target_figures(),
        lead: &plan.lead,
        headings: {
            let own = plan.headings.as_ref();
            let heading = |pick: fn(
                &super::model::PartHeadings,
            ) -> &Option<crate::decode::Located<String>>,
                           usual: &'static str| {
                own.and_then(|h| pick(h).as_ref())
                    .map_or(usual, |h| h.value.as_str())
            };
            Headings {
                guiding: heading(|h| &h.guiding, "指导思想"),
                goals: heading(|h| &h.goals, "主要目标"),
                tasks: heading(|h| &h.tasks, "主要任务"),
                safeguards: heading(|h| &h.safeguards, "保障措施"),
            }
        },
        guiding: &plan.guiding,
        goals_lead: &plan.goals.lead,
        goals: &plan.goals.groups,
        task_groups,
        safeguards: plan
            .safeguards
            .iter()
            .enumerate()
            .map(|(i, task)| task_view(i + 1, task))
            .collect(),
        task_table,
    }))
}
