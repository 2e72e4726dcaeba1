//! Stage 2, validate: each document's semantic rules, given the documents it links to.
//! A linked document is judged before the one that follows it, so that a link to an
//! invalid file is reported at the link.

use std::sync::Arc;

use rust_i18n::t;

use crate::kinds::{Document, Linked};
use crate::load::Library;

pub fn validate(library: &mut Library) {
    let n = library.entries.len();
    // Links go one way (a report names a plan; a plan names nothing), so the documents
    // that link to nothing are judged first.
    let (leaves, linkers): (Vec<usize>, Vec<usize>) =
        (0..n).partition(|&i| library.entries[i].links.is_empty());
    for i in leaves.into_iter().chain(linkers) {
        let Some(document) = library.entries[i].document.clone() else {
            continue;
        };
        let mut linked: Vec<Option<Arc<dyn Document>>> = Vec::new();
        let mut invalid = Vec::new();
        for (k, link) in library.entries[i].links.iter().enumerate() {
            let target = link.and_then(|j| {
                let entry = &library.entries[j];
                let errors = entry.diagnostics.error_count();
                if errors > 0 {
                    invalid.push((k, errors, entry.file.path.clone()));
                    return None;
                }
                entry.document.clone()
            });
            linked.push(target);
        }
        let links = document.links();
        let entry = &mut library.entries[i];
        for (k, errors, path) in invalid {
            entry
                .diagnostics
                .error(
                    links[k].path.pos,
                    t!(
                        "the linked file `%{path}` is not valid (%{count} errors)",
                        path = links[k].path.value,
                        count = errors
                    ),
                )
                .hint(t!(
                    "run `gongwen validate %{path}` to see them",
                    path = path.display()
                ));
        }
        document.validate(Linked(&linked), &mut entry.diagnostics);
        entry.linked = linked;
    }
}
