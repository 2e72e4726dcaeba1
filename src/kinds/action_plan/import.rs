//! A plain-text action plan → its data file.

use super::KIND;
use crate::kinds::common::import::{
    Text, Yaml, continue_text, date_of, heading, s, sections, split_run_in, split_units,
};

/// A plan's tasks name the units that lead and share them.
/// A plan: tasks with their units; each line naming units counts.
pub fn score(lines: &[String]) -> u32 {
    let units = lines
        .iter()
        .filter(|l| {
            l.contains("牵头单位")
                || l.contains("责任单位")
                || l.ends_with("牵头）")
                || l.ends_with("牵头）。")
        })
        .count();
    2 * units.min(20) as u32
}

/// A task as gathered: its heading's rest, then the lines that follow it.
fn task_yaml(raw: &str) -> Yaml {
    let (body, lead, units) = split_units(raw);
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

/// The sections of a plan, by the words of their headings.
#[derive(Clone, Copy, PartialEq)]
enum PartKind {
    Guiding,
    Goals,
    Tasks,
    Safeguards,
}

fn part_kind(title: &str) -> PartKind {
    let has = |words: &[&str]| words.iter().any(|w| title.contains(w));
    if has(&["目标"]) {
        PartKind::Goals
    } else if has(&["保障", "措施", "工作要求", "组织实施", "实施步骤"]) {
        PartKind::Safeguards
    } else if has(&["任务", "重点工作", "主要工作", "重点工程", "行动"]) {
        PartKind::Tasks
    } else {
        PartKind::Guiding
    }
}

/// Tasks under their groups: （一） opens a group, 1. a task; a line that is neither
/// continues the task (or the group) before it. A group written without tasks is a task
/// itself.
fn task_groups(lines: &[String], part_title: &str) -> Vec<(String, Vec<Yaml>)> {
    let has_tasks = lines
        .iter()
        .any(|l| heading(l).is_some_and(|(l, _)| l == 3));
    // (group title, its own text, its tasks' raw texts)
    let mut groups: Vec<(String, String, Vec<String>)> = Vec::new();
    for line in lines {
        match heading(line) {
            Some((2, rest)) if has_tasks => {
                groups.push((split_run_in(rest).0, rest.to_owned(), Vec::new()));
            }
            Some((2, rest)) | Some((3, rest)) => {
                if groups.is_empty() {
                    let title = if has_tasks {
                        "〖任务分组〗"
                    } else {
                        part_title
                    };
                    groups.push((title.to_owned(), String::new(), Vec::new()));
                }
                groups.last_mut().expect("a group").2.push(rest.to_owned());
            }
            _ => match groups.last_mut() {
                Some((_, _, tasks)) if !tasks.is_empty() => {
                    let task = tasks.last_mut().expect("not empty");
                    continue_text(task, line);
                }
                Some((_, own, _)) => {
                    own.push_str("\n\n");
                    own.push_str(line);
                }
                None => {}
            },
        }
    }
    groups
        .into_iter()
        .map(|(title, own, tasks)| {
            let tasks = if tasks.is_empty() { vec![own] } else { tasks };
            (title, tasks.iter().map(|t| task_yaml(t)).collect())
        })
        .collect()
}

/// Safeguards: each （一） with the lines after it.
fn safeguards(lines: &[String]) -> Vec<Yaml> {
    let mut raws: Vec<String> = Vec::new();
    for line in lines {
        match heading(line) {
            Some((2, rest)) => raws.push(rest.to_owned()),
            _ => {
                if let Some(raw) = raws.last_mut() {
                    continue_text(raw, line);
                }
            }
        }
    }
    raws.iter().map(|r| task_yaml(r)).collect()
}

/// `某市人民政府（关于）印发《某行动计划（2018—2020年）》的通知` → the organ and the title.
fn issuing_title(line: &str) -> (Option<String>, String) {
    let split = line
        .split_once("关于印发")
        .or_else(|| line.split_once("印发"));
    match split {
        Some((organ, rest)) => (
            Some(organ.trim().to_owned()).filter(|o| !o.is_empty()),
            rest.trim_end_matches("的通知")
                .trim_start_matches('《')
                .trim_end_matches('》')
                .to_owned(),
        ),
        None => (None, line.to_owned()),
    }
}

pub fn import(text: &Text) -> Yaml {
    let lines = &text.lines;
    let title_at = lines
        .iter()
        .position(|l| heading(l).is_none() && (l.contains("计划") || l.contains("方案")));
    let (organ, title) = match title_at.map(|i| lines[i].as_str()) {
        Some(line) => issuing_title(line),
        None => (None, "〖标题〗".to_owned()),
    };
    let years: Vec<i64> = title
        .split(['（', '—', '-', '–', '年', '）'])
        .filter_map(|p| (p.len() == 4).then(|| p.parse().ok()).flatten())
        .collect();
    let date = lines
        .iter()
        .find_map(|l| date_of(l))
        .or_else(|| text.page.date.clone());
    let mut doc_number = None;
    let mut preamble = Vec::new();
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    for line in &lines[title_at.map_or(0, |i| i + 1)..] {
        let is_number = line.contains('〔') && line.ends_with('号') && line.chars().count() <= 30;
        match heading(line) {
            Some((1, rest)) => parts.push((split_run_in(rest).0, Vec::new())),
            _ if date_of(line).is_some() => {}
            _ if is_number && doc_number.is_none() => doc_number = Some(line.clone()),
            // The plan's title printed again under its cover letter (印发通知).
            _ if *line == title => {}
            _ => match parts.last_mut() {
                Some(part) => part.1.push(line.clone()),
                None => preamble.push(line.clone()),
            },
        }
    }
    let of_kind = |kind: PartKind| {
        parts
            .iter()
            .filter(move |(h, _)| part_kind(h) == kind)
            .map(|(h, lines)| (h.as_str(), lines.as_slice()))
    };
    // Every part that is not goals, tasks or safeguards.
    let mut guiding = Vec::new();
    for (_, lines) in of_kind(PartKind::Guiding) {
        guiding.extend(lines.iter().cloned());
    }
    let goal_lines: Vec<String> = of_kind(PartKind::Goals)
        .flat_map(|(_, l)| l.iter().cloned())
        .collect();
    let (goal_lead, goal_groups) = sections(&goal_lines, 2);
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
    let groups_of_tasks: Vec<(String, Vec<Yaml>)> = of_kind(PartKind::Tasks)
        .flat_map(|(title, lines)| task_groups(lines, title))
        .collect();
    let safeguards: Vec<Yaml> = of_kind(PartKind::Safeguards)
        .flat_map(|(_, lines)| safeguards(lines))
        .collect();
    // Headings worded otherwise than the usual four are kept.
    let headings: Vec<(&'static str, Yaml)> = [
        ("guiding", PartKind::Guiding, "指导思想"),
        ("goals", PartKind::Goals, "主要目标"),
        ("tasks", PartKind::Tasks, "主要任务"),
        ("safeguards", PartKind::Safeguards, "保障措施"),
    ]
    .into_iter()
    .filter_map(|(key, kind, usual)| {
        let (title, _) = of_kind(kind).next()?;
        (title != usual).then(|| (key, s(title)))
    })
    .collect();
    let mut entries = vec![
        ("kind", s(KIND)),
        ("title", s(title)),
        (
            "organ",
            s(organ.unwrap_or_else(|| "〖发文机关〗".to_owned())),
        ),
    ];
    if let Some(number) = doc_number {
        entries.push(("doc_number", s(number)));
    }
    entries.extend([
        (
            "period",
            Yaml::Map(vec![
                (
                    "first",
                    years
                        .first()
                        .map_or(Yaml::Placeholder("〖年份〗"), |y| Yaml::Int(*y)),
                ),
                (
                    "last",
                    years
                        .last()
                        .map_or(Yaml::Placeholder("〖年份〗"), |y| Yaml::Int(*y)),
                ),
            ]),
        ),
        ("date", s(date.unwrap_or_else(|| "〖日期〗".to_owned()))),
    ]);
    if !preamble.is_empty() {
        entries.push(("lead", s(preamble.join("\n\n"))));
    }
    if !headings.is_empty() {
        entries.push(("headings", Yaml::Map(headings)));
    }
    entries.extend([(
        "guiding",
        s(if guiding.is_empty() {
            "〖指导思想〗".to_owned()
        } else {
            guiding.join("\n\n")
        }),
    )]);
    let mut goals = Vec::new();
    if !goal_lead.is_empty() {
        goals.push(("lead", s(goal_lead.join("\n\n"))));
    }
    goals.push(("groups", Yaml::List(groups)));
    entries.push(("goals", Yaml::Map(goals)));
    entries.push((
        "tasks",
        Yaml::List(
            groups_of_tasks
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
