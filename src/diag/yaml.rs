//! The YAML parser's errors in the users' words. The parser names each error by a kind
//! (`granit_parser::ErrorKind`); every kind belongs to one class below, and each class has
//! its own message and hint in the message catalogue, so no parser English reaches a
//! Chinese report. The position is moved to what the user should look at where the
//! parser's own points elsewhere.

use std::borrow::Cow;

use serde_saphyr::Error as E;
use serde_saphyr::granit_parser::ErrorKind as K;

use super::Pos;

/// The parser's limits: values in one file, and how deep they nest.
pub const MAX_NODES: usize = 250_000;
pub const MAX_DEPTH: usize = 64;

/// What went wrong, as the user would put it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    ExtraDocument,
    Tag,
    MergeKey,
    Tab,
    UnclosedBracket(char),
    MismatchedBracket(char, char),
    StrayBracket,
    FlowSeparator,
    UnclosedQuote,
    AfterQuote,
    Escape,
    ColonInText,
    MappingIndent,
    ListIndent,
    BlockText,
    Anchor,
    Reserved(char),
    Comment,
    Directive,
    Bom,
    MissingValue,
    TooManyNodes,
    TooDeep,
    OtherLimit,
    /// The value was read, but not into the data's shape (the library's own terms).
    Value,
    Other,
}

impl Class {
    fn of(e: &E) -> Class {
        let mut inner = e;
        while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = inner {
            inner = error;
        }
        match inner {
            E::MultipleDocuments { .. } => Class::ExtraDocument,
            E::BinaryNotUtf8 { .. }
            | E::InvalidBinaryBase64 { .. }
            | E::TaggedScalarCannotDeserializeIntoString { .. }
            | E::UnsupportedTag { .. }
            | E::TaggedStructFieldName { .. }
            | E::BytesNotSupportedMissingBinaryTag { .. } => Class::Tag,
            E::MergeKeyNotAllowed { .. } | E::MergeValueNotMapOrSeqOfMaps { .. } => Class::MergeKey,
            E::UnknownAnchor { .. } => Class::Anchor,
            E::FoldedBlockScalarMustIndentContent { .. } => Class::BlockText,
            E::ExternalMessage { source, .. } => match source.as_ref() {
                serde_saphyr::ExternalMessageSource::Parser(scan) => Class::of_kind(scan.kind()),
                _ => Class::Value,
            },
            _ => {
                let message = super::parser_message(e);
                if message.contains("budget breached: Nodes") {
                    Class::TooManyNodes
                } else if message.contains("budget breached: Depth")
                    || message.contains("recursion limit")
                {
                    Class::TooDeep
                } else if message.contains("budget breached") {
                    Class::OtherLimit
                } else {
                    Class::Value
                }
            }
        }
    }

    fn of_kind(kind: &K) -> Class {
        match kind {
            K::TabNotAllowed
            | K::TabInBlockIndentation
            | K::TabInIndentation
            | K::TabInPlainScalar
            | K::TabAtBlockScalarStart => Class::Tab,
            K::UnclosedFlowCollection { open } => Class::UnclosedBracket(*open),
            K::MismatchedFlowCollectionEnd { open, close } => {
                Class::MismatchedBracket(*open, *close)
            }
            K::MisplacedFlowCollectionEnd => Class::StrayBracket,
            K::ExpectedFlowMappingSeparator
            | K::ExpectedFlowSequenceSeparator
            | K::UnexpectedEofFlowSequence
            | K::UnexpectedEofFlowMapping
            | K::UnexpectedEofImplicitFlowMapping
            | K::InvalidColonPlacement
            | K::FlowMappingValueAdjacentCollection
            | K::BlockEntryInFlowCollection
            | K::InvalidFlowScalarIndent => Class::FlowSeparator,
            K::UnclosedQuotedScalar
            | K::InvalidQuotedScalarIndent
            | K::DocumentIndicatorInQuotedScalar => Class::UnclosedQuote,
            K::InvalidTrailingSingleQuotedScalar | K::InvalidTrailingDoubleQuotedScalar => {
                Class::AfterQuote
            }
            K::UnknownQuotedScalarEscape
            | K::InvalidQuotedScalarHexEscape
            | K::InvalidLowSurrogateHexEscape
            | K::InvalidLowSurrogate
            | K::MissingLowSurrogate
            | K::UnpairedLowSurrogate
            | K::InvalidUnicodeEscape => Class::Escape,
            K::MappingValueNotAllowed
            | K::MappingKeyNotAllowed
            | K::InvalidMappingValueWhitespace
            | K::SimpleKeyExpected
            | K::InvalidSimpleKey => Class::ColonInText,
            K::ExpectedBlockMappingKey | K::InvalidIndentation | K::UnexpectedEofBlockMapping => {
                Class::MappingIndent
            }
            K::ExpectedBlockSequenceEntry
            | K::BlockSequenceEntryNotAllowed
            | K::UnexpectedEofBlockSequence
            | K::InvalidBlockEntryWhitespace => Class::ListIndent,
            K::ZeroBlockScalarIndent
            | K::InvalidBlockScalarHeader
            | K::InvalidBlockScalarIndent => Class::BlockText,
            K::MissingAnchorOrAliasName | K::UnknownAnchor | K::AnchorCountOverflow => {
                Class::Anchor
            }
            K::UnexpectedCharacter { character } => Class::Reserved(*character),
            K::PlainScalarStartsWithDashFlowIndicator => Class::Reserved('-'),
            K::CommentNotSeparated | K::CommentInterceptedScalar => Class::Comment,
            K::ExpectedTagBang
            | K::ExpectedTagDirectiveBang
            | K::InvalidGlobalTagCharacter
            | K::InvalidTagTerminator
            | K::MissingTagUri
            | K::UnclosedVerbatimTag
            | K::InvalidTagEscape
            | K::InvalidTagUtf8LeadingByte
            | K::InvalidTagUtf8TrailingByte
            | K::InvalidTagUtf8
            | K::UndeclaredTagHandle => Class::Tag,
            K::DuplicateVersionDirective
            | K::UnsupportedYamlMajorVersion
            | K::DuplicateTagDirective
            | K::ExpectedDocumentStart
            | K::MissingDocumentEndBeforeDirective
            | K::InvalidDocumentEnd
            | K::InvalidDirectiveTerminator
            | K::DirectiveDisallowed
            | K::MissingYamlVersionSeparator
            | K::MissingDirectiveName
            | K::InvalidDirectiveName
            | K::DirectiveByteLimitExceeded { .. }
            | K::TooManyReservedDirectiveParams { .. }
            | K::YamlVersionTooLong
            | K::MissingYamlVersion
            | K::InvalidTagDirectiveTerminator => Class::Directive,
            K::MultipleDocumentsUnsupported => Class::ExtraDocument,
            K::BomInsideDocument => Class::Bom,
            K::RecursionLimitExceeded => Class::TooDeep,
            K::UnexpectedEof
            | K::ExpectedNodeContent
            | K::ExpectedWhitespace
            | K::UnexpectedEndOfPlainScalar => Class::MissingValue,
            _ => Class::Other,
        }
    }
}

/// The closing bracket of an opening one.
fn closing(open: char) -> char {
    match open {
        '[' => ']',
        '{' => '}',
        other => other,
    }
}

/// The generic hint, for errors the parser cannot place more precisely.
fn layout_hint() -> Cow<'static, str> {
    t!(
        "check the indentation and the `:` after each field name; text with `: ` or `#` in it goes in quotes; indent with spaces, not tabs"
    )
}

/// The message and the hint for a parser error.
pub fn wording(e: &E) -> (String, String) {
    let bracket_hint = |open: char| {
        t!(
            "close it with `%{close}`, or put text that starts with a bracket in quotes",
            close = closing(open)
        )
    };
    let (message, hint) = match Class::of(e) {
        Class::ExtraDocument => (
            t!("the file holds more than one YAML document"),
            t!(
                "a data file is one document: remove the line `---` or `...` inside it, or put each document in a file of its own"
            ),
        ),
        Class::Tag => (
            t!("YAML tags (`!!binary`, `!!str`, `!name`) are not used in data files"),
            t!("remove the tag before the value; text that starts with `!` goes in quotes"),
        ),
        Class::MergeKey => (
            t!("merge keys (`<<: *name`) are not used in data files"),
            t!("write the fields out"),
        ),
        Class::Tab => (
            t!("a tab where YAML allows only spaces"),
            t!("indent with spaces, not tabs: YAML does not allow tabs in indentation"),
        ),
        Class::UnclosedBracket(open) => (
            t!("the bracket `%{open}` is not closed", open = open),
            bracket_hint(open),
        ),
        Class::MismatchedBracket(open, close) => (
            t!(
                "the bracket `%{open}` is closed by `%{close}`",
                open = open,
                close = close
            ),
            bracket_hint(open),
        ),
        Class::StrayBracket => (
            t!("a closing bracket without its opening one"),
            t!("text with `]` or `}` in it goes in quotes"),
        ),
        Class::FlowSeparator => (
            t!("a list in `[ ]` or a map in `{ }` is not written as YAML expects"),
            t!(
                "separate the items with `, ` and close the brackets; an item with `,`, `:`, `[`, `]`, `{` or `}` in it goes in quotes"
            ),
        ),
        Class::UnclosedQuote => (
            t!("the quoted text is not closed"),
            t!(
                "end the text with the quote it starts with; its further lines are indented more than the field"
            ),
        ),
        Class::AfterQuote => (
            t!("text follows the closing quote"),
            t!(
                "quote the whole value, or remove what follows the quote; a quote inside double-quoted text is written `\\\"`"
            ),
        ),
        Class::Escape => (
            t!("an unknown escape after `\\` in double-quoted text"),
            t!(
                "write a backslash as `\\\\`, or put the text in single quotes, where `\\` is itself"
            ),
        ),
        Class::ColonInText => (
            t!("a `: ` where YAML expects text or the next field"),
            t!(
                "text with `: ` in it goes in quotes (title: \"甲: 乙\"); a field starts in the column of the fields beside it"
            ),
        ),
        Class::MappingIndent => (
            t!("this line does not line up with the fields before it"),
            t!(
                "fields of one level start in the same column; the further lines of a text are indented more than its field"
            ),
        ),
        Class::ListIndent => (
            t!("this line does not line up with the list items before it"),
            t!(
                "each item starts with `- ` in the same column, and the item's further fields line up under its first field"
            ),
        ),
        Class::BlockText => (
            t!("a block of text after `|` or `>` is not written as YAML expects"),
            t!(
                "nothing follows `|` or `>` on its line, and every line of the text is indented more than its field"
            ),
        ),
        Class::Anchor => (
            t!("`&` and `*` start anchors and aliases in YAML"),
            t!("text that starts with `&` or `*` goes in quotes"),
        ),
        Class::Reserved(c) => (
            t!("text cannot start with “%{char}” without quotes", char = c),
            t!("put the text in quotes"),
        ),
        Class::Comment => (
            t!("a `#` here starts a comment or breaks the text"),
            t!("text with `#` in it goes in quotes; a comment is set off by a space before `#`"),
        ),
        Class::Directive => (
            t!("a YAML directive (a line that starts with `%`) or a misplaced document marker"),
            t!(
                "a data file holds fields only: remove the line, or put text that starts with `%` in quotes"
            ),
        ),
        Class::Bom => (
            t!("an invisible byte order mark (U+FEFF) inside the file"),
            t!(
                "delete the invisible character at the start of this line; it comes from pasting another file"
            ),
        ),
        Class::MissingValue => (t!("a value is missing or cut short here"), layout_hint()),
        Class::TooManyNodes => (
            t!(
                "the file holds more than %{limit} values",
                limit = MAX_NODES
            ),
            t!(
                "aliases (*name) multiply what is written; split a very large document into several files"
            ),
        ),
        Class::TooDeep => (
            t!(
                "values nest more than %{limit} levels deep",
                limit = MAX_DEPTH
            ),
            t!("a document needs a handful of levels; check the indentation and the brackets"),
        ),
        Class::OtherLimit => (
            t!("the file exceeds a safety limit of the YAML reader"),
            t!("anchors and aliases (&name, *name) are limited; write the values out instead"),
        ),
        Class::Value => (
            t!("this value cannot be read as YAML data"),
            t!("check the value: text with `: `, `#`, `!`, `&` or `*` at its start goes in quotes"),
        ),
        Class::Other => (t!("this is not valid YAML"), layout_hint()),
    };
    (message.into_owned(), hint.into_owned())
}

/// What to say about an error inside a larger message (the front matter's): the class's
/// message, or the library's own words for a value that does not fit the data's shape,
/// which name the field.
pub fn reason(e: &E) -> String {
    match Class::of(e) {
        Class::Value => super::parser_message(e),
        _ => wording(e).0,
    }
}

/// Where the user should look. The parser reports a tab where the scalar before it
/// started, which may be the line before, and a second document where its content starts:
/// the tab itself and the `---` line are shown instead.
pub fn position(text: &str, e: &E) -> Pos {
    let pos = e.location().map_or(Pos::new(1, 1), |l| {
        Pos::new(l.line() as u32, l.column() as u32)
    });
    let line_start = |line: u32| -> usize {
        text.split_inclusive('\n')
            .take(line.saturating_sub(1) as usize)
            .map(str::len)
            .sum()
    };
    match Class::of(e) {
        Class::Tab => {
            let from = line_start(pos.line);
            if let Some(i) = text[from..].find('\t') {
                return Pos::at(text, from + i);
            }
        }
        // The parser points past the value; the tag is what to remove.
        Class::Tag => {
            let from = line_start(pos.line);
            let line = text[from..].split('\n').next().unwrap_or("");
            let before: String = line.chars().take(pos.col as usize).collect();
            if let Some(i) = before
                .rfind(": !")
                .map(|i| i + 2)
                .or_else(|| before.find('!'))
            {
                return Pos::at(text, from + i);
            }
        }
        // The parser stops where the file ends; the quote that was never closed is where
        // the user's mistake is.
        Class::UnclosedQuote => {
            let from = line_start(pos.line).min(text.len());
            let into: usize = text[from..]
                .chars()
                .take_while(|&c| c != '\n')
                .take(pos.col.saturating_sub(1) as usize)
                .map(char::len_utf8)
                .sum();
            let end = from + into;
            if let Some(i) = text[..end].rfind(['"', '\'']) {
                return Pos::at(text, i);
            }
        }
        Class::ExtraDocument => {
            let marker = text
                .split('\n')
                .take(pos.line as usize)
                .enumerate()
                .skip(1)
                .filter(|(_, l)| l.starts_with("---") || l.starts_with("..."))
                .last();
            if let Some((i, _)) = marker {
                return Pos::new(i as u32 + 1, 1);
            }
        }
        _ => {}
    }
    pos
}
