//! 印章: the seals of a document's 落款 (GB/T 9704 §7.3.5.1), as its data file writes them.
//!
//! `seal: 手工盖章` lays the 落款 out for a seal stamped by hand after printing; `seal: PATH`
//! places an organ's electronic seal (PNG with transparency, or SVG); a mapping also gives the
//! organ and the size; a list is a joint issuance, one seal an organ, in issuing order.

use serde_json::{Value as Json, json};

use crate::decode::node::{self, Node, Value};
use crate::decode::record::{Decode, Definitions, FieldDecl, Skeleton, text_schema};
use crate::decode::{Decoder, Located, Number};
use crate::diag::{Diagnostics, Pos};
use crate::record;

/// The words that mean "stamped by hand after printing".
pub const BY_HAND: &[&str] = &["手工盖章", "手工", "hand"];

/// Widths a seal can have: the smallest 签名章 to the largest organ seal.
pub const WIDTHS_MM: std::ops::RangeInclusive<f64> = 15.0..=60.0;

record! {
    /// 印章（映射写法）.
    pub struct SealFields("a seal", "印章") {
        organ: opt Located<String> = "盖章的机关；不写则为落款的发文机关（联合行文时依发文机关顺序）";
        image: opt Located<String> = "电子印章图片（PNG 透明底或 SVG），路径相对于本数据文件；不写则为手工盖章版式";
        width: opt Number = "印章宽度（直径），单位毫米，默认 42（签发人签名章默认 25）";
        signer: opt Located<String> = "签发人职务（全称），如“局长”：写了则为签发人签名章（GB/T 9704 7.3.5.3），职务排在签名章左侧空二字";
    }
}

/// One seal: an image, or the place kept blank for a seal stamped by hand.
#[derive(Clone, Debug)]
pub struct Seal {
    pub organ: Option<Located<String>>,
    /// 签发人职务: the seal is the signer's signature stamp.
    pub signer: Option<Located<String>>,
    pub image: Option<Located<String>>,
    pub width: Option<Number>,
    pub pos: Pos,
}

/// The seals of a document, in issuing order.
#[derive(Clone, Debug, Default)]
pub struct Seals(pub Vec<Seal>);

fn one(d: &mut Decoder, node: &Node, key: &str) -> Option<Seal> {
    if matches!(node.value, Value::Map(_)) {
        let fields = SealFields::decode(d, node, key)?;
        return Some(Seal {
            organ: fields.organ,
            signer: fields.signer,
            image: fields.image,
            width: fields.width,
            pos: fields.pos,
        });
    }
    let text = d.line(node, key)?;
    let by_hand = BY_HAND.contains(&text.value.as_str());
    Some(Seal {
        organ: None,
        signer: None,
        pos: text.pos,
        image: (!by_hand).then_some(text),
        width: None,
    })
}

impl Decode for Seals {
    fn decode(d: &mut Decoder, node: &Node, key: &str) -> Option<Self> {
        match &node.value {
            Value::Seq(items) if items.is_empty() => {
                d.diags
                    .error(node::pos(node), t!("`%{key}` is an empty list", key = key))
                    .hint(t!(
                        "write 手工盖章, an image's path, or one seal an organ; or remove the field"
                    ));
                None
            }
            Value::Seq(items) => Some(Seals(items.iter().filter_map(|n| one(d, n, key)).collect())),
            _ => one(d, node, key).map(|s| Seals(vec![s])),
        }
    }
    fn schema(defs: &mut Definitions) -> Json {
        let single = json!({"anyOf": [text_schema(), SealFields::schema(defs)]});
        json!({"anyOf": [single.clone(), {"type": "array", "minItems": 1, "items": single}]})
    }
    fn skeleton(out: &mut Skeleton, field: &FieldDecl) {
        out.scalar(field);
    }
}

/// The rules of the seals that need the rest of the document: the organs that sign, in
/// order (one, or the issuers of a joint issuance).
pub fn rules(seals: &Seals, signing_organs: &[&str], diags: &mut Diagnostics) {
    let Some(first) = seals.0.first() else {
        return;
    };
    // Signature stamps and organ seals are not mixed: the 落款 is laid out for one or the
    // other.
    let stamps = seals.0.iter().filter(|s| s.signer.is_some()).count();
    if stamps > 0 && stamps < seals.0.len() {
        diags
            .error(first.pos, t!("organ seals and signature stamps mixed"))
            .hint(t!(
                "give every seal a `signer` (签发人签名章) or none (机关印章)"
            ));
    }
    for seal in &seals.0 {
        if let Some(width) = &seal.width
            && !WIDTHS_MM.contains(&width.value)
        {
            diags
                .error(
                    width.pos,
                    t!(
                        "a seal %{width} mm wide, outside %{min}–%{max} mm",
                        width = width.text,
                        min = WIDTHS_MM.start(),
                        max = WIDTHS_MM.end()
                    ),
                )
                .hint(t!("give the seal's width in millimetres; an organ's seal is usually 40–45 mm (default 42)"));
        }
    }
    let joint = signing_organs.len() > 1;
    if joint && seals.0.len() != signing_organs.len() {
        diags
            .error(
                first.pos,
                t!(
                    "%{seals} seal(s) for a joint issuance of %{organs} organs",
                    seals = seals.0.len(),
                    organs = signing_organs.len()
                ),
            )
            .hint(t!(
                "in a joint issuance every organ seals: list one seal an organ, in the order of %{organs}",
                organs = signing_organs.join("、")
            ));
    } else if !joint && seals.0.len() > 1 {
        diags
            .error(seals.0[1].pos, t!("several seals for one signing organ"))
            .hint(t!(
                "a joint issuance names its organs in `header.issuers`; a single organ has one seal"
            ));
    }
    for (seal, organ) in seals.0.iter().zip(signing_organs) {
        if let Some(named) = &seal.organ
            && named.value != *organ
        {
            diags
                .error(
                    named.pos,
                    t!(
                        "the seal names `%{named}`, but the organ in this place is `%{organ}`",
                        named = named.value,
                        organ = organ
                    ),
                )
                .hint(t!(
                    "list the seals in the order the organs sign (主办机关在前)"
                ));
        }
    }
}

/// The seals as official parts, for the front matter and the layout plan.
pub fn official(seals: &Seals) -> Vec<crate::official::Seal> {
    seals
        .0
        .iter()
        .map(|s| crate::official::Seal {
            organ: s.organ.as_ref().map(|o| o.value.clone()),
            signer: s.signer.as_ref().map(|o| o.value.clone()),
            image: s.image.as_ref().map(|i| i.value.clone()),
            width: s.width.as_ref().map(|w| w.value),
        })
        .collect()
}
