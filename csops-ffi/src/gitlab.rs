//! GitLab's JSON from C (SPEC §6–§7): issues, label events, webhooks, the audit and the board.

use std::ffi::c_char;

use crate::*;

/// Reads a GitLab REST issue object (`GET /projects/:id/issues/:iid`) as a request, with the
/// workflow's configuration. Returns NULL on failure (last error set: `CSOPS_INVALID_JSON`, or
/// `CSOPS_INVALID_INPUT` naming the field). Free it with `csops_request_free`.
///
/// # Safety
/// `wf` is NULL or a live workflow; `issue_json` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_gitlab_read_issue(
    wf: *const csops_workflow_t,
    issue_json: *const c_char,
) -> *mut csops_request_t {
    ffi! {
        let wf = arg_ref!(wf)?;
        let t = arg_text!(issue_json)?;
        let inner = csops_core::gitlab::read_issue(t, wf.inner.config()).map_err(failure)?;
        Ok(Box::into_raw(Box::new(csops_request_t { inner })))
    }
}

/// Whether a GitLab issue's current state is consistent (SPEC §6's anomalies of one request:
/// two workflow labels, In_Process without an assignee, closed without Completed / Won't Do).
/// Writes the verdict through `consistent_out` and, when `report_json_out` is not NULL, the
/// report (`{"iid", "state", "consistent", "anomalies": [{"iid", "kind", "message"}]}`, caller
/// frees). An inconsistent issue is `CSOPS_OK`: the call succeeded.
///
/// # Safety
/// `wf` is NULL or a live workflow; `issue_json` is NULL or a NUL-terminated string; the
/// outputs are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_gitlab_check_issue(
    wf: *const csops_workflow_t,
    issue_json: *const c_char,
    consistent_out: *mut bool,
    report_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let wf = arg_ref!(wf)?;
        let t = arg_text!(issue_json)?;
        let consistent = arg_out!(consistent_out)?;
        let check = csops_core::gitlab::check_issue(&wf.inner, t).map_err(failure)?;
        arg_out_or_null!(report_json_out).write_json(&check)?;
        consistent.write(check.consistent);
        Ok(CSOPS_OK)
    }
}

/// Reconstructs an issue's workflow history from its resource label events and audits it.
/// `issue_json`: a GitLab REST issue; `events_json`: its label events (a JSON array). Writes
/// `{"request": {... "history": [...]}, "violations": [{"rule", "actor", "at", "step",
/// "message"}]}` through `out_json` (caller frees).
///
/// # Safety
/// `wf` is NULL or a live workflow; the strings are NULL or NUL-terminated; `out_json` is NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_gitlab_reconstruct(
    wf: *const csops_workflow_t,
    issue_json: *const c_char,
    events_json: *const c_char,
    out_json: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let wf = arg_ref!(wf)?;
        let issue = arg_text!(issue_json)?;
        let events = arg_text!(events_json)?;
        let out = arg_out!(out_json)?;
        let req = csops_core::gitlab::read_issue(issue, wf.inner.config()).map_err(failure)?;
        let rec = csops_core::gitlab::reconstruct_json(&wf.inner, &req, events).map_err(failure)?;
        out.write_json(&rec)?;
        Ok(CSOPS_OK)
    }
}

/// Reconstructs `n` issues at once, each from its GitLab REST issue (`issues_json[i]`) and its
/// label events (`events_json[i]`, a JSON array), read and audited on up to `threads` threads
/// (0: every core). Writes a JSON array through `out_json` (caller frees), one entry per issue
/// in order: its reconstruction (as `csops_gitlab_reconstruct` writes it), or, for an issue
/// that cannot be reconstructed, `{"error": {"status": "invalid_input", "key": "[5].title",
/// "message": ...}}` (the status as `csops_status_name` names it): one bad issue does not stop
/// the others, and the call is `CSOPS_OK`.
///
/// # Safety
/// `wf` is NULL or a live workflow; `issues_json` and `events_json` are NULL (only when `n` is
/// 0) or arrays of `n` NUL-terminated strings; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_gitlab_reconstruct_all(
    wf: *const csops_workflow_t,
    issues_json: *const *const c_char,
    events_json: *const *const c_char,
    n: usize,
    threads: usize,
    out_json: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let wf = arg_ref!(wf)?;
        let issues = arg_texts!(issues_json, n)?;
        let events = arg_texts!(events_json, n)?;
        let out = arg_out!(out_json)?;
        let work: Vec<(&str, &str)> = issues.into_iter().zip(events).collect();
        let threads = threads_arg(threads);
        let done = csops_core::gitlab::reconstruct_issues_json(&wf.inner, &work, threads);
        let entries: Vec<ReconstructEntry<'_>> = done.iter().map(ReconstructEntry::from).collect();
        out.write_json(&entries)?;
        Ok(CSOPS_OK)
    }
}

/// An entry of `csops_gitlab_reconstruct_all`'s array: the reconstruction, or its error.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum ReconstructEntry<'a> {
    Done(&'a csops_core::gitlab::Reconstruction),
    Failed { error: EntryError },
}

/// An issue's error as data: its status's name, the input's key, the message.
#[derive(serde::Serialize)]
struct EntryError {
    status: &'static str,
    key: String,
    message: String,
}

impl<'a> From<&'a Result<csops_core::gitlab::Reconstruction, csops_core::gitlab::GitlabError>>
    for ReconstructEntry<'a>
{
    fn from(
        r: &'a Result<csops_core::gitlab::Reconstruction, csops_core::gitlab::GitlabError>,
    ) -> Self {
        match r {
            Ok(rec) => ReconstructEntry::Done(rec),
            Err(e) => {
                let e = csops_core::Error::from(e.clone());
                let key = e.key();
                let f = failure(e);
                ReconstructEntry::Failed {
                    error: EntryError {
                        status: status_name(f.status),
                        key,
                        message: f.message,
                    },
                }
            }
        }
    }
}

/// Decides an Issue Hook payload (`hook_json`) against the request as stored (`stored_or_null`)
/// or, when that is NULL, the issue's label events (`events_json_or_null`, a JSON array; one of
/// the two is needed). Writes the decision — `allowed`, `violations`, `rest_params`
/// (`add_labels`, `remove_labels`, `state_event`), `comment` — through `out_json`.
///
/// # Safety
/// `wf` is NULL or a live workflow; `stored_or_null` is NULL or a live request; the strings
/// are NULL or NUL-terminated; `out_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_gitlab_decide_webhook(
    wf: *const csops_workflow_t,
    hook_json: *const c_char,
    stored_or_null: *const csops_request_t,
    events_json_or_null: *const c_char,
    out_json: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let wf = arg_ref!(wf)?;
        let hook_text = arg_text!(hook_json)?;
        let out = arg_out!(out_json)?;
        let hook = csops_core::gitlab::read_webhook(hook_text).map_err(failure)?;
        // The events are read only when there is no stored request.
        let stored = arg_ref_or_null!(stored_or_null);
        let events = match stored {
            Some(_) => None,
            None => arg_text_or_null!(events_json_or_null)?,
        };
        let decision = match (stored, events) {
            (Some(stored), _) => csops_core::gitlab::decide_webhook(&wf.inner, &hook, &stored.inner),
            (None, Some(text)) => {
                let events = csops_core::gitlab::read_label_events(text).map_err(failure)?;
                csops_core::gitlab::decide_webhook_with_events(&wf.inner, &hook, &events)
            }
            (None, None) => {
                return Err(Failure::new(
                    CSOPS_INVALID_ARGUMENT,
                    "stored_or_null and events_json_or_null are both NULL: one is needed",
                ));
            }
        };
        out.write_json(&decision.map_err(failure)?)?;
        Ok(CSOPS_OK)
    }
}

/// Audits a GitLab export — `issues_json` (an array of REST issues) and `events_json_or_null`
/// (an object from iid to that issue's label events) — as of `as_of_rfc3339`, the way a
/// scheduled bot does (a dry run: nothing changes), and reports the board. Writes `{"audit":
/// {"summary", "issues", "errors"}, "board": {...}}` through `out_json`.
///
/// # Safety
/// `wf` is NULL or a live workflow; the strings are NULL or NUL-terminated; `out_json` is NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_gitlab_audit(
    wf: *const csops_workflow_t,
    issues_json: *const c_char,
    events_json_or_null: *const c_char,
    as_of_rfc3339: *const c_char,
    out_json: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let wf = arg_ref!(wf)?;
        let issues = arg_text!(issues_json)?;
        let events = arg_text_or_null!(events_json_or_null)?;
        let as_of = instant(arg_text!(as_of_rfc3339)?, "as_of")?;
        let out = arg_out!(out_json)?;
        let report = csops_core::gitlab::audit_export(&wf.inner, issues, events, as_of).map_err(failure)?;
        out.write_json(&report)?;
        Ok(CSOPS_OK)
    }
}

/// The board report (SPEC §6) over `requests_json` — an array of csops requests or GitLab REST
/// issues — as of `as_of_rfc3339`. Writes the report (`by_state`, `load`, `sla_breaches`,
/// `lead_time`, `cycle_time`, `throughput`, `interrupts`, `unroutable`, `anomalies`) through
/// `out_json`.
///
/// # Safety
/// `wf` is NULL or a live workflow; the strings are NULL or NUL-terminated; `out_json` is NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_board_report(
    wf: *const csops_workflow_t,
    requests_json: *const c_char,
    as_of_rfc3339: *const c_char,
    out_json: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let wf = arg_ref!(wf)?;
        let requests = arg_text!(requests_json)?;
        let as_of = instant(arg_text!(as_of_rfc3339)?, "as_of")?;
        let out = arg_out!(out_json)?;
        let report = csops_core::gitlab::board_report_json(&wf.inner, requests, as_of).map_err(failure)?;
        out.write_json(&report)?;
        Ok(CSOPS_OK)
    }
}
