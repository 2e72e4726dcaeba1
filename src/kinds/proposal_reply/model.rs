//! The data of a reply, each field declared once.

use crate::decode::Located;
use crate::decode::record::{Choice, Choices};
use crate::kinds::common::{Contact, Figure, Header, Printing, Prose, Section};
use crate::record;
use crate::zh::Date;

/// 办理结果: A 已解决或采纳, B 正在解决或列入计划, C 因条件限制暂不能解决.
#[derive(Debug)]
pub struct Grades;
impl Choices for Grades {
    const VALUES: &'static [&'static str] = &["A", "B", "C"];
}

/// 委员 (CPPCC member) or 代表 (NPC deputy).
#[derive(Debug)]
pub struct Roles;
impl Choices for Roles {
    const VALUES: &'static [&'static str] = &["委员", "代表"];
}

/// 提案 (from a 委员) or 建议 (from a 代表).
#[derive(Debug)]
pub struct Types;
impl Choices for Types {
    const VALUES: &'static [&'static str] = &["提案", "建议"];
}

record! {
    pub struct ProposalReply("the reply", "提案答复或建议答复") {
        kind: req Located<String> = "文种，此处为 proposal-reply", example "proposal-reply";
        organ: req Located<String> = "答复单位（落款），如“石家庄市科学技术局”", example "〖答复单位，如“某市科学技术局”〗";
        date: req Located<Date> = "答复日期，如 2024-06-06", example "〖日期〗";
        title_lines: many Located<String> = "标题分行（可选）：逐行写出，合起来须与标题一字不差；不写则自动按词均衡分行";
        doc_number: req Located<String> = "文号，年份用六角括号，如“承办单位提案字〔2024〕第12号”", example "〖文号，如“某科提字〔2024〕第1号”〗";
        header: opt Header = "版头（可选）：issuers 发文机关、form 格式、copy_number 份号、secrecy 密级、urgency 紧急程度、signers 签发人";
        result: req Choice<Grades> = "办理结果：A 已解决或采纳，B 正在解决或列入计划，C 因条件限制暂不能解决", example "A";
        reason: opt Prose = "办理结果为 C 时，说明暂不能解决的原因";
        public: req Located<bool> = "是否同意公开：true 或 false", example "true";
        proposal: req Proposal = "所答复的提案或建议：meeting、number、title、proposer、role、type";
        figures: many Figure = "数据指标，正文中以 {代号} 引用";
        lead: opt Prose = "开头语“您提出的……收悉，现答复如下：”之后的总述段落", example "〖总述，可引用指标，如：全市共有{firms}。〗";
        sections: req Vec<Section> = "答复正文各部分，自动编号为 一、二、，下一级为（一）（二）";
        closing: opt Prose = "结束语，如“感谢您对科技工作的关心和支持！”", example "〖结束语，如“感谢您对科技工作的关心和支持！”〗";
        signed_by: req Located<String> = "领导签发人姓名", example "〖领导签发人姓名〗";
        contact: req Contact = "联系人：name 和 phone";
        cc: many Located<String> = "抄送单位列表", example "[〖抄送单位〗]";
        printing: opt Printing = "印发机关和印发日期（可选），排在版记最后一行：organ、date";
        seal: opt crate::kinds::common::seal::Seals = "印章（可选）：写“手工盖章”则按盖章版式留出印章位置；写电子印章图片路径（PNG 透明底或 SVG，相对于本文件）则盖上该图片；联合行文时按发文机关顺序列出各机关的印章";
        pdf_standard: opt Located<String> = "PDF 标准（可选）：归档用 a-2b 或 a-3b（PDF/A），无障碍加 ua-1，如 a-2a,ua-1；命令行的 --pdf-standard 优先";
    }
}

record! {
    /// The proposal or suggestion being answered.
    pub struct Proposal("the proposal", "提案或建议") {
        meeting: req Located<String> = "会议，如“政协石家庄市第十四届委员会第四次会议”", example "〖会议，如“政协某市第十四届委员会第四次会议”〗";
        number: req Located<String> = "提案或建议的编号，如 0520（加引号以保留前导零）", example "\"〖编号〗\"";
        title: req Located<String> = "提案或建议的标题", example "〖提案或建议的标题〗";
        proposer: req Located<String> = "提出人姓名", example "〖提出人姓名〗";
        role: req Choice<Roles> = "委员（政协委员）或 代表（人大代表）", example "委员";
        kind as "type": req Choice<Types> = "提案（委员提出）或 建议（代表提出）", example "提案";
    }
}

impl ProposalReply {
    /// `对政协…会议第0520号提案的答复`.
    pub fn title(&self) -> String {
        format!(
            "对{}第{}号{}的答复",
            self.proposal.meeting.value, self.proposal.number.value, self.proposal.kind.value
        )
    }
}

/// Templates see the proposal's fields by their names in the data (`type`).
impl serde::Serialize for Proposal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Proposal", 6)?;
        st.serialize_field("meeting", &self.meeting)?;
        st.serialize_field("number", &self.number)?;
        st.serialize_field("title", &self.title)?;
        st.serialize_field("proposer", &self.proposer)?;
        st.serialize_field("role", &self.role)?;
        st.serialize_field("type", &self.kind)?;
        st.end()
    }
}
