//! `kind: action-plan`: a multi-year action plan (行动计划) whose tasks are split among
//! departments, and whose targets later work reports are measured against.

use serde::Serialize;

use super::common::{Date, Figure, Prose, decode_date, decode_prose};
use crate::diag::{Diagnostics, Pos};
use crate::load::decode::{Decoder, FieldSpec, Located, Number};
use crate::load::node::Node;
use crate::validate;

pub const KIND: &str = "action-plan";

#[derive(Debug)]
pub struct ActionPlan {
    pub title: Located<String>,
    pub organ: Located<String>,
    pub first_year: Located<i64>,
    pub last_year: Located<i64>,
    pub date: Located<Date>,
    pub guiding: Prose,
    pub goals_lead: Option<Prose>,
    pub goals: Vec<GoalGroup>,
    pub task_groups: Vec<TaskGroup>,
    pub safeguards: Vec<Task>,
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

    /// Every name a comparison may be written with.
    pub fn names() -> Vec<&'static str> {
        Self::NAMES.iter().map(|(name, _)| *name).collect()
    }

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

/// A numeric target: a goal of the plan or a yearly target of a task.
#[derive(Clone, Debug)]
pub struct Target {
    pub figure: Figure,
    pub comparison: Comparison,
    pub year: Located<i64>,
    pub baseline: Option<Number>,
}

impl Target {
    pub fn amount(&self) -> String {
        format!("{}{}", self.figure.value.text, self.figure.unit.value)
    }

    pub fn phrase(&self) -> String {
        self.comparison
            .phrase(&self.figure.name.value, &self.amount())
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Target", 8)?;
        st.serialize_field("id", &self.figure.id.value)?;
        st.serialize_field("name", &self.figure.name.value)?;
        st.serialize_field("value", &self.figure.value.value)?;
        st.serialize_field("value_text", &self.figure.value.text)?;
        st.serialize_field("unit", &self.figure.unit.value)?;
        st.serialize_field("comparison", &self.comparison)?;
        st.serialize_field("year", &self.year.value)?;
        st.serialize_field("phrase", &self.phrase())?;
        st.end()
    }
}

#[derive(Debug, Serialize)]
pub struct GoalGroup {
    pub title: Located<String>,
    pub targets: Vec<Target>,
    pub text: Option<Prose>,
    #[serde(skip)]
    pub pos: Pos,
}

#[derive(Debug, Serialize)]
pub struct TaskGroup {
    pub title: Located<String>,
    pub tasks: Vec<Task>,
    #[serde(skip)]
    pub pos: Pos,
}

/// One task (or safeguard measure) with the units that lead it and share it.
#[derive(Debug, Serialize)]
pub struct Task {
    /// Position in the plan: tasks are numbered continuously across groups.
    pub number: usize,
    pub title: Located<String>,
    pub text: Option<Prose>,
    pub lead_units: Vec<Located<String>>,
    pub units: Vec<Located<String>>,
    pub targets: Vec<Target>,
    pub deadline: Option<Located<String>>,
    #[serde(skip)]
    pub pos: Pos,
}

pub(crate) const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "kind",
        help: "文种，此处为 action-plan",
    },
    FieldSpec {
        name: "title",
        help: "标题，如“张家口市科技创新三年行动计划（2018—2020年）”",
    },
    FieldSpec {
        name: "organ",
        help: "发文机关，如“张家口市人民政府”",
    },
    FieldSpec {
        name: "period",
        help: "计划期：first 和 last 两个年份，如 {first: 2018, last: 2020}",
    },
    FieldSpec {
        name: "date",
        help: "成文日期，如 2018-07-02",
    },
    FieldSpec {
        name: "guiding",
        help: "指导思想（段落）",
    },
    FieldSpec {
        name: "goals",
        help: "主要目标：lead 和 groups（每组含 title、targets、text）",
    },
    FieldSpec {
        name: "tasks",
        help: "主要任务：分组列出，每组含 title 和 tasks，任务自动连续编号",
    },
    FieldSpec {
        name: "safeguards",
        help: "保障措施：每项含 title、text 及牵头、责任单位",
    },
];

pub(crate) const PERIOD_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "first",
        help: "计划期第一年，如 2018",
    },
    FieldSpec {
        name: "last",
        help: "计划期最后一年，如 2020",
    },
];

pub(crate) const GOALS_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "lead",
        help: "主要目标的总述段落",
    },
    FieldSpec {
        name: "groups",
        help: "目标分组，编号为（一）（二）……",
    },
];

pub(crate) const GOAL_GROUP_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "title",
        help: "分组标题，如“创新主体不断壮大”",
    },
    FieldSpec {
        name: "targets",
        help: "数值目标：id、name、value、unit、comparison、year、baseline",
    },
    FieldSpec {
        name: "text",
        help: "目标之后的补充文字",
    },
];

pub(crate) const TASK_GROUP_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "title",
        help: "任务分组标题，如“培育创新主体，不断增强创新动力”",
    },
    FieldSpec {
        name: "tasks",
        help: "本组任务",
    },
];

pub(crate) const TASK_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "title",
        help: "任务名称，如“实施高新技术企业倍增计划”",
    },
    FieldSpec {
        name: "text",
        help: "任务内容，可用 {代号} 引用本计划的目标",
    },
    FieldSpec {
        name: "lead_units",
        help: "牵头单位列表",
    },
    FieldSpec {
        name: "units",
        help: "责任单位列表",
    },
    FieldSpec {
        name: "targets",
        help: "本任务的年度目标",
    },
    FieldSpec {
        name: "deadline",
        help: "完成时限，不填则取目标的最后年份",
    },
];

pub(crate) const TARGET_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "id",
        help: "目标代号，供正文引用和工作总结对照，如 hitech_2020",
    },
    FieldSpec {
        name: "name",
        help: "目标名称，如“新增高新技术企业”",
    },
    FieldSpec {
        name: "value",
        help: "目标值，只写数字",
    },
    FieldSpec {
        name: "unit",
        help: "单位，如 家、亿元、%",
    },
    FieldSpec {
        name: "comparison",
        help: "at-least（以上）、reach（达到）、reach-at-least（达到……以上）、strive（力争达到）或 plain",
    },
    FieldSpec {
        name: "year",
        help: "目标年份",
    },
    FieldSpec {
        name: "baseline",
        help: "基数（已知时）",
    },
];

pub fn decode(d: &mut Decoder, root: &Node) -> Option<ActionPlan> {
    let mut f = d.fields(root, "the action plan", FIELDS)?;
    f.optional("kind");
    let title = f.required(d, "title").and_then(|n| d.text(n, "the title"));
    let organ = f.required(d, "organ").and_then(|n| d.text(n, "the organ"));
    let period = f.required(d, "period").and_then(|n| decode_period(d, n));
    let date = f.required(d, "date").and_then(|n| decode_date(d, n));
    let guiding = f
        .required(d, "guiding")
        .and_then(|n| decode_prose(d, n, "the guiding thought"));
    let goals = f.required(d, "goals").and_then(|n| decode_goals(d, n));
    let mut number = 0;
    let task_groups = f
        .required(d, "tasks")
        .and_then(|n| d.list(n, "task groups"))
        .map(|groups| {
            groups
                .iter()
                .filter_map(|g| decode_task_group(d, g, &mut number))
                .collect()
        })
        .unwrap_or_default();
    let safeguards = f
        .optional("safeguards")
        .and_then(|n| d.list(n, "safeguards"))
        .map(|items| {
            let mut number = 0;
            items
                .iter()
                .filter_map(|t| decode_task(d, t, &mut number))
                .collect()
        })
        .unwrap_or_default();
    f.finish(d);
    let (first_year, last_year) = period?;
    let (goals_lead, goals) = goals?;
    Some(ActionPlan {
        title: title?,
        organ: organ?,
        first_year,
        last_year,
        date: date?,
        guiding: guiding?,
        goals_lead,
        goals,
        task_groups,
        safeguards,
    })
}

fn decode_period(d: &mut Decoder, node: &Node) -> Option<(Located<i64>, Located<i64>)> {
    let mut f = d.fields(node, "the period", PERIOD_FIELDS)?;
    let first = f.required(d, "first").and_then(|n| d.integer(n));
    let last = f.required(d, "last").and_then(|n| d.integer(n));
    f.finish(d);
    Some((first?, last?))
}

fn decode_goals(d: &mut Decoder, node: &Node) -> Option<(Option<Prose>, Vec<GoalGroup>)> {
    let mut f = d.fields(node, "the goals", GOALS_FIELDS)?;
    let lead = f
        .optional("lead")
        .and_then(|n| decode_prose(d, n, "the lead"));
    let groups = f
        .required(d, "groups")
        .and_then(|n| d.list(n, "goal groups"))
        .map(|items| {
            items
                .iter()
                .filter_map(|g| decode_goal_group(d, g))
                .collect()
        })
        .unwrap_or_default();
    f.finish(d);
    Some((lead, groups))
}

fn decode_goal_group(d: &mut Decoder, node: &Node) -> Option<GoalGroup> {
    let mut f = d.fields(node, "a goal group", GOAL_GROUP_FIELDS)?;
    let title = f.required(d, "title").and_then(|n| d.text(n, "the title"));
    let targets = f
        .optional("targets")
        .map(|n| decode_targets(d, n))
        .unwrap_or_default();
    let text = f
        .optional("text")
        .and_then(|n| decode_prose(d, n, "the text"));
    let pos = f.pos();
    f.finish(d);
    Some(GoalGroup {
        title: title?,
        targets,
        text,
        pos,
    })
}

fn decode_task_group(d: &mut Decoder, node: &Node, number: &mut usize) -> Option<TaskGroup> {
    let mut f = d.fields(node, "a task group", TASK_GROUP_FIELDS)?;
    let title = f.required(d, "title").and_then(|n| d.text(n, "the title"));
    let tasks = f
        .required(d, "tasks")
        .and_then(|n| d.list(n, "tasks"))
        .map(|items| {
            items
                .iter()
                .filter_map(|t| decode_task(d, t, number))
                .collect()
        })
        .unwrap_or_default();
    let pos = f.pos();
    f.finish(d);
    Some(TaskGroup {
        title: title?,
        tasks,
        pos,
    })
}

fn decode_task(d: &mut Decoder, node: &Node, number: &mut usize) -> Option<Task> {
    let mut f = d.fields(node, "a task", TASK_FIELDS)?;
    // Numbered by position even when a task has errors, so later numbers stay right.
    *number += 1;
    let title = f
        .required(d, "title")
        .and_then(|n| d.text(n, "the task title"));
    let text = f
        .optional("text")
        .and_then(|n| decode_prose(d, n, "the task text"));
    let lead_units = f
        .optional("lead_units")
        .map(|n| d.text_list(n, "units", "a unit"))
        .unwrap_or_default();
    let units = f
        .optional("units")
        .map(|n| d.text_list(n, "units", "a unit"))
        .unwrap_or_default();
    let targets = f
        .optional("targets")
        .map(|n| decode_targets(d, n))
        .unwrap_or_default();
    let deadline = f
        .optional("deadline")
        .and_then(|n| d.text(n, "the deadline"));
    let pos = f.pos();
    f.finish(d);
    Some(Task {
        number: *number,
        title: title?,
        text,
        lead_units,
        units,
        targets,
        deadline,
        pos,
    })
}

fn decode_targets(d: &mut Decoder, node: &Node) -> Vec<Target> {
    let Some(items) = d.list(node, "targets") else {
        return Vec::new();
    };
    items.iter().filter_map(|n| decode_target(d, n)).collect()
}

fn decode_target(d: &mut Decoder, node: &Node) -> Option<Target> {
    let mut f = d.fields(node, "a target", TARGET_FIELDS)?;
    let id = f.required(d, "id").and_then(|n| d.text(n, "the target id"));
    let name = f
        .required(d, "name")
        .and_then(|n| d.text(n, "the target name"));
    let value = f.required(d, "value").and_then(|n| d.number(n));
    let unit = f.optional("unit").and_then(|n| d.string(n));
    let comparison = f
        .optional("comparison")
        .and_then(|n| d.text(n, "the comparison"));
    let year = f.required(d, "year").and_then(|n| d.integer(n));
    let baseline = f.optional("baseline").and_then(|n| d.number(n));
    f.finish(d);
    let comparison = match comparison {
        None => Some(Comparison::Plain),
        Some(c) => {
            let found = Comparison::NAMES
                .iter()
                .find(|(name, _)| *name == c.value)
                .map(|(_, c)| *c);
            if found.is_none() {
                d.diags
                    .error(c.pos, format!("unknown comparison `{}`", c.value))
                    .hint("use at-least (以上), reach (达到), reach-at-least (达到……以上), strive (力争达到) or plain");
            }
            found
        }
    };
    let value = value?;
    Some(Target {
        figure: Figure {
            id: id?,
            name: name?,
            unit: super::common::unit_or_none(unit, value.pos),
            value,
            previous: None,
            target: None,
        },
        comparison: comparison?,
        year: year?,
        baseline,
    })
}

impl ActionPlan {
    /// Every target of the plan: the goals' first, then the tasks'.
    pub fn targets(&self) -> impl Iterator<Item = &Target> {
        let goals = self.goals.iter().flat_map(|g| &g.targets);
        let tasks = self.tasks().flat_map(|t| &t.targets);
        goals.chain(tasks)
    }

    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.task_groups.iter().flat_map(|g| &g.tasks)
    }

    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets().find(|t| t.figure.id.value == id)
    }

    /// The targets as figures, for `{id}` references in prose.
    fn target_figures(&self) -> Vec<Figure> {
        self.targets().map(|t| t.figure.clone()).collect()
    }

    pub fn validate(&self, diags: &mut Diagnostics) {
        let (first, last) = (self.first_year.value, self.last_year.value);
        if last < first {
            diags
                .error(
                    self.last_year.pos,
                    format!("the period ends ({last}) before it begins ({first})"),
                )
                .hint("write `period: {first: 2018, last: 2020}`");
        }
        let figures = self.target_figures();
        validate::figures(&figures, diags);
        for target in self.targets() {
            let year = target.year.value;
            if year < first || year > last {
                diags
                    .warning(
                        target.year.pos,
                        format!("target year {year} is outside the plan's period {first}–{last}"),
                    )
                    .hint("check `year` of the target and `period` of the plan");
            }
        }
        if self.goals.is_empty() {
            diags
                .error(self.first_year.pos, "the plan has no goal groups")
                .hint("add groups under `goals:`");
        }
        let mut prose: Vec<&Prose> = vec![&self.guiding];
        prose.extend(self.goals_lead.iter());
        for group in &self.goals {
            prose.extend(group.text.iter());
            if group.targets.is_empty() && group.text.is_none() {
                diags
                    .error(
                        group.title.pos,
                        format!("empty goal group `{}`", group.title.value),
                    )
                    .hint("give the group `targets` or `text`");
            }
        }
        if self.task_groups.is_empty() {
            diags
                .error(self.first_year.pos, "the plan has no tasks")
                .hint("add task groups under `tasks:`");
        }
        for task in self.tasks().chain(&self.safeguards) {
            prose.extend(task.text.iter());
            if task.lead_units.is_empty() && task.units.is_empty() {
                diags
                    .error(
                        task.title.pos,
                        format!("task `{}` has no units", task.title.value),
                    )
                    .hint("name its lead units (`lead_units`) or responsible units (`units`)");
            }
        }
        for group in &self.task_groups {
            if group.tasks.is_empty() {
                diags
                    .error(
                        group.title.pos,
                        format!("task group `{}` has no tasks", group.title.value),
                    )
                    .hint("add tasks under `tasks:`, or remove the group");
            }
        }
        validate::references(&prose, &figures, diags);
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
            .unwrap_or(self.last_year.value);
        format!("{year}年底")
    }

    pub fn context(&self) -> impl Serialize + '_ {
        #[derive(Serialize)]
        struct TaskView<'a> {
            #[serde(flatten)]
            task: &'a Task,
            units_note: String,
        }
        #[derive(Serialize)]
        struct GroupView<'a> {
            title: &'a str,
            tasks: Vec<TaskView<'a>>,
        }
        #[derive(Serialize)]
        struct Context<'a> {
            kind: &'static str,
            title: &'a str,
            organ: &'a str,
            first_year: i64,
            last_year: i64,
            date: Date,
            figures: Vec<Figure>,
            guiding: &'a Prose,
            goals_lead: &'a Option<Prose>,
            goals: &'a [GoalGroup],
            task_groups: Vec<GroupView<'a>>,
            safeguards: Vec<TaskView<'a>>,
        }
        let view = |task| TaskView {
            task,
            units_note: Self::units_note(task),
        };
        Context {
            kind: KIND,
            title: &self.title.value,
            organ: &self.organ.value,
            first_year: self.first_year.value,
            last_year: self.last_year.value,
            date: self.date.value,
            figures: self.target_figures(),
            guiding: &self.guiding,
            goals_lead: &self.goals_lead,
            goals: &self.goals,
            task_groups: self
                .task_groups
                .iter()
                .map(|g| GroupView {
                    title: &g.title.value,
                    tasks: g.tasks.iter().map(view).collect(),
                })
                .collect(),
            safeguards: self.safeguards.iter().map(view).collect(),
        }
    }
}
