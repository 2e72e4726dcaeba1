//! The OFD package (GB/T 33190-2016): `OFD.xml` → `Doc_0/Document.xml` → one
//! `Content.xml` a page, the fonts and images under `Doc_0/Res`, zipped in a fixed order
//! with fixed times so that the same document gives the same bytes.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::content::{Matrix, Page, PathItem, Rgb, Segment, TextRun, apply, concat};
use super::glyphs::Glyph;
use crate::write::Packing;

const NS: &str = "http://www.ofdspec.org/2016";

/// What `DocInfo` says of the document.
#[derive(Clone, Debug, Default)]
pub struct DocInfo {
    pub title: String,
    /// The issuing organ.
    pub author: Option<String>,
    /// The document's date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// 发文字号, as custom data.
    pub doc_number: Option<String>,
}

impl DocInfo {
    /// The properties of a document from its official parts.
    pub fn of(parts: &crate::plan::Parts) -> DocInfo {
        let doc_number = match &parts.head {
            crate::plan::Head::Header(h) => h.doc_number.clone(),
            crate::plan::Head::Preamble { doc_number, .. } => doc_number.clone(),
            crate::plan::Head::None => None,
        };
        DocInfo {
            title: parts.title.clone(),
            author: parts.organ.clone(),
            date: parts.date.map(|d| d.iso()),
            doc_number,
        }
    }
}

/// A face embedded in the package.
pub struct FontEntry {
    pub id: u32,
    pub postscript: String,
    pub family: String,
    pub bytes: Vec<u8>,
    pub extension: &'static str,
}

/// An image embedded in the package.
pub struct ImageEntry {
    pub id: u32,
    pub bytes: Vec<u8>,
    /// `PNG` or `JPEG`.
    pub format: &'static str,
}

/// A drawn glyph run resolved to the package's font: the OFD font ID and each glyph.
pub struct ResolvedText<'a> {
    pub run: &'a TextRun,
    pub font: u32,
    pub glyphs: Vec<&'a Glyph>,
}

/// One page's items resolved to the package's resources.
pub enum Resolved<'a> {
    Text(ResolvedText<'a>),
    Path(&'a PathItem),
    Image { id: u32, matrix: Matrix, alpha: u8 },
}

pub struct ResolvedPage<'a> {
    pub page: &'a Page,
    pub items: Vec<Resolved<'a>>,
}

/// `1.5`, `-0.003`, `12`: millimetres to three decimals, trailing zeros dropped.
fn num(value: f64) -> String {
    // Integer arithmetic: the pages have tens of thousands of numbers.
    let thousandths = (value * 1000.0).round() as i64;
    let (whole, mut fraction) = (thousandths.abs() / 1000, thousandths.abs() % 1000);
    let mut text = String::with_capacity(12);
    if thousandths < 0 {
        text.push('-');
    }
    let _ = write!(text, "{whole}");
    if fraction > 0 {
        let mut digits = 3;
        while fraction % 10 == 0 {
            fraction /= 10;
            digits -= 1;
        }
        let _ = write!(text, ".{fraction:0digits$}");
    }
    text
}

/// Text for XML content or a double-quoted attribute; characters XML 1.0 cannot carry
/// are written as U+FFFD, not left out as the DOCX writer does: a `TextCode` keeps one
/// character for each of its `DeltaX` steps.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn color(rgb: &Rgb) -> String {
    format!("{} {} {}", rgb[0], rgb[1], rgb[2])
}

/// A box from its corners' extremes, at least `min` wide and high.
#[derive(Clone, Copy)]
struct Bounds {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Bounds {
    fn empty() -> Bounds {
        Bounds {
            x0: f64::INFINITY,
            y0: f64::INFINITY,
            x1: f64::NEG_INFINITY,
            y1: f64::NEG_INFINITY,
        }
    }
    fn add(&mut self, (x, y): (f64, f64)) {
        self.x0 = self.x0.min(x);
        self.y0 = self.y0.min(y);
        self.x1 = self.x1.max(x);
        self.y1 = self.y1.max(y);
    }
    fn grown(self, margin: f64) -> Bounds {
        Bounds {
            x0: self.x0 - margin,
            y0: self.y0 - margin,
            x1: self.x1 + margin,
            y1: self.y1 + margin,
        }
    }
    /// The box as OFD writes it, on a 0.001 mm grid that still holds every point.
    fn boundary(&self) -> (f64, f64, String) {
        let x0 = (self.x0 * 1000.0).floor() / 1000.0;
        let y0 = (self.y0 * 1000.0).floor() / 1000.0;
        let w = ((self.x1 - x0) * 1000.0).ceil() / 1000.0;
        let h = ((self.y1 - y0) * 1000.0).ceil() / 1000.0;
        (
            x0,
            y0,
            format!(
                "{} {} {} {}",
                num(x0),
                num(y0),
                num(w.max(0.001)),
                num(h.max(0.001))
            ),
        )
    }
}

/// A list of deltas with runs of one value written `g N v`.
fn deltas(values: &[f64]) -> String {
    let texts: Vec<String> = values.iter().map(|v| num(*v)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < texts.len() {
        let mut j = i + 1;
        while j < texts.len() && texts[j] == texts[i] {
            j += 1;
        }
        if j - i >= 3 {
            out.push(format!("g {} {}", j - i, texts[i]));
        } else {
            out.extend(texts[i..j].iter().cloned());
        }
        i = j;
    }
    out.join(" ")
}

struct Ids(u32);

impl Ids {
    fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

fn text_object(out: &mut String, id: u32, text: &ResolvedText) {
    let run = text.run;
    // Object space: text space with y down, so that glyphs stand upright as OFD draws them.
    let [a, b, c, d, e, f] = run.matrix;
    let object = [a, b, -c, -d, e, f];
    let scale = (a * a + b * b).sqrt();
    let upright = b.abs() < 1e-9 && c.abs() < 1e-9 && a > 0.0 && (a + d).abs() < 1e-9;
    // Without rotation the run is written in page millimetres (no CTM), as readers like it.
    let (size, factor, ctm) = if upright {
        (run.size * scale, scale, None)
    } else {
        (run.size, 1.0, Some(object))
    };
    let baseline = -run.rise;
    let positions: Vec<f64> = run.glyphs.iter().map(|(_, x)| x * factor).collect();
    let first = positions.first().copied().unwrap_or(0.0);
    let last = positions.last().copied().unwrap_or(0.0);
    let y_at = |y: f64| y * factor;
    let mut bounds = Bounds::empty();
    let reach = size * run.h_scale.abs().max(1.0);
    let local = [
        (first.min(last) - reach * 0.5, y_at(baseline) - size * 1.25),
        (first.max(last) + reach * 1.5, y_at(baseline) - size * 1.25),
        (first.min(last) - reach * 0.5, y_at(baseline) + size * 0.5),
        (first.max(last) + reach * 1.5, y_at(baseline) + size * 0.5),
    ];
    let to_page = |(x, y): (f64, f64)| match ctm {
        None => (x + e, y + f),
        Some(m) => apply(&m, x, y),
    };
    for corner in local {
        bounds.add(to_page(corner));
    }
    let (bx, by, boundary) = bounds.boundary();
    let (origin_x, origin_y, ctm_text) = match ctm {
        None => (e - bx, f - by, String::new()),
        Some(m) => (
            0.0,
            0.0,
            format!(
                " CTM=\"{} {} {} {} {} {}\"",
                num(m[0]),
                num(m[1]),
                num(m[2]),
                num(m[3]),
                num(m[4] - bx),
                num(m[5] - by)
            ),
        ),
    };
    let _ = write!(
        out,
        "<ofd:TextObject ID=\"{id}\" Boundary=\"{boundary}\"{ctm_text} Font=\"{}\" Size=\"{}\"",
        text.font,
        num(size)
    );
    if (run.h_scale - 1.0).abs() > 1e-6 {
        let _ = write!(out, " HScale=\"{}\"", num(run.h_scale));
    }
    if run.stroke.is_some() {
        let _ = write!(out, " Stroke=\"true\"");
    }
    if run.fill.is_none() {
        let _ = write!(out, " Fill=\"false\"");
    }
    if run.alpha < 255 {
        let _ = write!(out, " Alpha=\"{}\"", run.alpha);
    }
    if let Some((_, width)) = run.stroke {
        let _ = write!(out, " LineWidth=\"{}\"", num(width));
    }
    out.push('>');
    if let Some(fill) = &run.fill {
        let _ = write!(out, "<ofd:FillColor Value=\"{}\"/>", color(fill));
    }
    if let Some((stroke, _)) = &run.stroke {
        let _ = write!(out, "<ofd:StrokeColor Value=\"{}\"/>", color(stroke));
    }
    // The characters, each at its glyph's origin; a glyph of several characters (a
    // ligature) puts the later ones at its own origin, a glyph of none is joined to the
    // glyph before it.
    let mut chars = String::new();
    let mut origins: Vec<f64> = Vec::new();
    // (first character, characters, glyphs): where the glyphs are not the characters' own.
    let mut transforms: Vec<(usize, usize, Vec<u16>)> = Vec::new();
    let mut previous: Option<(usize, usize, u16)> = None;
    for (glyph, &x) in text.glyphs.iter().zip(&positions) {
        let count = glyph.text.chars().count();
        match (count, previous) {
            (0, Some((position, previous_count, previous_gid))) => {
                // A glyph of no character of its own (the second glyph of a cluster) is drawn
                // with the character before it.
                match transforms.last_mut() {
                    Some(last) if last.0 == position => last.2.push(glyph.gid),
                    _ => transforms.push((position, previous_count, vec![previous_gid, glyph.gid])),
                }
                continue;
            }
            (0, None) => {
                chars.push('\u{FFFD}');
                origins.push(x);
                transforms.push((0, 1, vec![glyph.gid]));
                previous = Some((0, 1, glyph.gid));
                continue;
            }
            _ => {}
        }
        let position = origins.len();
        chars.push_str(&glyph.text);
        origins.extend(std::iter::repeat_n(x, count));
        if !glyph.by_character || count > 1 {
            transforms.push((position, count, vec![glyph.gid]));
        }
        previous = Some((position, count, glyph.gid));
    }
    for (position, count, glyphs) in transforms {
        let list: Vec<String> = glyphs.iter().map(u16::to_string).collect();
        let _ = write!(
            out,
            "<ofd:CGTransform CodePosition=\"{position}\" CodeCount=\"{count}\" GlyphCount=\"{}\"><ofd:Glyphs>{}</ofd:Glyphs></ofd:CGTransform>",
            glyphs.len(),
            list.join(" ")
        );
    }
    let steps: Vec<f64> = origins.windows(2).map(|w| w[1] - w[0]).collect();
    let _ = write!(
        out,
        "<ofd:TextCode X=\"{}\" Y=\"{}\"",
        num(origin_x + origins.first().copied().unwrap_or(0.0)),
        num(origin_y + y_at(baseline))
    );
    if !steps.is_empty() {
        let _ = write!(out, " DeltaX=\"{}\"", deltas(&steps));
    }
    let _ = write!(out, ">{}</ofd:TextCode></ofd:TextObject>", escape(&chars));
}

fn path_object(out: &mut String, id: u32, path: &PathItem) {
    let mut bounds = Bounds::empty();
    for segment in &path.segments {
        match segment {
            Segment::Move(x, y) | Segment::Line(x, y) => bounds.add((*x, *y)),
            Segment::Cubic(p) => {
                bounds.add((p[0], p[1]));
                bounds.add((p[2], p[3]));
                bounds.add((p[4], p[5]));
            }
            Segment::Close => {}
        }
    }
    if !bounds.x0.is_finite() {
        return;
    }
    let width = path.stroke.as_ref().map_or(0.0, |s| s.width);
    let (bx, by, boundary) = bounds.grown(width / 2.0 + 0.05).boundary();
    let point = |x: f64, y: f64| format!("{} {}", num(x - bx), num(y - by));
    let mut data = Vec::new();
    for segment in &path.segments {
        data.push(match segment {
            Segment::Move(x, y) => format!("M {}", point(*x, *y)),
            Segment::Line(x, y) => format!("L {}", point(*x, *y)),
            Segment::Cubic(p) => format!(
                "B {} {} {}",
                point(p[0], p[1]),
                point(p[2], p[3]),
                point(p[4], p[5])
            ),
            Segment::Close => "C".to_owned(),
        });
    }
    let _ = write!(
        out,
        "<ofd:PathObject ID=\"{id}\" Boundary=\"{boundary}\" Stroke=\"{}\" Fill=\"{}\"",
        path.stroke.is_some(),
        path.fill.is_some()
    );
    if let Some((_, true)) = path.fill {
        out.push_str(" Rule=\"Even-Odd\"");
    }
    if let Some(stroke) = &path.stroke {
        let _ = write!(out, " LineWidth=\"{}\"", num(stroke.width));
        let cap = ["Butt", "Round", "Square"][usize::from(stroke.cap.min(2))];
        let join = ["Miter", "Round", "Bevel"][usize::from(stroke.join.min(2))];
        if cap != "Butt" {
            let _ = write!(out, " Cap=\"{cap}\"");
        }
        if join != "Miter" {
            let _ = write!(out, " Join=\"{join}\"");
        }
        // PDF's miter limit is a ratio, as OFD's is.
        let _ = write!(out, " MiterLimit=\"{}\"", num(stroke.miter));
        if let Some((array, phase)) = &stroke.dash {
            let values: Vec<String> = array.iter().map(|v| num(*v)).collect();
            let _ = write!(
                out,
                " DashOffset=\"{}\" DashPattern=\"{}\"",
                num(*phase),
                values.join(" ")
            );
        }
    }
    if path.alpha < 255 {
        let _ = write!(out, " Alpha=\"{}\"", path.alpha);
    }
    out.push('>');
    if let Some(stroke) = &path.stroke {
        let _ = write!(out, "<ofd:StrokeColor Value=\"{}\"/>", color(&stroke.color));
    }
    if let Some((fill, _)) = &path.fill {
        let _ = write!(out, "<ofd:FillColor Value=\"{}\"/>", color(fill));
    }
    let _ = write!(
        out,
        "<ofd:AbbreviatedData>{}</ofd:AbbreviatedData></ofd:PathObject>",
        data.join(" ")
    );
}

fn image_object(out: &mut String, id: u32, resource: u32, matrix: &Matrix, alpha: u8) {
    // OFD's image square has y down; PDF's has y up.
    let object = concat(&[1.0, 0.0, 0.0, -1.0, 0.0, 1.0], matrix);
    let mut bounds = Bounds::empty();
    for (x, y) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)] {
        bounds.add(apply(&object, x, y));
    }
    let (bx, by, boundary) = bounds.boundary();
    let _ = write!(
        out,
        "<ofd:ImageObject ID=\"{id}\" Boundary=\"{boundary}\" CTM=\"{} {} {} {} {} {}\" ResourceID=\"{resource}\"",
        num(object[0]),
        num(object[1]),
        num(object[2]),
        num(object[3]),
        num(object[4] - bx),
        num(object[5] - by)
    );
    if alpha < 255 {
        let _ = write!(out, " Alpha=\"{alpha}\"");
    }
    out.push_str("/>");
}

/// A page's `Content.xml`; its layer has ID `first`, its objects the IDs after it.
fn page_xml(page: &ResolvedPage, first: u32, default_area: (f64, f64)) -> Vec<u8> {
    let mut ids = Ids(first);
    let layer_id = first;
    let area = |(w, h): (f64, f64)| format!("0 0 {} {}", num(w), num(h));
    let mut content = xml_head();
    let _ = write!(content, "<ofd:Page xmlns:ofd=\"{NS}\">");
    let size = (page.page.width, page.page.height);
    if (size.0 - default_area.0).abs() > 0.01 || (size.1 - default_area.1).abs() > 0.01 {
        let _ = write!(
            content,
            "<ofd:Area><ofd:PhysicalBox>{}</ofd:PhysicalBox></ofd:Area>",
            area(size)
        );
    }
    let _ = write!(
        content,
        "<ofd:Content><ofd:Layer ID=\"{layer_id}\" Type=\"Body\">"
    );
    for item in &page.items {
        let id = ids.next();
        content.push('\n');
        match item {
            Resolved::Text(text) => text_object(&mut content, id, text),
            Resolved::Path(path) => path_object(&mut content, id, path),
            Resolved::Image {
                id: resource,
                matrix,
                alpha,
            } => image_object(&mut content, id, *resource, matrix, *alpha),
        }
    }
    content.push_str("\n</ofd:Layer></ofd:Content></ofd:Page>\n");
    content.into_bytes()
}

fn xml_head() -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_owned()
}

/// The whole package.
pub fn package(
    info: &DocInfo,
    pages: &[ResolvedPage],
    fonts: Vec<FontEntry>,
    images: Vec<ImageEntry>,
    first_free_id: u32,
) -> Vec<u8> {
    let mut ids = Ids(first_free_id - 1);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let default_area = pages
        .first()
        .map(|p| (p.page.width, p.page.height))
        .unwrap_or((210.0, 297.0));
    let area = |(w, h): (f64, f64)| format!("0 0 {} {}", num(w), num(h));
    let mut page_entries = String::new();
    // Each page's IDs are counted out first, so that the pages are written on all cores.
    let mut numbered = Vec::with_capacity(pages.len());
    for (index, page) in pages.iter().enumerate() {
        let page_id = ids.next();
        let _ = write!(
            page_entries,
            "<ofd:Page ID=\"{page_id}\" BaseLoc=\"Pages/Page_{index}/Content.xml\"/>"
        );
        let first = ids.0 + 1;
        ids.0 += 1 + page.items.len() as u32;
        numbered.push((index, page, first));
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let written = crate::parallel::map(&numbered, cores, |(index, page, first)| {
        (
            format!("Doc_0/Pages/Page_{index}/Content.xml"),
            page_xml(page, *first, default_area),
        )
    });
    files.extend(written);
    let mut public = xml_head();
    let _ = write!(
        public,
        "<ofd:Res xmlns:ofd=\"{NS}\" BaseLoc=\"Res\"><ofd:ColorSpaces><ofd:ColorSpace ID=\"1\" Type=\"RGB\" BitsPerComponent=\"8\"/></ofd:ColorSpaces>"
    );
    if !fonts.is_empty() {
        public.push_str("<ofd:Fonts>");
        for font in &fonts {
            let _ = write!(
                public,
                "<ofd:Font ID=\"{}\" FontName=\"{}\" FamilyName=\"{}\"><ofd:FontFile>font_{}.{}</ofd:FontFile></ofd:Font>",
                font.id,
                escape(&font.postscript),
                escape(&font.family),
                font.id,
                font.extension
            );
        }
        public.push_str("</ofd:Fonts>");
    }
    public.push_str("</ofd:Res>\n");
    let mut document_res = None;
    if !images.is_empty() {
        let mut res = xml_head();
        let _ = write!(
            res,
            "<ofd:Res xmlns:ofd=\"{NS}\" BaseLoc=\"Res\"><ofd:MultiMedias>"
        );
        for image in &images {
            let _ = write!(
                res,
                "<ofd:MultiMedia ID=\"{}\" Type=\"Image\" Format=\"{}\"><ofd:MediaFile>image_{}.{}</ofd:MediaFile></ofd:MultiMedia>",
                image.id,
                image.format,
                image.id,
                image.format.to_ascii_lowercase().replace("jpeg", "jpg")
            );
        }
        res.push_str("</ofd:MultiMedias></ofd:Res>\n");
        document_res = Some(res);
    }
    let mut document = xml_head();
    let _ = write!(
        document,
        "<ofd:Document xmlns:ofd=\"{NS}\"><ofd:CommonData><ofd:MaxUnitID>{}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>{}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>",
        ids.0,
        area(default_area)
    );
    if document_res.is_some() {
        document.push_str("<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>");
    }
    let _ = writeln!(
        document,
        "<ofd:DefaultCS>1</ofd:DefaultCS></ofd:CommonData><ofd:Pages>{page_entries}</ofd:Pages></ofd:Document>"
    );
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("Doc_0/Document.xml".into(), document.into_bytes()),
        ("Doc_0/PublicRes.xml".into(), public.into_bytes()),
    ];
    if let Some(res) = document_res {
        parts.push(("Doc_0/DocumentRes.xml".into(), res.into_bytes()));
    }
    parts.extend(files);
    for font in fonts {
        parts.push((
            format!("Doc_0/Res/font_{}.{}", font.id, font.extension),
            font.bytes,
        ));
    }
    for image in images {
        parts.push((
            format!(
                "Doc_0/Res/image_{}.{}",
                image.id,
                image.format.to_ascii_lowercase().replace("jpeg", "jpg")
            ),
            image.bytes,
        ));
    }
    // The document's identity is its content: the same pages give the same ID.
    let mut hasher = Sha256::new();
    for (name, bytes) in &parts {
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    let doc_id: String = hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut ofd = xml_head();
    let _ = write!(
        ofd,
        "<ofd:OFD xmlns:ofd=\"{NS}\" Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>{doc_id}</ofd:DocID><ofd:Title>{}</ofd:Title>",
        escape(&info.title)
    );
    if let Some(author) = &info.author {
        let _ = write!(ofd, "<ofd:Author>{}</ofd:Author>", escape(author));
    }
    if let Some(date) = &info.date {
        let _ = write!(ofd, "<ofd:CreationDate>{date}</ofd:CreationDate>");
    }
    let _ = write!(
        ofd,
        "<ofd:Creator>gongwen</ofd:Creator><ofd:CreatorVersion>{}</ofd:CreatorVersion>",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(number) = &info.doc_number {
        let _ = write!(
            ofd,
            "<ofd:CustomDatas><ofd:CustomData Name=\"发文字号\">{}</ofd:CustomData></ofd:CustomDatas>",
            escape(number)
        );
    }
    ofd.push_str(
        "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>\n",
    );
    parts.insert(0, ("OFD.xml".into(), ofd.into_bytes()));
    zip(parts)
}

fn zip(parts: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    // Fonts and images deflate by a sixth at most, at most of the OFD's time: stored.
    crate::write::zip_package(parts.into_iter().map(|(name, bytes)| {
        let packing = if name.ends_with(".xml") {
            Packing::Fast
        } else {
            Packing::Stored
        };
        (name, bytes, packing)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_runs_of_deltas_folded() {
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(-3.05), "-3.05");
        assert_eq!(num(0.007), "0.007");
        assert_eq!(num(2.1004), "2.1");
        assert_eq!(deltas(&[5.644, 5.644, 5.644, 2.0]), "g 3 5.644 2");
        assert_eq!(deltas(&[1.0, 1.0]), "1 1");
    }

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(escape("#*$<&\">"), "#*$&lt;&amp;&quot;&gt;");
        assert_eq!(escape("a\u{1}b"), "a\u{FFFD}b");
    }
}
