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

use super::{GitlabError, Reconstruction, read_issue, reconstruct_json};
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
    in_runs(work, threads, |_, (request, events)| {
        reconstruct_json(wf, request, events)
    })
}

/// [`reconstruct_all_json`] from the issues' JSON text too: each pair is a GitLab REST issue
/// and its label events, both read on the threads. An issue that does not read is its own
/// error, in its place, with its position in `work`.
///
/// ```
/// use csops_core::{Workflow, Directory, gitlab};
/// let wf = Workflow::with_directory(Directory::from_json(r#"{"omar": ["cs_ops"]}"#)?);
/// let issue = r#"{"iid": 7, "title": "t", "state": "opened", "labels": ["CSOps", "CSOps::Triage"],
///   "author": {"username": "rita"}, "created_at": "2026-03-02T09:00:00Z"}"#;
/// let events = r#"[{"user": {"username": "omar"}, "created_at": "2026-03-02T10:00:00Z",
///   "label": {"name": "CSOps::Triage"}, "action": "add"}]"#;
/// let done = gitlab::reconstruct_issues_json(&wf, &[(issue, events), ("{", "[]")], 2);
/// assert_eq!(done[0].as_ref().unwrap().history().len(), 1);
/// assert!(done[1].as_ref().unwrap_err().to_string().starts_with("issue[1]"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reconstruct_issues_json(
    wf: &Workflow,
    work: &[(&str, &str)],
    threads: usize,
) -> Vec<Result<Reconstruction, GitlabError>> {
    in_runs(work, threads, |i, &(issue, events)| {
        let request = read_issue(issue, wf.config()).map_err(|e| e.at_index(i))?;
        reconstruct_json(wf, &request, events)
    })
}

/// `f(index, item)` over every item, on up to `threads` threads: the items split into
/// contiguous runs, one per thread, and the results come back in the items' order.
fn in_runs<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(items.len() / MIN_PER_THREAD).max(1);
    // A run starting at item `first`.
    let one = |first: usize, run: &[T]| -> Vec<R> {
        run.iter()
            .enumerate()
            .map(|(i, t)| f(first + i, t))
            .collect()
    };
    if threads == 1 {
        return one(0, items);
    }
    let per = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(per)
            .enumerate()
            .map(|(k, run)| scope.spawn(move || one(k * per, run)))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for ((k, part), run) in parts.into_iter().enumerate().zip(items.chunks(per)) {
            // A thread that panicked (a bug, never input) gives its items the results of
            // running them here.
            out.extend(part.join().unwrap_or_else(|_| one(k * per, run)));
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

    #[test]
    fn issues_read_on_the_threads_give_what_reading_them_first_gives() {
        let wf = Workflow::with_directory(
            Directory::from_json(r#"{"omar": ["cs_ops"], "lena": ["workstream_lead:Gainsight"]}"#)
                .unwrap(),
        );
        let events = r#"[{"user": {"username": "lena"}, "created_at": "2026-03-02T10:00:00Z",
            "label": {"name": "CSOps::Triage"}, "action": "add"}]"#;
        // Every eleventh issue does not read; every thirteenth has two workflow labels.
        let issues: Vec<String> = (1..=2_000u64)
            .map(|iid| match iid {
                _ if iid % 11 == 0 => format!(r#"{{"iid": {iid}, "title": 3}}"#),
                _ if iid % 13 == 0 => format!(
                    r#"{{"iid": {iid}, "title": "t", "state": "opened", "labels": ["CSOps", "CSOps::Triage", "CSOps::Blocked"],
                    "author": {{"username": "rita"}}, "created_at": "2026-03-02T09:00:00Z"}}"#
                ),
                _ => format!(
                    r#"{{"iid": {iid}, "title": "t", "state": "opened", "labels": ["CSOps", "Gainsight", "CSOps::Triage"],
                    "author": {{"username": "rita"}}, "created_at": "2026-03-02T09:00:00Z"}}"#
                ),
            })
            .collect();
        let work: Vec<(&str, &str)> = issues.iter().map(|i| (i.as_str(), events)).collect();
        let many = reconstruct_issues_json(&wf, &work, 2);
        assert_eq!(many.len(), work.len());
        for (i, (got, (issue, events))) in many.iter().zip(&work).enumerate() {
            let alone = super::super::read_issue(issue, wf.config())
                .map_err(|e| e.at_index(i))
                .and_then(|r| reconstruct_json(&wf, &r, events));
            match (got, alone) {
                (Ok(a), Ok(b)) => assert_eq!(a.request, b.request, "issue {i}"),
                (Err(a), Err(b)) => {
                    assert_eq!(*a, b, "issue {i}");
                    assert!(a.to_string().starts_with("issue"), "{a}");
                    assert!(a.to_string().contains(&format!("[{i}]")), "{a}");
                }
                (a, b) => panic!("issue {i}: {a:?} against {b:?}"),
            }
        }
        let errors = many.iter().filter(|r| r.is_err()).count();
        assert_eq!(errors, 181 + 153 - 13); // 11s, 13s, less the 143s counted twice
    }
}
