//! The PDF stage with the real typst, real fonts, and poppler to read the result.

mod common;

use std::fs;

use common::*;

/// Builds the sample work report as a PDF into a fresh folder.
fn sample_pdf() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = build_into_temp("data/work-report-2024.yaml", "pdf");
    let pdf = dir.path().join("work-report-2024.pdf");
    (dir, pdf)
}

#[test]
fn sample_report_text_reads_in_order() {
    let (_dir, pdf) = sample_pdf();
    assert_in_order(
        &squeezed_pdf_text(&pdf),
        &[
            "2024年科技创新工作总结和2025年工作计划",
            "全年新申报高新技术企业55家，同比增长34.15%",
            "技术合同登记额达到42.27亿元，同比增长44.81%",
            "一、2024年工作总结",
            "（一）对标考评要求，争先创优成效明显",
            "高新技术企业总数首次突破400家",
            "（四）做优惠企服务，科技成果加快转化",
            "9176.1万元",
            "二、2025年工作计划",
            "（一）打造创新高地，赋能产业发展",
            "一是聚力提升科技品牌。",
            "（五）提升服务质效，凝聚创新合力",
            "某市科学技术局",
            "2024年12月20日",
        ],
    );
}

#[test]
fn fonts_are_embedded_and_cjk() {
    let (_dir, pdf) = sample_pdf();
    let listing = poppler("pdffonts", &[], &pdf);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{listing}");
    for row in &rows {
        // Columns: name type encoding emb sub uni ...; `emb` is the third from the right end
        // of the fixed columns, so look for the `yes yes yes` of emb/sub/uni.
        assert!(row.contains(" yes "), "font not embedded: {row}");
        let emb = row.split_whitespace().rev().nth(4);
        assert_eq!(emb, Some("yes"), "font not embedded: {row}");
    }
    assert!(
        rows.iter().any(|r| r.contains("CJK")),
        "no CJK font in:\n{listing}"
    );
}

#[test]
fn page_is_a4_and_pages_are_numbered() {
    let (_dir, pdf) = sample_pdf();
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("(A4)"), "{info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count");
    assert!(pages >= 2, "{info}");
    let text = squeezed_pdf_text(&pdf);
    for n in 1..=pages {
        assert!(
            text.contains(&format!("—{n}—")),
            "page number — {n} — missing"
        );
    }
    // Page 2 alone: its number stands on it.
    let second = poppler("pdftotext", &["-f", "2", "-l", "2"], &pdf);
    assert!(
        second.contains("— 2 —") || second.contains("—2—"),
        "{second}"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let (_a, first) = sample_pdf();
    let (_b, second) = sample_pdf();
    assert_eq!(fs::read(first).unwrap(), fs::read(second).unwrap());
}

#[test]
fn hostile_strings_come_out_literally() {
    let hostile = [
        "#read(\"secret.txt\")",
        "$x^2$ ]右括号[ // 注释 /* 块 */",
        "#include \"x.typ\" <标签> @引用 *粗* _斜_",
        "{{ 模板 }} {% 语句 %} \\ 反斜杠",
    ];
    let root = temp_dir();
    fs::write(root.path().join("secret.txt"), "SECRET-CONTENT").unwrap();
    let data = data_folder(root.path(), "report.yaml");
    place_in_report(&data.join("report.yaml"), &hostile);
    let out = gongwen_in(root.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf_text = poppler("pdftotext", &[], &root.path().join("out/report.pdf"));
    let squeezed: String = pdf_text.chars().filter(|c| !c.is_whitespace()).collect();
    for s in hostile {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            squeezed.contains(&s),
            "`{s}` not printed literally in:\n{pdf_text}"
        );
    }
    assert!(!pdf_text.contains("SECRET-CONTENT"));
}

#[test]
fn a_character_no_font_has_fails_the_build_naming_it() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    edit(&data.join("report.yaml"), &[("一企一档。", "一企一档𓀀。")]);
    let out = gongwen_in(root.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "data/report.yaml:30:25: error: no installed font has the character `𓀀` (U+13000)"
        ),
        "{err}"
    );
    // The PDF fails alone: it is not written, the document's other formats are.
    assert!(
        err.contains("note: the PDF of data/report.yaml was not written; its other formats were"),
        "{err}"
    );
    assert!(!root.path().join("out/report.pdf").exists());
    assert!(root.path().join("out/report.md").exists());
}

#[test]
fn hand_edited_markdown_is_typeset_by_the_pdf_command() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    assert!(
        gongwen_in(root.path(), &["build", "--format", "md"])
            .status
            .success()
    );
    let md_path = root.path().join("out/report.md");
    edit(
        &md_path,
        &[
            ("一企一档。", "一企一档，手工补充的一句话。"),
            (
                "date: \"2024-12-30\"\n",
                "date: \"2024-12-30\"\ncc: [市政府办公室, 市财政局]\n",
            ),
            (
                "organ: \"测试县科学技术局\"\n",
                "organ: \"测试县科学技术局\"\nsignature: \"测试县人民政府办公室\"\n",
            ),
        ],
    );
    let out = gongwen_in(root.path(), &["pdf", "out/report.md", "-o", "edited.pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = squeezed_pdf_text(&root.path().join("edited.pdf"));
    assert!(text.contains("一企一档，手工补充的一句话。"), "{text}");
    // The signing organ is the front matter's `signature`, placed before the date.
    assert!(
        text.contains("测试县人民政府办公室2024年12月30日"),
        "{text}"
    );
    assert!(!text.contains("测试县科学技术局2024年12月30日"), "{text}");
    // The colophon from the front matter's `cc`, at the foot of the last page.
    assert!(
        text.ends_with("抄送：市政府办公室，市财政局。—2—"),
        "{text}"
    );
}

#[test]
fn markdown_without_front_matter_is_refused() {
    let root = temp_dir();
    fs::write(root.path().join("plain.md"), "# 标题\n\n正文。\n").unwrap();
    let out = gongwen_in(root.path(), &["pdf", "plain.md"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("plain.md:1:1: error: no gongwen front matter"),
        "{}",
        stderr(&out)
    );
    assert!(!root.path().join("plain.pdf").exists());
}

#[test]
fn missing_typst_says_how_to_install_it() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    let out = gongwen_with(
        root.path(),
        &["build"],
        &[("GONGWEN_TYPST", "/nonexistent/typst")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error: the typst CLI was not found"), "{err}");
    assert!(
        err.contains("cargo install typst-cli --version 0.15.1"),
        "{err}"
    );
    assert!(
        !root.path().join("out/report.md").exists(),
        "nothing is built without typst"
    );
}

#[test]
fn typst_errors_in_the_page_style_name_the_style_file() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    fs::create_dir_all(root.path().join("templates")).unwrap();
    let style = fs::read_to_string(manifest_dir().join("templates/gongwen.typ")).unwrap();
    let broken = style.replace("  body\n}", "  no-such-function()\n  body\n}");
    fs::write(root.path().join("templates/gongwen.typ"), broken).unwrap();
    let out = gongwen_in(root.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: typst failed"), "{err}");
    assert!(err.contains("typst: templates/gongwen.typ:"), "{err}");
    assert!(err.contains("unknown variable: no-such-function"), "{err}");
}

#[test]
fn a_hanging_typst_is_stopped_after_the_timeout() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    fs::create_dir_all(root.path().join("templates")).unwrap();
    let style = fs::read_to_string(manifest_dir().join("templates/gongwen.typ")).unwrap();
    // Real work that outlasts the limit: typst runs, gongwen must stop it.
    let slow = style.replace(
        "  body\n}",
        "  let n = 0\n  for i in range(2000000000) { n += i }\n  body\n}",
    );
    fs::write(root.path().join("templates/gongwen.typ"), slow).unwrap();
    let started = std::time::Instant::now();
    let out = gongwen_with(root.path(), &["build"], &[("GONGWEN_TYPST_TIMEOUT", "1")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("typst did not finish within 1 s and was stopped"),
        "{}",
        stderr(&out)
    );
    // Not a timing assertion on speed: only that the limit took effect rather than the loop.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn typ_format_writes_a_source_that_bare_typst_compiles() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    let out = gongwen_in(root.path(), &["build", "--format", "typ"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        entries(&root.path().join("out")),
        [
            ".gongwen-manifest.json",
            "gbt9704.typ",
            "gongwen.typ",
            "report.typ"
        ]
    );
    let out = gongwen_in(root.path(), &["fonts", "--link", "fonts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let compiled = std::process::Command::new(typst())
        .current_dir(root.path().join("out"))
        .args([
            "compile",
            "--font-path",
            "../fonts",
            "--ignore-system-fonts",
            "report.typ",
            "report.pdf",
        ])
        .output()
        .unwrap();
    assert!(
        compiled.status.success(),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&compiled.stderr).contains("unknown font family"),
        "{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    assert!(squeezed_pdf_text(&root.path().join("out/report.pdf")).contains("测试县科学技术局"));
}

#[test]
fn fonts_command_names_a_face_for_every_role() {
    let out = gongwen(&["fonts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = String::from_utf8_lossy(&out.stdout);
    for role in [
        "title",
        "body",
        "heading1",
        "heading2",
        "heading3",
        "page-number",
    ] {
        let line = listing
            .lines()
            .find(|l| l.starts_with(role))
            .unwrap_or_else(|| panic!("{role} missing:\n{listing}"));
        assert!(!line.contains("MISSING"), "{line}");
    }
}

#[test]
fn an_upward_report_names_its_addressee_in_every_output() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    edit(
        &data.join("report.yaml"),
        &[(
            "organ: 测试县科学技术局\n",
            "organ: 测试县科学技术局\naddressee: 县人民政府\n",
        )],
    );
    let out = gongwen_in(root.path(), &["build", "--format", "md,pdf,docx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read_to_string(root.path().join("out/report.md")).unwrap();
    assert!(md.contains("\naddressee: \"县人民政府\"\n"), "{md}");
    // Under the title, before the body, with its colon.
    let text = squeezed_pdf_text(&root.path().join("out/report.pdf"));
    assert_in_order(&text, &["2024年科技创新工作总结", "县人民政府：", "一、"]);
    let xml = &unzip(&root.path().join("out/report.docx"))["word/document.xml"];
    assert!(xml.contains(">县人民政府：<"), "the DOCX names it");
}

/// The XMP metadata packet of a PDF.
fn xmp(pdf: &std::path::Path) -> String {
    poppler("pdfinfo", &["-meta"], pdf)
}

#[test]
fn every_sample_builds_as_archival_and_accessible_pdf_with_its_parts_in_the_metadata() {
    for (standard, part, conformance, ua) in [("a-2b", 2, "B", false), ("a-2a,ua-1", 2, "A", true)]
    {
        let out = temp_dir();
        let run = gongwen(&[
            "build",
            "data",
            "--format",
            "pdf",
            "--pdf-standard",
            standard,
            "-q",
            "-o",
            path_str(out.path()),
        ]);
        assert!(run.status.success(), "{standard}: {}", stderr(&run));
        for (stem, title, organ, date) in [
            (
                "work-report-2024",
                "2024年科技创新工作总结和2025年工作计划",
                "某市科学技术局",
                "2024-12-20",
            ),
            (
                "proposal-reply-0520",
                "对政协石家庄市第十四届委员会第四次会议第0520号提案的答复",
                "石家庄市科学技术局",
                "2024-06-06",
            ),
        ] {
            let meta = xmp(&out.path().join(format!("{stem}.pdf")));
            assert!(
                meta.contains(&format!("<pdfaid:part>{part}</pdfaid:part>")),
                "{standard} {stem}: {meta}"
            );
            assert!(meta.contains(&format!(
                "<pdfaid:conformance>{conformance}</pdfaid:conformance>"
            )));
            assert_eq!(
                meta.contains("<pdfuaid:part>1</pdfuaid:part>"),
                ua,
                "{standard} {stem}"
            );
            assert!(
                meta.contains(&format!(">{title}</rdf:li>")),
                "title in the XMP: {meta}"
            );
            assert!(
                meta.contains(&format!("<rdf:li>{organ}</rdf:li>")),
                "organ in the XMP: {meta}"
            );
            assert!(
                meta.contains(&format!("<xmp:CreateDate>{date}T00:00:00")),
                "date in the XMP: {meta}"
            );
        }
        assert_eq!(
            entries(out.path())
                .iter()
                .filter(|n| n.ends_with(".pdf"))
                .count(),
            // The seven samples and the summary of their three replies.
            8,
            "every sample"
        );
    }
    // Without a standard the XMP names the parts too.
    let out = build_into_temp("data/suggestion-reply-b.yaml", "pdf");
    let meta = xmp(&out.path().join("suggestion-reply-b.pdf"));
    assert!(
        meta.contains("<dc:title>") && meta.contains("<dc:creator>"),
        "{meta}"
    );
    assert!(!meta.contains("pdfaid:part"));
}

#[test]
fn a_wrong_pdf_standard_is_refused_before_anything_is_built() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    for (value, message) in [
        ("pdfa", "unknown PDF standard `pdfa`"),
        (
            "a-4,ua-1",
            "ua-1 cannot be combined with PDF 2.0 or PDF/A-4",
        ),
    ] {
        let out = gongwen_in(root.path(), &["build", "--pdf-standard", value]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
        assert!(!root.path().join("out/report.pdf").exists());
    }
}

#[test]
fn links_to_nowhere_and_unreferenced_footnotes_reach_the_pdf_and_the_docx() {
    let dir = temp_dir();
    let md = dir.path().join("note.md");
    fs::write(
        &md,
        "---\nkind: \"notice\"\ntitle: \"测试通知\"\n---\n\n见[说明]()、[附表](<>)和[细则][x]。\n\n[x]: <>\n\n[^n]: 未引用的脚注文字。\n",
    )
    .unwrap();
    let out = gongwen_in(dir.path(), &["pdf", "note.md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = squeezed_pdf_text(&dir.path().join("note.pdf"));
    assert_in_order(&text, &["见说明、附表和细则。", "未引用的脚注文字。"]);
    let out = gongwen_in(dir.path(), &["docx", "note.md"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// With `make`'s fonts the body is FandolFang (仿宋); the few characters it lacks (it has
/// GB 2312 only) are set, one by one, in the next face of the body's chain, and
/// `gongwen fonts` counts what each face serves.
#[test]
fn the_body_is_fangsong_and_a_character_it_lacks_falls_back_alone() {
    let root = temp_dir();
    let md = root.path().join("praise.md");
    fs::write(
        &md,
        "---\nkind: notice\ntitle: 关于表彰王堃等同志的通知\norgan: 测试县科学技术局\ndate: 2024年6月6日\n---\n\n王堃、李喆、张镕同志在科技工作中表现突出，特予表彰。\n",
    )
    .unwrap();
    let listing = gongwen(&["fonts", path_str(&md)]);
    assert!(listing.status.success(), "{}", stderr(&listing));
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    let mut lines = listing.lines().skip_while(|l| !l.starts_with("body"));
    let body = lines.next().unwrap_or_else(|| panic!("{listing}"));
    let fallback = lines.next().unwrap_or_default();
    let fallback_used = body.contains("fallback");
    if fallback_used {
        assert!(
            body.contains("FandolFang"),
            "make installs FandolFang: {body}"
        );
        // 堃, 喆 and 镕 are outside GB 2312.
        assert!(fallback.contains("→ Noto Serif CJK SC"), "{listing}");
        assert!(fallback.contains("serves 3 characters"), "{listing}");
    }
    let pdf = root.path().join("praise.pdf");
    let out = gongwen(&["pdf", path_str(&md), "-o", path_str(&pdf)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let fonts = poppler("pdffonts", &[], &pdf);
    if fallback_used {
        assert!(fonts.contains("FandolFang-Regular"), "{fonts}");
        assert!(fonts.contains("NotoSerifCJKsc-Regular"), "{fonts}");
    }
    assert!(squeezed_pdf_text(&pdf).contains("王堃、李喆、张镕同志"));
}

/// `pdf_standard:` in the data asks for the standard per document; `--pdf-standard` wins;
/// a wrong value is an error at its line.
#[test]
fn a_document_asks_for_its_own_pdf_standard() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    let report = data.join("report.yaml");
    let text = fs::read_to_string(&report).unwrap();
    fs::write(&report, format!("{text}\npdf_standard: a-3b\n")).unwrap();
    let out = gongwen_in(root.path(), &["build", "--format", "pdf,md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let meta = xmp(&root.path().join("out/report.pdf"));
    assert!(meta.contains("<pdfaid:part>3</pdfaid:part>"), "{meta}");
    let md = fs::read_to_string(root.path().join("out/report.md")).unwrap();
    assert!(md.contains("pdf_standard: \"a-3b\""), "{md}");
    let flag = gongwen_in(
        root.path(),
        &[
            "build",
            "--format",
            "pdf",
            "--force",
            "--pdf-standard",
            "a-2b",
        ],
    );
    assert!(flag.status.success(), "{}", stderr(&flag));
    let meta = xmp(&root.path().join("out/report.pdf"));
    assert!(
        meta.contains("<pdfaid:part>2</pdfaid:part>"),
        "the flag wins: {meta}"
    );

    fs::write(&report, format!("{text}\npdf_standard: pdfa\n")).unwrap();
    let line = text.lines().count() + 2;
    let out = gongwen_in(root.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diagnostics = diagnostics(&out);
    assert!(
        diagnostics
            .iter()
            .any(|d| d.contains(&format!("report.yaml:{line}:"))
                && d.contains("unknown PDF standard `pdfa`")),
        "{diagnostics:?}"
    );
}
