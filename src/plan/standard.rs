//! `--pdf-standard`: the PDF standards typst enforces (PDF/A for archives, GB/T 23286;
//! PDF/UA for accessibility), checked by gongwen before typst runs, so that a wrong value
//! is one clear message and not typst's.

use crate::diag::Diagnostic;

/// typst 0.15's values: PDF versions, PDF/A parts and conformance levels, PDF/UA-1.
const VERSIONS: &[&str] = &["1.4", "1.5", "1.6", "1.7", "2.0"];
const ARCHIVAL: &[&str] = &[
    "a-1b", "a-1a", "a-2b", "a-2u", "a-2a", "a-3b", "a-3u", "a-3a", "a-4", "a-4f", "a-4e",
];
const ACCESSIBLE: &str = "ua-1";

/// One or more standards, as typst takes them (`a-2b`, `a-2a,ua-1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdfStandard(Vec<String>);

impl PdfStandard {
    /// The standards of `--pdf-standard`, or why they cannot be had together.
    pub fn parse(text: &str) -> Result<PdfStandard, Diagnostic> {
        let items: Vec<String> = text
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .collect();
        let hint = || {
            t!(
                "write one of %{versions}, %{archival} or ua-1, or several separated by commas, e.g. `a-2b` or `a-2a,ua-1`",
                versions = VERSIONS.join(", "),
                archival = ARCHIVAL.join(", ")
            )
        };
        for item in &items {
            let known = VERSIONS.contains(&item.as_str())
                || ARCHIVAL.contains(&item.as_str())
                || item == ACCESSIBLE;
            if !known {
                return Err(Diagnostic::error(t!(
                    "unknown PDF standard `%{value}`",
                    value = crate::diag::printable(item)
                ))
                .with_hint(hint()));
            }
        }
        let count = |list: &[&str]| items.iter().filter(|i| list.contains(&i.as_str())).count();
        if count(VERSIONS) > 1 || count(ARCHIVAL) > 1 {
            return Err(Diagnostic::error(t!(
                "`%{value}` names more than one PDF version or PDF/A part",
                value = text
            ))
            .with_hint(hint()));
        }
        // PDF/UA-1 is defined on PDF 1.7 at the most.
        if items.iter().any(|i| i == ACCESSIBLE)
            && items.iter().any(|i| i == "2.0" || i.starts_with("a-4"))
        {
            return Err(Diagnostic::error(t!(
                "ua-1 cannot be combined with PDF 2.0 or PDF/A-4 (`%{value}`)",
                value = text
            ))
            .with_hint(t!("use ua-1 with a-2a or a-3a, e.g. `a-2a,ua-1`")));
        }
        Ok(PdfStandard(items))
    }

    /// The value of typst's `--pdf-standard`.
    pub fn argument(&self) -> String {
        self.0.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_values_pass_and_others_are_explained() {
        assert_eq!(PdfStandard::parse("a-2b").unwrap().argument(), "a-2b");
        assert_eq!(
            PdfStandard::parse("A-2a, ua-1").unwrap().argument(),
            "a-2a,ua-1"
        );
        for bad in ["pdfa", "a-2b,a-3b", "1.7,2.0", "a-4,ua-1", "2.0,ua-1", ""] {
            assert!(PdfStandard::parse(bad).is_err(), "{bad}");
        }
    }
}
