//! The data of an action plan, each field declared once.

use serde::Serialize;

use crate::decode::node::Node;
use crate::decode::record::{Decode, Definitions, Unit};
use crate::decode::{Decoder, Located, Number};
use crate::kinds::common::{Figure, Header, Printing, Prose};
use crate::record;
use crate::zh::Date;

record! {
    pub struct ActionPlan("the action plan", "行动计划") {
        kind: req Located<String> = "文种，此处为 action-plan", example "action-plan";
        title: req Located<String> = "标题，如“张家口市科技创新三年行动计划（2018—2020年）”", example "〖标题，如“某市科技创新三年行动计划（2024—2026年）”〗";
        title_lines: many Located<String> = "标题分行（可选）：逐行写出，合起来须与标题一字不差；不写则自动按词均衡分行";
        organ: req Located<String> = "发文机关，如“张家口市人民政府”", example "〖发文机关，如“某市人民政府”〗";
        doc_number: opt Located<String> = "发文字号（可选），年份用六角括号，如“石科字〔2024〕3号”";
        addressee: opt Located<String> = "主送机关（可选），如“各县区人民政府，市政府各部门”，排在标题下，后加冒号";
        header: opt Header = "版头（可选）：issuers 发文机关、form 格式、copy_number 份号、secrecy 密级、urgency 紧急程度、signers 签发人";
        period: req Period = "计划期：first 和 last 两个年份，如 {first: 2018, last: 2020}";
        date: req Located<Date> = "成文日期，如 2018-07-02", example "〖日期〗";
        lead: opt Prose = "开头段落（可选），排在“一、指导思想”之前，如“为……，制定本方案。”";
        headings: opt PartHeadings = "各部分标题（可选）：guiding、goals、tasks、safeguards，不填则为“指导思想”“主要目标”“主要任务”“保障措施”";
        guiding: req Prose = "指导思想（段落）", example "〖指导思想〗";
        goals: req Goals = "主要目标：lead 和 groups（每组含 title、targets、text）";
        task_groups as "tasks": req Vec<TaskGroup> = "主要任务：分组列出，每组含 title 和 tasks，任务自动连续编号";
        safeguards: many Task = "保障措施：每项含 title、text 及牵头、责任单位";
        printing: opt Printing = "印发机关和印发日期（可选），排在版记最后一行：organ、date";
        seal: opt crate::kinds::common::seal::Seals = "印章（可选）：写“手工盖章”则按盖章版式留出印章位置；写电子印章图片路径（PNG 透明底或 SVG，相对于本文件）则盖上该图片；联合行文时按发文机关顺序列出各机关的印章";
        pdf_standard: opt Located<String> = "PDF 标准（可选）：归档用 a-2b 或 a-3b（PDF/A），无障碍加 ua-1，如 a-2a,ua-1；命令行的 --pdf-standard 优先";
    }
}

record! {
    /// The four parts' headings when the plan words them otherwise (总体要求, 重点任务…).
    pub struct PartHeadings("the part headings", "各部分标题") {
        guiding: opt Located<String> = "第一部分标题，默认“指导思想”，如“总体要求”";
        goals: opt Located<String> = "第二部分标题，默认“主要目标”";
        tasks: opt Located<String> = "第三部分标题，默认“主要任务”，如“重点任务”";
        safeguards: opt Located<String> = "第四部分标题，默认“保障措施”";
    }
}

record! {
    pub struct Period("the period", "计划期") {
        first: req crate::decode::record::Year = "计划期第一年，如 2018", example "〖年份〗";
        last: req crate::decode::record::Year = "计划期最后一年，如 2020", example "〖年份〗";
    }
}

record! {
    pub struct Goals("the goals", "主要目标") {
        lead: opt Prose = "主要目标的总述段落", example "〖总述〗";
        groups: req Vec<GoalGroup> = "目标分组，编号为（一）（二）……";
    }
}

record! {
    #[derive(Serialize)]
    pub struct GoalGroup("a goal group", "目标分组") {
        title: req Located<String> = "分组标题，如“创新主体不断壮大”", example "〖分组标题〗";
        targets: many Target = "数值目标：id、name、value、unit、comparison、year、baseline";
        text: opt Prose = "目标之后的补充文字";
    }
}

record! {
    pub struct TaskGroup("a task group", "任务分组") {
        title: req Located<String> = "任务分组标题，如“培育创新主体，不断增强创新动力”", example "〖任务分组标题〗";
        tasks: req Vec<Task> = "本组任务";
    }
}

record! {
    /// One task (or safeguard measure) with the units that lead it and share it.
    #[derive(Serialize)]
    pub struct Task("a task", "任务或保障措施") {
        title: req Located<String> = "任务名称，如“实施高新技术企业倍增计划”", example "〖任务名称〗";
        text: opt Prose = "任务内容，可用 {代号} 引用本计划的目标", example "〖任务内容〗";
        lead_units: many Located<String> = "牵头单位列表", example "[〖牵头单位〗]";
        units: many Located<String> = "责任单位列表", example "[〖责任单位〗]";
        targets: many Target = "本任务的年度目标：id、name、value、unit、comparison、year", example "[]";
        deadline: opt Located<String> = "完成时限，不填则取目标的最后年份";
    }
}

record! {
    /// A numeric target: a goal of the plan or a yearly target of a task.
    pub struct Target("a target", "目标") {
        id: req Located<String> = "目标代号，供正文引用和工作总结对照，如 hitech_2020", example "target_1";
        name: req Located<String> = "目标名称，如“新增高新技术企业”", example "〖目标名称〗";
        value: req Number = "目标值，只写数字", example "〖数值〗";
        unit: opt Unit = "单位，如 家、亿元、%", example "〖单位〗";
        comparison: opt Located<Comparison> = "at-least（以上）、reach（达到）、reach-at-least（达到……以上）、strive（力争达到）或 plain", example "at-least";
        year: req crate::decode::record::Year = "目标年份", example "〖年份〗";
        baseline: opt Number = "基数（已知时）";
    }
}

/// How a target is phrased: 以上, 达到, 达到……以上, 力争达到, or the bare number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    AtLeast,
    Reach,
    ReachAtLeast,
    Strive,
    Plain,
}

impl Comparison {
    const NAMES: &[(&str, Comparison)] = &[
        ("at-least", Comparison::AtLeast),
        ("以上", Comparison::AtLeast),
        ("reach", Comparison::Reach),
        ("达到", Comparison::Reach),
        ("reach-at-least", Comparison::ReachAtLeast),
        ("达到以上", Comparison::ReachAtLeast),
        ("strive", Comparison::Strive),
        ("力争达到", Comparison::Strive),
        ("plain", Comparison::Plain),
    ];

    pub fn label(self) -> &'static str {
        match self {
            Comparison::AtLeast => "以上",
            Comparison::Reach => "达到",
            Comparison::ReachAtLeast => "达到以上",
            Comparison::Strive => "力争达到",
            Comparison::Plain => "",
        }
    }

    /// `新增高新技术企业100家以上`, `万人发明专利拥有量达到1.13件`.
    pub fn phrase(self, name: &str, amount: &str) -> String {
        match self {
            Comparison::AtLeast => format!("{name}{amount}以上"),
            Comparison::Reach => format!("{name}达到{amount}"),
            Comparison::ReachAtLeast => format!("{name}达到{amount}以上"),
            Comparison::Strive => format!("{name}力争达到{amount}"),
            Comparison::Plain => format!("{name}{amount}"),
        }
    }
}

impl Decode for Located<Comparison> {
    fn decode(d: &mut Decoder, node: &Node, key: &str) -> Option<Self> {
        let text = d.text(node, key)?;
        let found = Comparison::NAMES
            .iter()
            .find(|(name, _)| *name == text.value)
            .map(|(_, c)| *c);
        if found.is_none() {
            d.diags
                .error(text.pos, t!("unknown comparison `%{name}`", name = text.value))
                .hint(t!("use at-least (以上), reach (达到), reach-at-least (达到……以上), strive (力争达到) or plain"));
        }
        Some(Located {
            value: found?,
            pos: text.pos,
        })
    }
    fn schema(_: &mut Definitions) -> serde_json::Value {
        let names: Vec<&str> = Comparison::NAMES.iter().map(|(name, _)| *name).collect();
        serde_json::json!({"enum": names})
    }
}

impl Target {
    pub fn comparison(&self) -> Comparison {
        self.comparison
            .as_ref()
            .map_or(Comparison::Plain, |c| c.value)
    }

    pub fn unit(&self) -> &str {
        self.unit.as_ref().map_or("", |u| u.value.as_str())
    }

    pub fn amount(&self) -> String {
        format!("{}{}", self.value.text, self.unit())
    }

    pub fn phrase(&self) -> String {
        self.comparison().phrase(&self.name.value, &self.amount())
    }

    /// The target as a figure, for `{id}` references in the plan's prose.
    pub fn as_figure(&self) -> Figure {
        Figure {
            id: self.id.clone(),
            name: self.name.clone(),
            value: self.value.clone(),
            unit: self.unit.clone(),
            previous: None,
            target: None,
            pos: self.pos,
            misspelt: false,
            keys: Vec::new(),
        }
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Target", 8)?;
        st.serialize_field("id", &self.id.value)?;
        st.serialize_field("name", &self.name.value)?;
        st.serialize_field("value", &self.value.value)?;
        st.serialize_field("value_text", &self.value.text)?;
        st.serialize_field("unit", self.unit())?;
        st.serialize_field("comparison", &self.comparison())?;
        st.serialize_field("year", &self.year.value)?;
        st.serialize_field("phrase", &self.phrase())?;
        st.end()
    }
}

impl ActionPlan {
    /// Every target of the plan: the goals' first, then the tasks'.
    pub fn targets(&self) -> impl Iterator<Item = &Target> {
        let goals = self.goals.groups.iter().flat_map(|g| &g.targets);
        let tasks = self.tasks().flat_map(|t| &t.targets);
        goals.chain(tasks)
    }

    /// Every task, numbered continuously across the groups from 1.
    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.task_groups.iter().flat_map(|g| &g.tasks)
    }

    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets().find(|t| t.id.value == id)
    }

    /// The targets as figures, for `{id}` references in prose.
    pub fn target_figures(&self) -> Vec<Figure> {
        self.targets().map(Target::as_figure).collect()
    }

    /// The deadline of a task: as written, else the year of its last target, else the
    /// plan's last year.
    pub fn deadline(&self, task: &Task) -> String {
        if let Some(deadline) = &task.deadline {
            return deadline.value.clone();
        }
        let year = task
            .targets
            .iter()
            .map(|t| t.year.value)
            .max()
            .unwrap_or(self.period.last.value);
        format!("{year}年底")
    }
}

/// `（牵头单位：…；责任单位：…）` of a task.
pub fn units_note(task: &Task) -> String {
    let join = |units: &[Located<String>]| {
        units
            .iter()
            .map(|u| u.value.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut parts = Vec::new();
    if !task.lead_units.is_empty() {
        parts.push(format!("牵头单位：{}", join(&task.lead_units)));
    }
    if !task.units.is_empty() {
        parts.push(format!("责任单位：{}", join(&task.units)));
    }
    format!("（{}）", parts.join("；"))
}
