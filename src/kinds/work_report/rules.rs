//! The rules of a work report, and of its figures against the linked plan's targets.

use super::WorkReport;
use crate::decode::nearest;
use crate::diag::Diagnostics;
use crate::kinds::action_plan::ActionPlan;
use crate::kinds::common::{Prose, rules};

pub fn validate(
    report: &WorkReport,
    plan: Option<&ActionPlan>,
    last_year: Option<&WorkReport>,
    diags: &mut Diagnostics,
) {
    rules::shared_parts(
        &report.title(),
        &report.title_lines,
        report.header.as_ref(),
        report.seal.as_ref(),
        report.pdf_standard.as_ref(),
        &report.organ.value,
        diags,
    );
    rules::figures(&report.figures, diags);
    let mut prose: Vec<&Prose> = report.lead.iter().collect();
    for part in [&report.review, &report.plan] {
        prose.extend(part.lead.iter());
        if part.sections.is_empty() {
            diags
                .error(part.key_pos("sections"), t!("this part has no sections"))
                .hint(t!("add at least one section under `sections:`"));
        }
        rules::sections(&part.sections, 2, diags);
        for section in &part.sections {
            section.collect_prose(&mut prose);
        }
    }
    rules::references(&prose, &report.figures_with(last_year), diags);
    targets(report, plan, diags);
    if let Some(last_year) = last_year {
        previous_year(report, last_year, diags);
    }
    let year = report.year.value;
    let date = &report.date.value;
    // A report on a year is signed in that year, or in the first quarter of the next.
    let signed_early_next_year = i64::from(date.year) == year + 1 && date.month <= 3;
    if i64::from(date.year) != year && !signed_early_next_year {
        diags
            .warning(
                report.date.pos,
                t!(
                    "the date %{date} is outside the reported year %{year}",
                    date = report.date.value.iso(),
                    year = year
                ),
            )
            .hint(t!(
                "check `year` and `date`: a report on %{year} is dated in %{year} or by March of the next year",
                year = year
            ));
    }
}

/// Linked figures against the plan's targets: ids, units and the report's year.
fn targets(report: &WorkReport, plan: Option<&ActionPlan>, diags: &mut Diagnostics) {
    if let Some(plan) = plan {
        let (first, last) = (plan.period.first.value, plan.period.last.value);
        if report.year.value < first || report.year.value > last {
            diags
                .error(
                    report.year.pos,
                    t!(
                        "the report's year %{year} is outside the plan's period %{first}–%{last}",
                        year = report.year.value,
                        first = first,
                        last = last
                    ),
                )
                .hint(t!("link a report to the plan that covers its year"));
        }
    }
    for figure in &report.figures {
        let Some(target_id) = &figure.target else {
            continue;
        };
        let Some(link) = &report.action_plan else {
            diags
                .error(
                    target_id.pos,
                    t!(
                        "figure `%{id}` names a target, but the report names no plan",
                        id = figure.id.value
                    ),
                )
                .hint(t!("add `action_plan: path/to/plan.yaml` to the report"));
            continue;
        };
        // A plan that could not be followed is already reported at `action_plan`.
        let Some(plan) = plan else {
            continue;
        };
        let Some(target) = plan.target(&target_id.value) else {
            let ids = plan.targets().map(|t| t.id.value.as_str());
            let hint = match nearest(&target_id.value, ids) {
                Some(near) => t!("did you mean `%{near}`?", near = near),
                None => t!(
                    "the plan's target ids are listed in its targets CSV (`gongwen build %{path}`)",
                    path = link.value
                ),
            };
            diags
                .error(
                    target_id.pos,
                    t!(
                        "unknown target `%{id}` in the plan `%{path}`",
                        id = target_id.value,
                        path = link.value
                    ),
                )
                .hint(hint);
            continue;
        };
        if target.unit() != figure.unit() {
            diags
                .error(
                    figure.unit_pos(),
                    t!(
                        "unit `%{unit}` differs from the unit `%{target_unit}` of target `%{id}`",
                        unit = figure.unit(),
                        target_unit = target.unit(),
                        id = target_id.value
                    ),
                )
                .hint(t!(
                    "a figure and its target must use the same unit (e.g. both 亿元)"
                ));
        }
    }
}

/// The report against last year's: its year the one before, each figure's unit as last
/// year's, a `previous` given by hand equal to last year's value.
fn previous_year(report: &WorkReport, last_year: &WorkReport, diags: &mut Diagnostics) {
    let link = report
        .previous_report
        .as_ref()
        .expect("a report has last year's only through `previous_report`");
    let year = report.year.value;
    if last_year.year.value != year - 1 {
        diags
            .error(
                link.pos,
                t!(
                    "`%{path}` is the report on %{found}, not on %{expected}",
                    path = link.value,
                    found = last_year.year.value,
                    expected = year - 1
                ),
            )
            .hint(t!(
                "`previous_report` names the report on the year before this one"
            ));
        return;
    }
    for figure in &report.figures {
        let Some(before) = last_year.figure(&figure.id.value) else {
            continue;
        };
        if before.unit() != figure.unit() {
            diags
                .error(
                    figure.unit_pos(),
                    t!(
                        "unit `%{unit}` of `%{id}` differs from last year's unit `%{last_unit}` in `%{path}`",
                        unit = figure.unit(),
                        id = figure.id.value,
                        last_unit = before.unit(),
                        path = link.value
                    ),
                )
                .hint(t!(
                    "use last year's unit, or give the figure a new id if it measures something else"
                ));
            continue;
        }
        if let Some(previous) = &figure.previous
            && previous.value != before.value.value
        {
            diags
                .warning(
                    previous.pos,
                    t!(
                        "`previous` of `%{id}` is %{given}, but last year's report `%{path}` gives %{last}",
                        id = figure.id.value,
                        given = previous.text,
                        path = link.value,
                        last = before.value.text
                    ),
                )
                .hint(t!(
                    "remove `previous` to take last year's value, or correct the one that is wrong (a revised figure may keep its own)"
                ));
        }
    }
}
