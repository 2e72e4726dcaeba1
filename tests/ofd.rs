//! OFD (GB/T 33190-2016) checked by parts that are not gongwen's: the standard's own
//! schemas (`xmllint --schema`), an independent reader that verifies and draws the pages
//! with the embedded fonts (the `ofd-core` crate), and poppler's reading of the PDF the OFD
//! is drawn from (its pages as images, its text positions).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// The standard's schemas, kept with the tests so that a checkout alone runs them.
const SCHEMAS: &str = "tests/fixtures/ofd-schema";
/// The project's shared copy, beside the checkout where there is one.
const SHARED_SCHEMAS: &str = "../shared/ofd-schema";

/// The parts of an OFD package by name.
fn parts(ofd: &Path) -> BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let bytes = fs::read(ofd).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an OFD is a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut raw = Vec::new();
            file.read_to_end(&mut raw).unwrap();
            (file.name().unwrap().to_string(), raw)
        })
        .collect()
}

fn schema_dir() -> PathBuf {
    let dir = manifest_dir().join(SCHEMAS);
    assert!(
        dir.join("OFD.xsd").is_file(),
        "the OFD schemas are expected in {}",
        dir.display()
    );
    dir
}

#[test]
fn the_schemas_kept_with_the_tests_are_the_standards() {
    let kept = schema_dir();
    let names: Vec<String> = entries(&kept)
        .into_iter()
        .filter(|n| n.ends_with(".xsd"))
        .collect();
    for name in [
        "OFD.xsd",
        "Document.xsd",
        "Page.xsd",
        "Res.xsd",
        "Definitions.xsd",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} is missing");
    }
    let shared = manifest_dir().join(SHARED_SCHEMAS);
    if shared.is_dir() {
        let theirs: Vec<String> = entries(&shared)
            .into_iter()
            .filter(|n| n.ends_with(".xsd"))
            .collect();
        assert_eq!(names, theirs);
        for name in &names {
            assert!(
                fs::read(kept.join(name)).unwrap() == fs::read(shared.join(name)).unwrap(),
                "{name} differs from the shared copy"
            );
        }
    }
}

/// Every XML part validated against the standard's schema for it.
fn check_schemas(name: &str, parts: &BTreeMap<String, Vec<u8>>) {
    let dir = temp_dir();
    let mut checked = 0;
    for (part, bytes) in parts {
        let schema = match part.rsplit('/').next().unwrap() {
            "OFD.xml" => "OFD.xsd",
            "Document.xml" => "Document.xsd",
            "Content.xml" => "Page.xsd",
            "PublicRes.xml" | "DocumentRes.xml" => "Res.xsd",
            other if other.ends_with(".xml") => panic!("{name}: no schema is known for {part}"),
            _ => continue,
        };
        let file = dir.path().join(part.replace('/', "_"));
        fs::write(&file, bytes).unwrap();
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schema_dir().join(schema))
            .arg(&file)
            .output()
            .expect("xmllint runs (libxml2-utils; `make test` installs it)");
        assert!(
            out.status.success(),
            "{name}: {part} does not validate against {schema}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        checked += 1;
    }
    assert!(checked >= 4, "{name}: only {checked} XML parts");
}

/// A grey image, 0 black … 1 white.
struct Gray {
    width: usize,
    height: usize,
    pixels: Vec<f64>,
}

impl Gray {
    /// The image at a third of its resolution, each pixel the mean of a 3 × 3 block: pages
    /// are drawn at three times the compared resolution, so that the thinnest rules (0.5 pt)
    /// are a pixel wide for both rasterizers, and then reduced.
    fn reduced(&self) -> Gray {
        let (w, h) = (self.width / 3, self.height / 3);
        let mut pixels = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                let mut sum = 0.0;
                for dy in 0..3 {
                    for dx in 0..3 {
                        sum += self.pixels[(3 * y + dy) * self.width + 3 * x + dx];
                    }
                }
                pixels.push(sum / 9.0);
            }
        }
        Gray {
            width: w,
            height: h,
            pixels,
        }
    }

    /// A box blur of `radius` pixels: two rasterizers draw thin strokes differently.
    fn blurred(&self, radius: usize) -> Gray {
        let (w, h) = (self.width, self.height);
        let pass = |source: &[f64], horizontal: bool| {
            let mut out = vec![0.0; w * h];
            for y in 0..h {
                for x in 0..w {
                    let (mut sum, mut n) = (0.0, 0.0);
                    for d in 0..=2 * radius {
                        let (sx, sy) = if horizontal {
                            ((x + d).checked_sub(radius), Some(y))
                        } else {
                            (Some(x), (y + d).checked_sub(radius))
                        };
                        if let (Some(sx), Some(sy)) = (sx, sy)
                            && sx < w
                            && sy < h
                        {
                            sum += source[sy * w + sx];
                            n += 1.0;
                        }
                    }
                    out[y * w + x] = sum / n;
                }
            }
            out
        };
        let once = pass(&self.pixels, true);
        Gray {
            width: w,
            height: h,
            pixels: pass(&once, false),
        }
    }

    /// Pearson's correlation with another image over their common area.
    fn correlation(&self, other: &Gray) -> f64 {
        let (w, h) = (self.width.min(other.width), self.height.min(other.height));
        let pairs: Vec<(f64, f64)> = (0..h)
            .flat_map(|y| (0..w).map(move |x| (y, x)))
            .map(|(y, x)| {
                (
                    self.pixels[y * self.width + x],
                    other.pixels[y * other.width + x],
                )
            })
            .collect();
        let n = pairs.len() as f64;
        let (ma, mb) = (
            pairs.iter().map(|p| p.0).sum::<f64>() / n,
            pairs.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
        for (a, b) in pairs {
            cov += (a - ma) * (b - mb);
            va += (a - ma).powi(2);
            vb += (b - mb).powi(2);
        }
        cov / (va.sqrt() * vb.sqrt()).max(1e-12)
    }
}

/// Pages are drawn at this resolution and compared at a third of it.
const DPI: f64 = 150.0;

/// Page `n` (from 1) of a PDF drawn by poppler.
fn pdf_page(pdf: &Path, n: usize) -> Gray {
    let dir = temp_dir();
    let prefix = dir.path().join("p");
    let page = n.to_string();
    let out = Command::new("pdftoppm")
        .args([
            "-gray",
            "-r",
            &DPI.to_string(),
            "-f",
            &page,
            "-l",
            &page,
            "-singlefile",
        ])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm runs (poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = fs::read(dir.path().join("p.pgm")).unwrap();
    let (width, height, samples) = netpbm(&bytes);
    let pixels = samples[..width * height]
        .iter()
        .map(|&v| f64::from(v) / 255.0)
        .collect();
    Gray {
        width,
        height,
        pixels,
    }
    .reduced()
}

/// Every page of an OFD drawn by ofd-core, with its structure check's problems.
fn ofd_pages(ofd: &Path) -> (Vec<Gray>, Vec<String>) {
    let report = ofd_core::verify::check_path(ofd);
    let mut reader = ofd_core::OfdReader::open(ofd).expect("ofd-core opens the OFD");
    let body = reader.ofd().doc_bodies[0].clone();
    let doc = reader
        .load_document(&body)
        .expect("ofd-core loads the document");
    let options = ofd_core::render::RenderOptions::with_dpi(DPI);
    let pages = (0..doc.pages().len())
        .map(|i| {
            let image = reader
                .render_page_to_image(&doc, i, &options)
                .expect("ofd-core draws the page");
            let (width, height) = (image.width() as usize, image.height() as usize);
            let pixels = image
                .as_raw()
                .chunks(4)
                .map(|p| {
                    (0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
                        / 255.0
                })
                .collect();
            Gray {
                width,
                height,
                pixels,
            }
            .reduced()
        })
        .collect();
    (pages, report.problems)
}

/// A character drawn on an OFD page: where its glyph's origin is, in millimetres.
#[derive(Debug)]
struct Placed {
    character: char,
    x: f64,
    baseline: f64,
    /// Set with a CTM (the turned page numbers of landscape pages).
    turned: bool,
}

fn numbers(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut tokens = text.split_whitespace();
    while let Some(token) = tokens.next() {
        if token == "g" {
            let count: usize = tokens.next().unwrap().parse().unwrap();
            let value: f64 = tokens.next().unwrap().parse().unwrap();
            out.extend(std::iter::repeat_n(value, count));
        } else {
            out.push(token.parse().unwrap());
        }
    }
    out
}

/// The characters of a page's `Content.xml` at their places: upright text is written in
/// page millimetres, turned text through its object's CTM.
fn placed_characters(content: &[u8]) -> Vec<Placed> {
    let text = std::str::from_utf8(content).unwrap();
    let doc = roxmltree::Document::parse(text).unwrap();
    let mut out = Vec::new();
    for object in doc.descendants().filter(|n| n.has_tag_name("TextObject")) {
        let ctm = object.attribute("CTM").map(numbers);
        let boundary = numbers(object.attribute("Boundary").unwrap());
        for code in object.children().filter(|n| n.has_tag_name("TextCode")) {
            let x0: f64 = code.attribute("X").unwrap().parse().unwrap();
            let y: f64 = code.attribute("Y").unwrap().parse().unwrap();
            let deltas = code.attribute("DeltaX").map(numbers).unwrap_or_default();
            let mut x = x0;
            for (i, character) in code.text().unwrap_or("").chars().enumerate() {
                if i > 0 {
                    x += deltas.get(i - 1).or(deltas.last()).copied().unwrap_or(0.0);
                }
                let (px, py) = match &ctm {
                    None => (x, y),
                    Some(m) => (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]),
                };
                out.push(Placed {
                    character,
                    x: boundary[0] + px,
                    baseline: boundary[1] + py,
                    turned: ctm.is_some(),
                });
            }
        }
    }
    out
}

/// The first word of every line of every page, as `pdftotext -bbox-layout` reads them (a
/// line's own box spans all its words, which may be of other sizes).
fn first_words(pdf: &Path) -> Vec<Vec<geometry::Line>> {
    let attr = |tag: &str, key: &str| -> f64 {
        let start = tag.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        tag[start..start + tag[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let html = poppler("pdftotext", &["-bbox-layout"], pdf);
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<line")
                .skip(1)
                .filter_map(|line| {
                    let word = line.split("<word ").nth(1)?;
                    let tag = &word[..word.find('>')?];
                    Some(geometry::Line {
                        left: attr(tag, "xMin"),
                        right: attr(tag, "xMax"),
                        top: attr(tag, "yMin"),
                        bottom: attr(tag, "yMax"),
                        text: word[word.find('>')? + 1..word.find("</word>")?].to_owned(),
                    })
                })
                .collect()
        })
        .collect()
}

/// The first character of every line poppler reads in the PDF is drawn in the OFD where
/// the PDF has it, within half a millimetre.
fn check_line_starts(name: &str, pdf: &Path, parts: &BTreeMap<String, Vec<u8>>) {
    let mm = 25.4 / 72.0;
    let mut checked = 0;
    for (index, lines) in first_words(pdf).iter().enumerate() {
        let content = &parts[&format!("Doc_0/Pages/Page_{index}/Content.xml")];
        let placed = placed_characters(content);
        for line in lines {
            let text = line
                .text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
            let Some(first) = text.chars().next() else {
                continue;
            };
            let (x, top, bottom) = (line.left * mm, line.top * mm, line.bottom * mm);
            // poppler's box runs from the ascent to the descent of the font (880/-120 of
            // the em in every face here): the baseline is 12 % of its height above its foot.
            let baseline = bottom - 0.12 * (bottom - top);
            let right = line.right * mm;
            let hit = placed.iter().find(|p| {
                p.character == first
                    && if p.turned {
                        // A turned word's box is upright: its first glyph's origin is on
                        // its edge, not at its corner.
                        (x - 0.5..=right + 0.5).contains(&p.x)
                            && (top - 0.5..=bottom + 0.5).contains(&p.baseline)
                    } else {
                        (p.x - x).abs() <= 0.5 && (p.baseline - baseline).abs() <= 0.5
                    }
            });
            assert!(
                hit.is_some(),
                "{name} page {}: the line `{text}` starts at ({x:.2}, {baseline:.2}) mm in the PDF; the OFD has `{first}` at {:?}",
                index + 1,
                placed
                    .iter()
                    .filter(|p| p.character == first)
                    .map(|p| (p.x, p.baseline))
                    .collect::<Vec<_>>()
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "{name}: only {checked} lines checked");
}

/// Every font embedded, nothing outside the package referred to, no actions (GB/T 42133).
fn check_archival(name: &str, parts: &BTreeMap<String, Vec<u8>>) {
    let public = std::str::from_utf8(&parts["Doc_0/PublicRes.xml"]).unwrap();
    let res = roxmltree::Document::parse(public).unwrap();
    let fonts: Vec<_> = res
        .descendants()
        .filter(|n| n.has_tag_name("Font"))
        .collect();
    assert!(!fonts.is_empty(), "{name}: no fonts");
    for font in &fonts {
        let file = font
            .children()
            .find(|n| n.has_tag_name("FontFile"))
            .and_then(|n| n.text())
            .unwrap_or_else(|| {
                panic!(
                    "{name}: font {:?} is not embedded",
                    font.attribute("FontName")
                )
            });
        let bytes = &parts[&format!("Doc_0/Res/{file}")];
        ttf_parser::Face::parse(bytes, 0)
            .unwrap_or_else(|e| panic!("{name}: the embedded {file} is not a font: {e}"));
    }
    for (part, bytes) in parts.iter().filter(|(p, _)| p.ends_with(".xml")) {
        let text = std::str::from_utf8(bytes).unwrap();
        for forbidden in [
            "<ofd:Actions",
            "<ofd:Action ",
            "http://",
            "https://",
            "file:",
        ] {
            let text = text.replace("xmlns:ofd=\"http://www.ofdspec.org/2016\"", "");
            assert!(!text.contains(forbidden), "{name}: {part} has {forbidden}");
        }
    }
}

/// The samples, two of them sealed (an SVG seal and a PNG seal), in a fresh folder.
fn samples(root: &Path) -> PathBuf {
    let data = root.join("data");
    fs::create_dir_all(&data).unwrap();
    for entry in fs::read_dir(manifest_dir().join("data")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
    }
    fs::write(data.join("seal.svg"), test_seal_svg()).unwrap();
    fs::write(data.join("seal.png"), test_seal_png(160)).unwrap();
    let append = |file: &str, line: &str| {
        let path = data.join(file);
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str(line);
        fs::write(path, text).unwrap();
    };
    append("work-report-2024.yaml", "\nseal: seal.svg\n");
    append("proposal-reply-0520.yaml", "\nseal: seal.png\n");
    data
}

fn build(data: &Path, out: &Path, format: &str) {
    let run = gongwen(&[
        "build",
        path_str(data),
        "--format",
        format,
        "-o",
        path_str(out),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
}

fn stems(data: &Path) -> Vec<String> {
    let mut stems: Vec<String> = entries(data)
        .into_iter()
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    stems.sort();
    stems
}

#[test]
fn every_sample_builds_to_an_ofd_that_the_standard_and_an_independent_reader_accept() {
    let root = temp_dir();
    let data = samples(root.path());
    let out = root.path().join("out");
    build(&data, &out, "pdf,ofd");
    let mut different_pages = Vec::new();
    for stem in stems(&data) {
        let ofd = out.join(format!("{stem}.ofd"));
        let pdf = out.join(format!("{stem}.pdf"));
        let parts = parts(&ofd);
        check_schemas(&stem, &parts);
        check_archival(&stem, &parts);

        let (pages, problems) = ofd_pages(&ofd);
        assert!(
            problems.is_empty(),
            "{stem}: ofd-core's check: {problems:?}"
        );
        let pdf_pages = poppler("pdfinfo", &[], &pdf)
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .map(|n| n.trim().parse::<usize>().unwrap())
            .unwrap();
        assert_eq!(pages.len(), pdf_pages, "{stem}: pages");
        let drawn: Vec<Gray> = (1..=pdf_pages)
            .map(|n| pdf_page(&pdf, n).blurred(2))
            .collect();
        for (i, page) in pages.iter().enumerate() {
            assert!(
                (page.width as i64 - drawn[i].width as i64).abs() <= 1
                    && (page.height as i64 - drawn[i].height as i64).abs() <= 1,
                "{stem} page {}: {}×{} drawn from the OFD, {}×{} from the PDF",
                i + 1,
                page.width,
                page.height,
                drawn[i].width,
                drawn[i].height
            );
            let score = page.blurred(2).correlation(&drawn[i]);
            assert!(
                score >= 0.98,
                "{stem} page {}: the OFD's page drawn by ofd-core matches the PDF's by {score:.3} only",
                i + 1
            );
            if i + 1 < pages.len() {
                different_pages.push(page.blurred(2).correlation(&drawn[i + 1]));
            }
        }
        check_line_starts(&stem, &pdf, &parts);
    }
    // The measure tells pages apart: a page against the next one scores low.
    assert!(!different_pages.is_empty());
    let best = different_pages.iter().cloned().fold(f64::MIN, f64::max);
    assert!(best < 0.8, "a page and the next one score {best:.3}");
}

#[test]
fn seals_and_red_rules_are_images_and_paths_in_their_colours() {
    let root = temp_dir();
    let data = samples(root.path());
    let out = root.path().join("out");
    build(&data, &out, "ofd");
    // The PNG seal: an ImageObject whose resource is a PNG in the package.
    let sealed = parts(&out.join("proposal-reply-0520.ofd"));
    let res = std::str::from_utf8(&sealed["Doc_0/DocumentRes.xml"]).unwrap();
    assert!(res.contains("Type=\"Image\" Format=\"PNG\""), "{res}");
    let pages: String = sealed
        .iter()
        .filter(|(p, _)| p.ends_with("Content.xml"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(pages.contains("<ofd:ImageObject"), "no seal image");
    let png = sealed
        .iter()
        .find(|(p, _)| p.ends_with(".png"))
        .map(|(_, b)| b)
        .expect("the seal's PNG");
    assert!(png.starts_with(b"\x89PNG"));
    // The SVG seal: its ring and star are red paths, its text red text.
    let svg = parts(&out.join("work-report-2024.ofd"));
    let pages: String = svg
        .iter()
        .filter(|(p, _)| p.ends_with("Content.xml"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(
        pages.contains("<ofd:StrokeColor Value=\"230 0 18\"/>"),
        "the ring"
    );
    assert!(
        pages.contains("<ofd:FillColor Value=\"230 0 18\"/>"),
        "the star"
    );
    // The notice's 版头: the red organ mark and the red rule under it.
    let notice = parts(&out.join("notice-2024-sme-evaluation.ofd"));
    let first = String::from_utf8_lossy(&notice["Doc_0/Pages/Page_0/Content.xml"]).into_owned();
    let red = |object: &str| {
        object.split("Value=\"").skip(1).any(|v| {
            let rgb: Vec<u32> = v[..v.find('"').unwrap()]
                .split(' ')
                .map(|n| n.parse().unwrap())
                .collect();
            rgb[0] > 200 && rgb[1] < 60 && rgb[2] < 60
        })
    };
    let red_paths = first
        .split("<ofd:PathObject")
        .skip(1)
        .filter(|p| red(p))
        .count();
    let red_text = first
        .split("<ofd:TextObject")
        .skip(1)
        .filter(|t| red(t))
        .count();
    assert!(
        red_paths >= 1 && red_text >= 1,
        "red paths {red_paths}, red text {red_text}:\n{first}"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let root = temp_dir();
    let a = root.path().join("a");
    let b = root.path().join("b");
    build(&manifest_dir().join("data"), &a, "ofd");
    build(&manifest_dir().join("data"), &b, "ofd");
    for name in entries(&a).into_iter().filter(|n| n.ends_with(".ofd")) {
        assert!(
            fs::read(a.join(&name)).unwrap() == fs::read(b.join(&name)).unwrap(),
            "{name} differs between two builds"
        );
    }
}

#[test]
fn the_document_info_names_the_document_and_its_id_follows_its_content() {
    let root = temp_dir();
    let out = root.path().join("out");
    build(
        &manifest_dir().join("data/work-report-2024.yaml"),
        &out,
        "ofd",
    );
    let ofd =
        String::from_utf8(parts(&out.join("work-report-2024.ofd"))["OFD.xml"].clone()).unwrap();
    let doc = roxmltree::Document::parse(&ofd).unwrap();
    let field = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .map(str::to_owned)
    };
    let yaml = fs::read_to_string(manifest_dir().join("data/work-report-2024.yaml")).unwrap();
    let organ = yaml
        .lines()
        .find_map(|l| l.strip_prefix("organ:"))
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(field("Author").as_deref(), Some(organ.as_str()));
    assert!(field("Title").unwrap().contains("工作"));
    let date = field("CreationDate").unwrap();
    assert!(yaml.contains(&format!("date: {date}")), "{date}");
    let id = field("DocID").unwrap();
    assert_eq!(id.len(), 32);
    // Another document has another ID.
    build(
        &manifest_dir().join("data/suggestion-reply-b.yaml"),
        &out,
        "ofd",
    );
    let other =
        String::from_utf8(parts(&out.join("suggestion-reply-b.ofd"))["OFD.xml"].clone()).unwrap();
    assert!(!other.contains(&id));
}

#[test]
fn markup_and_xml_specials_in_the_data_are_themselves_in_the_ofd() {
    let root = temp_dir();
    let data = data_folder(root.path(), "hostile.yaml");
    edit(
        &data.join("hostile.yaml"),
        &[
            (
                "organ: 测试县科学技术局",
                "organ: 测试县#*$<&\"'>科学技术局",
            ),
            ("建立企业档案。", "建立<b>企业</b>&amp;档案#1*$2。"),
        ],
    );
    let out = root.path().join("out");
    build(&data, &out, "ofd");
    let parts = parts(&out.join("hostile.ofd"));
    check_schemas("hostile", &parts);
    let mut text = String::new();
    for (_, bytes) in parts.iter().filter(|(p, _)| p.ends_with("Content.xml")) {
        let xml = std::str::from_utf8(bytes).unwrap();
        let doc = roxmltree::Document::parse(xml).unwrap();
        for code in doc.descendants().filter(|n| n.has_tag_name("TextCode")) {
            text.push_str(code.text().unwrap_or(""));
        }
    }
    assert!(text.contains("测试县#*$<&\"'>科学技术局"), "{text}");
    assert!(text.contains("建立<b>企业</b>&amp;档案#1*$2"), "{text}");
    let info = String::from_utf8(parts["OFD.xml"].clone()).unwrap();
    let doc = roxmltree::Document::parse(&info).unwrap();
    let author = doc
        .descendants()
        .find(|n| n.has_tag_name("Author"))
        .and_then(|n| n.text());
    assert_eq!(author, Some("测试县#*$<&\"'>科学技术局"));
}

#[test]
fn a_collection_face_that_cannot_be_cut_is_an_error_naming_it_and_the_document() {
    // With cutting off, typst reads the installed files; the Noto CJK faces here are in
    // collections (.ttc), which an OFD cannot embed as they are.
    let collection = std::process::Command::new("fc-list")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(".ttc"))
        .unwrap_or(false);
    assert!(
        collection,
        "the CJK fonts installed for the tests come as collections"
    );
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    let out = root.path().join("out");
    let run = gongwen_with(
        root.path(),
        &[
            "build",
            path_str(&data),
            "--format",
            "pdf,ofd",
            "-o",
            path_str(&out),
        ],
        &[("GONGWEN_FONT_SUBSET", "off")],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(text.contains("cannot be embedded in the OFD"), "{text}");
    assert!(text.contains(".ttc"), "the face's file is named: {text}");
    assert!(text.contains("report"), "the document is named: {text}");
    assert!(!out.join("report.ofd").exists(), "no OFD with empty boxes");
    assert!(out.join("report.pdf").exists(), "the PDF is still written");
}

#[test]
fn gongwen_ofd_draws_a_markdown_file_with_front_matter() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    let out = root.path().join("out");
    build(&data, &out, "md");
    let markdown = out.join("report.md");
    edit(&markdown, &[("一企一档。", "一企一档，手工改过。")]);
    let run = gongwen(&["ofd", path_str(&markdown)]);
    assert!(run.status.success(), "{}", stderr(&run));
    let parts = parts(&out.join("report.ofd"));
    check_schemas("report", &parts);
    let pages: String = parts
        .iter()
        .filter(|(p, _)| p.ends_with("Content.xml"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(pages.contains("手工改过"));
}

#[test]
fn a_face_typst_brings_itself_is_embedded_from_the_pdf() {
    // Code is set in typst's built-in monospace face, which is no installed file: the OFD
    // embeds the PDF's cut of it and names its glyphs by number.
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    let out = root.path().join("out");
    build(&data, &out, "md");
    let markdown = out.join("report.md");
    edit(
        &markdown,
        &[(
            "一企一档。",
            "一企一档。\n\n```\nlet x = a < b && c; // #*$\n```\n",
        )],
    );
    for command in ["pdf", "ofd"] {
        let run = gongwen(&[command, path_str(&markdown)]);
        assert!(run.status.success(), "{}", stderr(&run));
    }
    let ofd = out.join("report.ofd");
    let parts = parts(&ofd);
    check_schemas("report", &parts);
    check_archival("report", &parts);
    let public = String::from_utf8_lossy(&parts["Doc_0/PublicRes.xml"]).into_owned();
    assert!(public.contains("DejaVuSansMono"), "{public}");
    assert!(ofd_text(&ofd).contains("let x = a < b && c; // #*$"));
    let (pages, problems) = ofd_pages(&ofd);
    assert!(problems.is_empty(), "{problems:?}");
    let pdf = out.join("report.pdf");
    for (i, page) in pages.iter().enumerate() {
        let score = page
            .blurred(2)
            .correlation(&pdf_page(&pdf, i + 1).blurred(2));
        assert!(score >= 0.98, "page {}: {score:.3}", i + 1);
    }
}
