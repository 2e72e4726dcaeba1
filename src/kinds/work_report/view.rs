//! What the template and the back-ends see of a work report.

use serde::Serialize;

use super::{KIND, Part, WorkReport};
use crate::decode::format_number;
use crate::kinds::action_plan::ActionPlan;
use crate::kinds::common::{Figure, Prose, shared_parts};
use crate::official::Official;
use crate::zh::Date;

/// One figure measured against its target.
#[derive(Debug, Serialize)]
pub struct Completion {
    pub name: String,
    pub target_id: String,
    pub target: String,
    pub target_value: String,
    pub actual: String,
    pub actual_value: String,
    pub unit: String,
    /// Actual ÷ target, in percent, two decimals at most.
    pub rate: String,
    pub met: bool,
}

/// Every linked figure against its target, in the order of the figures.
pub fn completion(report: &WorkReport, plan: Option<&ActionPlan>) -> Vec<Completion> {
    let Some(plan) = plan else {
        return Vec::new();
    };
    report
        .figures
        .iter()
        .filter_map(|figure| {
            let target = plan.target(&figure.target.as_ref()?.value)?;
            let goal = target.value.value;
            let rate = (goal != 0.0)
                .then(|| format_number((figure.value.value / goal * 10_000.0).round() / 100.0));
            Some(Completion {
                name: figure.name.value.clone(),
                target_id: target.id.value.clone(),
                target: target.amount(),
                target_value: target.value.text.clone(),
                actual: format!("{}{}", figure.value.text, figure.unit()),
                actual_value: figure.value.text.clone(),
                unit: figure.unit().to_owned(),
                rate: rate.unwrap_or_default(),
                met: figure.value.value >= goal,
            })
        })
        .collect()
}

pub fn official(report: &WorkReport) -> Official {
    let mut parts = Official::new(KIND, report.title());
    shared_parts(
        &mut parts,
        &report.title_lines,
        report.header.as_ref(),
        report.printing.as_ref(),
        report.seal.as_ref(),
    );
    parts.pdf_standard = report.pdf_standard.as_ref().map(|s| s.value.clone());
    parts.doc_number = report.doc_number.as_ref().map(|n| n.value.clone());
    parts.addressee = report.addressee.as_ref().map(|a| a.value.clone());
    parts.organ = Some(report.organ.value.clone());
    parts.date = Some(report.date.value.iso());
    parts
}

pub fn context(
    report: &WorkReport,
    plan: Option<&ActionPlan>,
    last_year: Option<&WorkReport>,
) -> minijinja::Value {
    #[derive(Serialize)]
    struct Context<'a> {
        kind: &'static str,
        title: String,
        organ: &'a str,
        year: i64,
        next_year: i64,
        date: Date,
        figures: &'a [Figure],
        /// The title of last year's report the previous values come from.
        previous_report: Option<String>,
        lead: &'a Option<Prose>,
        review: &'a Part,
        review_heading: String,
        plan: &'a Part,
        plan_heading: String,
        /// The title of the linked action plan, and each linked figure against its target.
        action_plan: Option<&'a str>,
        completion: Vec<Completion>,
        /// The figures with a change on last year, for the charts (`build --charts`).
        changes: Vec<Change>,
    }
    #[derive(Serialize)]
    struct Change {
        name: String,
        change: String,
    }
    let figures = report.figures_with(last_year);
    let year = report.year.value;
    let heading =
        |part: &Part, default: String| part.heading.as_ref().map_or(default, |h| h.value.clone());
    minijinja::Value::from(minijinja::value::Serde(Context {
        kind: KIND,
        title: report.title(),
        organ: &report.organ.value,
        year,
        next_year: year.saturating_add(1),
        date: report.date.value,
        figures: &figures,
        previous_report: last_year.map(WorkReport::title),
        lead: &report.lead,
        review: &report.review,
        review_heading: heading(&report.review, format!("{year}年工作总结")),
        plan: &report.plan,
        plan_heading: heading(
            &report.plan,
            format!("{}年工作计划", year.saturating_add(1)),
        ),
        action_plan: plan.map(|p| p.title.value.as_str()),
        completion: completion(report, plan),
        changes: figures
            .iter()
            .filter_map(|f| {
                Some(Change {
                    name: f.name.value.clone(),
                    change: format_number((f.change_percent()? * 100.0).round() / 100.0),
                })
            })
            .collect(),
    }))
}
