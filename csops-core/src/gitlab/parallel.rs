//! Reconstructing many issues at once, on several threads (issue #17, reading in parallel).
//! Each issue's label events are its own, so the issues split into contiguous runs, one per
//! thread, and the results come back in the issues' order: the same results as
//! [`reconstruct_json`] one issue at a time.
//!
//! ```
//! use csops_core::{Workflow, Directory, gitlab};
//! let wf = Workflow::with_directory(Directory::from_json(r#"{"omar": ["cs_ops"]}"#)?);
//! let issue = r#"{"iid": 7, "title": "t", "state": "opened", "labels": ["CSOps", "CSOps::Triage"],
//!   "author": {"username": "rita"}, "created_at": "2026-03-02T09:00:00Z"}"#;
//! let request = gitlab::read_issue(issue, wf.config())?;
//! let events = r#"[{"user": {"username": "omar"}, "created_at": "2026-03-02T10:00:00Z",
//!   "label": {"name": "CSOps::Triage"}, "action": "add"}]"#;
//! let work = vec![(request.clone(), events), (request, "not JSON")];
//! let done = gitlab::reconstruct_all_json(&wf, &work, 2);
//! assert_eq!(done[0].as_ref().unwrap().history().len(), 1);
//! assert!(done[1].is_err()); // an issue's bad events are its own error, in its place
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::{GitlabError, Reconstruction, reconstruct_json};
use crate::{Request, Workflow};

/// Below this many issues per thread a thread costs more than it saves.
const MIN_PER_THREAD: usize = 256;

/// Reconstructs each request from its label events' JSON text (GitLab's list, as the API gives
/// it per issue), on up to `threads` threads; one result per request, in order, each as
/// [`reconstruct_json`] gives it.
pub fn reconstruct_all_json(
    wf: &Workflow,
    work: &[(Request, &str)],
    threads: usize,
) -> Vec<Result<Reconstruction, GitlabError>> {
    let threads = threads.min(work.len() / MIN_PER_THREAD).max(1);
    let one = |run: &[(Request, &str)]| -> Vec<Result<Reconstruction, GitlabError>> {
        run.iter()
            .map(|(request, events)| reconstruct_json(wf, request, events))
            .collect()
    };
    if threads == 1 {
        return one(work);
    }
    let per = work.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = work
            .chunks(per)
            .map(|run| scope.spawn(move || one(run)))
            .collect();
        let mut out = Vec::with_capacity(work.len());
        for (part, run) in parts.into_iter().zip(work.chunks(per)) {
            // A thread that panicked (a bug, never input) gives its issues the error of
            // running them one at a time.
            out.extend(part.join().unwrap_or_else(|_| one(run)));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Directory;

    #[test]
    fn many_threads_give_what_one_gives_in_order() {
        let wf = Workflow::with_directory(
            Directory::from_json(r#"{"omar": ["cs_ops"], "lena": ["workstream_lead:Gainsight"]}"#)
                .unwrap(),
        );
        let work: Vec<(Request, String)> = (1..=1_000u64)
            .map(|iid| {
                let issue = format!(
                    r#"{{"iid": {iid}, "title": "t", "state": "opened", "labels": ["CSOps", "Gainsight", "CSOps::Triage"],
                    "author": {{"username": "rita"}}, "created_at": "2026-03-02T09:00:00Z"}}"#
                );
                let request = super::super::read_issue(&issue, wf.config()).unwrap();
                // Every seventh issue's events do not read; every third is triaged by who may not.
                let events = if iid % 7 == 0 {
                    "[{".to_owned()
                } else {
                    let who = if iid % 3 == 0 { "omar" } else { "lena" };
                    format!(
                        r#"[{{"user": {{"username": "{who}"}}, "created_at": "2026-03-02T10:00:00Z",
                        "label": {{"name": "CSOps::Triage"}}, "action": "add"}}]"#
                    )
                };
                (request, events)
            })
            .collect();
        let work: Vec<(Request, &str)> =
            work.iter().map(|(r, e)| (r.clone(), e.as_str())).collect();
        let one = reconstruct_all_json(&wf, &work, 1);
        for threads in [2, 3, 8] {
            let many = reconstruct_all_json(&wf, &work, threads);
            assert_eq!(many.len(), one.len());
            for (i, (a, b)) in one.iter().zip(&many).enumerate() {
                match (a, b) {
                    (Ok(a), Ok(b)) => {
                        assert_eq!(a.request, b.request, "issue {i}");
                        assert_eq!(a.violations, b.violations, "issue {i}");
                    }
                    (Err(a), Err(b)) => assert_eq!(a, b, "issue {i}"),
                    _ => panic!("issue {i}: {a:?} against {b:?}"),
                }
            }
        }
        assert_eq!(one.iter().filter(|r| r.is_err()).count(), 142);
        assert!(one.iter().flatten().any(|r| !r.violations.is_empty()));
    }
}
