//! Helpers shared by the integration tests: the real binary, run on fixture folders.
#![allow(dead_code)] // each test binary uses its own share of these

pub mod geometry;
pub mod server;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The typst the tests use: `GONGWEN_TYPST` (set by `make test`), else the project's own.
pub fn typst() -> PathBuf {
    let path = std::env::var_os("GONGWEN_TYPST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("tools/typst/bin/typst"));
    assert!(
        path.is_file(),
        "typst not found at {}: run the tests with `make test`, which installs it",
        path.display()
    );
    path
}

pub fn gongwen(args: &[&str]) -> Output {
    gongwen_in(manifest_dir(), args)
}

pub fn gongwen_in(dir: &Path, args: &[&str]) -> Output {
    gongwen_with(dir, args, &[])
}

/// The gongwen binary with the project's typst, speaking English: the tests read the
/// English messages (`tests/i18n.rs` checks the Chinese ones).
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gongwen"));
    command
        .env("GONGWEN_TYPST", typst())
        .env("LC_ALL", "en_US.UTF-8");
    command
}

pub fn gongwen_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = command();
    command.args(args).current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the gongwen binary runs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The diagnostic lines (`FILE:LINE:COL: error: …`) of a run, without hints and summary.
pub fn diagnostics(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .map(str::to_owned)
        .collect()
}

pub fn fixture(name: &str) -> String {
    format!("tests/fixtures/{name}")
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// Copies the minimal fixture into a fresh data folder under `root`, as `name`.
pub fn data_folder(root: &Path, name: &str) -> PathBuf {
    let data = root.join("data");
    fs::create_dir_all(&data).unwrap();
    fs::copy(
        manifest_dir().join(fixture("valid/minimal.yaml")),
        data.join(name),
    )
    .unwrap();
    data
}

/// The sorted names in a folder.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs a poppler tool on a PDF and returns its standard output.
pub fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            vec!["-"]
        } else {
            vec![]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs (poppler-utils; `make test` installs it): {e}"));
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("poppler prints UTF-8")
}

/// Builds `data` (a file or folder, relative to the project) in `format` into a fresh folder.
pub fn build_into_temp(data: &str, format: &str) -> tempfile::TempDir {
    let dir = temp_dir();
    let out = gongwen(&[
        "build",
        data,
        "--format",
        format,
        "-o",
        path_str(dir.path()),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    dir
}

/// The text of a PDF with all white space removed: CJK lines break anywhere.
pub fn squeezed_pdf_text(pdf: &Path) -> String {
    poppler("pdftotext", &[], pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Each needle occurs in `text`, after the previous one.
pub fn assert_in_order(text: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        let found = text[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not found in order in:\n{text}"));
        from += found + needle.len();
    }
}

/// Validates `tests/fixtures/NAME.yaml` and checks its exact diagnostics and exit status;
/// `expected` holds `LINE:COL: …`, the file name is put in front.
pub fn assert_fixture_diagnostics(name: &str, expected_code: i32, expected: &[&str]) {
    let path = fixture(&format!("{name}.yaml"));
    let out = gongwen(&["validate", &path]);
    let expected: Vec<String> = expected.iter().map(|e| format!("{path}:{e}")).collect();
    assert_eq!(diagnostics(&out), expected, "diagnostics of {name}");
    assert_eq!(
        out.status.code(),
        Some(expected_code),
        "exit status of {name}"
    );
}

/// Rewrites a file with each `(from, to)` replaced; every `from` must be there, so a
/// changed fixture cannot make a test silently edit nothing.
pub fn edit(path: &Path, replacements: &[(&str, &str)]) {
    let mut text = fs::read_to_string(path).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "`{from}` not in {}", path.display());
        text = text.replacen(from, to, 1);
    }
    fs::write(path, text).unwrap();
}

/// Puts data strings into the minimal report's organ, a section title, a text, an item, an
/// item title and a figure name, in that order, as many as given (quoted for YAML).
pub fn place_in_report(report: &Path, strings: &[&str]) {
    const FIELDS: [&str; 6] = [
        "organ: 测试县科学技术局",
        "title: 培育创新主体",
        "text: 建立企业档案。",
        "- 新建两个平台。",
        "title: 扩大数量",
        "name: 高新技术企业",
    ];
    let quoted: Vec<String> = FIELDS
        .iter()
        .zip(strings)
        .map(|(field, value)| {
            let key = field.split_once(' ').map_or("", |(k, _)| k);
            format!("{key} '{}'", value.replace('\'', "''"))
        })
        .collect();
    let replacements: Vec<(&str, &str)> = FIELDS
        .iter()
        .copied()
        .zip(quoted.iter().map(String::as_str))
        .collect();
    edit(report, &replacements);
}

/// Fills every `〖…〗` of a skeleton or an imported file with a value of the kind it asks for.
pub fn fill(skeleton: &str) -> String {
    let mut out = String::new();
    let mut rest = skeleton;
    while let Some(start) = rest.find('〖') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('〗').unwrap() + '〗'.len_utf8();
        let inside = &rest[start + '〖'.len_utf8()..end - '〗'.len_utf8()];
        let value = match inside {
            s if s.starts_with("年份") => "2024",
            s if s.starts_with("日期") => "2024-06-06",
            s if s.starts_with("数值") => "12",
            s if s.starts_with("编号") => "0520",
            s if s.starts_with("文号") => "测科提字〔2024〕第1号",
            s if s.starts_with("联系电话") => "0311-85057592",
            s if s.starts_with("A、B或C") => "A",
            s if s.starts_with("提案或建议") => "提案",
            _ => "示例文字",
        };
        out.push_str(value);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The rows of a CSV gongwen wrote (its BOM, if any, left out), read by a CSV reader.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The text parts of a zip file (a DOCX, an XLSX) by name.
pub fn unzip(path: &Path) -> std::collections::HashMap<String, String> {
    unzip_bytes(&fs::read(path).unwrap())
}

/// The text parts of a zip file in memory by name (images and other binary parts are left
/// out).
pub fn unzip_bytes(bytes: &[u8]) -> std::collections::HashMap<String, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .filter_map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut raw = Vec::new();
            file.read_to_end(&mut raw).unwrap();
            let name = file.name().unwrap().to_string();
            String::from_utf8(raw).ok().map(|text| (name, text))
        })
        .collect()
}

/// The standard's font names as the fonts installed here, as gongwen's PDF uses them, so that
/// LibreOffice sets the DOCX with the same glyph widths.
pub const FONT_ALIASES: &[(&str, &str)] = &[
    ("方正小标宋简体", "Noto Serif CJK SC"),
    ("仿宋_GB2312", "FandolFang"),
    ("楷体_GB2312", "FandolKai"),
    ("黑体", "Noto Sans CJK SC"),
    ("宋体", "Noto Serif CJK SC"),
];

/// LibreOffice converts each file to PDF in `out`, with a profile and font aliases of its own.
pub fn soffice_to_pdf(files: &[PathBuf], out: &Path) {
    let work = temp_dir();
    let aliases: String = FONT_ALIASES
        .iter()
        .map(|(name, installed)| {
            format!("<alias binding=\"same\"><family>{name}</family><prefer><family>{installed}</family></prefer></alias>")
        })
        .collect();
    let conf = work.path().join("fonts.conf");
    fs::write(
        &conf,
        format!("<?xml version=\"1.0\"?>\n<fontconfig><include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>{aliases}</fontconfig>\n"),
    )
    .unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}",
        work.path().join("profile").display()
    );
    let status = Command::new("soffice")
        .arg(&profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out)
        .args(files)
        .env("FONTCONFIG_FILE", &conf)
        .output()
        .unwrap_or_else(|e| panic!("soffice runs (LibreOffice; `make test` installs it): {e}"));
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// The text an OFD's pages carry: every `TextCode` of every page, in order.
pub fn ofd_text(path: &Path) -> String {
    let mut pages: Vec<(usize, String)> = unzip(path)
        .into_iter()
        .filter_map(|(name, xml)| {
            let page = name
                .strip_prefix("Doc_0/Pages/Page_")?
                .strip_suffix("/Content.xml")?
                .parse()
                .ok()?;
            Some((page, xml))
        })
        .collect();
    pages.sort();
    let mut text = String::new();
    for (_, xml) in pages {
        let doc = roxmltree::Document::parse(&xml).expect("a page is XML");
        for code in doc.descendants().filter(|n| n.has_tag_name("TextCode")) {
            text.push_str(code.text().unwrap_or(""));
        }
    }
    text
}

/// The width, height and samples of a binary netpbm image (pdftoppm's `.ppm`, `.pgm`).
pub fn netpbm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    // P6\nW H\n255\n
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, &bytes[at + 1..])
}

/// A synthetic round seal as SVG: a red ring, a star and 测试专用章.
pub fn test_seal_svg() -> String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 420 420\">\
     <circle cx=\"210\" cy=\"210\" r=\"196\" fill=\"none\" stroke=\"#e60012\" stroke-width=\"14\"/>\
     <polygon fill=\"#e60012\" points=\"210,130 228,185 286,185 239,219 257,274 210,240 163,274 181,219 134,185 192,185\"/>\
     <text x=\"210\" y=\"345\" text-anchor=\"middle\" font-size=\"44\" fill=\"#e60012\">测试专用章</text></svg>"
        .to_owned()
}

/// A synthetic round seal as an RGBA PNG (stored, uncompressed deflate blocks): a red ring
/// on a transparent ground, `size` pixels square.
pub fn test_seal_png(size: u32) -> Vec<u8> {
    let centre = (size as f64 - 1.0) / 2.0;
    let mut raw = Vec::new();
    for y in 0..size {
        raw.push(0);
        for x in 0..size {
            let d = ((x as f64 - centre).powi(2) + (y as f64 - centre).powi(2)).sqrt();
            let ring = d <= centre && d >= centre * 0.88;
            raw.extend_from_slice(if ring {
                &[230, 0, 18, 255]
            } else {
                &[0, 0, 0, 0]
            });
        }
    }
    let mut zlib = vec![0x78, 0x01];
    for (i, block) in raw.chunks(65535).enumerate() {
        let last = (i + 1) * 65535 >= raw.len();
        zlib.push(u8::from(last));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65521;
        b = (b + a) % 65521;
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let crc = |bytes: &[u8]| {
        let mut crc = 0xffff_ffffu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    };
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc(&body).to_be_bytes());
        out
    };
    let mut header = size.to_be_bytes().to_vec();
    header.extend_from_slice(&size.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &header));
    png.extend(chunk(b"IDAT", &zlib));
    png.extend(chunk(b"IEND", &[]));
    png
}
