//! Stage 2, validate: each document's semantic rules, given the documents it links to.
//! A linked document is judged before the one that follows it, so that a link to an
//! invalid file is reported at the link. Documents are judged on up to `jobs` threads.

use std::sync::Arc;

use crate::diag::Diagnostics;
use crate::kinds::{Document, Linked};
use crate::load::Library;

pub fn validate(library: &mut Library, jobs: usize) {
    break_cycles(library);
    same_proposal_answered_twice(library);
    // A linked document is judged in a round before the documents that link to it: the
    // documents that link to nothing first, then those whose links are all judged (a
    // report on 2025 after the one on 2024, which follows the one on 2023).
    for round in rounds(library) {
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

/// A link that leads back to the file it is in (2024 → 2025 → 2024) is an error at the
/// link that closes the circle, naming the files on it, and is not followed.
fn break_cycles(library: &mut Library) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let count = library.entries.len();
    let mut marks = vec![Mark::New; count];
    for start in 0..count {
        if marks[start] != Mark::New {
            continue;
        }
        // Depth first, by hand: the files on the path, each with its next link to try.
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::OnPath;
        while let Some(&mut (i, ref mut next)) = path.last_mut() {
            let Some(&target) = library.entries[i].links.get(*next) else {
                marks[i] = Mark::Done;
                path.pop();
                continue;
            };
            let k = *next;
            *next += 1;
            let Some(j) = target else { continue };
            match marks[j] {
                Mark::New => {
                    marks[j] = Mark::OnPath;
                    path.push((j, 0));
                }
                Mark::OnPath => {
                    let from = path.iter().position(|&(f, _)| f == j).unwrap_or(0);
                    let circle: Vec<String> = path[from..]
                        .iter()
                        .chain(std::iter::once(&(j, 0)))
                        .map(|&(f, _)| library.entries[f].file.path.display().to_string())
                        .collect();
                    let entry = &mut library.entries[i];
                    if let Some(link) = entry
                        .document
                        .as_ref()
                        .and_then(|d| d.links().get(k).cloned())
                    {
                        entry
                            .diagnostics
                            .error(
                                link.path.pos,
                                t!(
                                    "`%{path}` leads back to this file: the links form a circle",
                                    path = link.path.value
                                ),
                            )
                            .note(circle.join(" → "))
                            .hint(t!(
                                "a report names the report of the year before it, never a later one"
                            ));
                    }
                    entry.links[k] = None;
                }
                Mark::Done => {}
            }
        }
    }
}

/// Two replies of one build to the same proposal (one session, type and number) are an
/// error at each reply's number, naming the other: the summary would count it twice.
fn same_proposal_answered_twice(library: &mut Library) {
    use crate::kinds::proposal_reply::{ProposalReply, summary};
    let (indices, documents): (Vec<usize>, Vec<Arc<dyn Document>>) = library
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.linked_only)
        .filter_map(|(i, e)| e.document.clone().map(|d| (i, d)))
        .filter(|(_, d)| d.as_ref().as_any().is::<ProposalReply>())
        .unzip();
    let replies: Vec<&ProposalReply> = documents
        .iter()
        .filter_map(|d| d.as_ref().as_any().downcast_ref::<ProposalReply>())
        .collect();
    for (k, pos, others) in summary::duplicates(&replies) {
        let elsewhere: Vec<String> = others
            .iter()
            .map(|&o| {
                let at = replies[o].proposal.number.pos;
                format!(
                    "{}:{}:{}",
                    library.entries[indices[o]].file.path.display(),
                    at.line,
                    at.col
                )
            })
            .collect();
        let p = &replies[k].proposal;
        library.entries[indices[k]]
            .diagnostics
            .error(
                pos,
                t!(
                    "%{meeting} %{kind} No. %{number} is answered by another reply too",
                    meeting = p.meeting.value.trim(),
                    kind = p.kind.value,
                    number = p.number.value
                ),
            )
            .note(t!(
                "also answered at %{places}",
                places = elsewhere.join(", ")
            ))
            .hint(t!(
                "a proposal is answered once: correct the number, or remove one of the replies"
            ));
    }
}

/// The entries in rounds: each entry after every entry it links to.
fn rounds(library: &Library) -> Vec<Vec<usize>> {
    let count = library.entries.len();
    let mut depth: Vec<Option<usize>> = vec![None; count];
    // The links are acyclic now; an entry's depth is one more than its deepest link's.
    fn depth_of(library: &Library, depth: &mut Vec<Option<usize>>, i: usize) -> usize {
        if let Some(d) = depth[i] {
            return d;
        }
        let mut d = 0;
        for j in library.entries[i].links.iter().flatten() {
            d = d.max(1 + depth_of(library, depth, *j));
        }
        depth[i] = Some(d);
        d
    }
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    for i in 0..count {
        let d = depth_of(library, &mut depth, i);
        if rounds.len() <= d {
            rounds.resize(d + 1, Vec::new());
        }
        rounds[d].push(i);
    }
    rounds
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
