//! 办理情况汇总表: the replies of a build in one table, for the CPPCC and NPC offices and the
//! bureau's leaders. It is made from the replies (never typed), grouped by session and
//! ordered by number, with the counts by type and by result.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ProposalReply;
use crate::diag::Pos;
use crate::official::Official;
use crate::table::Table;

/// The summary's kind in its front matter, and its template's name.
pub const KIND: &str = "replies-summary";

/// The summary's files are named so unless `--summary NAME` says otherwise.
pub const DEFAULT_NAME: &str = "replies-summary";

/// One reply, as a row of the summary.
#[derive(Debug, Serialize)]
pub struct Row {
    /// 序号, counted across the groups.
    pub index: usize,
    /// 提案 or 建议.
    pub category: String,
    pub meeting: String,
    pub number: String,
    pub proposer: String,
    pub title: String,
    pub result: String,
    pub date: String,
    pub date_iso: String,
    /// 联系人（电话）, as the tables write it.
    pub contact: String,
    pub contact_name: String,
    pub contact_phone: String,
}

/// The replies to one session's proposals or suggestions.
#[derive(Debug, Serialize)]
pub struct Group {
    pub meeting: String,
    pub rows: Vec<Row>,
}

/// The counts of one type (or of all): how many, and how many of each result.
#[derive(Debug, Serialize)]
pub struct Count {
    pub category: String,
    pub total: usize,
    pub a: usize,
    pub b: usize,
    pub c: usize,
}

/// The summary of a build's replies: its official parts, its template's context, its tables.
pub struct Summary {
    pub parts: Official,
    pub context: minijinja::Value,
    pub tables: Vec<Table>,
}

/// The order of proposal numbers: `0520` after `99`, a number that is not one after them all.
fn number_key(number: &str) -> (u64, String) {
    let trimmed = number.trim();
    let value = match trimmed.chars().all(|c| c.is_ascii_digit()) && !trimmed.is_empty() {
        true => trimmed.parse().unwrap_or(u64::MAX),
        false => u64::MAX,
    };
    (value, trimmed.to_owned())
}

/// Two replies answer the same proposal when they name one session, type and number
/// (`0520` and `520` are one number).
fn same_proposal_key(reply: &ProposalReply) -> (String, String, String) {
    let p = &reply.proposal;
    let number = p.number.value.trim();
    let digits = number.trim_start_matches('0');
    let number = match number.chars().all(|c| c.is_ascii_digit()) {
        true if digits.is_empty() => "0".to_owned(),
        true => digits.to_owned(),
        false => number.to_owned(),
    };
    (
        p.meeting.value.trim().to_owned(),
        p.kind.value.clone(),
        number,
    )
}

/// Replies that answer a proposal another reply answers too: for each, its index, where its
/// number is written, and the indices of the others.
pub fn duplicates(replies: &[&ProposalReply]) -> Vec<(usize, Pos, Vec<usize>)> {
    let mut by_key: BTreeMap<(String, String, String), Vec<usize>> = BTreeMap::new();
    for (i, reply) in replies.iter().enumerate() {
        by_key.entry(same_proposal_key(reply)).or_default().push(i);
    }
    let mut found = Vec::new();
    for same in by_key.values().filter(|same| same.len() > 1) {
        for &i in same {
            let others = same.iter().copied().filter(|&j| j != i).collect();
            found.push((i, replies[i].proposal.number.pos, others));
        }
    }
    found.sort_by_key(|(i, _, _)| *i);
    found
}

/// The sessions the replies answer, each once, in order.
pub fn sessions(replies: &[&ProposalReply]) -> Vec<String> {
    let mut sessions: Vec<String> = replies
        .iter()
        .map(|r| r.proposal.meeting.value.trim().to_owned())
        .collect();
    sessions.sort();
    sessions.dedup();
    sessions
}

/// The one session `asked` names among `sessions`: its whole name, or a part of the name of
/// that session only. Otherwise, how many sessions the part names (none, or two and more).
pub fn named_session<'s>(sessions: &'s [String], asked: &str) -> Result<&'s str, usize> {
    let asked = asked.trim();
    if let Some(whole) = sessions.iter().find(|s| *s == asked) {
        return Ok(whole);
    }
    let named: Vec<&String> = sessions.iter().filter(|s| s.contains(asked)).collect();
    match named.as_slice() {
        [one] => Ok(one),
        _ => Err(named.len()),
    }
}

/// The summary of the replies, which are not empty.
pub fn summary(replies: &[&ProposalReply]) -> Summary {
    let mut sorted: Vec<&ProposalReply> = replies.to_vec();
    // 提案 (CPPCC) before 建议 (NPC), then by session and by number.
    sorted.sort_by_key(|r| {
        (
            r.proposal.kind.value != "提案",
            r.proposal.meeting.value.trim().to_owned(),
            number_key(&r.proposal.number.value),
        )
    });
    let mut groups: Vec<Group> = Vec::new();
    for (i, reply) in sorted.iter().enumerate() {
        let p = &reply.proposal;
        let row = Row {
            index: i + 1,
            category: p.kind.value.clone(),
            meeting: p.meeting.value.trim().to_owned(),
            number: p.number.value.trim().to_owned(),
            proposer: p.proposer.value.clone(),
            title: p.title.value.clone(),
            result: reply.result.value.clone(),
            date: reply.date.value.chinese(),
            date_iso: reply.date.value.iso(),
            contact: format!(
                "{}（{}）",
                reply.contact.name.value, reply.contact.phone.value
            ),
            contact_name: reply.contact.name.value.clone(),
            contact_phone: reply.contact.phone.value.clone(),
        };
        match groups.last_mut() {
            Some(group) if group.meeting == row.meeting => group.rows.push(row),
            _ => groups.push(Group {
                meeting: row.meeting.clone(),
                rows: vec![row],
            }),
        }
    }
    let counts = counts(&sorted);
    let title = title(&sorted, groups.len());
    let mut parts = Official::new(KIND, title.clone());
    parts.as_attachment = true;
    parts.organ = common_organ(&sorted);
    parts.date = sorted.iter().map(|r| r.date.value.iso()).max();
    let tables = vec![rows_table(&groups), counts_table(&counts)];

    #[derive(Serialize)]
    struct Context<'a> {
        kind: &'static str,
        title: &'a str,
        organ: Option<&'a str>,
        date: Option<&'a str>,
        groups: &'a [Group],
        /// More than one session: each group has a row of its own above its replies.
        grouped: bool,
        /// The counts of each type present, then of all.
        counts: &'a [Count],
    }
    let context = minijinja::Value::from(minijinja::value::Serde(Context {
        kind: KIND,
        title: &title,
        organ: parts.organ.as_deref(),
        date: parts.date.as_deref(),
        groups: &groups,
        grouped: groups.len() > 1,
        counts: &counts,
    }));
    Summary {
        parts,
        context,
        tables,
    }
}

/// `…会议提案办理情况汇总表` for one session; for several, the organ's and the year's.
fn title(replies: &[&ProposalReply], sessions: usize) -> String {
    let has = |kind: &str| replies.iter().any(|r| r.proposal.kind.value == kind);
    let types = match (has("提案"), has("建议")) {
        (true, true) => "建议提案",
        (true, false) => "提案",
        _ => "建议",
    };
    if sessions == 1 {
        return format!(
            "{}{types}办理情况汇总表",
            replies[0].proposal.meeting.value.trim()
        );
    }
    let year = replies
        .iter()
        .map(|r| r.date.value.year)
        .max()
        .unwrap_or_default();
    let organ = common_organ(replies).unwrap_or_default();
    format!("{organ}{year}年{types}办理情况汇总表")
}

/// The organ that answered every reply, if one did.
fn common_organ(replies: &[&ProposalReply]) -> Option<String> {
    let first = &replies.first()?.organ.value;
    replies
        .iter()
        .all(|r| &r.organ.value == first)
        .then(|| first.clone())
}

fn counts(replies: &[&ProposalReply]) -> Vec<Count> {
    let count = |category: &str, of: &[&&ProposalReply]| Count {
        category: category.to_owned(),
        total: of.len(),
        a: of.iter().filter(|r| r.result.value == "A").count(),
        b: of.iter().filter(|r| r.result.value == "B").count(),
        c: of.iter().filter(|r| r.result.value == "C").count(),
    };
    let mut counts = Vec::new();
    for kind in ["提案", "建议"] {
        let of: Vec<&&ProposalReply> = replies
            .iter()
            .filter(|r| r.proposal.kind.value == kind)
            .collect();
        if !of.is_empty() {
            counts.push(count(kind, &of));
        }
    }
    let all: Vec<&&ProposalReply> = replies.iter().collect();
    counts.push(count("合计", &all));
    counts
}

/// The rows: `<name>-replies.csv` and the workbook's first sheet.
fn rows_table(groups: &[Group]) -> Table {
    Table {
        name: "replies",
        title: "办理情况汇总表".into(),
        sheet_only: false,
        chart: None,
        header: vec![
            "序号",
            "类别",
            "届次与会议",
            "编号",
            "提出人",
            "标题",
            "办理结果",
            "答复日期",
            "联系人",
        ],
        rows: groups
            .iter()
            .flat_map(|g| &g.rows)
            .map(|row| {
                vec![
                    row.index.to_string(),
                    row.category.clone(),
                    row.meeting.clone(),
                    row.number.clone(),
                    row.proposer.clone(),
                    row.title.clone(),
                    row.result.clone(),
                    row.date_iso.clone(),
                    row.contact.clone(),
                ]
            })
            .collect(),
    }
}

/// The counts: `<name>-counts.csv`.
fn counts_table(counts: &[Count]) -> Table {
    Table {
        name: "counts",
        title: "办理结果统计".into(),
        sheet_only: false,
        chart: None,
        header: vec!["类别", "件数", "A类", "B类", "C类"],
        rows: counts
            .iter()
            .map(|c| {
                vec![
                    c.category.clone(),
                    c.total.to_string(),
                    c.a.to_string(),
                    c.b.to_string(),
                    c.c.to_string(),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::named_session;

    #[test]
    fn a_session_is_named_whole_or_by_a_part_only_it_has() {
        let sessions = vec![
            "政协某市第十四届委员会第四次会议".to_owned(),
            "某市第十七届人民代表大会第三次会议".to_owned(),
        ];
        assert_eq!(
            named_session(&sessions, "人民代表大会"),
            Ok(sessions[1].as_str())
        );
        assert_eq!(
            named_session(&sessions, " 政协某市第十四届委员会第四次会议 "),
            Ok(sessions[0].as_str())
        );
        assert_eq!(named_session(&sessions, "会议"), Err(2));
        assert_eq!(named_session(&sessions, "第五次会议"), Err(0));
        // A whole name wins over the longer names it is part of.
        let nested = vec!["甲会议".to_owned(), "甲会议续会".to_owned()];
        assert_eq!(named_session(&nested, "甲会议"), Ok("甲会议"));
    }
}
