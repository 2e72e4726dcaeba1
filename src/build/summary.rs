//! The 办理情况汇总表 of a build: made after the documents, from the replies among them, in
//! every format the build writes. It is built again only when a reply, the set of replies,
//! the session asked for or the environment changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::manifest::{Entry as Built, hash_inputs, hash_parts};
use super::{Outcome, Run, environment, output_hashes};
use crate::diag::Diagnostic;
use crate::kinds::proposal_reply::{ProposalReply, summary};
use crate::load::Library;
use crate::settings::Status;
use crate::templates::Templates;

/// The manifest's key of a summary: no data file is named so.
pub fn manifest_key(name: &str) -> PathBuf {
    PathBuf::from(format!("{}:{name}", summary::KIND))
}

/// The hash of what shapes the summary besides its replies' data: the kind's environment,
/// which replies it holds, the session asked for.
pub fn summary_environment(run: &Run, templates: &Templates, files: &[&Path]) -> String {
    let base = environment(run.args, templates, &run.backends, summary::KIND);
    let list: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let session = run.args.session.clone().unwrap_or_default();
    hash_parts([
        ("environment", base.as_bytes()),
        ("replies", list.join("\n").as_bytes()),
        ("session", session.as_bytes()),
    ])
}

/// The summary of the replies among `jobs`, when one is due: two or more replies, or
/// `--summary`/`--session` asked for. `None` when none is due.
pub fn summarize(
    run: &Run,
    templates: &Templates,
    library: &Library,
    jobs: &[(usize, String)],
    stems: &HashMap<String, &Path>,
) -> Option<(PathBuf, Outcome)> {
    let args = run.args;
    let replies: Vec<usize> = jobs
        .iter()
        .map(|(i, _)| *i)
        .filter(|&i| {
            library.entries[i]
                .document
                .as_ref()
                .is_some_and(|d| d.as_ref().as_any().is::<ProposalReply>())
        })
        .collect();
    let asked = args.summary.is_some() || args.session.is_some();
    if replies.is_empty() && asked {
        run.progress.suspend(|| {
            run.printer.print(&[Diagnostic::warning(t!(
                "no replies in this build: no summary is written"
            ))
            .with_hint(t!(
                "--summary and --session summarize the proposal-reply files being built"
            ))])
        });
    }
    if replies.is_empty() || (replies.len() < 2 && !asked) {
        return None;
    }
    let name = args
        .summary
        .clone()
        .unwrap_or_else(|| summary::DEFAULT_NAME.to_owned());
    let key = manifest_key(&name);
    let fail = |d: Diagnostic| {
        run.progress.suspend(|| run.printer.print(&[d]));
        Some((key.clone(), Outcome::Failed(Status::Invalid)))
    };
    if let Some(first) = stems.get(&name) {
        return fail(
            Diagnostic::error(t!(
                "the summary's name `%{name}` is already taken by %{first}",
                name = name,
                first = first.display()
            ))
            .with_hint(t!("name the summary otherwise with --summary NAME")),
        );
    }
    let invalid = replies
        .iter()
        .filter(|&&i| library.entries[i].diagnostics.has_errors())
        .count();
    if invalid > 0 {
        return fail(
            Diagnostic::error(t!(
                "the summary `%{name}` is not written: %{count} of its %{total} replies have errors",
                name = name,
                count = invalid,
                total = replies.len()
            ))
            .with_hint(t!(
                "correct the replies above; the summary is written when every reply is valid"
            )),
        );
    }
    let document = |i: usize| {
        library.entries[i]
            .document
            .as_deref()
            .and_then(|d| d.as_any().downcast_ref::<ProposalReply>())
            .expect("the replies were chosen by their kind")
    };
    let mut chosen: Vec<usize> = replies.clone();
    if let Some(session) = &args.session {
        let all: Vec<&ProposalReply> = replies.iter().map(|&i| document(i)).collect();
        let sessions = summary::sessions(&all);
        let named = match summary::named_session(&sessions, session) {
            Ok(named) => named,
            Err(count) => {
                let message = match count {
                    0 => t!(
                        "no reply answers a proposal of the session `%{session}`",
                        session = session
                    ),
                    n => t!(
                        "`%{session}` names %{count} sessions",
                        session = session,
                        count = n
                    ),
                };
                return fail(Diagnostic::error(message).with_hint(t!(
                    "the sessions of these replies: %{sessions}",
                    sessions = sessions.join("；")
                )));
            }
        };
        chosen.retain(|&i| document(i).proposal.meeting.value.trim() == named);
    }
    let files: Vec<&Path> = chosen
        .iter()
        .map(|&i| library.entries[i].file.path.as_path())
        .collect();
    let environment = summary_environment(run, templates, &files);
    if !args.force
        && let Some(built) = run.manifest.get(&key)
        && built.is_current(&environment, &args.out_dir)
    {
        return Some((key, Outcome::Unchanged));
    }
    let chosen_replies: Vec<&ProposalReply> = chosen.iter().map(|&i| document(i)).collect();
    let made = summary::summary(&chosen_replies);
    let origin = Path::new(&name);
    let rendered = match run
        .renderer
        .render_collection(made.parts, made.context, made.tables)
    {
        Ok(rendered) => rendered,
        Err(d) => return fail(d),
    };
    let (outputs, format_failures) = match run.outputs_of(rendered, origin, &name) {
        Ok(made) => made,
        Err(_) if crate::interrupt::requested() => return Some((key, Outcome::Interrupted)),
        Err(d) => return fail(d),
    };
    let names = match run.deliver(&outputs, &format_failures) {
        Ok(names) => names,
        Err(status) => return Some((key, Outcome::Failed(status))),
    };
    if !args.quiet {
        run.say(&t!(
            "built the summary of %{count} replies → %{outputs}",
            count = chosen.len(),
            outputs = names
        ));
    }
    if !format_failures.is_empty() {
        return Some((key, Outcome::Partial));
    }
    // The replies as they were read for this summary, should one change meanwhile.
    let loaded: Vec<(&Path, &str)> = chosen
        .iter()
        .filter_map(|&i| {
            let entry = &library.entries[i];
            Some((entry.file.path.as_path(), entry.hash.as_deref()?))
        })
        .collect();
    Some((
        key,
        Outcome::Built(Built {
            kind: summary::KIND.to_owned(),
            environment,
            inputs: hash_inputs(&loaded, &[]),
            outputs: output_hashes(&outputs),
        }),
    ))
}
