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
