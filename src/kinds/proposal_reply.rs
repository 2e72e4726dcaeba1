//! `kind: proposal-reply`: a bureau's reply to a CPPCC member's proposal (提案, addressed
//! `…委员：`) or an NPC deputy's suggestion (建议, addressed `…代表：`).

use serde::Serialize;

use super::common::{
    Date, Figure, Prose, Section, decode_date, decode_figures, decode_prose, decode_sections,
};
use crate::diag::{Diagnostics, Pos};
use crate::load::decode::{Decoder, FieldSpec, Located};
use crate::load::node::Node;
use crate::validate;

pub const KIND: &str = "proposal-reply";

#[derive(Debug)]
pub struct ProposalReply {
    pub organ: Located<String>,
    pub date: Located<Date>,
    pub doc_number: Located<String>,
    pub result: Located<String>,
    pub reason: Option<Prose>,
    pub public: Located<bool>,
    pub proposal: Proposal,
    pub figures: Vec<Figure>,
    pub lead: Option<Prose>,
    pub sections: Vec<Section>,
    pub sections_pos: Pos,
    pub closing: Option<Prose>,
    pub signed_by: Located<String>,
    pub contact: Contact,
    pub cc: Vec<Located<String>>,
}

/// The proposal or suggestion being answered.
#[derive(Debug, Serialize)]
pub struct Proposal {
    pub meeting: Located<String>,
    pub number: Located<String>,
    pub title: Located<String>,
    pub proposer: Located<String>,
    /// 委员 or 代表.
    pub role: Located<String>,
    /// 提案 or 建议.
    #[serde(rename = "type")]
    pub kind: Located<String>,
}

#[derive(Debug, Serialize)]
pub struct Contact {
    pub name: Located<String>,
    pub phone: Located<String>,
}

pub(crate) const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "kind",
        help: "文种，此处为 proposal-reply",
    },
    FieldSpec {
        name: "organ",
        help: "答复单位（落款），如“石家庄市科学技术局”",
    },
    FieldSpec {
        name: "date",
        help: "答复日期，如 2024-06-06",
    },
    FieldSpec {
        name: "doc_number",
        help: "文号，年份用六角括号，如“承办单位提案字〔2024〕第12号”",
    },
    FieldSpec {
        name: "result",
        help: "办理结果：A 已解决或采纳，B 正在解决或列入计划，C 因条件限制暂不能解决",
    },
    FieldSpec {
        name: "reason",
        help: "办理结果为 C 时，说明暂不能解决的原因",
    },
    FieldSpec {
        name: "public",
        help: "是否同意公开：true 或 false",
    },
    FieldSpec {
        name: "proposal",
        help: "所答复的提案或建议：meeting、number、title、proposer、role、type",
    },
    FieldSpec {
        name: "figures",
        help: "数据指标，正文中以 {代号} 引用",
    },
    FieldSpec {
        name: "lead",
        help: "开头语之后的总述段落",
    },
    FieldSpec {
        name: "sections",
        help: "答复正文各部分，自动编号为 一、二、，下一级为（一）（二）",
    },
    FieldSpec {
        name: "closing",
        help: "结束语，如“感谢您对科技工作的关心和支持！”",
    },
    FieldSpec {
        name: "signed_by",
        help: "领导签发人姓名",
    },
    FieldSpec {
        name: "contact",
        help: "联系人：name 和 phone",
    },
    FieldSpec {
        name: "cc",
        help: "抄送单位列表",
    },
];

pub(crate) const PROPOSAL_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "meeting",
        help: "会议，如“政协石家庄市第十四届委员会第四次会议”",
    },
    FieldSpec {
        name: "number",
        help: "提案或建议的编号，如 0520",
    },
    FieldSpec {
        name: "title",
        help: "提案或建议的标题",
    },
    FieldSpec {
        name: "proposer",
        help: "提出人姓名",
    },
    FieldSpec {
        name: "role",
        help: "委员（政协委员）或 代表（人大代表）",
    },
    FieldSpec {
        name: "type",
        help: "提案（委员提出）或 建议（代表提出）",
    },
];

pub(crate) const CONTACT_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "name",
        help: "联系人姓名",
    },
    FieldSpec {
        name: "phone",
        help: "联系电话，如 0311-85057592",
    },
];

pub fn decode(d: &mut Decoder, root: &Node) -> Option<ProposalReply> {
    let mut f = d.fields(root, "the reply", FIELDS)?;
    f.optional("kind");
    let organ = f.required(d, "organ").and_then(|n| d.text(n, "the organ"));
    let date = f.required(d, "date").and_then(|n| decode_date(d, n));
    let doc_number = f
        .required(d, "doc_number")
        .and_then(|n| d.text(n, "the document number"));
    let result = f
        .required(d, "result")
        .and_then(|n| d.text(n, "the result"));
    let reason = f
        .optional("reason")
        .and_then(|n| decode_prose(d, n, "the reason"));
    let public = f.required(d, "public").and_then(|n| d.boolean(n));
    let proposal = f
        .required(d, "proposal")
        .and_then(|n| decode_proposal(d, n));
    let figures = f
        .optional("figures")
        .map(|n| decode_figures(d, n))
        .unwrap_or_default();
    let lead = f
        .optional("lead")
        .and_then(|n| decode_prose(d, n, "the lead"));
    let sections_node = f.required(d, "sections");
    let sections_pos = sections_node.map_or(f.pos(), crate::load::node::pos);
    let sections = sections_node
        .map(|n| decode_sections(d, n, 1))
        .unwrap_or_default();
    let closing = f
        .optional("closing")
        .and_then(|n| decode_prose(d, n, "the closing"));
    let signed_by = f
        .required(d, "signed_by")
        .and_then(|n| d.text(n, "the signer"));
    let contact = f.required(d, "contact").and_then(|n| decode_contact(d, n));
    let cc = f
        .optional("cc")
        .map(|n| d.text_list(n, "the units copied", "a unit"))
        .unwrap_or_default();
    f.finish(d);
    Some(ProposalReply {
        organ: organ?,
        date: date?,
        doc_number: doc_number?,
        result: result?,
        reason,
        public: public?,
        proposal: proposal?,
        figures,
        lead,
        sections,
        sections_pos,
        closing,
        signed_by: signed_by?,
        contact: contact?,
        cc,
    })
}

fn decode_proposal(d: &mut Decoder, node: &Node) -> Option<Proposal> {
    let mut f = d.fields(node, "the proposal", PROPOSAL_FIELDS)?;
    let text = |f: &mut crate::load::decode::Fields, d: &mut Decoder, name: &str| {
        f.required(d, name).and_then(|n| d.text(n, "this field"))
    };
    let meeting = text(&mut f, d, "meeting");
    let number = text(&mut f, d, "number");
    let title = text(&mut f, d, "title");
    let proposer = text(&mut f, d, "proposer");
    let role = text(&mut f, d, "role");
    let kind = text(&mut f, d, "type");
    f.finish(d);
    Some(Proposal {
        meeting: meeting?,
        number: number?,
        title: title?,
        proposer: proposer?,
        role: role?,
        kind: kind?,
    })
}

fn decode_contact(d: &mut Decoder, node: &Node) -> Option<Contact> {
    let mut f = d.fields(node, "the contact", CONTACT_FIELDS)?;
    let name = f
        .required(d, "name")
        .and_then(|n| d.text(n, "the contact name"));
    let phone = f
        .required(d, "phone")
        .and_then(|n| d.text(n, "the telephone number"));
    f.finish(d);
    Some(Contact {
        name: name?,
        phone: phone?,
    })
}

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

impl ProposalReply {
    /// `对政协…会议第0520号提案的答复`.
    pub fn title(&self) -> String {
        format!(
            "对{}第{}号{}的答复",
            self.proposal.meeting.value, self.proposal.number.value, self.proposal.kind.value
        )
    }

    pub fn validate(&self, diags: &mut Diagnostics) {
        validate::figures(&self.figures, diags);
        let result = self.result.value.as_str();
        if !matches!(result, "A" | "B" | "C") {
            diags
                .error(self.result.pos, format!("result `{result}` is not A, B or C"))
                .hint("A: solved or adopted (已解决或采纳); B: being solved or planned (正在解决或列入计划); C: cannot be solved for now (因条件限制暂不能解决)");
        }
        if result == "C" && self.reason.is_none() {
            diags
                .error(
                    self.result.pos,
                    "result C needs the reason it cannot be solved for now",
                )
                .hint("add `reason:` explaining the conditions that prevent a solution");
        }
        let (role, kind) = (&self.proposal.role, &self.proposal.kind);
        if !matches!(role.value.as_str(), "委员" | "代表") {
            diags
                .error(
                    role.pos,
                    format!("role `{}` is not 委员 or 代表", role.value),
                )
                .hint("委员 for a CPPCC member's 提案, 代表 for an NPC deputy's 建议");
        } else if !matches!(kind.value.as_str(), "提案" | "建议") {
            diags
                .error(
                    kind.pos,
                    format!("type `{}` is not 提案 or 建议", kind.value),
                )
                .hint("提案 for a CPPCC member (委员), 建议 for an NPC deputy (代表)");
        } else if (role.value == "委员") != (kind.value == "提案") {
            let expected = if role.value == "委员" {
                "提案"
            } else {
                "建议"
            };
            diags
                .error(
                    kind.pos,
                    format!(
                        "a {} submits a {expected}, not a {}",
                        role.value, kind.value
                    ),
                )
                .hint(format!("write `type: {expected}`, or correct `role`"));
        }
        match doc_number_year(&self.doc_number.value) {
            None => {
                diags
                    .error(self.doc_number.pos, format!("malformed document number `{}`", self.doc_number.value))
                    .hint("write the full year in hexagonal brackets and end with 号, e.g. 承办单位提案字〔2024〕第12号");
            }
            Some(year) if year != self.date.value.year => {
                diags
                    .warning(
                        self.doc_number.pos,
                        format!(
                            "the document number's year {year} differs from the date's year {}",
                            self.date.value.year
                        ),
                    )
                    .hint("check the year in 〔〕 and `date`");
            }
            Some(_) => {}
        }
        if !is_phone(&self.contact.phone.value) {
            diags
                .error(
                    self.contact.phone.pos,
                    format!("`{}` is not a telephone number", self.contact.phone.value),
                )
                .hint("write digits with an optional area code, e.g. 0311-85057592 or 13800000000");
        }
        if self.sections.is_empty() {
            diags
                .error(self.sections_pos, "the reply has no sections")
                .hint("add at least one section under `sections:`");
        }
        validate::sections(&self.sections, diags);
        let mut prose: Vec<&Prose> = self
            .lead
            .iter()
            .chain(&self.closing)
            .chain(&self.reason)
            .collect();
        for section in &self.sections {
            section.collect_prose(&mut prose);
        }
        validate::references(&prose, &self.figures, diags);
    }

    pub fn context(&self) -> impl Serialize + '_ {
        #[derive(Serialize)]
        struct Context<'a> {
            kind: &'static str,
            title: String,
            organ: &'a str,
            date: Date,
            doc_number: &'a str,
            result: &'a str,
            reason: &'a Option<Prose>,
            public: bool,
            proposal: &'a Proposal,
            figures: &'a [Figure],
            lead: &'a Option<Prose>,
            sections: &'a [Section],
            closing: &'a Option<Prose>,
            signed_by: &'a str,
            contact: &'a Contact,
            cc: Vec<&'a str>,
        }
        Context {
            kind: KIND,
            title: self.title(),
            organ: &self.organ.value,
            date: self.date.value,
            doc_number: &self.doc_number.value,
            result: &self.result.value,
            reason: &self.reason,
            public: self.public.value,
            proposal: &self.proposal,
            figures: &self.figures,
            lead: &self.lead,
            sections: &self.sections,
            closing: &self.closing,
            signed_by: &self.signed_by.value,
            contact: &self.contact,
            cc: self.cc.iter().map(|c| c.value.as_str()).collect(),
        }
    }
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
