//! `kind: work-report`: the year's work report with next year's plan (工作总结 + 工作计划).

use serde::Serialize;

use super::common::{
    Date, Figure, Prose, Section, decode_date, decode_figures, decode_prose, decode_sections,
};
use crate::diag::{Diagnostics, Pos};
use crate::kinds::action_plan::ActionPlan;
use crate::load::decode::format_number;
use crate::load::decode::{Decoder, FieldSpec, Located};
use crate::load::node::Node;
use crate::validate;

pub const KIND: &str = "work-report";

#[derive(Debug)]
pub struct WorkReport {
    pub organ: Located<String>,
    pub year: Located<i64>,
    pub date: Located<Date>,
    pub title: Option<Located<String>>,
    pub figures: Vec<Figure>,
    pub lead: Option<Prose>,
    pub review: Part,
    pub plan: Part,
    /// The action plan this report is measured against.
    pub action_plan: Option<PlanLink>,
}

/// A link to an action plan: the path as written, and the plan once loaded.
#[derive(Debug)]
pub struct PlanLink {
    pub path: Located<String>,
    /// The path as a file to read, resolved against the report's folder by the load stage.
    pub file: Option<std::path::PathBuf>,
    pub plan: Option<std::sync::Arc<ActionPlan>>,
}

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

/// The review of the year, or next year's plan: a heading (一、…) over numbered sections.
#[derive(Debug, Serialize)]
pub struct Part {
    pub heading: Option<Located<String>>,
    pub lead: Option<Prose>,
    pub sections: Vec<Section>,
    #[serde(skip)]
    pub pos: Pos,
}

pub(crate) const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "kind",
        help: "文种，此处为 work-report",
    },
    FieldSpec {
        name: "organ",
        help: "发文机关，如“某市科学技术局”",
    },
    FieldSpec {
        name: "year",
        help: "总结的年度，如 2024",
    },
    FieldSpec {
        name: "date",
        help: "成文日期，如 2024-12-20",
    },
    FieldSpec {
        name: "title",
        help: "标题，不填则自动生成“2024年科技创新工作总结和2025年工作计划”",
    },
    FieldSpec {
        name: "action_plan",
        help: "对照的行动计划数据文件（相对本文件的路径），指标可用 target 对照其目标",
    },
    FieldSpec {
        name: "figures",
        help: "主要指标，正文中以 {代号} 引用",
    },
    FieldSpec {
        name: "lead",
        help: "导语段落",
    },
    FieldSpec {
        name: "review",
        help: "本年工作总结：heading、lead、sections",
    },
    FieldSpec {
        name: "plan",
        help: "下一年工作计划：heading、lead、sections",
    },
];

pub(crate) const PART_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "heading",
        help: "部分标题，不填则为“2024年工作总结”或“2025年工作计划”",
    },
    FieldSpec {
        name: "lead",
        help: "本部分的导语段落",
    },
    FieldSpec {
        name: "sections",
        help: "各节，自动编号为（一）（二）……",
    },
];

pub fn decode(d: &mut Decoder, root: &Node) -> Option<WorkReport> {
    let mut f = d.fields(root, "the work report", FIELDS)?;
    f.optional("kind");
    let organ = f.required(d, "organ").and_then(|n| d.text(n, "the organ"));
    let year = f.required(d, "year").and_then(|n| d.integer(n));
    let date = f.required(d, "date").and_then(|n| decode_date(d, n));
    let title = f.optional("title").and_then(|n| d.text(n, "the title"));
    let action_plan = f
        .optional("action_plan")
        .and_then(|n| d.text(n, "the plan path"))
        .map(|path| PlanLink {
            path,
            file: None,
            plan: None,
        });
    let figures = f
        .optional("figures")
        .map(|n| decode_figures(d, n))
        .unwrap_or_default();
    let lead = f
        .optional("lead")
        .and_then(|n| decode_prose(d, n, "the lead"));
    let review = f
        .required(d, "review")
        .and_then(|n| decode_part(d, n, "the review"));
    let plan = f
        .required(d, "plan")
        .and_then(|n| decode_part(d, n, "the plan"));
    f.finish(d);
    Some(WorkReport {
        organ: organ?,
        year: year?,
        date: date?,
        title,
        figures,
        lead,
        review: review?,
        plan: plan?,
        action_plan,
    })
}

fn decode_part(d: &mut Decoder, node: &Node, what: &'static str) -> Option<Part> {
    let mut f = d.fields(node, what, PART_FIELDS)?;
    let heading = f.optional("heading").and_then(|n| d.text(n, "the heading"));
    let lead = f
        .optional("lead")
        .and_then(|n| decode_prose(d, n, "the lead"));
    let sections = f
        .required(d, "sections")
        .map(|n| decode_sections(d, n, 2))
        .unwrap_or_default();
    let pos = f.pos();
    f.finish(d);
    Some(Part {
        heading,
        lead,
        sections,
        pos,
    })
}

impl WorkReport {
    pub fn title(&self) -> String {
        match &self.title {
            Some(title) => title.value.clone(),
            None => format!(
                "{}年科技创新工作总结和{}年工作计划",
                self.year.value,
                self.year.value + 1
            ),
        }
    }

    pub fn validate(&self, diags: &mut Diagnostics) {
        validate::figures(&self.figures, diags);
        let mut prose: Vec<&Prose> = self.lead.iter().collect();
        for part in [&self.review, &self.plan] {
            prose.extend(part.lead.iter());
            if part.sections.is_empty() {
                diags
                    .error(part.pos, "this part has no sections")
                    .hint("add at least one section under `sections:`");
            }
            validate::sections(&part.sections, diags);
            for section in &part.sections {
                section.collect_prose(&mut prose);
            }
        }
        validate::references(&prose, &self.figures, diags);
        self.validate_targets(diags);
        let year = self.year.value;
        if i64::from(self.date.value.year) != year {
            diags
                .warning(
                    self.date.pos,
                    format!(
                        "the date {} is outside the reported year {year}",
                        self.date.value.iso()
                    ),
                )
                .hint(format!(
                    "check `year` and `date`: a report on {year} is normally dated in {year}"
                ));
        }
    }

    /// Linked figures against the plan's targets: ids, units and the report's year.
    fn validate_targets(&self, diags: &mut Diagnostics) {
        let plan = self.action_plan.as_ref().and_then(|l| l.plan.as_deref());
        if let Some(plan) = plan {
            let (first, last) = (plan.first_year.value, plan.last_year.value);
            if self.year.value < first || self.year.value > last {
                diags
                    .error(
                        self.year.pos,
                        format!(
                            "the report's year {} is outside the plan's period {first}–{last}",
                            self.year.value
                        ),
                    )
                    .hint("link a report to the plan that covers its year");
            }
        }
        for figure in &self.figures {
            let Some(target_id) = &figure.target else {
                continue;
            };
            let Some(link) = &self.action_plan else {
                diags
                    .error(
                        target_id.pos,
                        format!(
                            "figure `{}` names a target, but the report names no plan",
                            figure.id.value
                        ),
                    )
                    .hint("add `action_plan: path/to/plan.yaml` to the report");
                continue;
            };
            // An unloadable plan is already reported at `action_plan`.
            let Some(plan) = link.plan.as_deref() else {
                continue;
            };
            let Some(target) = plan.target(&target_id.value) else {
                let ids = plan.targets().map(|t| t.figure.id.value.as_str());
                let hint = match crate::load::decode::nearest(&target_id.value, ids) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!(
                        "the plan's target ids are listed in its targets CSV (`gongwen build {}`)",
                        link.path.value
                    ),
                };
                diags
                    .error(
                        target_id.pos,
                        format!(
                            "unknown target `{}` in the plan `{}`",
                            target_id.value, link.path.value
                        ),
                    )
                    .hint(hint);
                continue;
            };
            if target.figure.unit.value != figure.unit.value {
                diags
                    .error(
                        figure.unit.pos,
                        format!(
                            "unit `{}` differs from the unit `{}` of target `{}`",
                            figure.unit.value, target.figure.unit.value, target_id.value
                        ),
                    )
                    .hint("a figure and its target must use the same unit (e.g. both 亿元)");
            }
        }
    }

    /// Every linked figure against its target, in the order of the figures.
    pub fn completion(&self) -> Vec<Completion> {
        let Some(plan) = self.action_plan.as_ref().and_then(|l| l.plan.as_deref()) else {
            return Vec::new();
        };
        self.figures
            .iter()
            .filter_map(|figure| {
                let target = plan.target(&figure.target.as_ref()?.value)?;
                let goal = target.figure.value.value;
                let rate = (goal != 0.0)
                    .then(|| format_number((figure.value.value / goal * 10_000.0).round() / 100.0));
                Some(Completion {
                    name: figure.name.value.clone(),
                    target_id: target.figure.id.value.clone(),
                    target: target.amount(),
                    target_value: target.figure.value.text.clone(),
                    actual: format!("{}{}", figure.value.text, figure.unit.value),
                    actual_value: figure.value.text.clone(),
                    unit: figure.unit.value.clone(),
                    rate: rate.unwrap_or_default(),
                    met: figure.value.value >= goal,
                })
            })
            .collect()
    }

    pub fn context(&self) -> impl Serialize + '_ {
        #[derive(Serialize)]
        struct Context<'a> {
            kind: &'static str,
            title: String,
            organ: &'a str,
            year: i64,
            next_year: i64,
            date: Date,
            figures: &'a [Figure],
            lead: &'a Option<Prose>,
            review: &'a Part,
            review_heading: String,
            plan: &'a Part,
            plan_heading: String,
            /// The title of the linked action plan, and each linked figure against its target.
            action_plan: Option<&'a str>,
            completion: Vec<Completion>,
        }
        let year = self.year.value;
        let heading = |part: &Part, default: String| {
            part.heading.as_ref().map_or(default, |h| h.value.clone())
        };
        Context {
            kind: KIND,
            title: self.title(),
            organ: &self.organ.value,
            year,
            next_year: year + 1,
            date: self.date.value,
            figures: &self.figures,
            lead: &self.lead,
            review: &self.review,
            review_heading: heading(&self.review, format!("{year}年工作总结")),
            plan: &self.plan,
            plan_heading: heading(&self.plan, format!("{}年工作计划", year + 1)),
            action_plan: self
                .action_plan
                .as_ref()
                .and_then(|l| l.plan.as_deref())
                .map(|p| p.title.value.as_str()),
            completion: self.completion(),
        }
    }
}
