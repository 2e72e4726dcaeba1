//! A plain-text work report → its data file.

use super::KIND;
use crate::kinds::common::import::{Section, Yaml, first_year, heading, s, sections, signature};

/// A part of a work report: its heading (一、…) if written, and its sections.
type Part = (Option<String>, Vec<Section>);

pub fn import(lines: &[String]) -> Yaml {
    let title_at = lines
        .iter()
        .position(|l| heading(l).is_none() && (l.contains("总结") || l.contains("计划")));
    let title = title_at.map(|i| lines[i].clone());
    let (organ, date, end) = match signature(lines) {
        Some((organ, date, at)) => (s(organ), s(date), at),
        None => (s("〖发文机关〗"), s("〖日期〗"), lines.len()),
    };
    let year = title
        .as_deref()
        .and_then(first_year)
        .or_else(|| match &date {
            Yaml::Str(d) => d.get(..4).and_then(|y| y.parse().ok()),
            _ => None,
        });
    let body = &lines[title_at.map_or(0, |i| i + 1)..end];
    let has_parts = body
        .iter()
        .any(|l| heading(l).is_some_and(|(level, _)| level == 1));
    let (lead, parts): (Vec<String>, Vec<Part>) = if has_parts {
        let (lead, top) = sections(body, 1);
        let parts = top
            .into_iter()
            .map(|part| (Some(part.title), part.sections))
            .collect();
        (lead, parts)
    } else {
        // No 一、 headings: a second run of （一） starts next year's plan.
        let (lead, top) = sections(body, 2);
        let split = top
            .iter()
            .skip(1)
            .position(|s| s.title.contains("计划"))
            .map_or(top.len() / 2, |i| i + 1);
        let mut top = top;
        let plan = top.split_off(split.max(1).min(top.len()));
        (lead, vec![(None, top), (None, plan)])
    };
    let part = |(heading, sections): &Part| {
        let mut entries = Vec::new();
        if let Some(h) = heading {
            entries.push(("heading", s(h)));
        }
        entries.push((
            "sections",
            Yaml::List(sections.iter().map(Section::to_yaml).collect()),
        ));
        Yaml::Map(entries)
    };
    let plan_index = parts
        .iter()
        .position(|(h, _)| h.as_deref().is_some_and(|h| h.contains("计划")))
        .unwrap_or(1);
    let review = parts
        .first()
        .map_or_else(|| part(&(None, Vec::new())), &part);
    let plan = parts
        .get(plan_index)
        .map_or_else(|| part(&(None, Vec::new())), &part);
    let mut entries = vec![
        ("kind", s(KIND)),
        ("organ", organ),
        ("year", year.map_or(s("〖年份〗"), Yaml::Int)),
        ("date", date),
    ];
    if let Some(title) = title {
        entries.push(("title", s(title)));
    }
    if !lead.is_empty() {
        entries.push(("lead", s(lead.join("\n\n"))));
    }
    entries.push(("review", review));
    entries.push(("plan", plan));
    Yaml::Map(entries)
}

