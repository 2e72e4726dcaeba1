//! The contract between the Markdown and the back-ends: a document's official parts, by
//! name. The render stage writes them as the Markdown's front matter; the PDF writer (and
//! any later back-end) places each from its field, never by looking for it in the body,
//! which carries only the body. A hand-edited Markdown file uses the same fields.

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Place, Pos, Report};

/// 联系人及电话.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
}

/// A seal of the 落款: an image (a path relative to the file that names it), or none for a
/// seal stamped by hand after printing; `organ` where it names the organ it belongs to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Seal {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organ: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// 签发人职务: a signature stamp (签发人签名章) rather than the organ's seal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Millimetres [default: 42].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<f64>,
}

/// Every official part a document may have. Only `kind` and `title` are required.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Official {
    /// The kind of document (`work-report`, `proposal-reply`, …).
    pub kind: String,
    /// 标题.
    pub title: String,
    /// The title's lines as the author broke them; none: gongwen breaks it.
    pub title_lines: Vec<String>,
    /// 发文机关标志: the issuing organs, the first the main one (a joint issuance names
    /// several); none: no 版头 beyond `marks` and `doc_number`.
    pub issuers: Vec<String>,
    /// `letter` for 信函格式; otherwise 文件格式.
    pub form: Option<String>,
    /// 份号.
    pub copy_number: Option<String>,
    /// 密级和保密期限, e.g. `秘密★1年`.
    pub secrecy: Option<String>,
    /// 紧急程度.
    pub urgency: Option<String>,
    /// 签发人 of an upward document, beside the document number in the 版头.
    pub signers: Vec<String>,
    /// Lines above the document number, left-aligned (是否同意公开、办理结果).
    pub marks: Vec<String>,
    /// 发文字号, e.g. `承办单位提案字〔2024〕第12号`.
    pub doc_number: Option<String>,
    /// 签发人.
    pub signer: Option<String>,
    /// 主送机关, without the closing colon.
    pub addressee: Option<String>,
    /// 附件说明: the attachments' titles, in order.
    pub attachments: Vec<String>,
    /// 发文机关.
    pub organ: Option<String>,
    /// 落款: the signing organ under the body [default: `organ`].
    pub signature: Option<String>,
    /// 成文日期, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// 联系人及电话.
    pub contact: Option<Contact>,
    /// 抄送机关.
    pub cc: Vec<String>,
    /// 印发机关.
    pub printer: Option<String>,
    /// 印发日期, `YYYY-MM-DD`.
    pub printed: Option<String>,
    /// 印章: one an organ of the 落款, in issuing order; none: an unsealed document.
    pub seals: Vec<Seal>,
    /// The PDF standards typst is to enforce (`a-2b`, `a-2a,ua-1`); `--pdf-standard` wins.
    pub pdf_standard: Option<String>,
    /// The document is itself an attachment (a 办理情况汇总表 sent with a cover letter): its
    /// pages hold only its attachment, labelled 附件, with no 版头, title page or 落款.
    pub as_attachment: bool,
}

impl Official {
    pub fn new(kind: &str, title: String) -> Self {
        Official {
            kind: kind.to_owned(),
            title,
            ..Official::default()
        }
    }

    /// Whether the document has a 版头 of its own: an issuing organ or a 版头 element.
    pub fn has_header(&self) -> bool {
        !self.issuers.is_empty()
            || self.copy_number.is_some()
            || self.secrecy.is_some()
            || self.urgency.is_some()
    }

    /// 信函格式.
    pub fn is_letter(&self) -> bool {
        self.form.as_deref() == Some("letter")
    }

    /// The signing organ: `signature`, else `organ`.
    pub fn signing_organ(&self) -> Option<&str> {
        self.signature.as_deref().or(self.organ.as_deref())
    }

    /// The parts as a `---` block: every string double-quoted, empty parts left out.
    pub fn to_front_matter(&self) -> String {
        let mut out = String::from("---\n");
        let mut line = |key: &str, value: String| out.push_str(&format!("{key}: {value}\n"));
        let list = |items: &[String]| {
            let quoted: Vec<String> = items.iter().map(|i| yaml_quote(i)).collect();
            format!("[{}]", quoted.join(", "))
        };
        line("kind", yaml_quote(&self.kind));
        line("title", yaml_quote(&self.title));
        if !self.title_lines.is_empty() {
            line("title_lines", list(&self.title_lines));
        }
        if !self.issuers.is_empty() {
            line("issuers", list(&self.issuers));
        }
        for (key, value) in [
            ("form", &self.form),
            ("copy_number", &self.copy_number),
            ("secrecy", &self.secrecy),
            ("urgency", &self.urgency),
        ] {
            if let Some(value) = value {
                line(key, yaml_quote(value));
            }
        }
        if !self.signers.is_empty() {
            line("signers", list(&self.signers));
        }
        if !self.marks.is_empty() {
            line("marks", list(&self.marks));
        }
        let optional = [
            ("doc_number", &self.doc_number),
            ("signer", &self.signer),
            ("addressee", &self.addressee),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                line(key, yaml_quote(value));
            }
        }
        if !self.attachments.is_empty() {
            line("attachments", list(&self.attachments));
        }
        let optional = [
            ("organ", &self.organ),
            ("signature", &self.signature),
            ("date", &self.date),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                line(key, yaml_quote(value));
            }
        }
        if let Some(contact) = &self.contact {
            line(
                "contact",
                format!(
                    "{{name: {}, phone: {}}}",
                    yaml_quote(&contact.name),
                    yaml_quote(&contact.phone)
                ),
            );
        }
        if !self.cc.is_empty() {
            line("cc", list(&self.cc));
        }
        for (key, value) in [("printer", &self.printer), ("printed", &self.printed)] {
            if let Some(value) = value {
                line(key, yaml_quote(value));
            }
        }
        if let Some(standard) = &self.pdf_standard {
            line("pdf_standard", yaml_quote(standard));
        }
        if self.as_attachment {
            line("as_attachment", "true".into());
        }
        if !self.seals.is_empty() {
            let seals: Vec<String> = self
                .seals
                .iter()
                .map(|seal| {
                    let mut fields = Vec::new();
                    if let Some(organ) = &seal.organ {
                        fields.push(format!("organ: {}", yaml_quote(organ)));
                    }
                    if let Some(image) = &seal.image {
                        fields.push(format!("image: {}", yaml_quote(image)));
                    }
                    if let Some(signer) = &seal.signer {
                        fields.push(format!("signer: {}", yaml_quote(signer)));
                    }
                    if let Some(width) = seal.width {
                        fields.push(format!("width: {width}"));
                    }
                    format!("{{{}}}", fields.join(", "))
                })
                .collect();
            line("seals", format!("[{}]", seals.join(", ")));
        }
        out.push_str("---\n\n");
        out
    }
}

/// A YAML double-quoted string: safe for any text.
pub fn yaml_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            // YAML prints neither controls nor the noncharacters U+FFFE and U+FFFF.
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Splits `---\nYAML\n---\n` from a Markdown text: the YAML, and the body with its offset.
pub fn split_front_matter(markdown: &str) -> Option<(&str, &str, usize)> {
    let rest = markdown
        .strip_prefix("---\n")
        .or_else(|| markdown.strip_prefix("---\r\n"))?;
    let mut offset = markdown.len() - rest.len();
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &markdown[markdown.len() - rest.len()..offset];
            let body_start = offset + line.len();
            return Some((yaml, &markdown[body_start..], body_start));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_off() {
        let (yaml, body, offset) = split_front_matter("---\nkind: x\n---\n\n正文\n").unwrap();
        assert_eq!(yaml, "kind: x\n");
        assert_eq!(body, "\n正文\n");
        assert_eq!(offset, 16);
        assert!(split_front_matter("# no front matter\n").is_none());
    }

    #[test]
    fn front_matter_reads_back_as_written() {
        let mut parts = Official::new("proposal-reply", "对#x*$<的答复".into());
        parts.addressee = Some("范林委员".into());
        parts.cc = vec!["甲\"乙".into(), "丙".into()];
        parts.contact = Some(Contact {
            name: "侯".into(),
            phone: "0311-1".into(),
        });
        let text = parts.to_front_matter();
        let (yaml, _, _) = split_front_matter(&text).unwrap();
        let read: Official = serde_saphyr::from_str(yaml).unwrap();
        assert_eq!(read, parts);
    }
}

/// A Markdown text without readable gongwen front matter.
#[derive(Debug)]
pub struct FrontMatterError {
    pub pos: Pos,
    pub message: String,
}

impl Report for FrontMatterError {
    /// The error at its place in the Markdown file.
    fn report(&self, place: &Place) -> Diagnostic {
        place
            .file_of(Diagnostic::error(self.message.clone()))
            .at(place.text, self.pos)
            .with_hint(t!(
                "the file starts with `---`, a YAML block with at least `kind` and `title`, and `---`; see the README for the fields"
            ))
    }
}

/// The official parts and the body of a Markdown text with gongwen front matter.
pub fn read_front_matter(markdown: &str) -> Result<(Official, &str), FrontMatterError> {
    let Some((yaml, body, _)) = split_front_matter(markdown) else {
        return Err(FrontMatterError {
            pos: Pos::new(1, 1),
            message: t!("no gongwen front matter: the file must start with a `---` block holding at least `kind` and `title`").into_owned(),
        });
    };
    let parts: Official = serde_saphyr::from_str(yaml).map_err(|e| FrontMatterError {
        // The YAML starts on the file's second line.
        pos: e.location().map_or(Pos::new(2, 1), |l| {
            Pos::new(l.line() as u32 + 1, l.column() as u32)
        }),
        message: t!(
            "the front matter cannot be read: %{reason}",
            reason = crate::diag::yaml::reason(&e)
        )
        .into_owned(),
    })?;
    if parts.kind.trim().is_empty() || parts.title.trim().is_empty() {
        return Err(FrontMatterError {
            pos: Pos::new(2, 1),
            message: t!("the front matter needs `kind` and `title`").into_owned(),
        });
    }
    if !parts.seals.is_empty() && (parts.signing_organ().is_none() || parts.date.is_none()) {
        return Err(FrontMatterError {
            pos: Pos::new(2, 1),
            message: t!("a seal, but the document has no 落款 to seal").into_owned(),
        });
    }
    Ok((parts, body))
}
