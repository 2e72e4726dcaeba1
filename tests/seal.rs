//! Sealed documents (GB/T 9704 §7.3.5.1), measured on the pages: every sample built with a
//! seal stamped by hand (the place kept blank), with an electronic seal (a synthetic test
//! seal drawn here: gongwen ships none), unsealed, and the notice jointly sealed. The seal is
//! found as the pixels in which the sealed page differs from the hand-stamped one, whose
//! text is laid out the same; the organ and the date come from the PDF's text positions.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::geometry::*;
use common::*;

/// The samples copied into `root/<variant>/`, each with `seal` appended as written.
fn variant(root: &Path, name: &str, seal: impl Fn(&str) -> Option<String>) -> PathBuf {
    let dir = root.join(name);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("seal.svg"), test_seal_svg()).unwrap();
    fs::write(dir.join("seal.png"), test_seal_png(300)).unwrap();
    for stem in sample_stems() {
        let mut text =
            fs::read_to_string(manifest_dir().join(format!("data/{stem}.yaml"))).unwrap();
        if let Some(seal) = seal(&stem) {
            text.push_str(&format!("\nseal: {seal}\n"));
        }
        fs::write(dir.join(format!("{stem}.yaml")), text).unwrap();
    }
    dir
}

fn sample_stems() -> Vec<String> {
    let mut stems: Vec<String> = entries(&manifest_dir().join("data"))
        .into_iter()
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    stems.sort();
    stems
}

fn build(data: &Path, format: &str) -> PathBuf {
    let out = data.join("out");
    let run = gongwen(&[
        "build",
        path_str(data),
        "--format",
        format,
        "-o",
        path_str(&out),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    out
}

/// One page rendered at 72 dpi (a pixel a point), as RGB rows.
fn render(pdf: &Path, page: usize) -> (usize, usize, Vec<u8>) {
    let dir = temp_dir();
    let prefix = dir.path().join("p");
    let n = page.to_string();
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "72", "-f", &n, "-l", &n, "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = fs::read(dir.path().join("p.ppm")).unwrap();
    let (w, h, samples) = netpbm(&bytes);
    (w, h, samples.to_vec())
}

/// A seal's box on the page, in points.
#[derive(Debug, Clone, Copy)]
struct SealBox {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl SealBox {
    fn centre(&self) -> (f64, f64) {
        (
            (self.left + self.right) / 2.0,
            (self.top + self.bottom) / 2.0,
        )
    }
}

/// The seals on a page: where the sealed page is reddish and the unsealed one is not,
/// split into seals by the empty columns between them.
fn seals_on(sealed: &Path, blank: &Path, page: usize) -> Vec<SealBox> {
    let (w, h, a) = render(sealed, page);
    let (w2, h2, b) = render(blank, page);
    assert_eq!((w, h), (w2, h2));
    let red = |px: &[u8]| px[0] > 150 && px[1] < 120 && px[2] < 120;
    let mut columns = vec![(usize::MAX, 0usize); w];
    for y in 0..h {
        for (x, column) in columns.iter_mut().enumerate() {
            let i = (y * w + x) * 3;
            if red(&a[i..i + 3]) && !red(&b[i..i + 3]) {
                *column = (column.0.min(y), column.1.max(y));
            }
        }
    }
    let mut boxes = Vec::new();
    let mut x = 0;
    while x < w {
        if columns[x].0 == usize::MAX {
            x += 1;
            continue;
        }
        let start = x;
        let (mut top, mut bottom) = (usize::MAX, 0);
        while x < w && columns[x].0 != usize::MAX {
            top = top.min(columns[x].0);
            bottom = bottom.max(columns[x].1);
            x += 1;
        }
        boxes.push(SealBox {
            left: start as f64,
            right: x as f64,
            top: top as f64,
            bottom: bottom as f64 + 1.0,
        });
    }
    boxes
}

/// The 落款 of a document: the page (1-based), the organs' words, the date's extent, and the
/// body's last line above them.
struct Signature {
    page: usize,
    organs: Vec<Line>,
    date: Line,
    body_above: Line,
    body_lines: usize,
}

fn signature(pdf: &Path, organs: &[&str], date: &str) -> Signature {
    let pages = words(pdf);
    for (i, words) in pages.iter().enumerate() {
        let found: Vec<Line> = organs
            .iter()
            .filter_map(|o| words.iter().find(|w| w.text == *o).cloned())
            .collect();
        if found.len() != organs.len() {
            continue;
        }
        // The date: the words of one row that read as the date.
        let row_of = |l: &Line| -> Vec<&Line> {
            words
                .iter()
                .filter(|w| (w.bottom - l.bottom).abs() < 1.0)
                .collect()
        };
        let date_words: Vec<&Line> = words
            .iter()
            .filter(|w| w.top > found[0].top + 5.0)
            .find(|w| {
                let row: String = row_of(w).iter().map(|w| w.text.as_str()).collect();
                row.contains(date)
            })
            .map(row_of)
            .unwrap_or_default();
        if date_words.is_empty() {
            continue;
        }
        let date = Line {
            left: date_words.iter().map(|w| w.left).fold(f64::MAX, f64::min),
            right: date_words.iter().map(|w| w.right).fold(0.0, f64::max),
            top: date_words[0].top,
            bottom: date_words[0].bottom,
            text: date.to_owned(),
        };
        let above: Vec<&Line> = words
            .iter()
            .filter(|w| w.bottom < found[0].top - 1.0 && !is_page_number(w))
            .collect();
        let body_above = above
            .iter()
            .max_by(|a, b| a.bottom.total_cmp(&b.bottom))
            .map(|l| (*l).clone())
            .unwrap_or_else(|| {
                panic!("{}: no body text above the 落款 on its page", pdf.display())
            });
        return Signature {
            page: i + 1,
            organs: found,
            date,
            body_above,
            body_lines: above.len(),
        };
    }
    panic!("{}: no 落款 {organs:?} / {date}", pdf.display());
}

/// The rules of §7.3.5.1, measured: the date 右空四字; each organ centred over its seal; the
/// last seal centred over the date and pressing it; organ and date a little below the
/// seal's centre; the first seal's top within one row under the body; the seals inside the
/// type area, on a page with body text, neither touching nor overlapping, aligned.
fn check_sealed(name: &str, sig: &Signature, seals: &[SealBox], tolerance: f64) {
    let cell = WIDTH / 28.0;
    assert_eq!(seals.len(), sig.organs.len(), "{name}: seals {seals:?}");
    assert!(
        sig.body_lines > 0,
        "{name}: the seal's page has no body text"
    );
    let date_centre = (sig.date.left + sig.date.right) / 2.0;
    assert!(
        (LEFT + WIDTH - 4.0 * cell - sig.date.right).abs() < 3.0 + tolerance,
        "{name}: the date ends {:.1} pt from the right, not four characters",
        LEFT + WIDTH - sig.date.right
    );
    for (seal, organ) in seals.iter().zip(&sig.organs) {
        let (cx, cy) = seal.centre();
        let organ_centre = (organ.left + organ.right) / 2.0;
        assert!(
            (cx - organ_centre).abs() < 3.0 + tolerance,
            "{name}: seal {seal:?} over {organ:?}"
        );
        assert!(
            seal.left >= LEFT - 0.5 && seal.right <= LEFT + WIDTH + 0.5,
            "{name}: {seal:?}"
        );
        assert!(
            seal.bottom <= TOP + HEIGHT + 0.5,
            "{name}: {seal:?} under the type area"
        );
        // Organ and date sit a little below the seal's centre.
        let middle = (sig.organs[0].top + sig.date.bottom) / 2.0;
        let height = seal.bottom - seal.top;
        assert!(
            middle > cy - tolerance && middle < cy + height / 4.0,
            "{name}: organ and date around {middle:.1}, seal centre {cy:.1}"
        );
        assert!(
            seal.top <= organ.top && seal.bottom >= sig.date.bottom,
            "{name}: {seal:?} does not press {organ:?} and the date"
        );
    }
    let last = seals.last().unwrap();
    assert!(
        (last.centre().0 - date_centre).abs() < 3.0 + tolerance,
        "{name}: the last seal {last:?} is not over the date at {date_centre:.1}"
    );
    let first_top = seals.iter().map(|s| s.top).fold(f64::MAX, f64::min);
    let gap = first_top - sig.body_above.bottom;
    assert!(
        gap > -1.0 && gap <= PITCH + tolerance,
        "{name}: the seal's top is {gap:.1} pt under the body's last line"
    );
    for pair in seals.windows(2) {
        assert!(
            pair[1].left - pair[0].right >= 2.0,
            "{name}: seals touch: {pair:?}"
        );
        let (a, b) = (pair[0].centre().1, pair[1].centre().1);
        assert!(
            (a - b).abs() < 1.5 + tolerance,
            "{name}: not aligned: {pair:?}"
        );
    }
}

/// The organ and date each sample signs with, read from its Markdown.
fn signing(md: &str) -> (String, String) {
    let field = |key: &str| {
        md.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}: \"")))
            .map(|v| v.trim_end_matches('"').to_owned())
    };
    let organ = field("signature").or_else(|| field("organ")).unwrap();
    let date = field("date").unwrap();
    let mut parts = date.split('-').map(|p| p.parse::<u32>().unwrap());
    let (y, m, d) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    (organ, format!("{y}年{m}月{d}日"))
}

#[test]
fn every_sample_sealed_by_hand_or_with_an_image_keeps_the_seal_rules() {
    let root = temp_dir();
    let by_hand = build(
        &variant(root.path(), "hand", |_| Some("手工盖章".into())),
        "md,pdf",
    );
    let svg = build(
        &variant(root.path(), "svg", |_| Some("seal.svg".into())),
        "md,pdf",
    );
    let png = build(
        &variant(root.path(), "png", |_| {
            Some("{image: seal.png, width: 40}".into())
        }),
        "pdf",
    );
    let unsealed = build(&variant(root.path(), "none", |_| None), "pdf");
    for stem in sample_stems() {
        let md = fs::read_to_string(by_hand.join(format!("{stem}.md"))).unwrap();
        let (organ, date) = signing(&md);
        let blank = by_hand.join(format!("{stem}.pdf"));
        let sig = signature(&blank, &[&organ], &date);
        for (variant, out) in [("svg", &svg), ("png", &png)] {
            let sealed = out.join(format!("{stem}.pdf"));
            assert_eq!(
                signature(&sealed, &[&organ], &date).page,
                sig.page,
                "{stem} {variant}"
            );
            let seals = seals_on(&sealed, &blank, sig.page);
            check_sealed(&format!("{stem} ({variant})"), &sig, &seals, 0.0);
            let width = seals[0].right - seals[0].left;
            // The SVG's ring is 406 of its 420 units wide; the PNG's fills its width.
            let expected = if variant == "png" {
                40.0
            } else {
                42.0 * 406.0 / 420.0
            } * MM;
            assert!(
                (width - expected).abs() < 2.0,
                "{stem} {variant}: {width:.1} pt wide"
            );
        }
        // Every earlier rule of the page still holds, sealed or not.
        check_pages(&stem, &blank, &md, TYPST_GRID);
        // (The PNG seal: the SVG's 测试专用章 is text of its own in the PDF.)
        check_pages(&stem, &png.join(format!("{stem}.pdf")), &md, TYPST_GRID);
        // Unsealed: the organ 右空二字, as before.
        let plain = signature(&unsealed.join(format!("{stem}.pdf")), &[&organ], &date);
        let organ_line = &plain.organs[0];
        let right = LEFT + WIDTH - organ_line.right;
        assert!(
            right > 2.0 * WIDTH / 28.0 - 3.0,
            "{stem}: unsealed organ {right:.1} pt from the right"
        );
    }
}

#[test]
fn a_joint_issuance_seals_with_every_organ_side_by_side() {
    let root = temp_dir();
    let stem = "notice-2024-sme-evaluation";
    let organs = ["石家庄市科学技术局", "石家庄市财政局"];
    let only_notice = |seal: &'static str| move |s: &str| (s == stem).then(|| seal.to_owned());
    let by_hand = build(
        &variant(root.path(), "hand", only_notice("[手工盖章, 手工盖章]")),
        "pdf,docx",
    );
    let sealed = build(
        &variant(
            root.path(),
            "svg",
            only_notice("[seal.svg, {organ: 石家庄市财政局, image: seal.png}]"),
        ),
        "pdf,docx",
    );
    let blank = by_hand.join(format!("{stem}.pdf"));
    let sig = signature(&blank, &organs, "2024年3月15日");
    let seals = seals_on(&sealed.join(format!("{stem}.pdf")), &blank, sig.page);
    check_sealed("joint", &sig, &seals, 0.0);
    assert!(
        sig.organs[0].right < sig.organs[1].left,
        "the organs side by side in issuing order"
    );

    // The DOCX, set by LibreOffice, places them by the same plan.
    let lo = root.path().join("lo");
    fs::create_dir_all(&lo).unwrap();
    for (name, dir) in [("hand", &by_hand), ("svg", &sealed)] {
        let target = lo.join(name);
        fs::create_dir_all(&target).unwrap();
        soffice_to_pdf(&[dir.join(format!("{stem}.docx"))], &target);
    }
    let lo_blank = lo.join(format!("hand/{stem}.pdf"));
    let lo_sig = signature(&lo_blank, &organs, "2024年3月15日");
    let lo_seals = seals_on(&lo.join(format!("svg/{stem}.pdf")), &lo_blank, lo_sig.page);
    // LibreOffice sets the text with its own metrics: a little more room.
    check_sealed("joint (LibreOffice)", &lo_sig, &lo_seals, 4.0);
}

#[test]
fn the_docx_places_a_single_seal_as_the_pdf_does() {
    let root = temp_dir();
    let stem = "work-report-2024";
    let only = |seal: &'static str| move |s: &str| (s == stem).then(|| seal.to_owned());
    let by_hand = build(&variant(root.path(), "hand", only("手工盖章")), "md,docx");
    let sealed = build(&variant(root.path(), "png", only("seal.png")), "docx");
    let (organ, date) = signing(&fs::read_to_string(by_hand.join(format!("{stem}.md"))).unwrap());
    let docx = unzip(&sealed.join(format!("{stem}.docx")));
    let document = &docx["word/document.xml"];
    assert!(
        document.contains("behindDoc=\"1\""),
        "the seal is behind the text"
    );
    let rels = &docx["word/_rels/document.xml.rels"];
    assert!(rels.contains("Target=\"media/seal-"), "{rels}");
    let lo = root.path().join("lo");
    for (name, dir) in [("hand", &by_hand), ("png", &sealed)] {
        fs::create_dir_all(lo.join(name)).unwrap();
        soffice_to_pdf(&[dir.join(format!("{stem}.docx"))], &lo.join(name));
    }
    let blank = lo.join(format!("hand/{stem}.pdf"));
    let sig = signature(&blank, &[&organ], &date);
    let seals = seals_on(&lo.join(format!("png/{stem}.pdf")), &blank, sig.page);
    check_sealed("work report (LibreOffice)", &sig, &seals, 4.0);
}

#[test]
fn a_seal_image_that_cannot_be_used_is_an_error_at_its_line() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    fs::write(data.join("opaque.png"), {
        // An RGB PNG header: no alpha channel, no transparent colour.
        let mut png = test_seal_png(8);
        png[25] = 2;
        png
    })
    .unwrap();
    fs::write(data.join("photo.jpg"), b"\xff\xd8\xff\xe0\x00\x10JFIF").unwrap();
    fs::write(root.path().join("outside.svg"), test_seal_svg()).unwrap();
    let report = data.join("report.yaml");
    let text = fs::read_to_string(&report).unwrap();
    let cases = [
        ("missing.png", "the seal image `missing.png` does not exist"),
        ("photo.jpg", "the seal image is not a PNG or SVG file"),
        ("opaque.png", "the seal image is a PNG without transparency"),
        ("../outside.svg", "is outside the data folder"),
        ("{image: opaque.png, width: 500}", "a seal 500 mm wide"),
        (
            "[手工盖章, 手工盖章]",
            "several seals for one signing organ",
        ),
    ];
    for (seal, message) in cases {
        fs::write(&report, format!("{text}\nseal: {seal}\n")).unwrap();
        let line = text.lines().count() + 2;
        let out = gongwen(&["validate", path_str(&report)]);
        assert_eq!(out.status.code(), Some(1), "{seal}: {}", stderr(&out));
        let diagnostics = diagnostics(&out);
        assert!(
            diagnostics
                .iter()
                .any(|d| d.contains(&format!("report.yaml:{line}:")) && d.contains(message)),
            "{seal}: {diagnostics:?}"
        );
        // Nothing is built from it.
        let build = gongwen(&[
            "build",
            path_str(&report),
            "-o",
            path_str(&root.path().join("out")),
        ]);
        assert_eq!(build.status.code(), Some(1));
        assert!(!root.path().join("out/report.pdf").exists());
    }
}

#[test]
fn the_markdown_written_beside_the_pdf_finds_its_seal() {
    let root = temp_dir();
    let data = variant(root.path(), "svg", |s| {
        (s == "work-report-2024").then(|| "seal.svg".into())
    });
    let out = build(&data, "md");
    let md = out.join("work-report-2024.md");
    let text = fs::read_to_string(&md).unwrap();
    assert!(text.contains("seals: [{image: \"../seal.svg\"}]"), "{text}");
    let pdf = root.path().join("from-md.pdf");
    let run = gongwen(&["pdf", path_str(&md), "-o", path_str(&pdf)]);
    assert!(run.status.success(), "{}", stderr(&run));
    let from_data = build(&data, "pdf").join("work-report-2024.pdf");
    let pages = |p: &Path| {
        poppler("pdfinfo", &[], p)
            .lines()
            .find(|l| l.starts_with("Pages:"))
            .map(str::to_owned)
    };
    assert_eq!(pages(&pdf), pages(&from_data));
}

/// 签发人签名章 (§7.3.5.3): two rows under the body, 右空四字, the signer's title two
/// characters to its left and centred on it, the date a blank row under it, 右空四字; in the
/// PDF and in LibreOffice's setting of the DOCX.
#[test]
fn a_signature_stamp_stands_under_the_body_with_the_title_beside_it() {
    let root = temp_dir();
    let stem = "proposal-reply-0520";
    let only = |seal: &'static str| move |s: &str| (s == stem).then(|| seal.to_owned());
    let title = "石家庄市科学技术局局长";
    let by_hand = build(
        &variant(
            root.path(),
            "hand",
            only("{signer: 石家庄市科学技术局局长, width: 30}"),
        ),
        "pdf,docx",
    );
    let stamped = build(
        &variant(
            root.path(),
            "png",
            only("{signer: 石家庄市科学技术局局长, image: seal.png, width: 30}"),
        ),
        "pdf,docx",
    );
    let lo = root.path().join("lo");
    for (name, dir) in [("hand", &by_hand), ("png", &stamped)] {
        fs::create_dir_all(lo.join(name)).unwrap();
        soffice_to_pdf(&[dir.join(format!("{stem}.docx"))], &lo.join(name));
    }
    let cell = WIDTH / 28.0;
    for (name, blank, sealed, tolerance) in [
        (
            "pdf",
            by_hand.join(format!("{stem}.pdf")),
            stamped.join(format!("{stem}.pdf")),
            0.0,
        ),
        (
            "LibreOffice",
            lo.join(format!("hand/{stem}.pdf")),
            lo.join(format!("png/{stem}.pdf")),
            4.0,
        ),
    ] {
        let sig = signature(&blank, &[title], "2024年6月6日");
        let seals = seals_on(&sealed, &blank, sig.page);
        assert_eq!(seals.len(), 1, "{name}: {seals:?}");
        let stamp = seals[0];
        let label = &sig.organs[0];
        assert!(
            (LEFT + WIDTH - 4.0 * cell - stamp.right).abs() < 2.0 + tolerance,
            "{name}: stamp {stamp:?}"
        );
        assert!(
            (stamp.left - 2.0 * cell - label.right).abs() < 3.0 + tolerance,
            "{name}: title {label:?} beside {stamp:?}"
        );
        let label_middle = (label.top + label.bottom) / 2.0;
        assert!(
            (label_middle - stamp.centre().1).abs() < PITCH / 2.0,
            "{name}: title {label:?} not centred on {stamp:?}"
        );
        let under_body = stamp.top - sig.body_above.bottom;
        assert!(
            under_body > 2.0 * PITCH - tolerance && under_body < 3.0 * PITCH + tolerance,
            "{name}: {under_body:.1} pt under the body"
        );
        let over_date = sig.date.top - stamp.bottom;
        assert!(
            over_date > PITCH / 2.0 - tolerance && over_date < 2.0 * PITCH + tolerance,
            "{name}: the date {over_date:.1} pt under the stamp"
        );
        assert!(
            (LEFT + WIDTH - 4.0 * cell - sig.date.right).abs() < 3.0 + tolerance,
            "{name}: date {:?}",
            sig.date
        );
    }
}

/// Every sample's DOCX with a PNG seal, set by LibreOffice, against the same hand-stamped:
/// the seal rules hold there too.
#[test]
fn every_sample_docx_sealed_keeps_the_seal_rules_in_libreoffice() {
    let root = temp_dir();
    let by_hand = build(
        &variant(root.path(), "hand", |_| Some("手工盖章".into())),
        "md,docx",
    );
    let png = build(
        &variant(root.path(), "png", |_| Some("seal.png".into())),
        "docx",
    );
    let stems = sample_stems();
    let lo = root.path().join("lo");
    for (name, dir) in [("hand", &by_hand), ("png", &png)] {
        fs::create_dir_all(lo.join(name)).unwrap();
        let files: Vec<PathBuf> = stems
            .iter()
            .map(|s| dir.join(format!("{s}.docx")))
            .collect();
        soffice_to_pdf(&files, &lo.join(name));
    }
    for stem in &stems {
        let md = fs::read_to_string(by_hand.join(format!("{stem}.md"))).unwrap();
        let (organ, date) = signing(&md);
        let blank = lo.join(format!("hand/{stem}.pdf"));
        let sig = signature(&blank, &[&organ], &date);
        let seals = seals_on(&lo.join(format!("png/{stem}.pdf")), &blank, sig.page);
        check_sealed(&format!("{stem} (LibreOffice)"), &sig, &seals, 4.0);
    }
}

/// A Markdown file's front matter may name seals too; without a 落款 (organ and date) there
/// is nothing to seal, and that is an error, not a silent unsealed page.
#[test]
fn a_seal_without_a_signature_is_refused() {
    let root = temp_dir();
    let md = root.path().join("x.md");
    fs::write(
        &md,
        "---\nkind: notice\ntitle: 关于某事的通知\norgan: 测试县科学技术局\nseals: [{}]\n---\n\n正文。\n",
    )
    .unwrap();
    let out = gongwen(&["pdf", path_str(&md)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a seal, but the document has no 落款 to seal"),
        "{}",
        stderr(&out)
    );
    assert!(!root.path().join("x.pdf").exists());
}
