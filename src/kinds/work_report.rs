//! `kind: work-report`: the year's work report with next year's plan (工作总结 + 工作计划).

use serde::Serialize;

use super::common::{
    Date, Figure, Prose, Section, decode_date, decode_figures, decode_prose, decode_sections,
};
use crate::diag::{Diagnostics, Pos};
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

const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "kind",
        help: "文种，此处为 work-report",
    },
    FieldSpec {
        name: "organ",
        help: "发文机关，如“鹤壁市科学技术局”",
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

const PART_FIELDS: &[FieldSpec] = &[
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
        }
    }
}
