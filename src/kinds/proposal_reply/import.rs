//! A plain-text reply to a proposal or suggestion → its data file.

use super::KIND;
use crate::kinds::common::import::{
    Section, Text, Yaml, after_colon, heading, s, sections, signature, split_list,
};

/// A reply names its addressee (`…委员：`) or carries its title (`对…的答复`).
/// A reply: addressed to a 委员 or 代表, titled 对…的答复.
pub fn score(lines: &[String]) -> u32 {
    let addressed = lines
        .iter()
        .any(|l| (l.ends_with("委员：") || l.ends_with("代表：")) && l.chars().count() <= 12);
    let titled = lines
        .iter()
        .any(|l| reply_title_start(l).is_some() && l.ends_with("的答复"));
    10 * u32::from(addressed) + 10 * u32::from(titled)
}

/// A reply's title opens with 对 or 关于对 (or 关于 before a meeting's name).
fn reply_title_start(line: &str) -> Option<&str> {
    line.strip_prefix("关于对")
        .or_else(|| line.strip_prefix('对'))
        .or_else(|| {
            line.strip_prefix("关于")
                .filter(|rest| rest.contains("会议"))
        })
}

/// `（联系人：李某，联系电话：0311-85050000）` or `联系人：李某 0311-85050000`: the name and
/// the telephone number.
fn contact_of(line: &str) -> Option<(String, String)> {
    let inner = line.trim_start_matches('（').trim_end_matches('）');
    let rest = inner
        .strip_prefix("联系人")?
        .trim_start_matches(['：', ':'])
        .trim();
    let phone_at = rest.find(|c: char| c.is_ascii_digit())?;
    // The name ends at a separator or at the telephone's label, whichever comes first.
    let before_phone = &rest[..phone_at];
    let name_end = ["，", "；", ",", ";", " ", "联系电话", "电话"]
        .iter()
        .filter_map(|end| before_phone.find(end))
        .min()
        .unwrap_or(phone_at);
    let name = rest[..name_end].trim().to_owned();
    let phone: String = rest[phone_at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '—')
        .collect();
    (!name.is_empty()).then_some((name, phone))
}

pub fn import(text: &Text) -> Yaml {
    let lines = &text.lines;
    let mut public = None;
    let mut result = None;
    let mut doc_number = None;
    let mut title = None;
    let mut addressee = None;
    let mut proposal_title = None;
    let mut signed_by = None;
    let mut contact: Option<(String, String)> = None;
    let mut cc = Vec::new();
    let mut body = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if line.contains("是否同意公开") || line.contains("办理结果") {
            if line.contains("是否同意公开") {
                public = Some(
                    !line
                        .split("是否同意公开")
                        .nth(1)
                        .unwrap_or("")
                        .trim_start_matches(['：', '（', ' '])
                        .starts_with('否'),
                );
            }
            if let Some(after) = line.split("办理结果").nth(1) {
                result = after.chars().find(|c| matches!(c, 'A' | 'B' | 'C'));
            }
        } else if line.contains('〔')
            && line.ends_with('号')
            && line.chars().count() <= 30
            && doc_number.is_none()
        {
            doc_number = Some(line.clone());
        } else if reply_title_start(line).is_some() && title.is_none() {
            // A long title may be broken over two lines.
            let joined = if line.ends_with("的答复") {
                line.clone()
            } else {
                format!("{line}{}", lines.get(i + 1).map_or("", |l| l))
            };
            if joined.ends_with("的答复") {
                if !line.ends_with("的答复") {
                    i += 1;
                }
                title = Some(joined);
            } else {
                body.push(line.clone());
            }
        } else if (line.ends_with("委员：") || line.ends_with("代表："))
            && line.chars().count() <= 12
        {
            addressee = Some(line.trim_end_matches('：').to_owned());
        } else if line.starts_with("您提出的") && line.contains("收悉") {
            // The proposal's title is quoted “…” or named 《…》.
            proposal_title = [('“', '”'), ('《', '》')].iter().find_map(|(open, close)| {
                let after = line.split_once(*open)?.1;
                Some(after.split_once(*close)?.0.to_owned())
            });
            // Text after 现答复如下： is the lead's first paragraph.
            if let Some((_, after)) = line.split_once("如下：")
                && !after.trim().is_empty()
            {
                body.push(after.trim().to_owned());
            }
        } else if line.starts_with("领导签发") || line.starts_with("签发人") {
            signed_by = Some(after_colon(line).to_owned());
        } else if let Some(found) = contact_of(line) {
            contact = Some(found);
        } else if line.starts_with("抄送") {
            cc = split_list(after_colon(line));
        } else {
            body.push(line.clone());
        }
        i += 1;
    }
    // The same title is often printed twice: once by the website, once in the document.
    if let Some(t) = &title {
        body.retain(|l| !t.starts_with(l.as_str()) || l.chars().count() < 4);
    }
    let (organ, date, end) = match signature(&body) {
        Some((organ, date, at)) => (s(organ), s(date), at),
        None => (s("〖答复单位〗"), s("〖日期〗"), body.len()),
    };
    // The bureau's name atop the web page is not part of the reply's text.
    let mut content: Vec<String> = body[..end].to_vec();
    if let Yaml::Str(name) = &organ {
        content.retain(|l| l != name);
    }
    let closing = content
        .last()
        .filter(|l| {
            heading(l).is_none()
                && (l.starts_with("感谢") || l.starts_with("谢谢") || l.starts_with("特此"))
        })
        .cloned();
    if closing.is_some() {
        content.pop();
    }
    let (lead, sections) = sections(&content, 1);
    let (meeting, number, kind) =
        title
            .as_deref()
            .and_then(parse_reply_title)
            .unwrap_or_else(|| {
                (
                    "〖会议〗".to_owned(),
                    "〖编号〗".to_owned(),
                    "〖提案或建议〗".to_owned(),
                )
            });
    // A deputy makes suggestions (建议), a member of the CPPCC proposals (提案).
    let kind = match addressee.as_deref() {
        Some(a) if kind.starts_with('〖') && a.ends_with("代表") => "建议".to_owned(),
        Some(a) if kind.starts_with('〖') && a.ends_with("委员") => "提案".to_owned(),
        _ => kind,
    };
    let (proposer, role) = addressee
        .as_deref()
        .map(|a| {
            let role = if a.ends_with("代表") {
                "代表"
            } else {
                "委员"
            };
            (a.trim_end_matches(role).to_owned(), role.to_owned())
        })
        .unwrap_or_else(|| ("〖提出人〗".to_owned(), "委员".to_owned()));
    let (contact_name, phone) =
        contact.unwrap_or_else(|| ("〖联系人姓名〗".to_owned(), "〖联系电话〗".to_owned()));
    let phone = if phone.is_empty() {
        "〖联系电话〗".to_owned()
    } else {
        phone
    };
    let mut entries = vec![
        ("kind", s(KIND)),
        ("organ", organ),
        ("date", date),
        (
            "doc_number",
            s(doc_number.unwrap_or_else(|| "〖文号〗".to_owned())),
        ),
        (
            "result",
            s(result.map_or("〖A、B或C〗".to_owned(), String::from)),
        ),
    ];
    if result == Some('C') {
        entries.push(("reason", s("〖暂不能解决的原因〗")));
    }
    entries.push(("public", Yaml::Bool(public.unwrap_or(true))));
    entries.push((
        "proposal",
        Yaml::Map(vec![
            ("meeting", s(meeting)),
            ("number", s(number)),
            (
                "title",
                s(proposal_title.unwrap_or_else(|| "〖提案或建议的标题〗".to_owned())),
            ),
            ("proposer", s(proposer)),
            ("role", s(role)),
            ("type", s(kind)),
        ]),
    ));
    if !lead.is_empty() {
        entries.push(("lead", s(lead.join("\n\n"))));
    }
    entries.push((
        "sections",
        Yaml::List(sections.iter().map(Section::to_yaml).collect()),
    ));
    if let Some(closing) = closing {
        entries.push(("closing", s(closing)));
    }
    entries.push((
        "signed_by",
        s(signed_by.unwrap_or_else(|| "〖领导签发人〗".to_owned())),
    ));
    entries.push((
        "contact",
        Yaml::Map(vec![("name", s(contact_name)), ("phone", s(phone))]),
    ));
    if !cc.is_empty() {
        entries.push(("cc", Yaml::List(cc)));
    }
    Yaml::Map(entries)
}

/// `对政协…会议第0520号提案的答复` → (meeting, number, 提案/建议).
pub fn parse_reply_title(title: &str) -> Option<(String, String, String)> {
    let inner = reply_title_start(title)?.strip_suffix("的答复")?;
    let kind = ["提案", "建议"].into_iter().find(|k| inner.ends_with(k))?;
    let inner = inner.strip_suffix(kind)?.strip_suffix('号')?;
    let at = inner.rfind('第')?;
    let number = &inner[at + '第'.len_utf8()..];
    number
        .chars()
        .all(|c| c.is_ascii_digit())
        .then(|| (inner[..at].to_owned(), number.to_owned(), kind.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_in_every_writing() {
        for line in [
            "联系人：王电，联系电话：0311-85050000",
            "（联系人：王电；电话：0311-85050000）",
            "联系人：王电 0311-85050000",
            "联系人:王电0311-85050000",
        ] {
            assert_eq!(
                contact_of(line),
                Some(("王电".to_owned(), "0311-85050000".to_owned())),
                "{line}"
            );
        }
    }

    #[test]
    fn reply_titles() {
        assert_eq!(
            parse_reply_title("对政协某市第十四届委员会第四次会议第0520号提案的答复"),
            Some((
                "政协某市第十四届委员会第四次会议".into(),
                "0520".into(),
                "提案".into()
            ))
        );
    }
}
