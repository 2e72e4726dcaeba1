//! Stage 2, validate: each document's semantic rules, given the documents it links to.
//! A linked document is judged before the one that follows it, so that a link to an
//! invalid file is reported at the link. Documents are judged on up to `jobs` threads.

use std::sync::Arc;

use rust_i18n::t;

use crate::diag::Diagnostics;
use crate::kinds::{Document, Linked};
use crate::load::Library;

pub fn validate(library: &mut Library, jobs: usize) {
    // Links go one way (a report names a plan; a plan names nothing), so the documents
    // that link to nothing are judged first, then those that link to them.
    let (leaves, linkers): (Vec<usize>, Vec<usize>) =
        (0..library.entries.len()).partition(|&i| library.entries[i].links.is_empty());
    for round in [leaves, linkers] {
        let judged = crate::parallel::map(&round, jobs, |&i| judge(library, i));
        for (i, judged) in round.into_iter().zip(judged) {
            let entry = &mut library.entries[i];
            if let Some((diagnostics, linked)) = judged {
                entry.diagnostics.absorb(diagnostics);
                entry.linked = linked;
            }
            // Every problem of the file is now found: its text is not needed any more.
            entry.diagnostics.release_source();
        }
    }
}

/// The first error of a linked file, as a note: a file that cannot even be read says why.
fn first_error(diags: &Diagnostics) -> String {
    let first = diags.sorted().into_iter().find(|d| d.is_error());
    first.map_or_else(String::new, |d| match d.pos {
        Some(pos) => t!(
            "first: line %{line}: %{message}",
            line = pos.line,
            message = d.message
        )
        .into_owned(),
        None => t!("first: %{message}", message = d.message).into_owned(),
    })
}

/// The documents a document links to, where they passed their own rules.
type LinkedDocuments = Vec<Option<Arc<dyn Document>>>;

/// The diagnostics of one document's rules, and the linked documents that passed theirs.
fn judge(library: &Library, i: usize) -> Option<(Diagnostics, LinkedDocuments)> {
    let entry = &library.entries[i];
    let document = entry.document.as_ref()?;
    let mut diags = entry.diagnostics.fork();
    let links = document.links();
    let mut linked: LinkedDocuments = Vec::new();
    for (link, target) in links.iter().zip(&entry.links) {
        let target = target.and_then(|j| {
            let target = &library.entries[j];
            let errors = target.diagnostics.error_count();
            if errors > 0 {
                diags
                    .error(
                        link.path.pos,
                        t!(
                            "the linked file `%{path}` is not valid (%{count} errors)",
                            path = link.path.value,
                            count = errors
                        ),
                    )
                    .note(first_error(&target.diagnostics))
                    .hint(t!(
                        "run `gongwen validate %{path}` to see them",
                        path = target.file.path.display()
                    ));
                return None;
            }
            target.document.clone()
        });
        linked.push(target);
    }
    document.validate(Linked(&linked), &mut diags);
    Some((diags, linked))
}
