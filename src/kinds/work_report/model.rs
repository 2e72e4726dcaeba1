//! The data of a work report, each field declared once.

use crate::decode::Located;
use crate::kinds::common::{Figure, Header, Printing, Prose, Section};
use crate::record;
use crate::zh::Date;

record! {
    pub struct WorkReport("the work report", "工作总结和工作计划") {
        kind: req Located<String> = "文种，此处为 work-report", example "work-report";
        organ: req Located<String> = "发文机关，如“某市科学技术局”", example "〖发文机关，如“某市科学技术局”〗";
        year: req crate::decode::record::Year = "总结的年度，如 2024", example "〖年份〗";
        date: req Located<Date> = "成文日期，如 2024-12-20", example "〖日期〗";
        title: opt Located<String> = "标题，不填则自动生成“2024年科技创新工作总结和2025年工作计划”";
        title_lines: many Located<String> = "标题分行（可选）：逐行写出，合起来须与标题一字不差；不写则自动按词均衡分行";
        doc_number: opt Located<String> = "发文字号（可选），年份用六角括号，如“石科字〔2024〕3号”";
        addressee: opt Located<String> = "主送机关（可选），上报时写，如“县人民政府”，排在标题下，后加冒号";
        header: opt Header = "版头（可选）：issuers 发文机关、form 格式、copy_number 份号、secrecy 密级、urgency 紧急程度、signers 签发人";
        action_plan: opt Located<String> = "对照的行动计划数据文件（相对本文件的路径），指标可用 target 对照其目标";
        previous_report: opt Located<String> = "上一年度工作总结的数据文件（相对本文件的路径，须在数据文件夹内）：未写 previous 的指标取其中同代号指标的数值";
        figures: many Figure = "主要指标，正文中以 {代号} 引用";
        printing: opt Printing = "印发机关和印发日期（可选），排在版记最后一行：organ、date";
        seal: opt crate::kinds::common::seal::Seals = "印章（可选）：写“手工盖章”则按盖章版式留出印章位置；写电子印章图片路径（PNG 透明底或 SVG，相对于本文件）则盖上该图片；联合行文时按发文机关顺序列出各机关的印章";
        pdf_standard: opt Located<String> = "PDF 标准（可选）：归档用 a-2b 或 a-3b（PDF/A），无障碍加 ua-1，如 a-2a,ua-1；命令行的 --pdf-standard 优先";
        lead: opt Prose = "导语段落", example "〖导语，可引用指标，如：全市新增{firms}。〗";
        review: req Part = "本年工作总结：heading、lead、sections";
        plan: req Part = "下一年工作计划：heading、lead、sections";
    }
}

record! {
    /// The review of the year, or next year's plan: a heading (一、…) over numbered sections.
    #[derive(serde::Serialize)]
    pub struct Part("a part of the report", "总结或计划部分") {
        heading: opt Located<String> = "部分标题，不填则为“2024年工作总结”或“2025年工作计划”";
        lead: opt Prose = "本部分的导语段落";
        sections: req Vec<Section> = "各节，自动编号为（一）（二）……";
    }
}

impl WorkReport {
    /// The figures as the outputs show them: a figure that gives no `previous` takes the
    /// value of the figure with its id and unit in last year's report, where that is not 0
    /// (a change from nothing is not a percentage).
    pub fn figures_with(&self, last: Option<&WorkReport>) -> std::borrow::Cow<'_, [Figure]> {
        let Some(last) = last else {
            return std::borrow::Cow::Borrowed(&self.figures);
        };
        let figures = self
            .figures
            .iter()
            .map(|figure| {
                let mut figure = figure.clone();
                if figure.previous.is_none()
                    && let Some(before) = last.figure(&figure.id.value)
                    && before.unit() == figure.unit()
                    && before.value.value != 0.0
                {
                    figure.previous = Some(crate::decode::Number {
                        pos: figure.id.pos,
                        ..before.value.clone()
                    });
                }
                figure
            })
            .collect();
        std::borrow::Cow::Owned(figures)
    }

    pub fn figure(&self, id: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.id.value == id)
    }

    pub fn title(&self) -> String {
        match &self.title {
            Some(title) => title.value.clone(),
            None => format!(
                "{}年科技创新工作总结和{}年工作计划",
                self.year.value,
                self.year.value.saturating_add(1)
            ),
        }
    }
}
