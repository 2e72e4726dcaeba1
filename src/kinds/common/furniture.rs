//! The furniture of a web page (breadcrumbs, toolbars, share bars, app promotions, footer
//! links, bylines) told from a document's lines by rules kept as data in `furniture.yaml`,
//! so that a new site's furniture is a line of that file, not a change of the code.

use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Rules {
    short_line: usize,
    short_prefixes: Vec<String>,
    any_prefixes: Vec<String>,
    short_contains: Vec<String>,
    contains_all: Vec<Vec<String>>,
    toolbar_words: Vec<String>,
    toolbar_separators: String,
    breadcrumb: Breadcrumb,
    promotion: Promotion,
    byline: Byline,
}

#[derive(Debug, Deserialize)]
struct Breadcrumb {
    arrows: Vec<String>,
    weak: Vec<String>,
    first_words: Vec<String>,
    item_chars: usize,
}

#[derive(Debug, Deserialize)]
struct Promotion {
    actions: Vec<String>,
    channels: Vec<String>,
    promotion_chars: usize,
}

#[derive(Debug, Deserialize)]
struct Byline {
    words: Vec<String>,
    /// Words of a source line, a byline only on a news page.
    source_words: Vec<String>,
    brackets: Vec<String>,
    byline_chars: usize,
}

const RULES_YAML: &str = include_str!("furniture.yaml");

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    // The file is part of the program, checked by a unit test: a parse error is a bug.
    RULES.get_or_init(|| serde_saphyr::from_str(RULES_YAML).expect("furniture.yaml is valid"))
}

/// Sentence ends: a line with one is prose, not a toolbar or a breadcrumb.
fn has_sentence_end(line: &str) -> bool {
    line.contains(['。', '！', '？'])
}

/// A line of the page, not of the document.
pub fn is_furniture(line: &str) -> bool {
    let r = rules();
    // Page labels are short and are not sentences; `相关部门要……。` is the document's.
    let short = line.chars().count() <= r.short_line && !has_sentence_end(line);
    r.any_prefixes.iter().any(|p| line.starts_with(p.as_str()))
        || (short
            && r.short_prefixes
                .iter()
                .any(|p| line.starts_with(p.as_str())))
        || (short && r.short_contains.iter().any(|p| line.contains(p.as_str())))
        || r.contains_all
            .iter()
            .any(|group| group.iter().all(|p| line.contains(p.as_str())))
        || is_toolbar(r, line)
        || is_breadcrumb(r, line)
        || is_promotion(r, line)
        || is_byline_line(r, line)
}

/// `【打印】【关闭】`, `字号：大 中 小`, `网站首页 | 联系我们`: a line made of toolbar words.
fn is_toolbar(r: &Rules, line: &str) -> bool {
    if line.chars().count() > r.short_line * 2 || has_sentence_end(line) {
        return false;
    }
    let mut words = line
        .split(|c: char| r.toolbar_separators.contains(c))
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some() && words.all(|w| r.toolbar_words.iter().any(|t| t == w))
}

/// `首页 > 新闻中心 > 正文`, `当前位置：首页 / 通知公告`: a trail of short names.
fn is_breadcrumb(r: &Rules, line: &str) -> bool {
    let b = &r.breadcrumb;
    if has_sentence_end(line) || line.chars().count() > b.item_chars * 8 {
        return false;
    }
    let items = |separators: &[String]| -> Vec<String> {
        let mut parts = vec![line.to_owned()];
        for separator in separators {
            parts = parts
                .iter()
                .flat_map(|p| p.split(separator.as_str()))
                .map(|p| p.trim().to_owned())
                .collect();
        }
        parts.retain(|p| !p.is_empty());
        parts
    };
    let short = |parts: &[String]| {
        parts.len() >= 2 && parts.iter().all(|p| p.chars().count() <= b.item_chars)
    };
    let arrows = items(&b.arrows);
    if short(&arrows) {
        return true;
    }
    let all: Vec<String> = b.arrows.iter().chain(&b.weak).cloned().collect();
    let parts = items(&all);
    short(&parts)
        && parts.first().is_some_and(|first| {
            let first = first.trim_end_matches(['：', ':']);
            b.first_words.iter().any(|w| first.starts_with(w.as_str()))
        })
}

/// `扫码关注“某某发布”微信公众号`, `下载某某客户端`: a call to follow or install.
fn is_promotion(r: &Rules, line: &str) -> bool {
    let p = &r.promotion;
    !line.contains('。')
        && line.chars().count() <= p.promotion_chars
        && p.actions.iter().any(|a| line.contains(a.as_str()))
        && p.channels.iter().any(|c| line.contains(c.as_str()))
}

/// The bracketed group a line ends with, when it is a byline: its byte offset. A source
/// (`（来源：……）`) counts only on a news page.
fn trailing_byline(r: &Rules, line: &str, news_page: bool) -> Option<usize> {
    let b = &r.byline;
    let sources = b.source_words.iter().filter(|_| news_page);
    b.brackets.iter().find_map(|pair| {
        let mut chars = pair.chars();
        let (open, close) = (chars.next()?, chars.next()?);
        let inner_end = line.strip_suffix(close)?.len();
        let start = line[..inner_end].rfind(open)?;
        let inner = line[start + open.len_utf8()..inner_end].trim();
        (inner.chars().count() <= b.byline_chars
            && !inner.contains(open)
            && b.words
                .iter()
                .chain(sources.clone())
                .any(|w| inner.starts_with(w.as_str())))
        .then_some(start)
    })
}

/// A line that is a byline and nothing else: `（记者 张明 通讯员 李华）`.
fn is_byline_line(r: &Rules, line: &str) -> bool {
    trailing_byline(r, line, true) == Some(0)
}

/// The last paragraph without the byline it ends with: `……集聚。（记者 张明）` → `……集聚。`.
/// `news_page`: the text came with a dateline, so a closing `（来源：……）` is the page's.
pub fn without_byline(line: &str, news_page: bool) -> &str {
    match trailing_byline(rules(), line, news_page) {
        Some(start) => line[..start].trim_end(),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_file_reads() {
        let r = rules();
        assert!(r.short_prefixes.len() > 20 && r.toolbar_words.len() > 20);
    }

    #[test]
    fn toolbars_share_bars_and_footer_links() {
        for line in [
            "【字体：大 中 小】【打印】【关闭】",
            "字号：大 中 小",
            "[打印本页] [关闭窗口]",
            "分享到：微信 微博 QQ空间",
            "网站首页 | 联系我们 | 网站地图",
            "【我要纠错】 【打印】 【关闭】",
            "繁体 | 无障碍 | 长者模式",
        ] {
            assert!(is_furniture(line), "{line}");
        }
    }

    #[test]
    fn breadcrumbs_in_any_separator() {
        for line in [
            "首页 > 新闻中心 > 工作动态",
            "首页>>政务公开>>通知公告",
            "新闻中心 » 科技动态 » 正文",
            "当前位置：首页 / 通知公告 / 正文",
            "首页 - 科技新闻",
            "您的位置：首页 › 政务公开",
            "网站首页 | 新闻动态",
        ] {
            assert!(is_furniture(line), "{line}");
        }
    }

    #[test]
    fn promotions_and_bylines() {
        for line in [
            "扫码关注“测试发布”微信公众号",
            "下载“冀云”客户端，看更多本地新闻",
            "访问手机版",
            "（记者 张明 通讯员 李华）",
            "【责任编辑：王某】",
        ] {
            assert!(is_furniture(line), "{line}");
        }
        assert_eq!(
            without_byline(
                "推动更多创新资源向企业集聚。（记者 张明 通讯员 李华）",
                false
            ),
            "推动更多创新资源向企业集聚。"
        );
        assert_eq!(
            without_byline("技术合同成交额同比增长21.6%（不含技术转让）", true),
            "技术合同成交额同比增长21.6%（不含技术转让）"
        );
        // A report's own source note stays; on a news page the same bracket is the page's.
        let sourced = "全市研发投入强度达到2.52%（来源：市统计局）";
        assert_eq!(without_byline(sourced, false), sourced);
        assert_eq!(without_byline(sourced, true), "全市研发投入强度达到2.52%");
    }

    #[test]
    fn the_documents_own_lines_stay() {
        for line in [
            "一、2024年工作总结",
            "（一）聚焦工作标准，全力争先创优",
            "2024/2025年度工作安排",
            "关于对市政协十四届四次会议第0520号提案的答复",
            "相关部门要加强协作，形成工作合力。",
            "下一步，我们将关注企业需求，推动政策落地。",
            "市科技局、市财政局、市税务局",
            "一是加强领导；二是完善制度；三是强化考核。",
            "联系人：张某，电话：0311-85057592",
            "推动企业扫码申报、网上办理，全年办理事项1200件。",
            "中、小企业",
        ] {
            assert!(!is_furniture(line), "{line}");
        }
    }
}
