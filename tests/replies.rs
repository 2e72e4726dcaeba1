//! Replies to proposals and suggestions (kind: proposal-reply).

mod common;

use std::fs;

use common::*;

fn assert_diagnostics(name: &str, expected_code: i32, expected: &[&str]) {
    assert_fixture_diagnostics(&format!("invalid/{name}"), expected_code, expected);
}

#[test]
fn result_outside_a_b_c() {
    assert_diagnostics(
        "reply-result",
        1,
        &["5:9: error: result `D` is not A, B or C"],
    );
}

#[test]
fn result_c_needs_a_reason() {
    assert_diagnostics(
        "reply-c-without-reason",
        1,
        &["5:9: error: result C needs the reason it cannot be solved for now"],
    );
}

#[test]
fn role_and_type_must_match() {
    assert_diagnostics(
        "reply-role-mismatch",
        1,
        &["13:9: error: a 委员 submits a 提案, not a 建议"],
    );
}

#[test]
fn malformed_document_number() {
    assert_diagnostics(
        "reply-doc-number",
        1,
        &["4:13: error: malformed document number `测科字[2024]第1号`"],
    );
}

#[test]
fn document_number_year_differing_from_the_date_is_a_warning() {
    assert_diagnostics(
        "warn-reply-doc-number-year",
        0,
        &["4:13: warning: the document number's year 2023 differs from the date's year 2024"],
    );
}

#[test]
fn telephone_number_must_be_one() {
    assert_diagnostics(
        "reply-phone",
        1,
        &["20:10: error: `办公室分机` is not a telephone number"],
    );
}

#[test]
fn proposal_number_is_required() {
    assert_diagnostics(
        "reply-missing-number",
        1,
        &["8:3: error: missing required field `number` in the proposal"],
    );
}

#[test]
fn contact_is_required() {
    assert_diagnostics(
        "reply-missing-contact",
        1,
        &["1:1: error: missing required field `contact` in the reply"],
    );
}

fn build_sample(stem: &str, format: &str) -> tempfile::TempDir {
    build_into_temp(&format!("data/{stem}.yaml"), format)
}

fn sample_markdown(stem: &str) -> String {
    let dir = build_sample(stem, "md");
    fs::read_to_string(dir.path().join(format!("{stem}.md"))).unwrap()
}

#[test]
fn markdown_of_the_proposal_reply() {
    insta::assert_snapshot!(
        "proposal-reply-0520",
        sample_markdown("proposal-reply-0520")
    );
}

#[test]
fn markdown_of_the_suggestion_reply_with_result_b() {
    insta::assert_snapshot!("suggestion-reply-b", sample_markdown("suggestion-reply-b"));
}

#[test]
fn markdown_of_the_suggestion_reply_with_result_c() {
    let md = sample_markdown("suggestion-reply-c");
    assert!(
        md.contains("暂不具备实施条件"),
        "the reason of a C result is in the reply"
    );
    insta::assert_snapshot!("suggestion-reply-c", md);
}

#[test]
fn figures_of_a_reply_go_to_its_csv() {
    let dir = build_sample("proposal-reply-0520", "csv");
    let csv = fs::read_to_string(dir.path().join("proposal-reply-0520-metrics.csv")).unwrap();
    assert!(
        csv.contains("研究与试验发展(R&D)经费投入,168.37,亿元,134.73,24.97\r\n"),
        "{csv}"
    );
    let dir = build_sample("suggestion-reply-c", "csv");
    assert!(
        entries(dir.path()) == [".gongwen-manifest.json"],
        "a reply without figures has no CSV"
    );
}

#[test]
fn pdf_of_the_reply_reads_in_order_with_its_colophon() {
    let dir = build_sample("proposal-reply-0520", "pdf");
    let pdf = dir.path().join("proposal-reply-0520.pdf");
    let text = squeezed_pdf_text(&pdf);
    let order = [
        "是否同意公开：是办理结果：A",
        "承办单位提案字〔2024〕第12号",
        "对政协石家庄市第十四届委员会第四次会议第0520号提案的答复",
        "范林委员：",
        "您提出的关于“加快形成新质生产力助力石家庄高质量发展的建议”的提案收悉，现答复如下：",
        "一、增强创新意识，加大对原创科技投入",
        "（一）开展研发投入提升工作",
        "168.37亿元",
        "四、谋划未来产业发展",
        "石家庄市科学技术局",
        "2024年6月6日",
        "领导签发：王金生",
        "联系人及电话：侯彦波，0311-85057592",
        "抄送：市政府办公室，市政协提案委员会。",
    ];
    assert_in_order(&text, &order);
    // 抄送 appears once: as the colophon, not also as a body line.
    assert_eq!(text.matches("抄送").count(), 1, "{text}");
    // The colophon is on the last page.
    let info = poppler("pdfinfo", &[], &pdf);
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .to_owned();
    let last = poppler("pdftotext", &["-f", &pages, "-l", &pages], &pdf);
    assert!(last.contains("抄送"), "{last}");
}

/// A word of a PDF as `pdftotext -bbox` places it: page, left, top, right, text.
#[derive(Debug, Clone, PartialEq)]
struct Word {
    page: usize,
    left: f64,
    top: f64,
    right: f64,
    text: String,
}

fn words(pdf: &std::path::Path) -> Vec<Word> {
    let html = poppler("pdftotext", &["-bbox"], pdf);
    let number = |line: &str, key: &str| -> f64 {
        let start = line.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        line[start..start + line[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let mut page = 0;
    let mut out = Vec::new();
    for line in html.lines() {
        if line.trim_start().starts_with("<page ") {
            page += 1;
        } else if line.trim_start().starts_with("<word ") {
            let text = &line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()];
            out.push(Word {
                page,
                left: number(line, "xMin"),
                top: number(line, "yMin"),
                right: number(line, "xMax"),
                text: text.to_owned(),
            });
        }
    }
    out
}

/// The last word that is exactly `text`.
fn last<'w>(words: &'w [Word], text: &str) -> &'w Word {
    words
        .iter()
        .rev()
        .find(|w| w.text == text)
        .unwrap_or_else(|| panic!("`{text}` not in {words:#?}"))
}

#[test]
fn body_text_worded_like_the_official_parts_moves_none_of_them() {
    let data = "data/suggestion-reply-b.yaml";
    let original = build_into_temp(data, "pdf");
    // The same template with paragraphs at its end that read like the signature, the
    // signer and the 抄送 line: the old writer found those parts by such text.
    let root = temp_dir();
    let templates = root.path().join("mine");
    fs::create_dir_all(&templates).unwrap();
    let builtin = fs::read_to_string(manifest_dir().join("templates/proposal-reply.md")).unwrap();
    fs::write(
        templates.join("proposal-reply.md"),
        format!("{builtin}\n{{{{ organ }}}}\n\n{{{{ date | cn_date }}}}\n\n领导签发：假名\n\n抄送：并非抄送单位。\n"),
    )
    .unwrap();
    let out = gongwen(&[
        "build",
        data,
        "--format",
        "pdf",
        "--templates",
        path_str(&templates),
        "-o",
        path_str(root.path()),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = words(&original.path().join("suggestion-reply-b.pdf"));
    let after = words(&root.path().join("suggestion-reply-b.pdf"));

    // The look-alike paragraphs stay body text, in the body's place: before the real
    // signature, which still follows them.
    let position = |w: &Word| (w.page, w.top as i64);
    // (The letter's 版头 names the organ too, in the top margin: 37 mm is the type area's top.)
    let type_area_top = 37.0 * 72.0 / 25.4;
    let organs: Vec<&Word> = after
        .iter()
        .filter(|w| w.text == "某市科学技术局" && (w.page > 1 || w.top > type_area_top))
        .collect();
    assert_eq!(organs.len(), 2, "{organs:#?}");
    let fake_cc = last(&after, "抄送：并非抄送单位。");
    assert!(position(last(&after, "领导签发：假名")) < position(organs[1]));
    assert!(position(fake_cc) < position(organs[1]));

    // The real parts are placed as before: the signature right-aligned at the same
    // places, the notes at the same indent, the 版记 at the foot of the last page.
    // (pdftotext splits the date into its digits and characters: its first and last.)
    for text in ["某市科学技术局", "2024", "日"] {
        let (b, a) = (last(&before, text), last(&after, text));
        assert_eq!((b.left, b.right), (a.left, a.right), "{text}");
    }
    assert_eq!(
        last(&before, "领导签发：张华").left,
        last(&after, "领导签发：张华").left
    );
    let colophon = "抄送：市政府办公室，市人大常委会代表工作委员会。";
    let (b, a) = (last(&before, colophon), last(&after, colophon));
    assert_eq!((b.left, b.top), (a.left, a.top));
    let last_page = |words: &[Word]| words.iter().map(|w| w.page).max().unwrap();
    assert_eq!(a.page, last_page(&after));
    assert_eq!(b.page, last_page(&before));
}

#[test]
fn a_reply_without_sections_is_reported_at_its_sections() {
    assert_diagnostics(
        "reply-no-sections",
        1,
        &["21:1: error: the reply has no sections"],
    );
}

/// A proposal title written as `关于……的提案` would print 关于“关于……的提案”的提案: a warning
/// at the title says what to write. The proposal's own `……的建议` for a 提案 is left alone.
#[test]
fn a_proposal_title_framed_as_its_own_reply_is_warned() {
    let root = temp_dir();
    let reply = root.path().join("reply.yaml");
    let text = fs::read_to_string(manifest_dir().join("data/proposal-reply-0520.yaml")).unwrap();
    let original = "  title: 加快形成新质生产力 助力石家庄高质量发展的建议";
    assert!(text.contains(original));
    let line = text.lines().position(|l| l == original).unwrap() + 1;
    fs::write(
        &reply,
        text.replace(original, "  title: 关于加快培育未来产业的提案"),
    )
    .unwrap();
    let out = gongwen(&["validate", path_str(&reply)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning only: {}",
        stderr(&out)
    );
    let all = stderr(&out);
    assert!(
        all.contains(&format!("reply.yaml:{line}:10: warning: the title `关于加快培育未来产业的提案` already reads 关于……的提案")),
        "{all}"
    );
    assert!(all.contains("e.g. `加快培育未来产业`"), "{all}");
    let sample = gongwen(&["validate", "data/proposal-reply-0520.yaml"]);
    assert!(
        !stderr(&sample).contains(": warning:"),
        "{}",
        stderr(&sample)
    );
}
