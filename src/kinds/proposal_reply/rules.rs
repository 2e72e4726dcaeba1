//! The rules of a reply: its result, the proposal's role and type, its document number
//! and telephone number, and the shared rules of figures and sections.

use super::ProposalReply;
use crate::decode::Located;
use crate::diag::Diagnostics;
use crate::kinds::common::{Prose, rules};

/// `承办单位提案字〔2024〕第12号`: the year of its 〔〕, if the number is well-formed.
pub fn doc_number_year(number: &str) -> Option<i32> {
    let (_, rest) = number.split_once('〔')?;
    let (year, tail) = rest.split_once('〕')?;
    let well_formed = year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
        && tail.ends_with('号')
        && tail
            .trim_end_matches('号')
            .trim_start_matches('第')
            .chars()
            .all(|c| c.is_ascii_digit())
        && tail.len() > '号'.len_utf8();
    well_formed.then(|| year.parse().ok()).flatten()
}

/// A telephone number: 7 to 13 digits, with an optional area code, `-`, spaces or `+86`.
pub fn is_phone(phone: &str) -> bool {
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')' | '（' | '）'));
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    allowed && (7..=13).contains(&digits)
}

pub fn validate(reply: &ProposalReply, diags: &mut Diagnostics) {
    rules::shared_parts(
        &reply.title(),
        &reply.title_lines,
        reply.header.as_ref(),
        reply.seal.as_ref(),
        reply.pdf_standard.as_ref(),
        &reply.organ.value,
        diags,
    );
    rules::figures(&reply.figures, diags);
    proposal_title(&reply.proposal.title, &reply.proposal.kind.value, diags);
    let result = reply.result.value.as_str();
    if !matches!(result, "A" | "B" | "C") {
        diags
            .error(reply.result.pos, t!("result `%{result}` is not A, B or C", result = result))
            .hint(t!("A: solved or adopted (已解决或采纳); B: being solved or planned (正在解决或列入计划); C: cannot be solved for now (因条件限制暂不能解决)"));
    }
    if result == "C" && reply.reason.is_none() {
        diags
            .error(
                reply.result.pos,
                t!("result C needs the reason it cannot be solved for now"),
            )
            .hint(t!(
                "add `reason:` explaining the conditions that prevent a solution"
            ));
    }
    let (role, kind) = (&reply.proposal.role, &reply.proposal.kind);
    if !matches!(role.value.as_str(), "委员" | "代表") {
        diags
            .error(
                role.pos,
                t!("role `%{role}` is not 委员 or 代表", role = role.value),
            )
            .hint(t!(
                "委员 for a CPPCC member's 提案, 代表 for an NPC deputy's 建议"
            ));
    } else if !matches!(kind.value.as_str(), "提案" | "建议") {
        diags
            .error(
                kind.pos,
                t!("type `%{kind}` is not 提案 or 建议", kind = kind.value),
            )
            .hint(t!(
                "提案 for a CPPCC member (委员), 建议 for an NPC deputy (代表)"
            ));
    } else if (role.value == "委员") != (kind.value == "提案") {
        let expected = if role.value == "委员" {
            "提案"
        } else {
            "建议"
        };
        diags
            .error(
                kind.pos,
                t!(
                    "a %{role} submits a %{expected}, not a %{kind}",
                    role = role.value,
                    expected = expected,
                    kind = kind.value
                ),
            )
            .hint(t!(
                "write `type: %{expected}`, or correct `role`",
                expected = expected
            ));
    }
    match doc_number_year(&reply.doc_number.value) {
        None => {
            diags
                .error(reply.doc_number.pos, t!("malformed document number `%{number}`", number = reply.doc_number.value))
                .hint(t!("write the full year in hexagonal brackets and end with 号, e.g. 承办单位提案字〔2024〕第12号"));
        }
        Some(year) if year != reply.date.value.year => {
            diags
                .warning(
                    reply.doc_number.pos,
                    t!(
                        "the document number's year %{year} differs from the date's year %{date_year}",
                        year = year,
                        date_year = reply.date.value.year
                    ),
                )
                .hint(t!("check the year in 〔〕 and `date`"));
        }
        Some(_) => {}
    }
    if !is_phone(&reply.contact.phone.value) {
        diags
            .error(
                reply.contact.phone.pos,
                t!(
                    "`%{phone}` is not a telephone number",
                    phone = reply.contact.phone.value
                ),
            )
            .hint(t!(
                "write digits with an optional area code, e.g. 0311-85057592 or 13800000000"
            ));
    }
    if reply.sections.is_empty() {
        diags
            .error(reply.key_pos("sections"), t!("the reply has no sections"))
            .hint(t!("add at least one section under `sections:`"));
    }
    rules::sections(&reply.sections, 1, diags);
    let mut prose: Vec<&Prose> = reply
        .lead
        .iter()
        .chain(&reply.closing)
        .chain(&reply.reason)
        .collect();
    for section in &reply.sections {
        section.collect_prose(&mut prose);
    }
    rules::references(&prose, &reply.figures, diags);
}

/// The reply prints `您提出的关于“TITLE”的提案收悉`: a title that already reads
/// `关于……的提案` would print 关于 and 的提案 twice.
/// (A title that ends in the other noun, `……的建议` for a 提案, is the proposal's own
/// wording and reads well: `关于“……的建议”的提案`.)
fn proposal_title(title: &Located<String>, noun: &str, diags: &mut Diagnostics) {
    let text = title
        .value
        .trim_matches(|c| matches!(c, '“' | '”' | '《' | '》'));
    let framed = text.starts_with("关于") || text.ends_with(&format!("的{noun}"));
    if !framed {
        return;
    }
    let core = text
        .strip_prefix("关于")
        .unwrap_or(text)
        .trim_end_matches(&format!("的{noun}"));
    diags
        .warning(
            title.pos,
            t!(
                "the title `%{title}` already reads 关于……的%{noun}: the reply would print 关于“%{title}”的%{noun}",
                title = text,
                noun = noun
            ),
        )
        .hint(t!(
            "write only what it is about, e.g. `%{core}`: gongwen adds 关于“……”的%{noun}",
            core = core,
            noun = noun
        ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers() {
        assert_eq!(doc_number_year("承办单位提案字〔2024〕第12号"), Some(2024));
        assert_eq!(doc_number_year("石科建字〔2023〕5号"), Some(2023));
        assert_eq!(doc_number_year("承办单位提案字[2024]第12号"), None);
        assert_eq!(doc_number_year("承办单位提案字〔24〕第12号"), None);
        assert_eq!(doc_number_year("承办单位提案字〔2024〕第十二号"), None);
        assert_eq!(doc_number_year("承办单位提案字〔2024〕"), None);
    }

    #[test]
    fn phones() {
        assert!(is_phone("0311-85057592"));
        assert!(is_phone("13800000000"));
        assert!(is_phone("+86 311 8505 7592"));
        assert!(!is_phone("侯彦波"));
        assert!(!is_phone("123"));
        assert!(!is_phone("0311-8505759x"));
    }
}
