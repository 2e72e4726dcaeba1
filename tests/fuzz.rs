//! Property tests ("fuzzing") of the YAML loading and validation, the templates, the
//! Markdown escaping and the Markdown→Typst writer. `make test` runs a few hundred cases
//! each; `make fuzz` runs many more for a bounded time. A crash found becomes a test in
//! `regressions` below.

use std::path::{Path, PathBuf};

use gongwen::diag::Printer;
use gongwen::kinds::Linked;
use gongwen::load::load_text;
use gongwen::pdf::writer::{convert, escape_markup};
use gongwen::render::Renderer;
use gongwen::render::filters::escape_markdown;
use gongwen::templates::Templates;
use proptest::prelude::*;

/// Load, validate and render a text as a data file: must never panic, and never print a
/// control or invisible character. The Markdown, where the document was valid.
fn pipeline(text: &str) -> Option<String> {
    let path = PathBuf::from("fuzz.yaml");
    let (document, mut diags) = load_text(&path, text);
    let mut markdown = None;
    if let Some(doc) = document {
        // A linked plan is not followed here: the rules see it as unresolved.
        doc.validate(Linked::NONE, &mut diags);
        if !diags.has_errors() {
            let renderer = Renderer::new(&Templates::new(None));
            if let Ok(rendered) = renderer.render(doc.as_ref(), Linked::NONE) {
                let plan = rendered.plan();
                convert(&plan);
                gongwen::docx::docx(&plan, false);
                markdown = Some(rendered.markdown);
            }
        }
    }
    let printed = diags.sorted();
    assert!(printed.len() <= gongwen::diag::MAX_PER_FILE + 1);
    for d in printed {
        let line = Printer::default().render(&d);
        assert!(line.starts_with("fuzz.yaml"), "{line}");
        assert!(!line.chars().any(gongwen::zh::is_unprintable), "{line:?}");
    }
    markdown
}

/// A sample whose value on one line is replaced by a hostile one, perhaps with CR or CRLF
/// line ends.
fn hostile_sample() -> impl Strategy<Value = String> {
    let samples = prop_oneof![
        Just(sample("work-report-2024.yaml")),
        Just(sample("proposal-reply-0520.yaml")),
        Just(sample("zhangjiakou-plan-2018-2020.yaml")),
    ];
    let values = prop::sample::select(vec![
        "1e308",
        "-1e308",
        "1e15",
        "999999999999999",
        "1e-320",
        ".nan",
        ".inf",
        "-.inf",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551616",
        "0",
        "-0",
        "\"\\0\"",
        "\"a\\e[31mb\"",
        "\"\\u200b\"",
        "\"x\\u202ey\"",
        "\"a\\nb\"",
        "\"\\x7f\"",
        "\"\\r\"",
        "|\n  甲\n  乙",
        ">\n  甲\n  乙",
        "\"\u{feff}甲\"",
        "!!binary /w==",
        "!!str 1",
        "[1, 2]",
        "{a: 1}",
        "~",
        "''",
    ]);
    (samples, any::<prop::sample::Index>(), values, 0u8..3).prop_map(|(text, line, value, ends)| {
        let lines: Vec<&str> = text.lines().collect();
        let candidates: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].contains(": ") && !lines[i].trim_start().starts_with('#'))
            .collect();
        let chosen = candidates[line.index(candidates.len())];
        let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        let (key, _) = out[chosen].split_once(": ").expect("a key");
        out[chosen] = format!("{key}: {value}");
        let joined = out.join("\n") + "\n";
        match ends {
            0 => joined,
            1 => joined.replace('\n', "\r"),
            _ => joined.replace('\n', "\r\n"),
        }
    })
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data")
            .join(name),
    )
    .unwrap()
}

/// A sample data file with random edits: a cut, an insertion, a line repeated.
fn mutated_sample() -> impl Strategy<Value = String> {
    let samples = prop_oneof![
        Just(sample("work-report-2024.yaml")),
        Just(sample("proposal-reply-0520.yaml")),
        Just(sample("zhangjiakou-plan-2018-2020.yaml")),
        Just(sample("suggestion-reply-c.yaml")),
    ];
    (
        samples,
        any::<prop::sample::Index>(),
        0usize..200,
        ".{0,40}",
        any::<prop::sample::Index>(),
    )
        .prop_map(|(text, at, cut, insert, line)| {
            let chars: Vec<char> = text.chars().collect();
            let start = at.index(chars.len());
            let end = (start + cut).min(chars.len());
            let mut edited: String = chars[..start].iter().collect();
            edited.push_str(&insert);
            edited.extend(&chars[end..]);
            let lines: Vec<&str> = edited.lines().collect();
            let repeat = lines
                .get(line.index(lines.len().max(1)))
                .copied()
                .unwrap_or("");
            format!("{edited}\n{repeat}\n")
        })
}

/// Text with every character Markdown and Typst give meaning to, Han characters and spaces.
fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(vec![
                "#",
                "*",
                "_",
                "`",
                "<",
                ">",
                "[",
                "]",
                "(",
                ")",
                "!",
                "&",
                "amp;",
                "$",
                "^",
                "~",
                "|",
                "\\",
                "/",
                "//",
                "=",
                "-",
                "+",
                "@",
                ":",
                ".",
                "...",
                "1.",
                "1)",
                "{",
                "}",
                "'",
                "\"",
                "http://",
                " ",
                "中",
                "文",
                "。",
                "，",
                "a",
                "Z",
                "9",
                "&#35;",
                "---",
                "```",
                "<b>",
                "#read(\"x\")",
                "$x$",
                "{{ x }}",
                "{% if %}",
            ])
            .prop_map(str::to_owned),
            "[\\u{4e00}-\\u{9fa5}a-z0-9]{1,3}".prop_map(|s: String| s),
        ],
        1..30,
    )
    .prop_map(|parts| parts.concat())
    .prop_filter("single trimmed line", |s| {
        !s.trim().is_empty() && s.trim() == s
    })
}

/// The text a CommonMark reader sees, with every extension on.
fn markdown_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    Parser::new_ext(markdown, Options::all())
        .filter_map(|event| match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                Some(t.into_string())
            }
            Event::Html(t) | Event::InlineHtml(t) => Some(format!("<HTML:{t}>")),
            Event::SoftBreak | Event::HardBreak => Some(" ".into()),
            _ => None,
        })
        .collect()
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics_the_pipeline(text in "(?s).{0,400}") {
        pipeline(&text);
    }

    #[test]
    fn mutated_samples_never_panic_the_pipeline(text in mutated_sample()) {
        pipeline(&text);
    }

    #[test]
    fn hostile_values_never_reach_the_document(text in hostile_sample()) {
        if let Some(markdown) = pipeline(&text) {
            prop_assert!(!markdown.chars().any(gongwen::zh::is_unprintable), "{:?}", markdown);
            // A unit may read `.inf` as written; a computed change may not.
            prop_assert!(!markdown.contains("inf%") && !markdown.contains("NaN"), "{}", markdown);
            let longest_number = markdown
                .split(|c: char| !c.is_ascii_digit())
                .map(str::len)
                .max()
                .unwrap_or(0);
            // A figure prints 15 digits at most; with a unit written in digits beside it, 40.
            prop_assert!(longest_number <= 40, "{}", markdown);
            // The title's years come from `year`: never a wrapped-around negative one.
            let title = markdown.lines().find(|l| l.starts_with("title: ")).unwrap_or("");
            prop_assert!(!(title.contains("年工作计划") && title.starts_with("title: \"-")), "{}", title);
        }
    }

    #[test]
    fn the_summary_and_the_charts_print_any_name_as_itself(name in tricky_text(), title in tricky_text()) {
        use gongwen::kinds::proposal_reply::{ProposalReply, summary};
        let quoted = |t: &str| serde_json::to_string(t).unwrap();
        let reply = sample("proposal-reply-0520.yaml")
            .replace("proposer: 范林", &format!("proposer: {}", quoted(&name)))
            .replace("title: 加快形成新质生产力 助力石家庄高质量发展的建议", &format!("title: {}", quoted(&title)));
        let (document, diags) = load_text(Path::new("reply.yaml"), &reply);
        prop_assert!(!diags.has_errors(), "{:?}", diags.sorted());
        let document = document.unwrap();
        let reply = document.as_any().downcast_ref::<ProposalReply>().unwrap();
        let made = summary::summary(&[reply]);
        let renderer = Renderer::new(&Templates::new(None));
        let rendered = renderer.render_collection(made.parts, made.context, made.tables).unwrap();
        let plan = rendered.plan();
        let gongwen::plan::Block::Table(table) = &plan.attachments[0].content[0] else {
            panic!("{:?}", plan.attachments);
        };
        let cell = |k: usize| {
            let mut text = String::new();
            gongwen::plan::inline_text(&table.rows[0][k], &mut text);
            text
        };
        prop_assert_eq!(cell(3), name.clone(), "{}", rendered.markdown);
        prop_assert_eq!(cell(4), title, "{}", rendered.markdown);
        convert(&plan);
        gongwen::docx::docx(&plan, false);

        // A figure's name in a chart of the work report.
        let report = sample("zhangjiakou-work-report-2020.yaml")
            .replace("name: 全市高新技术企业\n", &format!("name: {}\n", quoted(&name)));
        let (document, diags) = load_text(Path::new("report.yaml"), &report);
        prop_assert!(!diags.has_errors(), "{:?}", diags.sorted());
        let renderer = Renderer::new(&Templates::new(None)).with_charts(true);
        let rendered = renderer.render(document.unwrap().as_ref(), Linked::NONE).unwrap();
        let plan = rendered.plan();
        let charts: Vec<&gongwen::plan::Chart> = plan.attachments.iter()
            .flat_map(|a| &a.content)
            .filter_map(|b| match b { gongwen::plan::Block::Chart(c) => Some(c), _ => None })
            .collect();
        prop_assert!(!charts.is_empty(), "{}", rendered.markdown);
        prop_assert_eq!(&charts[0].bars[0].label, &name.replace('\t', " "), "{}", rendered.markdown);
        convert(&plan);
        gongwen::docx::docx(&plan, false);
    }

    #[test]
    fn escaped_markdown_reads_back_as_the_data(text in tricky_text()) {
        let escaped = escape_markdown(&text);
        prop_assert_eq!(markdown_text(&escaped), text.clone(), "escaped as {}", escaped);
        // The same text as a heading, where the title and section titles go.
        prop_assert_eq!(markdown_text(&format!("## {escaped}")), text);
    }

    #[test]
    fn escaped_typst_markup_holds_no_live_markup(text in tricky_text(), line_start: bool, after_code: bool) {
        let escaped = escape_markup(&text, line_start, after_code);
        // Dropping each escaping backslash gives the text back…
        let mut plain = String::new();
        let mut chars = escaped.chars();
        while let Some(c) = chars.next() {
            plain.push(if c == '\\' { chars.next().expect("a backslash escapes something") } else { c });
        }
        prop_assert_eq!(&plain, &text);
        // …and every markup character is escaped.
        let mut chars = escaped.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' {
                chars.next();
            } else {
                prop_assert!(!"*_`<>@=-+/$#[]'\"~\\".contains(c), "live `{}` in {}", c, escaped);
            }
        }
    }

    /// Any text, or one built of the pieces the importer looks for, imports without a panic
    /// into a data file that parses, every kind tried.
    #[test]
    fn import_takes_any_text(text in prop_oneof![
        "(?s).{0,300}".boxed(),
        proptest::collection::vec(
            prop_oneof![
                Just("一、"), Just("（一）"), Just("1."), Just("一是"), Just("第一，"), Just("首先，"),
                Just("**"), Just("。"), Just("\n"), Just("（牵头单位："), Just("牵头，"), Just("）"),
                Just("(diào)"), Just("調"), Just("2024年12月16日"), Just("二〇二四年十月"),
                Just("来源："), Just("16:33:46"), Just("下一步，"), Just("对"), Just("的答复"),
                Just("委员："), Just("联系人："), Just("PK\u{3}\u{4}"), Just("科技局"), Just("〔2024〕号"),
            ],
            0..60,
        )
        .prop_map(|parts| parts.concat())
        .boxed(),
    ]) {
        let kinds = gongwen::kinds::KINDS.iter().map(|&k| Some(k));
        for kind in std::iter::once(None).chain(kinds) {
            if let Ok(yaml) = gongwen::authoring::import(text.as_bytes(), kind, "x.txt") {
                let parsed = serde_saphyr::from_str::<serde_json::Value>(&yaml);
                prop_assert!(parsed.is_ok(), "{:?}\n{}", parsed.err(), yaml);
            }
        }
    }

    /// Both page writers set every letter and digit of any Markdown's plan: none is lost
    /// on the way to the Typst markup or to the DOCX's text.
    #[test]
    fn the_writers_take_any_markdown(text in prop_oneof![
        "(?s).{0,300}".boxed(),
        proptest::collection::vec(
            prop_oneof![
                Just("\n"), Just("\n\n"), Just("# "), Just("## "), Just("- "), Just("1. "), Just("> "),
                Just("| a | b |\n|---|---|\n| 1 | 2 |\n"), Just("[^1]"), Just("[^1]: 注"), Just("`x`"),
                Just("**"), Just("_"), Just("[链接](http://x)"), Just("    code\n"), Just("<b>"),
                Just("甲乙"), Just("abc"), Just("123"), Just("."), Just(")"), Just("{.attachment}"),
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
        .boxed(),
    ]) {
        let plan = gongwen::plan::Plan::new(&gongwen::official::Official::new("notice", "标题".into()), &text);
        let wanted = plan.body_text();
        let markup = convert(&plan);
        let markup = [markup.markup, markup.attachments.concat()].concat();
        let docx = docx_text(&gongwen::docx::docx(&plan, false));
        for c in wanted.chars().filter(|c| c.is_alphanumeric()) {
            let count = |s: &str| s.chars().filter(|&x| x == c).count();
            prop_assert!(count(&markup) >= count(&wanted), "`{}` lost in the markup {:?}", c, markup);
            prop_assert!(count(&docx) >= count(&wanted), "`{}` lost in the DOCX {:?}", c, docx);
        }
    }
}

/// The text of a DOCX's body: its document.xml with the tags dropped.
fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("the body")
        .read_to_string(&mut xml)
        .expect("UTF-8");
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

mod regressions {
    use super::*;

    #[test]
    fn heading_attributes_in_data_print_as_text() {
        let text = "总结 {#id .class}";
        assert_eq!(
            markdown_text(&format!("## {}", escape_markdown(text))),
            text
        );
    }

    #[test]
    fn quotes_and_dashes_stay_plain_for_smart_punctuation() {
        for text in ["'", "\"引号\"", "a--b", "等等..."] {
            assert_eq!(markdown_text(&escape_markdown(text)), text);
        }
    }

    /// Found by `make fuzz`: an attachment heading inside a list inside a quote split the
    /// body in the middle of the list (a slice that ended before it started).
    #[test]
    fn an_attachment_heading_inside_a_list_is_an_ordinary_heading() {
        let plan = gongwen::plan::Plan::new(
            &gongwen::official::Official::new("notice", "标题".into()),
            "- > # 附件 {.attachment}\n\n正文。",
        );
        assert!(plan.attachments.is_empty());
        assert!(plan.body_text().contains("附件"), "{:?}", plan.body);
    }

    /// Found by `make fuzz`: a U+FFFE in an imported text made YAML the parser refused.
    #[test]
    fn a_noncharacter_in_an_imported_text_gives_valid_yaml() {
        let yaml = gongwen::authoring::import("\u{fffe}".as_bytes(), None, "x.txt").unwrap();
        serde_saphyr::from_str::<serde_json::Value>(&yaml).unwrap();
    }

    #[test]
    fn a_colon_at_line_start_is_no_definition() {
        let text = ": 定义";
        assert_eq!(
            markdown_text(&format!("术语\n{}", escape_markdown(text))),
            format!("术语 {text}")
        );
    }
}
