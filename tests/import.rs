//! `import`: real-style documents of every shape become data files that validate, build,
//! and keep the source's sentences and headings; page furniture goes, metadata is read.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;

use common::*;

use gongwen::kinds::common::import::{clean_lines, heading, split_run_in};

/// The numbered headings of a text, in order: their level and title.
fn numbered_headings(lines: impl Iterator<Item = String>) -> Vec<(usize, String)> {
    lines
        .filter_map(|line| {
            let line = line.trim_start_matches('#').trim().to_owned();
            let (level, rest) = heading(&line)?;
            Some((level, split_run_in(rest).0))
        })
        .collect()
}

#[test]
fn imported_texts_validate_and_render_back_with_the_same_headings() {
    for (name, kind) in [
        ("report", "work-report"),
        ("reply", "proposal-reply"),
        ("plan", "action-plan"),
    ] {
        let dir = temp_dir();
        let source = manifest_dir().join(format!("tests/fixtures/import/{name}.txt"));
        fs::copy(&source, dir.path().join("in.txt")).unwrap();
        let out = gongwen_in(dir.path(), &["import", "in.txt"]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let yaml = fs::read_to_string(dir.path().join("in.yaml")).unwrap();
        assert!(
            yaml.contains(&format!("kind: \"{kind}\"")),
            "{name} recognised as {kind}:\n{yaml}"
        );
        for furniture in [
            "发布时间",
            "分享到",
            "此处隐藏",
            "在线咨询",
            "社交媒体",
            "政策解读",
            "【字体",
        ] {
            assert!(
                !yaml.contains(furniture),
                "{name}: `{furniture}` kept:\n{yaml}"
            );
        }
        let data: String = yaml.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(
            !data.contains('〖'),
            "{name}: everything recognised:\n{yaml}"
        );

        let out = gongwen_in(dir.path(), &["validate", "in.yaml"]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let out = gongwen_in(dir.path(), &["build", "in.yaml", "--format", "md"]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let markdown = fs::read_to_string(dir.path().join("out/in.md")).unwrap();
        let original =
            numbered_headings(clean_lines(&fs::read_to_string(&source).unwrap()).into_iter());
        let rendered = numbered_headings(markdown.lines().map(str::to_owned));
        assert!(original.len() >= 5, "{name}: {original:?}");
        assert_eq!(rendered, original, "{name}: headings differ");
    }
}

#[test]
fn import_understands_both_punctuation_widths() {
    let dir = temp_dir();
    let half = fs::read_to_string(manifest_dir().join("tests/fixtures/import/reply.txt")).unwrap();
    let full = half
        .replace(':', "：")
        .replace('(', "（")
        .replace(')', "）")
        .replace(',', "，")
        .replace('[', "〔")
        .replace(']', "〕");
    fs::write(dir.path().join("half.txt"), &half).unwrap();
    fs::write(dir.path().join("full.txt"), &full).unwrap();
    for name in ["half", "full"] {
        let out = gongwen_in(dir.path(), &["import", &format!("{name}.txt")]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let body = |name: &str| {
        let text = fs::read_to_string(dir.path().join(format!("{name}.yaml"))).unwrap();
        text.lines().skip(2).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(body("half"), body("full"));
    assert!(body("half").contains("doc_number: \"测科提字〔2024〕第3号\""));
}

#[test]
fn import_takes_a_kind_and_keeps_existing_files() {
    let dir = temp_dir();
    fs::copy(
        manifest_dir().join("tests/fixtures/import/report.txt"),
        dir.path().join("r.txt"),
    )
    .unwrap();
    let out = gongwen_in(dir.path(), &["import", "r.txt", "--kind", "letter"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown document kind `letter`"));
    fs::write(dir.path().join("r.yaml"), "mine").unwrap();
    let out = gongwen_in(dir.path(), &["import", "r.txt", "--kind", "work-report"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(dir.path().join("r.yaml")).unwrap(),
        "mine"
    );
    let out = gongwen_in(dir.path(), &["import", "r.txt", "-o", "other.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

// ---- real-style texts ---------------------------------------------------------------------

/// A document to import and what must come of it.
struct Case {
    /// The file under tests/fixtures/import/.
    file: &'static str,
    kind: &'static str,
    /// The text the output is compared with, when not the file itself (the simplified
    /// version of a traditional text).
    truth: Option<&'static str>,
    /// Lines of the source that are not body: furniture, title, dateline, signature….
    not_body: &'static [&'static str],
    /// Strings of the page that must not reach the data file.
    furniture: &'static [&'static str],
    /// Lines the data file must hold: the metadata read from the text.
    metadata: &'static [&'static str],
    /// Headings of the rendered Markdown, in order.
    headings: &'static [&'static str],
    /// Placeholders that stay because the text truly lacks them.
    placeholders: usize,
    /// What the header comment must say.
    notes: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        file: "inline-report.txt",
        kind: "work-report",
        truth: None,
        not_body: &["测试市科学技术局", "2024年12月16日"],
        furniture: &[],
        metadata: &[
            "organ: \"测试市科学技术局\"",
            "year: 2024",
            "date: \"2024-12-16\"",
            "title: \"测试市科学技术局2024年工作总结及2025年工作打算\"",
            "  heading: \"2025年工作打算\"",
        ],
        headings: &[
            "2024年工作总结",
            "聚焦考评标准，科技创新综合实力稳步提升",
            "聚焦主体培育，企业创新能力持续增强",
            "聚焦平台建设，创新支撑能力不断夯实",
            "2025年工作打算",
            "打造创新高地",
            "壮大创新主体",
            "深化协同创新",
        ],
        placeholders: 0,
        notes: &[],
    },
    Case {
        file: "news-feature.txt",
        kind: "work-report",
        truth: None,
        not_body: &[
            "首页",
            "测试市科技局“三个一批”",
            "2019-06-14",
            "【字体",
            "分享到",
            "扫一扫",
            "责任编辑",
            "上一篇",
            "下一篇",
            "免责声明",
            "版权所有",
        ],
        furniture: &[
            "首页",
            "16:33:46",
            "【字体",
            "打印",
            "分享到",
            "扫一扫",
            "责任编辑",
            "上一篇",
            "下一篇",
            "免责声明",
            "版权所有",
            "网站标识码",
        ],
        metadata: &[
            "organ: \"测试市科学技术局\"",
            "year: 2019",
            "date: \"2019-06-14\"",
            "title: \"测试市科技局“三个一批”推动科技创新提质增效\"",
        ],
        headings: &[
            "2019年工作总结",
            "健全一套机制，齐心协力抓落实",
            "搭建一批平台，集聚要素强支撑",
            "培育一批主体，梯次发展增活力",
            "2020年工作计划",
        ],
        // The feature has no plan of sections: one section to write.
        placeholders: 2,
        notes: &["3 个段落的首句"],
    },
    Case {
        file: "traditional.txt",
        kind: "work-report",
        truth: Some("traditional.simplified.txt"),
        not_body: &["测试县科学技术局", "2024年1月8日"],
        furniture: &[
            "首页",
            "首頁",
            "發佈",
            "发布时间",
            "【字体",
            "分享到",
            "(",
            "調",
            "創",
        ],
        metadata: &[
            "organ: \"测试县科学技术局\"",
            "year: 2023",
            "date: \"2024-01-08\"",
            "title: \"测试县科学技术局2023年工作总结和2024年工作计划\"",
        ],
        headings: &[
            "2023年工作总结",
            "抓好企业培育",
            "推动创新平台建设",
            "优化科技服务",
            "2024年工作计划",
            "继续壮大创新主体",
            "加快创新平台建设",
        ],
        placeholders: 0,
        notes: &["删去拼音注音 10 处", "繁体字已转为简体字"],
    },
    Case {
        file: "reply-letter.txt",
        kind: "proposal-reply",
        truth: None,
        not_body: &[
            "测试市科学技术局",
            "关于对市十六届人大四次会议",
            "测科建字",
            "王某某代表",
            "您提出的",
            "2025年6月20日",
            "（联系人",
            "领导签发",
            "抄送",
        ],
        furniture: &[],
        metadata: &[
            "organ: \"测试市科学技术局\"",
            "date: \"2025-06-20\"",
            "doc_number: \"测科建字〔2025〕第8号\"",
            "  meeting: \"市十六届人大四次会议\"",
            "  number: \"0215\"",
            "  title: \"关于加大科技型中小企业扶持力度的建议\"",
            "  proposer: \"王某某\"",
            "  role: \"代表\"",
            "  type: \"建议\"",
            "  name: \"李某某\"",
            "  phone: \"0311-85050000\"",
            "signed_by: \"张某某\"",
            "  - \"市政府督查室\"",
        ],
        headings: &[
            "关于加大财政资金支持力度",
            "关于完善科技金融服务",
            "关于优化科技服务",
        ],
        // 办理结果 is not printed on a reply letter.
        placeholders: 1,
        notes: &[],
    },
    Case {
        file: "plan-units.txt",
        kind: "action-plan",
        truth: None,
        not_body: &["测试县人民政府关于印发", "测政字", "2025年4月8日"],
        furniture: &[],
        metadata: &[
            "title: \"测试县科技创新能力提升行动方案（2025—2027年）\"",
            "organ: \"测试县人民政府\"",
            "doc_number: \"测政字〔2025〕12号\"",
            "  first: 2025",
            "  last: 2027",
            "date: \"2025-04-08\"",
            "lead: \"为深入实施创新驱动发展战略",
            "headings:\n  guiding: \"总体要求\"\n  tasks: \"重点任务\"",
            "        lead_units:\n          - \"县科技局\"\n        units:\n          - \"县工信局\"\n          - \"各乡镇人民政府\"",
            "        units:\n          - \"县工信局\"\n          - \"县科技局\"",
            "    units:\n      - \"县委督查室\"\n      - \"县科技局\"",
        ],
        // Tasks and safeguards print as run-in headings (1.实施…。), found as sentences.
        headings: &[
            "总体要求",
            "主要目标",
            "创新主体不断壮大",
            "创新平台持续完善",
            "重点任务",
            "壮大创新主体",
            "建设创新平台",
            "保障措施",
        ],
        placeholders: 0,
        notes: &[],
    },
];

/// The placeholders left in a data file (its comments aside).
fn placeholders(yaml: &str) -> usize {
    yaml.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.matches('〖').count())
        .sum()
}

/// Text reduced to the characters that carry its words: Chinese characters, letters and
/// digits, with Markdown marks, punctuation and spacing gone.
fn letters(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The markers an importer may renumber or reword: 一、 （一） 1. （1） 一是 第一， 首先，.
fn without_marker(sentence: &str) -> &str {
    let sentence = sentence.trim();
    if let Some((_, rest)) = gongwen::kinds::common::import::heading(sentence) {
        return rest;
    }
    const NUMERALS: &str = "一二三四五六七八九十";
    for opening in ["首先，", "其次，", "再次，", "最后，"] {
        if let Some(rest) = sentence.strip_prefix(opening) {
            return rest;
        }
    }
    let rest = sentence.strip_prefix('第').unwrap_or(sentence);
    let n: usize = rest
        .chars()
        .take_while(|c| NUMERALS.contains(*c))
        .map(char::len_utf8)
        .sum();
    if n > 0 {
        for mark in ["是", "，", "、"] {
            if let Some(after) = rest[n..].strip_prefix(mark) {
                return after;
            }
        }
    }
    sentence
}

/// The body sentences of a text: its lines other than `not_body`, cut at the ends of
/// sentences, with their enumeration markers off.
fn body_sentences(text: &str, not_body: &[&str]) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !not_body.iter().any(|n| l.starts_with(n)))
        .flat_map(|line| {
            line.split_inclusive(['。', '！', '？', '；'])
                .map(|s| letters(without_marker(s)))
                .collect::<Vec<_>>()
        })
        .filter(|s| s.chars().count() >= 2)
        .collect()
}

/// The share of sentences found in the rendered text in order, and those not found: the
/// longest chain of sentences whose places in the text follow their order in the source,
/// so a short sentence that also occurs further on cannot push the others out.
fn coverage(sentences: &[String], rendered: &str) -> (f64, Vec<String>) {
    let rendered = letters(rendered);
    // Each sentence's places: (start, end) of every occurrence.
    let places: Vec<Vec<(usize, usize)>> = sentences
        .iter()
        .map(|s| {
            rendered
                .match_indices(s.as_str())
                .map(|(at, m)| (at, at + m.len()))
                .collect()
        })
        .collect();
    // best[i][k]: the longest chain ending with sentence i at its k-th place, and the
    // link (sentence, place) before it.
    type Link = Option<(usize, usize)>;
    let mut best: Vec<Vec<(usize, Link)>> = Vec::new();
    for (i, own) in places.iter().enumerate() {
        let row = own
            .iter()
            .map(|&(start, _)| {
                let mut top = (1, None);
                for j in 0..i {
                    for (m, &(_, end)) in places[j].iter().enumerate() {
                        if end <= start && best[j][m].0 + 1 > top.0 {
                            top = (best[j][m].0 + 1, Some((j, m)));
                        }
                    }
                }
                top
            })
            .collect();
        best.push(row);
    }
    let mut end = None;
    let mut length = 0;
    for (i, row) in best.iter().enumerate() {
        for (k, &(n, _)) in row.iter().enumerate() {
            if n > length {
                (length, end) = (n, Some((i, k)));
            }
        }
    }
    let mut kept = vec![false; sentences.len()];
    while let Some((i, k)) = end {
        kept[i] = true;
        end = best[i][k].1;
    }
    let missing = sentences
        .iter()
        .zip(&kept)
        .filter(|(_, kept)| !**kept)
        .map(|(s, _)| s.clone())
        .collect();
    (length as f64 / sentences.len() as f64, missing)
}

/// The headings of a Markdown text (its `#` lines), without their numbers.
fn markdown_headings(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            let title = l.trim_start_matches('#').trim();
            let title = title.split(" {").next().unwrap_or(title);
            without_marker(title).to_owned()
        })
        .collect()
}

/// Imports `source` (a file in `dir`), fills what is left, validates and builds it: the
/// data file as imported and the Markdown.
fn import_and_build(dir: &Path, source: &str) -> (String, String) {
    let out = gongwen_in(dir, &["import", source, "-o", "imported.yaml"]);
    assert!(out.status.success(), "{source}: {}", stderr(&out));
    let yaml = fs::read_to_string(dir.join("imported.yaml")).unwrap();
    fs::write(dir.join("filled.yaml"), fill(&yaml)).unwrap();
    let out = gongwen_in(dir, &["validate", "filled.yaml"]);
    assert!(out.status.success(), "{source}: {}\n{yaml}", stderr(&out));
    let out = gongwen_in(dir, &["build", "filled.yaml", "--format", "md"]);
    assert!(out.status.success(), "{source}: {}", stderr(&out));
    let markdown = fs::read_to_string(dir.join("out/filled.md")).unwrap();
    (yaml, markdown)
}

#[test]
fn real_style_texts_keep_their_sentences_headings_and_metadata() {
    for case in CASES {
        let dir = temp_dir();
        let fixture = manifest_dir().join("tests/fixtures/import");
        fs::copy(fixture.join(case.file), dir.path().join(case.file)).unwrap();
        let (yaml, markdown) = import_and_build(dir.path(), case.file);
        let name = case.file;
        assert!(
            yaml.contains(&format!("kind: \"{}\"", case.kind)),
            "{name}: read as {}:\n{yaml}",
            case.kind
        );
        for line in case.metadata {
            assert!(yaml.contains(line), "{name}: no `{line}` in\n{yaml}");
        }
        for furniture in case.furniture {
            let data: String = yaml.lines().filter(|l| !l.starts_with('#')).collect();
            assert!(
                !data.contains(furniture),
                "{name}: `{furniture}` kept:\n{yaml}"
            );
        }
        assert_eq!(placeholders(&yaml), case.placeholders, "{name}:\n{yaml}");
        let header: String = yaml.lines().take_while(|l| l.starts_with('#')).collect();
        for note in case.notes {
            assert!(
                header.contains(note),
                "{name}: header says `{note}`:\n{header}"
            );
        }

        let truth = fs::read_to_string(fixture.join(case.truth.unwrap_or(case.file))).unwrap();
        let sentences = body_sentences(&truth, case.not_body);
        assert!(sentences.len() >= 10, "{name}: {sentences:?}");
        let (share, missing) = coverage(&sentences, &markdown);
        assert!(
            share >= 0.95,
            "{name}: {:.0}% of {} sentences in order; missing {missing:?}\n{markdown}",
            share * 100.0,
            sentences.len()
        );
        let found = markdown_headings(&markdown);
        let expected: Vec<String> = case.headings.iter().map(|h| (*h).to_owned()).collect();
        let in_order = expected.iter().try_fold(0, |from, h| {
            found[from..]
                .iter()
                .position(|f| f == h)
                .map(|at| from + at + 1)
        });
        assert!(
            in_order.is_some(),
            "{name}: headings {expected:?} not in {found:?}"
        );
    }
}

#[test]
fn coverage_counts_what_is_lost() {
    // The measure itself: a dropped paragraph and a reordered one are both missed.
    let sentences = body_sentences("甲事已办。乙事已办。\n丙事已办。", &[]);
    assert_eq!(
        coverage(&sentences, "甲事已办。丙事已办。").1,
        vec!["乙事已办"]
    );
    assert_eq!(
        coverage(&sentences, "丙事已办。乙事已办。甲事已办。").0,
        1.0 / 3.0
    );
    assert_eq!(without_marker("一是强化考评调度。"), "强化考评调度。");
    assert_eq!(without_marker("第二，培育机构。"), "培育机构。");
}

#[test]
fn every_encoding_of_a_text_imports_alike() {
    let text =
        fs::read_to_string(manifest_dir().join("tests/fixtures/import/inline-report.txt")).unwrap();
    let utf16 = |big: bool, bom: bool| -> Vec<u8> {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend(if big { [0xFE, 0xFF] } else { [0xFF, 0xFE] });
        }
        for unit in text.encode_utf16() {
            bytes.extend(if big {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        bytes
    };
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    let dir = temp_dir();
    let variants: Vec<(&str, Vec<u8>, &str)> = vec![
        ("utf8", text.as_bytes().to_vec(), ""),
        ("bom", bom, "UTF-8 (BOM)"),
        (
            "gbk",
            encoding_rs::GBK.encode(&text).0.into_owned(),
            "gb18030",
        ),
        (
            "gb18030",
            encoding_rs::GB18030.encode(&text).0.into_owned(),
            "gb18030",
        ),
        ("utf16le", utf16(false, true), "UTF-16LE"),
        ("utf16be", utf16(true, false), "UTF-16BE"),
    ];
    let mut bodies = Vec::new();
    for (name, bytes, encoding) in &variants {
        let source = dir.path().join(format!("{name}.txt"));
        fs::File::create(&source).unwrap().write_all(bytes).unwrap();
        let out = gongwen_in(dir.path(), &["import", &format!("{name}.txt")]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let yaml = fs::read_to_string(dir.path().join(format!("{name}.yaml"))).unwrap();
        let header: String = yaml.lines().take_while(|l| l.starts_with('#')).collect();
        assert_eq!(
            header.contains("原文编码"),
            !encoding.is_empty(),
            "{name}: {header}"
        );
        assert!(header.contains(encoding), "{name}: {header}");
        bodies.push(
            yaml.lines()
                .skip_while(|l| l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    assert!(bodies[0].contains("title: \"测试市科学技术局2024年工作总结及2025年工作打算\""));
    for (body, (name, ..)) in bodies.iter().zip(&variants) {
        assert_eq!(body, &bodies[0], "{name}");
    }
}

// ---- Word documents -------------------------------------------------------------------------

/// A paragraph of a hand-made Word document: its style id, whether it is numbered (Word's
/// automatic numbering, level given), and its runs (bold or not).
struct Para {
    style: Option<&'static str>,
    numbered: Option<u32>,
    runs: &'static [(bool, &'static str)],
}

const fn para(
    style: Option<&'static str>,
    numbered: Option<u32>,
    runs: &'static [(bool, &'static str)],
) -> Para {
    Para {
        style,
        numbered,
        runs,
    }
}

fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A `.docx` file as Word writes one: styles named "heading 1"/"heading 2" and "Title",
/// and a Chinese multi-level numbering list (一、 then （一）).
fn docx(paragraphs: &[Para]) -> Vec<u8> {
    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    let mut body = String::new();
    for p in paragraphs {
        body.push_str("<w:p><w:pPr>");
        if let Some(style) = p.style {
            body.push_str(&format!("<w:pStyle w:val=\"{style}\"/>"));
        }
        if let Some(level) = p.numbered {
            body.push_str(&format!(
                "<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"1\"/></w:numPr>"
            ));
        }
        body.push_str("</w:pPr>");
        for (bold, text) in p.runs {
            body.push_str("<w:r>");
            if *bold {
                body.push_str("<w:rPr><w:b/><w:bCs/></w:rPr>");
            }
            body.push_str(&format!(
                "<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                xml_text(text)
            ));
        }
        body.push_str("</w:p>");
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let styles = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:styles {W}>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr></w:style>\
         </w:styles>"
    );
    let numbering = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:numbering {W}>\
         <w:abstractNum w:abstractNumId=\"7\">\
         <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"%1、\"/></w:lvl>\
         <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"（%2）\"/></w:lvl>\
         </w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"7\"/></w:num></w:numbering>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in [
        ("[Content_Types].xml", content_types.to_owned()),
        ("_rels/.rels", rels.to_owned()),
        ("word/document.xml", document),
        ("word/styles.xml", styles),
        ("word/numbering.xml", numbering),
    ] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The text of a hand-made document's paragraphs, one line each, as a reader sees it.
fn plain(paragraphs: &[Para]) -> String {
    paragraphs
        .iter()
        .map(|p| p.runs.iter().map(|(_, t)| *t).collect::<String>() + "\n")
        .collect()
}

const REPORT_DOCX: &[Para] = &[
    para(
        Some("Title"),
        None,
        &[(false, "测试区科学技术局2024年工作总结和2025年工作计划")],
    ),
    para(
        None,
        None,
        &[(
            false,
            "2024年，区科学技术局紧紧围绕全区中心工作，推动科技创新取得新成效。",
        )],
    ),
    para(Some("Heading1"), Some(0), &[(false, "2024年工作总结")]),
    para(Some("Heading2"), Some(1), &[(false, "强化企业培育")]),
    para(
        None,
        None,
        &[
            (true, "一是完善培育机制。"),
            (false, "建立高新技术企业后备库，入库企业达到48家。"),
        ],
    ),
    para(
        None,
        None,
        &[
            (true, "二是落实惠企政策。"),
            (false, "全年兑现科技奖补资金1260万元，惠及企业73家。"),
        ],
    ),
    para(Some("Heading2"), Some(1), &[(false, "建设创新平台")]),
    para(
        None,
        None,
        &[(
            false,
            "新增省级重点实验室2家、市级技术创新中心6家。孵化载体面积达到18万平方米。",
        )],
    ),
    para(Some("Heading1"), Some(0), &[(false, "2025年工作计划")]),
    para(Some("Heading2"), None, &[(false, "持续壮大创新主体")]),
    para(
        None,
        None,
        &[(
            false,
            "实施科技型企业梯次培育工程，力争高新技术企业达到60家。",
        )],
    ),
    para(Some("Heading2"), None, &[(false, "（二）加快平台建设")]),
    para(
        None,
        None,
        &[(
            false,
            "支持龙头企业牵头组建创新联合体，推动创新平台向重点产业集聚。",
        )],
    ),
    para(None, None, &[(false, "测试区科学技术局")]),
    para(None, None, &[(false, "2024年12月20日")]),
];

const FEATURE_DOCX: &[Para] = &[
    para(
        Some("Title"),
        None,
        &[(false, "测试区多措并举提升企业创新能力")],
    ),
    para(
        None,
        None,
        &[(
            false,
            "今年以来，测试区科学技术局聚焦企业创新能力提升，推出一系列务实举措，取得了明显成效。",
        )],
    ),
    para(
        None,
        None,
        &[
            (true, "2024年全区新增高新技术企业15家，总数达到48家。"),
            (
                false,
                "区科技局组织专业机构逐家辅导，帮助企业规范研发费用归集。",
            ),
        ],
    ),
    para(
        None,
        None,
        &[
            (true, "研发投入强度提高到2.6%，创历史新高。"),
            (
                false,
                "区财政对研发投入增长较快的企业给予后补助，带动企业加大投入。",
            ),
        ],
    ),
    para(None, None, &[(false, "测试区科学技术局")]),
    para(None, None, &[(false, "2024年12月25日")]),
];

#[test]
fn word_documents_give_their_structure_by_styles_numbering_and_bold() {
    let dir = temp_dir();
    fs::write(dir.path().join("report.docx"), docx(REPORT_DOCX)).unwrap();
    let (yaml, markdown) = import_and_build(dir.path(), "report.docx");
    for line in [
        "organ: \"测试区科学技术局\"",
        "year: 2024",
        "date: \"2024-12-20\"",
        "title: \"测试区科学技术局2024年工作总结和2025年工作计划\"",
        "  heading: \"2024年工作总结\"",
        "  heading: \"2025年工作计划\"",
    ] {
        assert!(yaml.contains(line), "no `{line}` in\n{yaml}");
    }
    // Bold leads inside numbered sections stay text: no `**` reaches the data.
    assert!(!yaml.contains("**"), "{yaml}");
    assert_eq!(placeholders(&yaml), 0, "{yaml}");
    let headings = markdown_headings(&markdown);
    for heading in [
        "2024年工作总结",
        "强化企业培育",
        "建设创新平台",
        "2025年工作计划",
        "持续壮大创新主体",
        "加快平台建设",
    ] {
        assert!(
            headings.iter().any(|h| h == heading),
            "{heading} not in {headings:?}"
        );
    }
    let sentences = body_sentences(&plain(REPORT_DOCX), &["测试区科学技术局", "2024年12月20日"]);
    let (share, missing) = coverage(&sentences, &markdown);
    assert!(share >= 0.95, "{share}: missing {missing:?}\n{markdown}");

    // Without numbered headings, the bold opening sentences are the sections, even
    // sentences with figures that would not pass for headings by their shape alone.
    fs::remove_file(dir.path().join("imported.yaml")).unwrap();
    fs::write(dir.path().join("feature.docx"), docx(FEATURE_DOCX)).unwrap();
    let (yaml, markdown) = import_and_build(dir.path(), "feature.docx");
    assert!(
        yaml.contains("  - title: \"2024年全区新增高新技术企业15家，总数达到48家\""),
        "{yaml}"
    );
    assert!(
        yaml.contains("  - title: \"研发投入强度提高到2.6%，创历史新高\""),
        "{yaml}"
    );
    assert!(yaml.contains("2 个段落的首句"), "{yaml}");
    let sentences = body_sentences(
        &plain(FEATURE_DOCX),
        &["测试区多措并举", "测试区科学技术局", "2024年12月25日"],
    );
    let (share, missing) = coverage(&sentences, &markdown);
    assert!(share >= 0.95, "{share}: missing {missing:?}\n{markdown}");
}

#[test]
fn a_zip_that_is_not_a_word_document_is_refused_and_nothing_written() {
    let dir = temp_dir();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("hello.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"hello").unwrap();
    fs::write(
        dir.path().join("a.docx"),
        zip.finish().unwrap().into_inner(),
    )
    .unwrap();
    fs::write(dir.path().join("b.docx"), b"PK\x03\x04 broken").unwrap();
    for name in ["a", "b"] {
        let out = gongwen_in(
            dir.path(),
            &["--lang", "en", "import", &format!("{name}.docx")],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let message = stderr(&out);
        assert!(
            message.contains(&format!(
                "{name}.docx: error: this zip file is not a Word document"
            )),
            "{message}"
        );
        assert!(!dir.path().join(format!("{name}.yaml")).exists());
    }
}

#[test]
fn a_report_written_by_gongwen_as_docx_imports_back_to_the_same_text() {
    // The DOCX writer's output read by the importer: the whole pipeline both ways.
    let dir = temp_dir();
    let data = manifest_dir().join("data/work-report-2024.yaml");
    let out = gongwen_in(
        dir.path(),
        &[
            "build",
            path_str(&data),
            "--format",
            "docx,md",
            "-o",
            "first",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    fs::copy(
        dir.path().join("first/work-report-2024.docx"),
        dir.path().join("report.docx"),
    )
    .unwrap();
    let (yaml, markdown) = import_and_build(dir.path(), "report.docx");
    for line in [
        "organ: \"某市科学技术局\"",
        "year: 2024",
        "date: \"2024-12-20\"",
    ] {
        assert!(yaml.contains(line), "no `{line}` in\n{yaml}");
    }
    let original = fs::read_to_string(dir.path().join("first/work-report-2024.md")).unwrap();
    // The body: after the front matter, without the appendix tables.
    let body: String = original
        .split("\n---\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.contains("{.attachment"))
        .filter(|l| !l.starts_with('|'))
        .map(|l| l.trim_start_matches('#').trim().to_owned() + "\n")
        .collect();
    let sentences = body_sentences(&body, &[]);
    assert!(sentences.len() >= 40, "{sentences:?}");
    let (share, missing) = coverage(&sentences, &markdown);
    assert!(share >= 0.95, "{share}: missing {missing:?}\n{markdown}");
    let before = markdown_headings(&original);
    let after = markdown_headings(&markdown);
    for heading in before
        .iter()
        .filter(|h| !h.contains("附件") && !h.contains("表"))
    {
        assert!(after.contains(heading), "{heading} lost: {after:?}");
    }
}

#[test]
fn a_line_break_in_the_source_name_stays_inside_the_header_comment() {
    let dir = temp_dir();
    let name = "旧报告\nkind: notice\n.txt";
    fs::copy(
        manifest_dir().join("tests/fixtures/import/inline-report.txt"),
        dir.path().join(name),
    )
    .unwrap();
    let out = gongwen_in(dir.path(), &["import", name, "-o", "r.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let yaml = fs::read_to_string(dir.path().join("r.yaml")).unwrap();
    // Every line up to the data's first is a comment, and the data's first is its kind.
    let first = yaml.lines().find(|l| !l.starts_with('#'));
    assert_eq!(first, Some("kind: \"work-report\""), "{yaml}");
}

/// A page as a government site shows it: furniture before and after the document.
struct Layout {
    before: &'static [&'static str],
    after: &'static [&'static str],
    /// What closes the last paragraph, in brackets.
    byline: &'static str,
}

/// Layouts written for this test, unlike the fixtures above and the examples of the
/// rules file: other separators, other toolbars, other promotions, furniture on both sides.
const LAYOUTS: &[Layout] = &[
    Layout {
        before: &[
            "网站首页 >> 新闻动态 >> 部门动态",
            "【 大 中 小 】 【 打印本页 】 【 关闭窗口 】",
        ],
        after: &[
            "分享至：QQ好友 朋友圈 新浪微博",
            "网站首页 ｜ 网站声明 ｜ 联系我们",
            "主办单位：某县人民政府办公室",
        ],
        byline: "（文/王某 图/李某）",
    },
    Layout {
        before: &["位置：首页 / 政务公开 / 工作动态", "字号：默认 大 超大"],
        after: &[
            "关注“某县科技”官方微博，了解最新政策",
            "下载“某县发布”APP",
            "返回顶部",
        ],
        byline: "（本报记者 赵某 通讯员 钱某）",
    },
    Layout {
        before: &[
            "您现在的位置：首页 » 科技资讯 » 正文",
            "繁体 | 无障碍 | 长者模式",
        ],
        after: &[
            "长按识别二维码，关注我们的公众号",
            "上一条：县科技局开展科技活动周",
            "打印 | 关闭 | 我要纠错",
            "公网安备 13000000000000号",
        ],
        byline: "【责编：孙某】",
    },
    Layout {
        before: &["主页 - 新闻中心 - 科技要闻", "手机访问"],
        after: &[
            "【打印此页】【收藏本页】【返回首页】",
            "Copyright © 某县政府网站群",
        ],
        byline: "（稿件来源：某县融媒体中心）",
    },
];

const HEADLINE: &str = "某县科技局多措并举推动科技型企业梯次培育";
const PARAGRAPHS: &[&str] = &[
    "今年以来，某县科技局围绕企业创新主体地位，建立科技型企业梯次培育机制，全县创新活力持续增强。",
    "加强统筹调度。县科技局把企业培育列入年度重点工作，一是建立入库企业台账，入库企业60家；二是强化政策支持，兑现奖补资金320万元。三是优化科技服务，组织专家走访企业45家次。",
    "强化平台支撑。新建县级技术创新中心6家，推动4家企业与高校共建研发机构，帮助企业解决技术难题23项。",
    "下一步，县科技局将继续完善培育机制，推动更多企业成长为高新技术企业。",
];

#[test]
fn pasted_pages_in_other_layouts_keep_the_document_and_lose_the_page() {
    for (n, layout) in LAYOUTS.iter().enumerate() {
        let dir = temp_dir();
        let mut page: Vec<String> = layout.before.iter().map(|l| (*l).to_owned()).collect();
        page.push(HEADLINE.to_owned());
        page.push("2024-06-14 09:30 来源：某县科学技术局".to_owned());
        page.extend(PARAGRAPHS.iter().map(|p| (*p).to_owned()));
        let last = page.pop().unwrap();
        page.push(format!("{last}{}", layout.byline));
        page.extend(layout.after.iter().map(|l| (*l).to_owned()));
        fs::write(dir.path().join("page.txt"), page.join("\n")).unwrap();
        let (yaml, markdown) = import_and_build(dir.path(), "page.txt");
        let name = format!("layout {n}");

        // The headline is the title, not a breadcrumb.
        assert!(
            yaml.contains(&format!("title: \"{HEADLINE}\"")),
            "{name}:\n{yaml}"
        );
        // The data without its comments and the placeholders import leaves (〖正文〗).
        let mut data: String = yaml.lines().filter(|l| !l.starts_with('#')).collect();
        while let (Some(start), Some(end)) = (data.find('〖'), data.find('〗')) {
            data.replace_range(start..end + '〗'.len_utf8(), "");
        }
        let bracket = layout.byline.trim_matches(['（', '）', '【', '】']);
        for furniture in layout.before.iter().chain(layout.after).chain([&bracket]) {
            let words: Vec<&str> = furniture
                .split([' ', '｜', '|', '/', '：', '>', '»', '-', '【', '】'])
                .filter(|w| w.chars().count() >= 2)
                .collect();
            for word in words {
                assert!(
                    !data.contains(word),
                    "{name}: `{word}` of `{furniture}` kept:\n{yaml}"
                );
            }
        }
        let sentences = body_sentences(&PARAGRAPHS.join("\n"), &[]);
        let (share, missing) = coverage(&sentences, &markdown);
        assert!(share == 1.0, "{name}: missing {missing:?}\n{markdown}");
        // The items keep their stops: 一是……；二是……。三是…… never run together.
        for marker in ["二是", "三是"] {
            let at = markdown
                .find(marker)
                .unwrap_or_else(|| panic!("{name}: {marker}\n{markdown}"));
            let before = markdown[..at].chars().last().unwrap();
            assert!(
                "。；".contains(before),
                "{name}: `{before}{marker}`\n{markdown}"
            );
        }
    }
}
