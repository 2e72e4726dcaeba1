//! A plain-text notice → its data file.

use super::KIND;
use crate::kinds::common::import::{Section, Text, Yaml, heading, s, sections, signature};

/// A notice's title ends with 通知.
pub fn score(lines: &[String]) -> u32 {
    let titled = lines
        .iter()
        .take(5)
        .any(|l| l.ends_with("的通知") && heading(l).is_none());
    8 * u32::from(titled)
}

pub fn import(text: &Text) -> Yaml {
    let lines = &text.lines;
    let title_at = lines.iter().position(|l| l.ends_with("通知"));
    let (organ, date, end) = match signature(lines) {
        Some((organ, date, at)) => (s(organ), s(date), at),
        None => (s("〖发文机关〗"), s("〖日期〗"), lines.len()),
    };
    let start = title_at.map_or(0, |i| i + 1);
    let mut body: Vec<String> = lines[start..end.max(start)].to_vec();
    // The addressee is the short line ending with a colon just under the title.
    let addressee = match body.first() {
        Some(line) if line.ends_with('：') && heading(line).is_none() => {
            let addressee = line.trim_end_matches('：').to_owned();
            body.remove(0);
            Some(addressee)
        }
        _ => None,
    };
    // The attachments list (附件说明) follows the closing: taken out first.
    let attachments: Vec<Yaml> = body
        .iter()
        .filter_map(|l| l.strip_prefix("附件："))
        .map(|a| {
            s(
                a.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                    .trim(),
            )
        })
        .collect();
    body.retain(|l| !l.starts_with("附件："));
    let closing = body.last().filter(|l| l.starts_with("特此通知")).cloned();
    if closing.is_some() {
        body.pop();
    }
    let (lead, found) = sections(&body, 1);
    let mut entries = vec![
        ("kind", s(KIND)),
        ("organ", organ),
        ("date", date),
        (
            "title",
            s(title_at.map_or("〖标题〗".to_owned(), |i| lines[i].clone())),
        ),
        (
            "addressee",
            s(addressee.unwrap_or_else(|| "〖主送机关〗".to_owned())),
        ),
    ];
    if !lead.is_empty() {
        entries.push(("lead", s(lead.join("\n\n"))));
    }
    entries.push((
        "sections",
        Yaml::List(found.iter().map(Section::to_yaml).collect()),
    ));
    if let Some(closing) = closing {
        entries.push(("closing", s(closing)));
    }
    if !attachments.is_empty() {
        entries.push(("attachments", Yaml::List(attachments)));
    }
    Yaml::Map(entries)
}
