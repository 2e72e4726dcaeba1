//! The image of an electronic seal: read once, checked, and handed to both page back-ends.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest seal image read: a seal is a few kilobytes to a few hundred.
pub const MAX_IMAGE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
        }
    }
}

/// A seal image that can be placed: its bytes, format and proportions.
#[derive(Clone, Debug, PartialEq)]
pub struct SealImage {
    pub path: PathBuf,
    pub bytes: Arc<[u8]>,
    pub format: ImageFormat,
    /// Height over width.
    pub aspect: f64,
}

/// Why a seal image cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum SealImageError {
    Unreadable(String),
    NotAnImage,
    /// A PNG without an alpha channel or a transparent colour would hide the text it presses.
    Opaque,
    /// An SVG without a size or a view box, or of a degenerate size.
    NoSize,
}

impl SealImageError {
    /// The message and its hint.
    pub fn message(&self) -> (String, String) {
        match self {
            SealImageError::Unreadable(reason) => (
                t!("cannot read the seal image: %{reason}", reason = reason).into_owned(),
                t!("the path is relative to this data file's folder").into_owned(),
            ),
            SealImageError::NotAnImage => (
                t!("the seal image is not a PNG or SVG file").into_owned(),
                t!("export the electronic seal as a PNG with a transparent background, or as SVG").into_owned(),
            ),
            SealImageError::Opaque => (
                t!("the seal image is a PNG without transparency: it would hide the organ and the date it presses").into_owned(),
                t!("export the seal as a PNG with an alpha channel (transparent background), or as SVG").into_owned(),
            ),
            SealImageError::NoSize => (
                t!("the SVG seal has no usable width and height or viewBox").into_owned(),
                t!("give the <svg> element a viewBox, e.g. viewBox=\"0 0 420 420\"").into_owned(),
            ),
        }
    }
}

impl SealImage {
    /// The name the image is written under beside the Typst source: the same image has the
    /// same name in every document, and two images never share one.
    pub fn file_name(&self) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(&self.bytes);
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("seal-{hex}.{}", self.format.extension())
    }

    /// Reads and checks the image at `path`.
    pub fn read(path: &Path) -> Result<SealImage, SealImageError> {
        use std::io::Read;
        let unreadable = |e: std::io::Error| SealImageError::Unreadable(e.to_string());
        // A folder, pipe or device named as an image is no image (and a pipe is never
        // opened: that could wait forever); a huge file is not read whole.
        if !std::fs::metadata(path).map_err(unreadable)?.is_file() {
            return Err(SealImageError::NotAnImage);
        }
        let file = std::fs::File::open(path).map_err(unreadable)?;
        let mut bytes = Vec::new();
        file.take(MAX_IMAGE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_IMAGE_BYTES {
            return Err(SealImageError::Unreadable(
                t!(
                    "larger than %{limit} MiB",
                    limit = MAX_IMAGE_BYTES / 1024 / 1024
                )
                .into_owned(),
            ));
        }
        SealImage::from_bytes(path, bytes)
    }

    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<SealImage, SealImageError> {
        let (format, aspect) = if let Some(aspect) = png_aspect(&bytes)? {
            (ImageFormat::Png, aspect)
        } else if let Some(aspect) = svg_aspect(&bytes)? {
            (ImageFormat::Svg, aspect)
        } else {
            return Err(SealImageError::NotAnImage);
        };
        Ok(SealImage {
            path: path.to_path_buf(),
            bytes: Arc::from(bytes),
            format,
            aspect,
        })
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The proportions of a PNG, or `None` when the bytes are not one.
fn png_aspect(bytes: &[u8]) -> Result<Option<f64>, SealImageError> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return Ok(None);
    }
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    // The first chunk is IHDR: width, height, bit depth, colour type.
    if bytes.get(12..16) != Some(b"IHDR") {
        return Err(SealImageError::NotAnImage);
    }
    let (Some(width), Some(height), Some(&colour)) = (be32(16), be32(20), bytes.get(25)) else {
        return Err(SealImageError::NotAnImage);
    };
    if width == 0 || height == 0 {
        return Err(SealImageError::NotAnImage);
    }
    let mut transparent = matches!(colour, 4 | 6);
    let mut at = 8;
    while !transparent && let Some(length) = be32(at) {
        match bytes.get(at + 4..at + 8) {
            Some(b"tRNS") => transparent = true,
            Some(b"IDAT") | Some(b"IEND") | None => break,
            Some(_) => {}
        }
        at = at.saturating_add(12).saturating_add(length as usize);
    }
    if !transparent {
        return Err(SealImageError::Opaque);
    }
    Ok(Some(f64::from(height) / f64::from(width)))
}

/// The proportions of an SVG from its root element's viewBox, else its width and height;
/// `None` when the bytes are not an SVG.
fn svg_aspect(bytes: &[u8]) -> Result<Option<f64>, SealImageError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(None);
    };
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if !head.starts_with('<') {
        return Ok(None);
    }
    let Some(start) = text.find("<svg") else {
        return Ok(None);
    };
    let Some(end) = text[start..].find('>') else {
        return Err(SealImageError::NoSize);
    };
    let tag = &text[start..start + end];
    let attribute = |name: &str| -> Option<&str> {
        let mut rest = tag;
        while let Some(i) = rest.find(name) {
            let before = rest[..i].chars().last();
            let after = rest[i + name.len()..].trim_start();
            if before.is_some_and(char::is_whitespace)
                && let Some(value) = after.strip_prefix('=')
            {
                let value = value.trim_start();
                let quote = value.chars().next()?;
                let value = &value[1..];
                return value.find(quote).map(|j| &value[..j]);
            }
            rest = &rest[i + name.len()..];
        }
        None
    };
    let number = |s: &str| -> Option<f64> {
        let digits: String = s
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        digits.parse().ok().filter(|v: &f64| *v > 0.0)
    };
    let from_view_box = attribute("viewBox").and_then(|v| {
        let values: Vec<f64> = v
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        (values.len() == 4 && values[2] > 0.0 && values[3] > 0.0).then(|| values[3] / values[2])
    });
    let from_size = || Some(number(attribute("height")?)? / number(attribute("width")?)?);
    match from_view_box.or_else(from_size) {
        Some(aspect) if (0.2..=5.0).contains(&aspect) => Ok(Some(aspect)),
        _ => Err(SealImageError::NoSize),
    }
}

/// Where the seals of a 落款 go (§7.3.5.1), in millimetres from the type area's left edge
/// and from the top of the row after the body's last: both page back-ends place from it.
#[derive(Clone, Debug, PartialEq)]
pub struct SealLayout {
    /// The rows of organs, in order, each with its row number and its seals.
    pub rows: Vec<SealRow>,
    /// The date's row; the date ends four characters from the right (右空四字).
    pub date_row: u32,
    pub date_centre_mm: f64,
    /// The rows the 落款 takes with its seals, kept on one page.
    pub rows_taken: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SealRow {
    pub row: u32,
    pub seals: Vec<PlacedSeal>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlacedSeal {
    /// Index into the signature's seals.
    pub index: usize,
    pub centre_x_mm: f64,
    pub centre_y_mm: f64,
    pub width_mm: f64,
    pub height_mm: f64,
    /// A signature stamp's title (签发人职务) ends here, two characters left of the stamp,
    /// on its row's line; `None`: the organ is centred over the seal.
    pub label_right_mm: Option<f64>,
}

/// A seal's width when the data gives none: the common 42 mm organ seal, and the smaller
/// signature stamp.
pub const SEAL_WIDTH_MM: f64 = 42.0;
pub const STAMP_WIDTH_MM: f64 = 25.0;

/// The least room between two seals of a row: they neither touch nor overlap.
pub const GUTTER_MM: f64 = 3.0;

/// Lays out the seals of `signature`. The organs are centred over their seals, the last
/// over the date; each row's last seal is centred on the date and the rows stand one over
/// the other, as many to a row as fit in the type area. The organ and date sit a little
/// below the seal's centre (its middle a tenth of its height above theirs), and the first
/// seal's top is within one row below the body.
pub fn layout(signature: &super::Signature) -> Option<SealLayout> {
    use super::gbt9704::*;
    if signature.seals.is_empty() {
        return None;
    }
    let pitch = TYPE_HEIGHT_MM / f64::from(LINES);
    let cell = TYPE_WIDTH_MM / f64::from(CHARS);
    let body = BODY_PT * 25.4 / 72.0;
    let gap = pitch - body;
    let text_mm = |text: &str| super::set_width(text) * cell;
    let date_centre = TYPE_WIDTH_MM - 4.0 * cell - text_mm(&signature.date) / 2.0;
    let seals = &signature.seals;
    if seals.iter().any(|s| s.signer.is_some()) {
        return Some(signature_stamps(seals, date_centre, pitch, cell, body));
    }
    let half = |i: usize| seals[i].width_mm.max(text_mm(&seals[i].organ)) / 2.0;
    let apart = |a: usize, b: usize| {
        (seals[a].width_mm / 2.0 + seals[b].width_mm / 2.0 + GUTTER_MM)
            .max(text_mm(&seals[a].organ) / 2.0 + text_mm(&seals[b].organ) / 2.0 + cell)
    };
    // From the last seal back: a seal that would pass the left edge starts a row before.
    let mut rows: Vec<Vec<(usize, f64)>> = vec![Vec::new()];
    for i in (0..seals.len()).rev() {
        let row = rows.last_mut().expect("a row");
        let x = match row.first() {
            None => date_centre,
            Some(&(next, x)) if x - apart(i, next) - half(i) >= 0.0 => x - apart(i, next),
            Some(_) => {
                rows.push(Vec::new());
                date_centre
            }
        };
        rows.last_mut().expect("a row").insert(0, (i, x));
    }
    rows.reverse();
    let tallest = seals.iter().map(|s| s.height_mm()).fold(0.0, f64::max);
    let drop = tallest / 10.0;
    let pair_middle = (pitch + body) / 2.0;
    let first = ((tallest / 2.0 + drop - pair_middle - gap) / pitch)
        .ceil()
        .max(0.0) as u32;
    let step = ((tallest + GUTTER_MM) / pitch).ceil() as u32;
    let placed: Vec<SealRow> = rows
        .into_iter()
        .enumerate()
        .map(|(k, row)| {
            let organ_row = first + k as u32 * step;
            let centre_y = f64::from(organ_row) * pitch + pair_middle - drop;
            SealRow {
                row: organ_row,
                seals: row
                    .into_iter()
                    .map(|(index, x)| PlacedSeal {
                        index,
                        centre_x_mm: x,
                        centre_y_mm: centre_y,
                        width_mm: seals[index].width_mm,
                        height_mm: seals[index].height_mm(),
                        label_right_mm: None,
                    })
                    .collect(),
            }
        })
        .collect();
    let date_row = placed.last().map_or(first, |r| r.row) + 1;
    let seal_bottom = placed
        .iter()
        .flat_map(|r| &r.seals)
        .map(|s| s.centre_y_mm + s.height_mm / 2.0)
        .fold(0.0, f64::max);
    let rows_taken = (date_row + 1).max(((seal_bottom + gap) / pitch).ceil() as u32);
    Some(SealLayout {
        rows: placed,
        date_row,
        date_centre_mm: date_centre,
        rows_taken,
    })
}

/// 签发人签名章 (§7.3.5.3): two rows under the body, each stamp 右空四字 with the signer's
/// title two characters to its left, centred on it (on the row nearest its middle); one
/// organ a line, stacked in issuing order; the date a row under the last stamp, 右空四字.
fn signature_stamps(
    seals: &[super::SealMark],
    date_centre: f64,
    pitch: f64,
    cell: f64,
    body: f64,
) -> SealLayout {
    let mut rows = Vec::new();
    let mut top_row = 2u32;
    for (index, seal) in seals.iter().enumerate() {
        let (width, height) = (seal.width_mm, seal.height_mm());
        let top = f64::from(top_row) * pitch;
        let centre_y = top + height / 2.0;
        let centre_x = super::gbt9704::TYPE_WIDTH_MM - 4.0 * cell - width / 2.0;
        let label_row = ((centre_y - body / 2.0) / pitch).round().max(0.0) as u32;
        rows.push(SealRow {
            row: label_row,
            seals: vec![PlacedSeal {
                index,
                centre_x_mm: centre_x,
                centre_y_mm: centre_y,
                width_mm: width,
                height_mm: height,
                label_right_mm: Some(centre_x - width / 2.0 - 2.0 * cell),
            }],
        });
        top_row += ((height / pitch).ceil() as u32).max(1);
    }
    // One blank row under the last stamp, then the date.
    let date_row = top_row + 1;
    SealLayout {
        rows,
        date_row,
        date_centre_mm: date_centre,
        rows_taken: date_row + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(colour: u8, extra: &[u8]) -> Vec<u8> {
        let mut bytes = PNG_SIGNATURE.to_vec();
        bytes.extend_from_slice(&13u32.to_be_bytes());
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&200u32.to_be_bytes());
        bytes.extend_from_slice(&100u32.to_be_bytes());
        bytes.extend_from_slice(&[8, colour, 0, 0, 0]);
        bytes.extend_from_slice(&[0; 4]);
        bytes.extend_from_slice(extra);
        bytes
    }

    #[test]
    fn a_png_needs_transparency() {
        let path = Path::new("s.png");
        let rgba = SealImage::from_bytes(path, png(6, b"")).unwrap();
        assert_eq!((rgba.format, rgba.aspect), (ImageFormat::Png, 0.5));
        assert_eq!(
            SealImage::from_bytes(path, png(2, b"")),
            Err(SealImageError::Opaque)
        );
        let mut trns = 1u32.to_be_bytes().to_vec();
        trns.extend_from_slice(b"tRNS\x00\x00\x00\x00\x00");
        assert!(SealImage::from_bytes(path, png(3, &trns)).is_ok());
    }

    #[test]
    fn an_svg_is_measured_by_its_view_box_or_size() {
        let path = Path::new("s.svg");
        let svg = |attrs: &str| {
            format!(
                "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" {attrs}></svg>"
            )
            .into_bytes()
        };
        let by_box = SealImage::from_bytes(path, svg("viewBox=\"0 0 400 200\"")).unwrap();
        assert_eq!(by_box.aspect, 0.5);
        let by_size = SealImage::from_bytes(path, svg("width='42mm' height='42mm'")).unwrap();
        assert_eq!(by_size.aspect, 1.0);
        assert_eq!(
            SealImage::from_bytes(path, svg("")),
            Err(SealImageError::NoSize)
        );
        assert_eq!(
            SealImage::from_bytes(path, b"GIF89a....".to_vec()),
            Err(SealImageError::NotAnImage)
        );
        assert_eq!(
            SealImage::from_bytes(path, b"\xff\xd8\xff\xe0 jpeg".to_vec()),
            Err(SealImageError::NotAnImage)
        );
    }
}
