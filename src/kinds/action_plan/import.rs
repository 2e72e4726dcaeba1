//! A plain-text action plan → its data file.

use super::KIND;
use crate::kinds::common::import::{
    Yaml, date_of, heading, s, sections, split_run_in, split_units,
};

/// A plan's tasks name the units that lead and share them.
pub fn recognise(lines: &[String]) -> bool {
    lines
        .iter()
        .any(|l| l.contains("牵头单位") || l.contains("责任单位"))
}

fn task_yaml(rest: &str) -> Yaml {
    let (body, lead, units) = split_units(rest);
    let (title, text) = split_run_in(&body);
    let mut entries = vec![("title", s(title))];
    if let Some(text) = text {
        entries.push(("text", s(text)));
    }
    if !lead.is_empty() {
        entries.push(("lead_units", Yaml::List(lead)));
    }
    if !units.is_empty() {
        entries.push(("units", Yaml::List(units)));
    }
    if entries.len() == 1 || (entries.len() == 2 && entries[1].0 == "text") {
        entries.push(("units", Yaml::List(vec![s("〖责任单位〗")])));
    }
    Yaml::Map(entries)
}

pub fn import(lines: &[String]) -> Yaml {
    // `某市人民政府印发某行动计划（2018—2020年）的通知` gives the organ and the title.
    let title_at = lines
        .iter()
        .position(|l| heading(l).is_none() && (l.contains("计划") || l.contains("方案")));
    let (organ, title) = match title_at.map(|i| lines[i].as_str()) {
        Some(line) => match line.split_once("印发") {
            Some((organ, rest)) => (
                Some(organ.to_owned()),
                rest.trim_end_matches("的通知").to_owned(),
            ),
            None => (None, line.to_owned()),
        },
        None => (None, "〖标题〗".to_owned()),
    };
    let years: Vec<i64> = title
        .split(['（', '—', '-', '–', '年', '）'])
        .filter_map(|p| (p.len() == 4).then(|| p.parse().ok()).flatten())
        .collect();
    let date = lines.iter().find_map(|l| date_of(l));
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    for line in &lines[title_at.map_or(0, |i| i + 1)..] {
        match heading(line) {
            Some((1, rest)) => parts.push((rest.to_owned(), Vec::new())),
            _ if date_of(line).is_some() => {}
            _ => {
                if let Some(part) = parts.last_mut() {
                    part.1.push(line.clone());
                }
            }
        }
    }
    let part = |name: &str| {
        parts
            .iter()
            .find(|(h, _)| h.contains(name))
            .map(|(_, l)| l.as_slice())
            .unwrap_or(&[])
    };
    let guiding = part("指导思想").join("\n\n");
    let (goal_lead, goal_groups) = sections(part("目标"), 2);
    let groups: Vec<Yaml> = goal_groups
        .iter()
        .map(|g| {
            let text = if g.text.is_empty() {
                "〖目标〗".to_owned()
            } else {
                g.text.join("\n\n")
            };
            Yaml::Map(vec![("title", s(&g.title)), ("text", s(text))])
        })
        .collect();
    let mut task_groups: Vec<(String, Vec<Yaml>)> = Vec::new();
    for line in part("任务") {
        match heading(line) {
            Some((2, rest)) => task_groups.push((split_run_in(rest).0, Vec::new())),
            Some((3, rest)) => {
                if task_groups.is_empty() {
                    task_groups.push(("〖任务分组〗".to_owned(), Vec::new()));
                }
                task_groups
                    .last_mut()
                    .expect("a group")
                    .1
                    .push(task_yaml(rest));
            }
            _ => {
                // A continuation line of the last task's text.
                if let Some(Yaml::Map(task)) = task_groups.last_mut().and_then(|g| g.1.last_mut())
                    && let Some((_, Yaml::Str(text))) = task.iter_mut().find(|(k, _)| *k == "text")
                {
                    text.push_str("\n\n");
                    text.push_str(line);
                }
            }
        }
    }
    let safeguards: Vec<Yaml> = part("保障")
        .iter()
        .filter_map(|l| {
            heading(l)
                .filter(|(level, _)| *level == 2)
                .map(|(_, rest)| task_yaml(rest))
        })
        .collect();
    let mut entries = vec![
        ("kind", s(KIND)),
        ("title", s(title)),
        (
            "organ",
            s(organ.unwrap_or_else(|| "〖发文机关〗".to_owned())),
        ),
        (
            "period",
            Yaml::Map(vec![
                (
                    "first",
                    years.first().map_or(s("〖年份〗"), |y| Yaml::Int(*y)),
                ),
                (
                    "last",
                    years.last().map_or(s("〖年份〗"), |y| Yaml::Int(*y)),
                ),
            ]),
        ),
        ("date", s(date.unwrap_or_else(|| "〖日期〗".to_owned()))),
        (
            "guiding",
            s(if guiding.is_empty() {
                "〖指导思想〗".to_owned()
            } else {
                guiding
            }),
        ),
    ];
    let mut goals = Vec::new();
    if !goal_lead.is_empty() {
        goals.push(("lead", s(goal_lead.join("\n\n"))));
    }
    goals.push(("groups", Yaml::List(groups)));
    entries.push(("goals", Yaml::Map(goals)));
    entries.push((
        "tasks",
        Yaml::List(
            task_groups
                .into_iter()
                .map(|(title, tasks)| {
                    Yaml::Map(vec![("title", s(title)), ("tasks", Yaml::List(tasks))])
                })
                .collect(),
        ),
    ));
    if !safeguards.is_empty() {
        entries.push(("safeguards", Yaml::List(safeguards)));
    }
    Yaml::Map(entries)
}

