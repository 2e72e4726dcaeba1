//! The rules of an action plan: its period, goals, tasks and units, and the shared rules
//! of its targets (as figures) and their references.

use super::ActionPlan;
use crate::diag::Diagnostics;
use crate::kinds::common::{Prose, rules};

pub fn validate(plan: &ActionPlan, diags: &mut Diagnostics) {
    rules::shared_parts(
        &plan.title.value,
        &plan.title_lines,
        plan.header.as_ref(),
        plan.seal.as_ref(),
        plan.pdf_standard.as_ref(),
        &plan.organ.value,
        diags,
    );
    let (first, last) = (plan.period.first.value, plan.period.last.value);
    if last < first {
        diags
            .error(
                plan.period.last.pos,
                t!(
                    "the period ends (%{last}) before it begins (%{first})",
                    last = last,
                    first = first
                ),
            )
            .hint(t!("write `period: {first: 2018, last: 2020}`"));
    }
    let figures = plan.target_figures();
    rules::figures(&figures, diags);
    for target in plan.targets() {
        let year = target.year.value;
        // A reversed period is one error, not one more for every target.
        if first <= last && (year < first || year > last) {
            diags
                .warning(
                    target.year.pos,
                    t!(
                        "target year %{year} is outside the plan's period %{first}–%{last}",
                        year = year,
                        first = first,
                        last = last
                    ),
                )
                .hint(t!("check `year` of the target and `period` of the plan"));
        }
    }
    if plan.goals.groups.is_empty() {
        diags
            .error(
                plan.goals.key_pos("groups"),
                t!("the plan has no goal groups"),
            )
            .hint(t!("add groups under `goals:`"));
    }
    let mut prose: Vec<&Prose> = plan.lead.iter().collect();
    prose.push(&plan.guiding);
    prose.extend(plan.goals.lead.iter());
    for group in &plan.goals.groups {
        prose.extend(group.text.iter());
        if group.targets.is_empty() && group.text.is_none() {
            diags
                .error(
                    group.title.pos,
                    t!("empty goal group `%{title}`", title = group.title.value),
                )
                .hint(t!("give the group `targets` or `text`"));
        }
    }
    if plan.task_groups.is_empty() {
        diags
            .error(plan.key_pos("tasks"), t!("the plan has no tasks"))
            .hint(t!("add task groups under `tasks:`"));
    }
    for task in plan.tasks().chain(&plan.safeguards) {
        prose.extend(task.text.iter());
        if task.lead_units.is_empty() && task.units.is_empty() {
            diags
                .error(
                    task.title.pos,
                    t!("task `%{title}` has no units", title = task.title.value),
                )
                .hint(t!(
                    "name its lead units (`lead_units`) or responsible units (`units`)"
                ));
        }
    }
    for group in &plan.task_groups {
        if group.tasks.is_empty() {
            diags
                .error(
                    group.title.pos,
                    t!(
                        "task group `%{title}` has no tasks",
                        title = group.title.value
                    ),
                )
                .hint(t!("add tasks under `tasks:`, or remove the group"));
        }
    }
    rules::references(&prose, &figures, diags);
}
