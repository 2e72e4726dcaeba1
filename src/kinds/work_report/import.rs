//! A plain-text work report → its data file.
//!
//! Reports are written in several shapes: two numbered parts (一、2024年工作总结 /
//! 二、2025年工作计划) over （一） sections; numbered sections of the review with a last
//! section for next year (四、2025年工作打算); unnumbered part lines; or, in a news
//! feature, paragraphs whose opening sentences are the sections and a closing “下一步，…”
//! paragraph. Each shape is recognised here and nothing of the body is dropped.

use super::KIND;
use crate::kinds::common::import::{
    PLAN_OPENINGS, Section, Text, Yaml, first_year, heading, is_headline, is_organ,
    items_as_sections, last_open, s, sections, signature,
};

/// A part of the report as read: its heading, its lead paragraphs, its sections.
#[derive(Debug, Default)]
struct Part {
    heading: Option<String>,
    lead: Vec<String>,
    sections: Vec<Section>,
}

impl Part {
    /// A part from its lines: numbered sections at the highest level written, or else the
    /// items of a 一是…二是… paragraph as sections.
    fn of(heading: Option<String>, lines: &[String]) -> Part {
        let (lead, sections) = match top_level(lines) {
            Some(level) => sections(lines, level),
            None => (lines.to_vec(), Vec::new()),
        };
        let mut part = Part {
            heading,
            lead,
            sections,
        };
        part.items_to_sections();
        part
    }

    /// A part from a section whose title starts it (四、2025年工作打算).
    fn of_section(section: Section) -> Part {
        let mut part = Part {
            heading: Some(section.title),
            lead: section.text,
            sections: section.sections,
        };
        part.items_to_sections();
        part
    }

    fn items_to_sections(&mut self) {
        if !self.sections.is_empty() {
            return;
        }
        if let Some(last) = self.lead.last()
            && let Some((before, found)) = items_as_sections(last)
        {
            self.lead.pop();
            self.lead.extend(before);
            self.sections = found;
        }
    }

    /// The part as a section of another part (三、存在的问题 under the review).
    fn into_section(self) -> Section {
        Section {
            title: self.heading.unwrap_or_else(|| "〖小节标题〗".to_owned()),
            text: self.lead,
            sections: self.sections,
        }
    }

    fn to_yaml(&self) -> Yaml {
        let mut entries = Vec::new();
        if let Some(h) = &self.heading {
            entries.push(("heading", s(h)));
        }
        if !self.lead.is_empty() {
            entries.push(("lead", s(self.lead.join("\n\n"))));
        }
        let placeholder = [Section {
            title: "〖小节标题〗".to_owned(),
            text: Vec::new(),
            sections: Vec::new(),
        }];
        let sections = if self.sections.is_empty() {
            &placeholder[..]
        } else {
            &self.sections
        };
        entries.push((
            "sections",
            Yaml::List(sections.iter().map(Section::to_yaml).collect()),
        ));
        Yaml::Map(entries)
    }
}

/// The highest heading level written in the lines.
fn top_level(lines: &[String]) -> Option<usize> {
    lines
        .iter()
        .filter_map(|l| heading(l))
        .map(|(l, _)| l)
        .min()
}

/// A heading or part line of the review: 2024年工作总结, 主要工作及成效….
fn is_review_title(title: &str) -> bool {
    [
        "总结",
        "工作情况",
        "主要成效",
        "工作成效",
        "工作回顾",
        "完成情况",
        "主要工作",
    ]
    .iter()
    .any(|w| title.contains(w))
}

/// A heading or part line of next year's plan: 下一步工作打算, 2025年工作计划….
fn is_plan_title(title: &str, year: Option<i64>) -> bool {
    let next_year = year.is_some_and(|y| {
        title.contains(&format!("{}年", y + 1))
            && ["工作", "计划", "打算", "重点", "思路", "安排"]
                .iter()
                .any(|w| title.contains(w))
    });
    next_year
        || [
            "下一步",
            "工作打算",
            "工作计划",
            "工作思路",
            "工作安排",
            "明年",
            "今后",
        ]
        .iter()
        .any(|w| title.contains(w))
}

/// An unnumbered line that names a part: short, no sentence, a review or plan title.
fn is_part_line(line: &str, year: Option<i64>) -> bool {
    heading(line).is_none()
        && line.chars().count() <= 30
        && !line.contains(['。', '，', '；'])
        && (is_review_title(line) || is_plan_title(line, year))
}

/// The review and the plan (and the report's lead) from the body's lines.
fn parts(body: &[String], year: Option<i64>) -> (Vec<String>, Part, Part) {
    // Unnumbered part lines.
    let part_lines: Vec<usize> = (0..body.len())
        .filter(|&i| is_part_line(&body[i], year))
        .collect();
    if !part_lines.is_empty() {
        let lead = body[..part_lines[0]].to_vec();
        let found = part_lines
            .iter()
            .enumerate()
            .map(|(k, &at)| {
                let end = part_lines.get(k + 1).copied().unwrap_or(body.len());
                Part::of(Some(body[at].clone()), &body[at + 1..end])
            })
            .collect();
        let (review, plan) = review_and_plan(found, year);
        return (lead, review, plan);
    }
    let Some(top) = top_level(body) else {
        // Prose only: its closing “下一步，…” paragraphs are the plan.
        let (lead, plan) = split_plan_paragraphs(body.to_vec(), year);
        return (lead, Part::default(), plan);
    };
    let (lead, top_sections) = sections(body, top);
    // Numbered parts: the first reads as the review and a later one as the plan.
    let numbered_parts = top_sections.len() >= 2
        && is_review_title(&top_sections[0].title)
        && top_sections[1..]
            .iter()
            .any(|s| is_plan_title(&s.title, year));
    if numbered_parts {
        let found = top_sections.into_iter().map(Part::of_section).collect();
        let (review, plan) = review_and_plan(found, year);
        return (lead, review, plan);
    }
    // Numbered sections of the review, the plan one of them or a closing paragraph.
    let mut review_sections = top_sections;
    let plan_at = review_sections
        .iter()
        .position(|s| is_plan_title(&s.title, year));
    let plan = match plan_at {
        Some(at) => {
            let mut rest = review_sections.split_off(at).into_iter();
            let mut plan = Part::of_section(rest.next().expect("split at it"));
            plan.sections.extend(rest);
            plan
        }
        None => match last_open(&mut review_sections) {
            Some(last) => {
                let (kept, plan) = split_plan_paragraphs(std::mem::take(&mut last.text), year);
                last.text = kept;
                plan
            }
            None => Part::default(),
        },
    };
    let review = Part {
        heading: None,
        lead: Vec::new(),
        sections: review_sections,
    };
    (lead, review, plan)
}

/// Paragraphs from the first that opens a plan (`下一步，…`, `2025年，我局将…`) on.
fn split_plan_paragraphs(mut paragraphs: Vec<String>, year: Option<i64>) -> (Vec<String>, Part) {
    let next_year = year.map(|y| format!("{}年", y + 1));
    let at = paragraphs.iter().position(|p| {
        PLAN_OPENINGS.iter().any(|o| p.starts_with(o))
            || next_year.as_deref().is_some_and(|n| p.starts_with(n))
    });
    let Some(at) = at else {
        return (paragraphs, Part::default());
    };
    let plan = paragraphs.split_off(at);
    (paragraphs, Part::of(None, &plan))
}

/// The first part is the review, the first later one that reads as a plan is the plan;
/// parts between go under the review, parts after it under the plan.
fn review_and_plan(found: Vec<Part>, year: Option<i64>) -> (Part, Part) {
    let plan_at = found
        .iter()
        .skip(1)
        .position(|p| p.heading.as_deref().is_some_and(|h| is_plan_title(h, year)))
        .map(|i| i + 1);
    let mut found = found.into_iter();
    let mut review = found.next().unwrap_or_default();
    let mut plan = Part::default();
    for (k, part) in found.enumerate() {
        match plan_at {
            Some(at) if k + 1 == at => plan = part,
            Some(at) if k + 1 > at => plan.sections.push(part.into_section()),
            _ => review.sections.push(part.into_section()),
        }
    }
    (review, plan)
}

pub fn import(text: &Text) -> Yaml {
    let lines = &text.lines;
    let title_at = lines.first().filter(|l| is_headline(l)).map(|_| 0);
    let title = title_at.map(|i| lines[i].clone());
    let signature = signature(lines);
    let end = signature.as_ref().map_or(lines.len(), |s| s.2);
    let date = signature
        .as_ref()
        .map(|(_, date, _)| date.clone())
        .or_else(|| text.page.date.clone());
    // The organ signs at the end, or is the page's source, or opens the title.
    let title_organ = title.as_deref().and_then(|t| {
        let at = t.find(|c: char| c.is_ascii_digit())?;
        Some(t[..at].to_owned()).filter(|o| is_organ(o))
    });
    let organ = signature
        .as_ref()
        .map(|(organ, _, _)| organ.clone())
        .or_else(|| text.page.source.clone().filter(|s| is_organ(s)))
        .or(title_organ);
    let year = title
        .as_deref()
        .filter(|t| t.contains("总结") || t.contains("工作"))
        .and_then(first_year)
        .or_else(|| date.as_deref().and_then(|d| d.get(..4)?.parse().ok()));
    let start = title_at.map_or(0, |i| i + 1);
    let body = &lines[start..end.max(start)];
    let (lead, review, plan) = parts(body, year);
    let mut entries = vec![
        ("kind", s(KIND)),
        (
            "organ",
            s(organ.unwrap_or_else(|| "〖发文机关〗".to_owned())),
        ),
        (
            "year",
            year.map_or(Yaml::Placeholder("〖年份〗"), Yaml::Int),
        ),
        ("date", s(date.unwrap_or_else(|| "〖日期〗".to_owned()))),
    ];
    if let Some(title) = title {
        entries.push(("title", s(title)));
    }
    if !lead.is_empty() {
        entries.push(("lead", s(lead.join("\n\n"))));
    }
    entries.push(("review", review.to_yaml()));
    entries.push(("plan", plan.to_yaml()));
    Yaml::Map(entries)
}
