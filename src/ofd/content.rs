//! A page of the PDF as drawn: its content stream run through a small PDF graphics-state
//! machine, so that every text run, path and image comes out in page millimetres (origin at
//! the top left, y down, as OFD has it) with its colour and transparency. Marked content and
//! the structure tree are not needed for the drawing and are passed over.

use std::collections::BTreeSet;

use super::pdf_file::{Dict, Object, PdfFile, PdfReadError, get};

/// Millimetres per PDF point.
pub const MM_PER_PT: f64 = 25.4 / 72.0;

/// An affine map `[a b c d e f]`: x' = a·x + c·y + e, y' = b·x + d·y + f.
pub type Matrix = [f64; 6];

pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `first` then `then`.
pub fn concat(first: &Matrix, then: &Matrix) -> Matrix {
    let [a, b, c, d, e, f] = *first;
    let [a2, b2, c2, d2, e2, f2] = *then;
    [
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    ]
}

pub fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// An sRGB colour, 0–255.
pub type Rgb = [u8; 3];

/// One run of glyphs set with one font and one text matrix.
#[derive(Debug)]
pub struct TextRun {
    /// The font dictionary's object number.
    pub font: u32,
    /// The font size (`Tf`), in text space.
    pub size: f64,
    /// The horizontal scale (`Tz`), 1 for none.
    pub h_scale: f64,
    /// Text space → page millimetres.
    pub matrix: Matrix,
    /// Each glyph's code (CID) and origin along the text space's x axis.
    pub glyphs: Vec<(u16, f64)>,
    /// The rise (`Ts`): the baseline's offset in text space.
    pub rise: f64,
    pub fill: Option<Rgb>,
    pub stroke: Option<(Rgb, f64)>,
    pub alpha: u8,
}

/// A path segment in page millimetres.
#[derive(Clone, Debug)]
pub enum Segment {
    Move(f64, f64),
    Line(f64, f64),
    Cubic([f64; 6]),
    Close,
}

#[derive(Debug)]
pub struct PathItem {
    pub segments: Vec<Segment>,
    /// The fill colour and whether the rule is even-odd.
    pub fill: Option<(Rgb, bool)>,
    pub stroke: Option<StrokeStyle>,
    pub alpha: u8,
}

#[derive(Clone, Debug)]
pub struct StrokeStyle {
    pub color: Rgb,
    /// In millimetres.
    pub width: f64,
    pub cap: u8,
    pub join: u8,
    pub miter: f64,
    /// The dash array and phase, in millimetres.
    pub dash: Option<(Vec<f64>, f64)>,
}

#[derive(Debug)]
pub struct ImageItem {
    /// The image XObject's stream.
    pub image: Object,
    /// The image's unit square (PDF's: y up) → page millimetres.
    pub matrix: Matrix,
    pub alpha: u8,
}

#[derive(Debug)]
pub enum Item {
    Text(TextRun),
    Path(PathItem),
    Image(ImageItem),
}

/// One page: its size in millimetres and what is drawn on it, in drawing order.
#[derive(Debug)]
pub struct Page {
    pub width: f64,
    pub height: f64,
    pub items: Vec<Item>,
}

/// What was on a page that the OFD does not carry (named for a warning).
pub type Unsupported = BTreeSet<String>;

#[derive(Clone)]
struct State {
    ctm: Matrix,
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    fill_components: usize,
    stroke_components: usize,
    line_width: f64,
    cap: u8,
    join: u8,
    miter: f64,
    dash: Option<(Vec<f64>, f64)>,
    fill_alpha: f64,
    stroke_alpha: f64,
    font: Option<u32>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    h_scale: f64,
    leading: f64,
    rise: f64,
    render_mode: u8,
}

impl State {
    fn new(ctm: Matrix) -> State {
        State {
            ctm,
            fill: Some([0, 0, 0]),
            stroke: Some([0, 0, 0]),
            fill_components: 1,
            stroke_components: 1,
            line_width: 1.0,
            cap: 0,
            join: 0,
            miter: 10.0,
            dash: None,
            fill_alpha: 1.0,
            stroke_alpha: 1.0,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            render_mode: 0,
        }
    }
}

/// Reads every page of the file.
pub fn pages(file: &PdfFile, unsupported: &mut Unsupported) -> Result<Vec<Page>, PdfReadError> {
    // Pages are read on the machine's cores: typst has finished, and the OFD is waited for.
    let list = file.pages()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let read = crate::parallel::map(&list, cores, |page| {
        let mut own = Unsupported::new();
        read_page(file, page, &mut own).map(|page| (page, own))
    });
    let mut out = Vec::with_capacity(read.len());
    for result in read {
        let (page, own) = result?;
        unsupported.extend(own);
        out.push(page);
    }
    Ok(out)
}

fn read_page(
    file: &PdfFile,
    page: &Dict,
    unsupported: &mut Unsupported,
) -> Result<Page, PdfReadError> {
    {
        let media = file
            .get(page, "MediaBox")
            .and_then(Object::array)
            .map(|a| a.iter().filter_map(Object::number).collect::<Vec<_>>())
            .filter(|a| a.len() == 4)
            .unwrap_or_else(|| vec![0.0, 0.0, 595.2756, 841.8898]);
        let (x0, y0, x1, y1) = (media[0], media[1], media[2], media[3]);
        // PDF points, y up → millimetres from the top left, y down.
        let to_page = [
            MM_PER_PT,
            0.0,
            0.0,
            -MM_PER_PT,
            -x0 * MM_PER_PT,
            y1 * MM_PER_PT,
        ];
        let resources = file.get(page, "Resources").and_then(Object::dict);
        let content = file.page_content(page)?;
        let mut machine = Machine {
            file,
            items: Vec::new(),
            unsupported,
            widths: Default::default(),
        };
        machine.run(&content, resources, State::new(to_page), 0)?;
        Ok(Page {
            width: (x1 - x0) * MM_PER_PT,
            height: (y1 - y0) * MM_PER_PT,
            items: machine.items,
        })
    }
}

struct Machine<'a, 'u> {
    file: &'a PdfFile,
    items: Vec<Item>,
    unsupported: &'u mut Unsupported,
    /// Each font's widths, read once a page.
    widths: std::collections::HashMap<u32, std::rc::Rc<Widths>>,
}

/// The colour of `components` numbers in a space of that many components.
fn color(numbers: &[f64]) -> Option<Rgb> {
    let byte = |v: f64| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    match numbers {
        [g] => Some([byte(*g); 3]),
        [r, g, b] => Some([byte(*r), byte(*g), byte(*b)]),
        [c, m, y, k] => Some([
            byte((1.0 - c) * (1.0 - k)),
            byte((1.0 - m) * (1.0 - k)),
            byte((1.0 - y) * (1.0 - k)),
        ]),
        _ => None,
    }
}

/// The scale a matrix applies to lengths (the square root of its area factor).
fn length_scale(m: &Matrix) -> f64 {
    (m[0] * m[3] - m[1] * m[2]).abs().sqrt()
}

impl<'a> Machine<'a, '_> {
    fn resource<'r>(
        &self,
        resources: Option<&'r Dict>,
        kind: &str,
        name: &[u8],
    ) -> Option<&'r Object>
    where
        'a: 'r,
    {
        let group = self.file.get(resources?, kind)?.dict()?;
        group.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The number of components of a named colour space.
    fn components(&self, resources: Option<&Dict>, name: &[u8]) -> usize {
        match name {
            b"DeviceGray" | b"G" | b"CalGray" => 1,
            b"DeviceRGB" | b"RGB" | b"CalRGB" => 3,
            b"DeviceCMYK" | b"CMYK" => 4,
            b"Pattern" => 0,
            _ => {
                let space = self
                    .resource(resources, "ColorSpace", name)
                    .map(|o| self.file.resolve(o));
                match space.and_then(Object::array) {
                    Some([Object::Name(kind), stream, ..]) if kind == b"ICCBased" => self
                        .file
                        .resolve(stream)
                        .dict()
                        .and_then(|d| get(d, "N"))
                        .and_then(Object::number)
                        .map_or(3, |n| n as usize),
                    Some([Object::Name(kind), ..]) if kind == b"Pattern" => 0,
                    Some([Object::Name(kind), ..]) => self.components(None, kind),
                    _ => 3,
                }
            }
        }
    }

    fn run(
        &mut self,
        content: &[Object],
        resources: Option<&'a Dict>,
        initial: State,
        depth: usize,
    ) -> Result<(), PdfReadError> {
        if depth > 16 {
            return Err(PdfReadError("forms are nested too deeply".into()));
        }
        let mut state = initial;
        let mut stack: Vec<State> = Vec::new();
        let mut operands: Vec<&Object> = Vec::new();
        let mut path: Vec<Segment> = Vec::new();
        let mut current = (0.0, 0.0);
        let mut text_matrix = IDENTITY;
        let mut line_matrix = IDENTITY;
        let mut clip_pending = false;
        for object in content {
            let Object::Operator(op) = object else {
                operands.push(object);
                continue;
            };
            let n: Vec<f64> = operands.iter().filter_map(|o| o.number()).collect();
            let num = |i: usize| n.get(i).copied().unwrap_or(0.0);
            match &op[..] {
                b"q" => stack.push(state.clone()),
                b"Q" => {
                    if let Some(saved) = stack.pop() {
                        state = saved;
                    }
                }
                b"cm" if n.len() == 6 => {
                    state.ctm = concat(&[n[0], n[1], n[2], n[3], n[4], n[5]], &state.ctm);
                }
                b"w" => state.line_width = num(0),
                b"J" => state.cap = num(0) as u8,
                b"j" => state.join = num(0) as u8,
                b"M" => state.miter = num(0),
                b"d" => {
                    let array: Vec<f64> = operands
                        .first()
                        .and_then(|o| o.array())
                        .map(|a| a.iter().filter_map(Object::number).collect())
                        .unwrap_or_default();
                    state.dash = (!array.is_empty()).then(|| (array, num(0)));
                }
                b"gs" => {
                    if let Some(Object::Name(name)) = operands.first()
                        && let Some(gs) = self
                            .resource(resources, "ExtGState", name)
                            .map(|o| self.file.resolve(o))
                            .and_then(Object::dict)
                    {
                        if let Some(a) = get(gs, "CA").and_then(Object::number) {
                            state.stroke_alpha = a;
                        }
                        if let Some(a) = get(gs, "ca").and_then(Object::number) {
                            state.fill_alpha = a;
                        }
                        if get(gs, "SMask").is_some_and(|m| m.name() != Some(b"None")) {
                            self.unsupported.insert("soft mask".into());
                        }
                    }
                }
                b"cs" | b"CS" => {
                    let components = match operands.first() {
                        Some(Object::Name(name)) => self.components(resources, name),
                        _ => 3,
                    };
                    if op == b"cs" {
                        state.fill_components = components;
                        state.fill = color(&vec![0.0; components]);
                    } else {
                        state.stroke_components = components;
                        state.stroke = color(&vec![0.0; components]);
                    }
                }
                b"sc" | b"scn" => {
                    if state.fill_components == 0 || n.len() != state.fill_components {
                        self.unsupported.insert("pattern fill".into());
                        state.fill = None;
                    } else {
                        state.fill = color(&n);
                    }
                }
                b"SC" | b"SCN" => {
                    if state.stroke_components == 0 || n.len() != state.stroke_components {
                        self.unsupported.insert("pattern stroke".into());
                        state.stroke = None;
                    } else {
                        state.stroke = color(&n);
                    }
                }
                b"g" | b"rg" | b"k" => {
                    state.fill_components = n.len();
                    state.fill = color(&n);
                }
                b"G" | b"RG" | b"K" => {
                    state.stroke_components = n.len();
                    state.stroke = color(&n);
                }
                b"m" => {
                    current = (num(0), num(1));
                    let (x, y) = apply(&state.ctm, num(0), num(1));
                    path.push(Segment::Move(x, y));
                }
                b"l" => {
                    current = (num(0), num(1));
                    let (x, y) = apply(&state.ctm, num(0), num(1));
                    path.push(Segment::Line(x, y));
                }
                b"c" | b"v" | b"y" => {
                    let (p1, p2, p3) = match &op[..] {
                        b"c" => ((num(0), num(1)), (num(2), num(3)), (num(4), num(5))),
                        b"v" => (current, (num(0), num(1)), (num(2), num(3))),
                        _ => ((num(0), num(1)), (num(2), num(3)), (num(2), num(3))),
                    };
                    current = p3;
                    let a = apply(&state.ctm, p1.0, p1.1);
                    let b = apply(&state.ctm, p2.0, p2.1);
                    let c = apply(&state.ctm, p3.0, p3.1);
                    path.push(Segment::Cubic([a.0, a.1, b.0, b.1, c.0, c.1]));
                }
                b"h" => path.push(Segment::Close),
                b"re" => {
                    let (x, y, w, h) = (num(0), num(1), num(2), num(3));
                    let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
                    for (i, (cx, cy)) in corners.into_iter().enumerate() {
                        let (px, py) = apply(&state.ctm, cx, cy);
                        path.push(if i == 0 {
                            Segment::Move(px, py)
                        } else {
                            Segment::Line(px, py)
                        });
                    }
                    path.push(Segment::Close);
                    current = (x, y);
                }
                b"W" | b"W*" => clip_pending = true,
                b"S" | b"s" | b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" | b"n" => {
                    let close = matches!(&op[..], b"s" | b"b" | b"b*");
                    if close {
                        path.push(Segment::Close);
                    }
                    let fills =
                        matches!(&op[..], b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*");
                    let strokes = matches!(&op[..], b"S" | b"s" | b"B" | b"B*" | b"b" | b"b*");
                    let even_odd = matches!(&op[..], b"f*" | b"B*" | b"b*");
                    if clip_pending {
                        // The clips typst writes bound what it draws inside them (an SVG's
                        // view box, a cell): what is drawn is kept whole.
                        clip_pending = false;
                    }
                    if (fills || strokes) && !path.is_empty() {
                        let fill = if fills {
                            state.fill.map(|c| (c, even_odd))
                        } else {
                            None
                        };
                        let stroke = if strokes {
                            state.stroke.map(|color| StrokeStyle {
                                color,
                                width: state.line_width * length_scale(&state.ctm),
                                cap: state.cap,
                                join: state.join,
                                miter: state.miter,
                                dash: state.dash.as_ref().map(|(array, phase)| {
                                    let s = length_scale(&state.ctm);
                                    (array.iter().map(|v| v * s).collect(), phase * s)
                                }),
                            })
                        } else {
                            None
                        };
                        let alpha = if fills {
                            state.fill_alpha
                        } else {
                            state.stroke_alpha
                        };
                        if fill.is_some() || stroke.is_some() {
                            self.items.push(Item::Path(PathItem {
                                segments: std::mem::take(&mut path),
                                fill,
                                stroke,
                                alpha: alpha_byte(alpha),
                            }));
                        }
                    }
                    path.clear();
                }
                b"BT" => {
                    text_matrix = IDENTITY;
                    line_matrix = IDENTITY;
                }
                b"ET" => {}
                b"Tf" => {
                    if let Some(Object::Name(name)) = operands.first() {
                        state.font = match self.resource(resources, "Font", name) {
                            Some(Object::Ref(r)) => Some(*r),
                            _ => None,
                        };
                        if state.font.is_none() {
                            self.unsupported.insert("a font given inline".into());
                        }
                    }
                    // `n` holds the numbers only: the size is the first.
                    state.size = num(0);
                }
                b"Tc" => state.char_spacing = num(0),
                b"Tw" => state.word_spacing = num(0),
                b"Tz" => state.h_scale = num(0) / 100.0,
                b"TL" => state.leading = num(0),
                b"Ts" => state.rise = num(0),
                b"Tr" => state.render_mode = num(0) as u8,
                b"Tm" if n.len() == 6 => {
                    text_matrix = [n[0], n[1], n[2], n[3], n[4], n[5]];
                    line_matrix = text_matrix;
                }
                b"Td" | b"TD" => {
                    if op == b"TD" {
                        state.leading = -num(1);
                    }
                    line_matrix = concat(&[1.0, 0.0, 0.0, 1.0, num(0), num(1)], &line_matrix);
                    text_matrix = line_matrix;
                }
                b"T*" => {
                    line_matrix = concat(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &line_matrix);
                    text_matrix = line_matrix;
                }
                b"Tj" | b"TJ" | b"'" | b"\"" => {
                    if op == b"'" || op == b"\"" {
                        if op == b"\"" {
                            state.word_spacing = num(0);
                            state.char_spacing = num(1);
                        }
                        line_matrix =
                            concat(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &line_matrix);
                        text_matrix = line_matrix;
                    }
                    let Some(last) = operands.last() else {
                        operands.clear();
                        continue;
                    };
                    let pieces: Vec<&Object> = match last {
                        Object::Array(items) => items.iter().collect(),
                        other => vec![*other],
                    };
                    let advance = self.show(&state, &text_matrix, &pieces);
                    text_matrix = concat(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &text_matrix);
                }
                b"Do" => {
                    if let Some(Object::Name(name)) = operands.first()
                        && let Some(xobject) = self
                            .resource(resources, "XObject", name)
                            .map(|o| self.file.resolve(o))
                    {
                        self.draw_xobject(xobject, resources, &state, depth)?;
                    }
                }
                b"sh" => {
                    self.unsupported.insert("shading".into());
                }
                b"BDC" | b"BMC" | b"EMC" | b"MP" | b"DP" | b"i" | b"ri" | b"BX" | b"EX" | b"d0"
                | b"d1" => {}
                other => {
                    self.unsupported
                        .insert(format!("operator {}", String::from_utf8_lossy(other)));
                }
            }
            operands.clear();
        }
        Ok(())
    }

    /// Draws the glyphs of a `TJ`'s pieces; returns how far the text matrix moves.
    fn show(&mut self, state: &State, text_matrix: &Matrix, pieces: &[&Object]) -> f64 {
        let Some(font) = state.font else {
            return 0.0;
        };
        let widths = self.widths(font);
        let mut x = 0.0;
        let mut glyphs = Vec::new();
        for piece in pieces {
            match piece {
                Object::Number(adjust) => x -= adjust / 1000.0 * state.size * state.h_scale,
                Object::String(bytes) => {
                    for pair in bytes.chunks(2) {
                        let code = if pair.len() == 2 {
                            u16::from(pair[0]) << 8 | u16::from(pair[1])
                        } else {
                            u16::from(pair[0])
                        };
                        glyphs.push((code, x));
                        let width = widths.get(code);
                        // Word spacing applies to the single-byte code 32 only, never in
                        // the two-byte codes typst writes.
                        x += (width / 1000.0 * state.size + state.char_spacing) * state.h_scale;
                    }
                }
                _ => {}
            }
        }
        let visible = !matches!(state.render_mode, 3 | 7);
        if visible && !glyphs.is_empty() {
            let fills = matches!(state.render_mode, 0 | 2 | 4 | 6);
            let strokes = matches!(state.render_mode, 1 | 2 | 5 | 6);
            let matrix = concat(text_matrix, &state.ctm);
            self.items.push(Item::Text(TextRun {
                font,
                size: state.size,
                h_scale: state.h_scale,
                matrix,
                glyphs,
                rise: state.rise,
                fill: if fills { state.fill } else { None },
                stroke: if strokes {
                    state
                        .stroke
                        .map(|c| (c, state.line_width * length_scale(&matrix)))
                } else {
                    None
                },
                alpha: alpha_byte(if fills {
                    state.fill_alpha
                } else {
                    state.stroke_alpha
                }),
            }));
        }
        x
    }

    fn widths(&mut self, font: u32) -> std::rc::Rc<Widths> {
        if let Some(widths) = self.widths.get(&font) {
            return widths.clone();
        }
        let descendant = self
            .file
            .object(font)
            .and_then(Object::dict)
            .and_then(|d| self.file.get(d, "DescendantFonts"))
            .and_then(Object::array)
            .and_then(|a| a.first())
            .map(|o| self.file.resolve(o))
            .and_then(Object::dict);
        let widths = std::rc::Rc::new(Widths::of(self.file, descendant));
        self.widths.insert(font, widths.clone());
        widths
    }

    fn draw_xobject(
        &mut self,
        xobject: &'a Object,
        resources: Option<&'a Dict>,
        state: &State,
        depth: usize,
    ) -> Result<(), PdfReadError> {
        let Some(dict) = xobject.dict() else {
            return Ok(());
        };
        match self.file.get(dict, "Subtype").and_then(Object::name) {
            Some(b"Image") => {
                self.items.push(Item::Image(ImageItem {
                    image: xobject.clone(),
                    matrix: state.ctm,
                    alpha: alpha_byte(state.fill_alpha),
                }));
            }
            Some(b"Form") => {
                let matrix = self
                    .file
                    .get(dict, "Matrix")
                    .and_then(Object::array)
                    .map(|a| a.iter().filter_map(Object::number).collect::<Vec<_>>())
                    .filter(|a| a.len() == 6)
                    .map_or(IDENTITY, |a| [a[0], a[1], a[2], a[3], a[4], a[5]]);
                let mut inner = state.clone();
                inner.ctm = concat(&matrix, &state.ctm);
                let own = self.file.get(dict, "Resources").and_then(Object::dict);
                let content = super::pdf_file::content_tokens(&self.file.decoded(xobject)?)?;
                self.run(&content, own.or(resources), inner, depth + 1)?;
            }
            _ => {
                self.unsupported.insert("an XObject of another kind".into());
            }
        }
        Ok(())
    }
}

fn alpha_byte(value: f64) -> u8 {
    (value.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// A CID font's glyph widths (`W`, `DW`), in thousandths of the font size.
pub struct Widths {
    default: f64,
    ranges: Vec<(u16, u16, f64)>,
}

impl Widths {
    pub fn of(file: &PdfFile, descendant: Option<&Dict>) -> Widths {
        let mut widths = Widths {
            default: 1000.0,
            ranges: Vec::new(),
        };
        let Some(descendant) = descendant else {
            return widths;
        };
        if let Some(dw) = file.get(descendant, "DW").and_then(Object::number) {
            widths.default = dw;
        }
        let w = file
            .get(descendant, "W")
            .and_then(Object::array)
            .unwrap_or(&[]);
        let mut i = 0;
        while i < w.len() {
            let Some(first) = w[i].number() else {
                break;
            };
            match (w.get(i + 1).map(|o| file.resolve(o)), w.get(i + 2)) {
                (Some(Object::Array(list)), _) => {
                    for (k, value) in list.iter().enumerate() {
                        if let Some(value) = value.number() {
                            let cid = first as u16 + k as u16;
                            widths.ranges.push((cid, cid, value));
                        }
                    }
                    i += 2;
                }
                (Some(Object::Number(last)), Some(value)) => {
                    widths
                        .ranges
                        .push((first as u16, *last as u16, value.number().unwrap_or(0.0)));
                    i += 3;
                }
                _ => break,
            }
        }
        widths.ranges.sort_by_key(|r| r.0);
        widths
    }

    pub fn get(&self, cid: u16) -> f64 {
        let after = self.ranges.partition_point(|r| r.0 <= cid);
        match after.checked_sub(1).map(|i| self.ranges[i]) {
            Some((_, last, width)) if cid <= last => width,
            _ => self.default,
        }
    }
}
