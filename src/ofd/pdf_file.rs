//! A reader of the PDF files typst writes: the objects, their streams decoded, and the
//! tokens of content streams. It reads what the OFD writer needs to follow typst's pages
//! (pages, fonts, images, content), not PDF in general: no encryption, no object streams
//! or cross-reference streams (typst writes neither), and a damaged file is an error.

use std::collections::HashMap;
use std::io::Read;

/// A PDF object.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    Null,
    Bool(bool),
    Number(f64),
    Name(Vec<u8>),
    String(Vec<u8>),
    Array(Vec<Object>),
    Dict(Dict),
    Ref(u32),
    /// A stream: its dictionary and its raw (still encoded) bytes.
    Stream(Dict, Vec<u8>),
    /// A content-stream operator (only in content streams).
    Operator(Vec<u8>),
}

pub type Dict = Vec<(Vec<u8>, Object)>;

impl Object {
    pub fn number(&self) -> Option<f64> {
        match self {
            Object::Number(n) => Some(*n),
            _ => None,
        }
    }
    pub fn name(&self) -> Option<&[u8]> {
        match self {
            Object::Name(n) => Some(n),
            _ => None,
        }
    }
    pub fn array(&self) -> Option<&[Object]> {
        match self {
            Object::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn dict(&self) -> Option<&Dict> {
        match self {
            Object::Dict(d) | Object::Stream(d, _) => Some(d),
            _ => None,
        }
    }
}

/// The value of `key` in a dictionary.
pub fn get<'a>(dict: &'a Dict, key: &str) -> Option<&'a Object> {
    dict.iter()
        .find(|(k, _)| k == key.as_bytes())
        .map(|(_, v)| v)
}

/// Why a PDF cannot be read.
#[derive(Debug)]
pub struct PdfReadError(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, PdfReadError> {
    Err(PdfReadError(message.into()))
}

/// The objects of one PDF file, by number.
pub struct PdfFile {
    objects: HashMap<u32, Object>,
}

impl PdfFile {
    /// Reads every `N G obj … endobj` in order from the start of the file.
    pub fn parse(data: &[u8]) -> Result<PdfFile, PdfReadError> {
        if !data.starts_with(b"%PDF-") {
            return fail("not a PDF file");
        }
        let mut lexer = Lexer::new(data);
        let mut objects = HashMap::new();
        loop {
            lexer.skip_space();
            if lexer.at_end() {
                break;
            }
            let start = lexer.at;
            match lexer.token()? {
                Token::Number(n) => {
                    let generation = lexer.token()?;
                    let keyword = lexer.token()?;
                    if !matches!(generation, Token::Number(_))
                        || keyword != Token::Keyword(b"obj".to_vec())
                    {
                        return fail(format!("an object header is broken at byte {start}"));
                    }
                    let value = lexer.object(true)?;
                    let value = lexer.maybe_stream(value)?;
                    if lexer.token()? != Token::Keyword(b"endobj".to_vec()) {
                        return fail(format!("object {n} does not end with endobj"));
                    }
                    objects.insert(n as u32, value);
                }
                // The cross-reference table and trailer close the body.
                Token::Keyword(k) if k == b"xref" || k == b"trailer" || k == b"startxref" => {
                    break;
                }
                _ => return fail(format!("unexpected content at byte {start}")),
            }
        }
        Ok(PdfFile { objects })
    }

    /// Object number `n`.
    pub fn object(&self, n: u32) -> Option<&Object> {
        self.objects.get(&n)
    }

    /// The object, with a reference followed (once: typst does not chain them).
    pub fn resolve<'a>(&'a self, object: &'a Object) -> &'a Object {
        match object {
            Object::Ref(n) => self.objects.get(n).unwrap_or(&Object::Null),
            other => other,
        }
    }

    /// `dict[key]`, resolved.
    pub fn get<'a>(&'a self, dict: &'a Dict, key: &str) -> Option<&'a Object> {
        get(dict, key).map(|o| self.resolve(o))
    }

    /// The pages in order, from the catalogue's page tree.
    pub fn pages(&self) -> Result<Vec<&Dict>, PdfReadError> {
        let catalog = self
            .objects
            .values()
            .filter_map(Object::dict)
            .find(|d| get(d, "Type").and_then(Object::name) == Some(b"Catalog"))
            .ok_or_else(|| PdfReadError("no catalogue".into()))?;
        let root = self
            .get(catalog, "Pages")
            .and_then(Object::dict)
            .ok_or_else(|| PdfReadError("no page tree".into()))?;
        let mut pages = Vec::new();
        self.collect_pages(root, &mut pages, 0)?;
        Ok(pages)
    }

    fn collect_pages<'a>(
        &'a self,
        node: &'a Dict,
        pages: &mut Vec<&'a Dict>,
        depth: usize,
    ) -> Result<(), PdfReadError> {
        if depth > 32 {
            return fail("the page tree is too deep");
        }
        match get(node, "Type").and_then(Object::name) {
            Some(b"Page") => pages.push(node),
            _ => {
                for kid in self
                    .get(node, "Kids")
                    .and_then(Object::array)
                    .unwrap_or(&[])
                {
                    if let Some(kid) = self.resolve(kid).dict() {
                        self.collect_pages(kid, pages, depth + 1)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// A stream's bytes with its filters undone (FlateDecode; DCTDecode is kept as JPEG).
    pub fn decoded(&self, object: &Object) -> Result<Vec<u8>, PdfReadError> {
        let Object::Stream(dict, raw) = self.resolve(object) else {
            return fail("a stream was expected");
        };
        let filters: Vec<&[u8]> = match self.get(dict, "Filter") {
            None => Vec::new(),
            Some(Object::Name(n)) => vec![n],
            Some(Object::Array(a)) => a.iter().filter_map(Object::name).collect(),
            Some(_) => return fail("a stream's filter is not a name"),
        };
        let mut bytes = raw.clone();
        for filter in filters {
            match filter {
                b"FlateDecode" => {
                    let mut out = Vec::new();
                    flate2::read::ZlibDecoder::new(&bytes[..])
                        .read_to_end(&mut out)
                        .map_err(|e| PdfReadError(format!("a stream does not inflate: {e}")))?;
                    bytes = out;
                }
                b"DCTDecode" => {}
                other => {
                    return fail(format!(
                        "the filter {} is not read",
                        String::from_utf8_lossy(other)
                    ));
                }
            }
        }
        Ok(bytes)
    }

    /// The objects of a page's content (its streams joined).
    pub fn page_content(&self, page: &Dict) -> Result<Vec<Object>, PdfReadError> {
        let mut data = Vec::new();
        match self.get(page, "Contents") {
            None => {}
            Some(Object::Array(parts)) => {
                for part in parts {
                    data.extend(self.decoded(part)?);
                    data.push(b'\n');
                }
            }
            Some(stream) => data = self.decoded(stream)?,
        }
        content_tokens(&data)
    }
}

/// The operands and operators of a content stream, in order.
pub fn content_tokens(data: &[u8]) -> Result<Vec<Object>, PdfReadError> {
    let mut lexer = Lexer::new(data);
    let mut out = Vec::new();
    loop {
        lexer.skip_space();
        if lexer.at_end() {
            return Ok(out);
        }
        let object = lexer.object(false)?;
        if object == Object::Operator(b"BI".to_vec()) {
            return fail("inline images are not read");
        }
        out.push(object);
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(f64),
    Name(Vec<u8>),
    String(Vec<u8>),
    Keyword(Vec<u8>),
    ArrayStart,
    ArrayEnd,
    DictStart,
    DictEnd,
}

struct Lexer<'a> {
    data: &'a [u8],
    at: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

impl<'a> Lexer<'a> {
    fn new(data: &'a [u8]) -> Self {
        Lexer { data, at: 0 }
    }

    fn at_end(&self) -> bool {
        self.at >= self.data.len()
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_space(b) {
                self.at += 1;
            } else if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
    }

    fn token(&mut self) -> Result<Token, PdfReadError> {
        self.skip_space();
        let Some(b) = self.peek() else {
            return fail("the file ends early");
        };
        self.at += 1;
        Ok(match b {
            b'[' => Token::ArrayStart,
            b']' => Token::ArrayEnd,
            b'<' if self.peek() == Some(b'<') => {
                self.at += 1;
                Token::DictStart
            }
            b'>' if self.peek() == Some(b'>') => {
                self.at += 1;
                Token::DictEnd
            }
            b'<' => {
                let mut digits = Vec::new();
                loop {
                    match self.peek() {
                        None => return fail("a hex string does not end"),
                        Some(b'>') => {
                            self.at += 1;
                            break;
                        }
                        Some(c) => {
                            self.at += 1;
                            if let Some(v) = hex_value(c) {
                                digits.push(v);
                            }
                        }
                    }
                }
                if digits.len() % 2 == 1 {
                    digits.push(0);
                }
                Token::String(digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect())
            }
            b'(' => Token::String(self.literal_string()?),
            b'/' => {
                let mut name = Vec::new();
                while let Some(c) = self.peek().filter(|&c| !is_space(c) && !is_delimiter(c)) {
                    self.at += 1;
                    if c == b'#'
                        && let (Some(h), Some(l)) = (
                            self.data.get(self.at).copied().and_then(hex_value),
                            self.data.get(self.at + 1).copied().and_then(hex_value),
                        )
                    {
                        name.push(h << 4 | l);
                        self.at += 2;
                    } else {
                        name.push(c);
                    }
                }
                Token::Name(name)
            }
            _ => {
                let start = self.at - 1;
                while self
                    .peek()
                    .is_some_and(|c| !is_space(c) && !is_delimiter(c))
                {
                    self.at += 1;
                }
                let word = &self.data[start..self.at];
                let numeric = word
                    .iter()
                    .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+'));
                match std::str::from_utf8(word).ok().and_then(|w| w.parse().ok()) {
                    Some(n) if numeric => Token::Number(n),
                    // `-.5`, `4.` parse; a lone `-` is 0 as readers take it.
                    _ if numeric => Token::Number(0.0),
                    _ => Token::Keyword(word.to_vec()),
                }
            }
        })
    }

    fn literal_string(&mut self) -> Result<Vec<u8>, PdfReadError> {
        let mut out = Vec::new();
        let mut depth = 1;
        loop {
            let Some(c) = self.peek() else {
                return fail("a string does not end");
            };
            self.at += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(out);
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return fail("a string does not end");
                    };
                    self.at += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.at += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut value = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        self.at += 1;
                                        value = value * 8 + u32::from(d - b'0');
                                    }
                                    _ => break,
                                }
                            }
                            out.push(value as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
    }

    /// One object; `references`: `N G R` is a reference (not in content streams).
    fn object(&mut self, references: bool) -> Result<Object, PdfReadError> {
        let token = self.token()?;
        self.object_from(token, references, 0)
    }

    fn object_from(
        &mut self,
        token: Token,
        references: bool,
        depth: usize,
    ) -> Result<Object, PdfReadError> {
        if depth > 64 {
            return fail("objects are nested too deeply");
        }
        Ok(match token {
            Token::Number(n) => {
                if references && n >= 0.0 && n.fract() == 0.0 {
                    let saved = self.at;
                    if let Ok(Token::Number(g)) = self.token()
                        && g >= 0.0
                        && let Ok(Token::Keyword(k)) = self.token()
                        && k == b"R"
                    {
                        return Ok(Object::Ref(n as u32));
                    }
                    self.at = saved;
                }
                Object::Number(n)
            }
            Token::Name(n) => Object::Name(n),
            Token::String(s) => Object::String(s),
            Token::ArrayStart => {
                let mut items = Vec::new();
                loop {
                    match self.token()? {
                        Token::ArrayEnd => break,
                        t => items.push(self.object_from(t, references, depth + 1)?),
                    }
                }
                Object::Array(items)
            }
            Token::DictStart => {
                let mut dict = Vec::new();
                loop {
                    match self.token()? {
                        Token::DictEnd => break,
                        Token::Name(key) => {
                            let t = self.token()?;
                            dict.push((key, self.object_from(t, references, depth + 1)?));
                        }
                        _ => return fail("a dictionary key is not a name"),
                    }
                }
                Object::Dict(dict)
            }
            Token::Keyword(k) => match &k[..] {
                b"true" => Object::Bool(true),
                b"false" => Object::Bool(false),
                b"null" => Object::Null,
                _ => Object::Operator(k),
            },
            Token::ArrayEnd | Token::DictEnd => {
                return fail("a closing bracket without its opening");
            }
        })
    }

    /// A dictionary followed by `stream`: the stream's raw bytes, by its `Length`.
    fn maybe_stream(&mut self, value: Object) -> Result<Object, PdfReadError> {
        let Object::Dict(dict) = value else {
            return Ok(value);
        };
        let saved = self.at;
        self.skip_space();
        if !self.data[self.at..].starts_with(b"stream") {
            self.at = saved;
            return Ok(Object::Dict(dict));
        }
        self.at += b"stream".len();
        if self.data[self.at..].starts_with(b"\r\n") {
            self.at += 2;
        } else if self.peek() == Some(b'\n') {
            self.at += 1;
        }
        let start = self.at;
        let end = match get(&dict, "Length").and_then(Object::number) {
            Some(length) if start + length as usize <= self.data.len() => start + length as usize,
            // An indirect or wrong length: the stream runs to `endstream`.
            _ => match find(&self.data[start..], b"endstream") {
                Some(i) => start + i,
                None => return fail("a stream does not end"),
            },
        };
        let bytes = self.data[start..end].to_vec();
        self.at = end;
        self.skip_space();
        if !self.data[self.at..].starts_with(b"endstream") {
            return fail("a stream is longer than its length");
        }
        self.at += b"endstream".len();
        Ok(Object::Stream(dict, bytes))
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_references_and_streams_are_read() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n3 0 obj\n<</Type/Page/MediaBox[0 0 595.27 841.89]/Contents 4 0 R>>\nendobj\n4 0 obj\n<</Length 27>>\nstream\nq 1 0 0 -1 0 0 cm (a\\)b) Tj\nendstream\nendobj\nxref\n";
        let file = PdfFile::parse(pdf).unwrap();
        let pages = file.pages().unwrap();
        assert_eq!(pages.len(), 1);
        let content = file.page_content(pages[0]).unwrap();
        assert_eq!(content[0], Object::Operator(b"q".to_vec()));
        assert_eq!(content[4], Object::Number(-1.0));
        assert_eq!(content[8], Object::String(b"a)b".to_vec()));
    }

    #[test]
    fn names_strings_and_numbers_decode() {
        let tokens = content_tokens(b"/A#20B <00 41> (\\101\\n) -.5 [1 2]").unwrap();
        assert_eq!(tokens[0], Object::Name(b"A B".to_vec()));
        assert_eq!(tokens[1], Object::String(vec![0, 0x41]));
        assert_eq!(tokens[2], Object::String(b"A\n".to_vec()));
        assert_eq!(tokens[3], Object::Number(-0.5));
        assert_eq!(
            tokens[4],
            Object::Array(vec![Object::Number(1.0), Object::Number(2.0)])
        );
    }
}
