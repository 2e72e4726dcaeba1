//! The data of a notice, each field declared once.

use crate::decode::Located;
use crate::kinds::common::{Contact, Figure, Header, Printing, Prose, Section};
use crate::record;
use crate::zh::Date;

record! {
    pub struct Notice("the notice", "通知") {
        kind: req Located<String> = "文种，此处为 notice", example "notice";
        organ: req Located<String> = "发文机关，如“石家庄市科学技术局”", example "〖发文机关，如“某市科学技术局”〗";
        date: req Located<Date> = "成文日期，如 2025-03-10", example "〖日期〗";
        title: req Located<String> = "标题，如“关于开展2025年度科技型中小企业评价工作的通知”", example "〖标题，如“关于开展某项工作的通知”〗";
        title_lines: many Located<String> = "标题分行（可选）：逐行写出，合起来须与标题一字不差；不写则自动按词均衡分行";
        doc_number: opt Located<String> = "发文字号，年份用六角括号，如“石科字〔2025〕3号”";
        header: opt Header = "版头（可选）：issuers 发文机关、form 格式、copy_number 份号、secrecy 密级、urgency 紧急程度、signers 签发人";
        addressee: req Located<String> = "主送机关，如“各县（市、区）科技主管部门，市直有关单位”", example "〖主送机关〗";
        figures: many Figure = "数据指标，正文中以 {代号} 引用";
        lead: opt Prose = "开头段落，说明发文的缘由和目的", example "〖开头段落〗";
        sections: req Vec<Section> = "正文各部分，自动编号为 一、二、，下一级为（一）（二）";
        closing: opt Prose = "结束语，如“特此通知。”", example "特此通知。";
        attachments: many Located<String> = "附件名称列表，依次编号", example "[〖附件名称〗]";
        contact: opt Contact = "联系人：name 和 phone";
        cc: many Located<String> = "抄送机关列表";
        printing: opt Printing = "印发机关和印发日期（可选），排在版记最后一行：organ、date";
        seal: opt crate::kinds::common::seal::Seals = "印章（可选）：写“手工盖章”则按盖章版式留出印章位置；写电子印章图片路径（PNG 透明底或 SVG，相对于本文件）则盖上该图片；联合行文时按发文机关顺序列出各机关的印章";
        pdf_standard: opt Located<String> = "PDF 标准（可选）：归档用 a-2b 或 a-3b（PDF/A），无障碍加 ua-1，如 a-2a,ua-1；命令行的 --pdf-standard 优先";
    }
}
