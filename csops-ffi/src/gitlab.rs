//! GitLab's JSON from C (SPEC §6–§7): issues, label events, webhooks, the audit and the board.

use std::ffi::c_char;

use csops_core::workflow::{self as wf};

use crate::*;

pub(crate) fn gitlab_failure(e: csops_core::gitlab::GitlabError) -> Failure {
    use csops_core::gitlab::GitlabError;
    match e {
        GitlabError::Request {
            source: wf::RequestError::Config(c),
            ..
        } => Failure::new(CSOPS_INVALID_CONFIG, c.to_string()),
        other => Failure::new(CSOPS_INVALID_INPUT, other.to_string()),
    }
}

/// A GitLab reader's result, its failure as a status (see [`read_failure`]).
pub(crate) fn gitlab_read<T>(
    inputs: &[(&str, &str)],
    r: Result<T, csops_core::gitlab::GitlabError>,
) -> Result<T, Failure> {
    r.map_err(|e| read_failure(inputs, gitlab_failure(e)))
}

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
    pointer_call(|| {
        // SAFETY: by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        // SAFETY: by this function's contract.
        let t = unsafe { text(issue_json, "issue_json") }?;
        let inner = gitlab_read(
            &[("issue_json", t)],
            csops_core::gitlab::read_issue(t, wf.inner.config()),
        )?;
        Ok(Box::into_raw(Box::new(csops_request_t { inner })))
    })
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
    status_call(|| {
        // SAFETY: by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        // SAFETY: by this function's contract.
        let t = unsafe { text(issue_json, "issue_json") }?;
        if consistent_out.is_null() {
            return Err(Failure::new(
                CSOPS_INVALID_ARGUMENT,
                "consistent_out is NULL",
            ));
        }
        let check = gitlab_read(
            &[("issue_json", t)],
            csops_core::gitlab::check_issue(&wf.inner, t),
        )?;
        if !report_json_out.is_null() {
            // SAFETY: by this function's contract.
            unsafe { json_out(report_json_out, &check) }?;
        }
        // SAFETY: checked non-NULL above, writable by contract.
        unsafe { write_out(consistent_out, check.consistent) };
        Ok(())
    })
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
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        let issue = unsafe { text(issue_json, "issue_json") }?;
        let events = unsafe { text(events_json, "events_json") }?;
        let req = gitlab_read(
            &[("issue_json", issue)],
            csops_core::gitlab::read_issue(issue, wf.inner.config()),
        )?;
        let rec = gitlab_read(
            &[("events_json", events)],
            csops_core::gitlab::reconstruct_json(&wf.inner, &req, events),
        )?;
        // SAFETY: by this function's contract.
        unsafe { json_out(out_json, &rec) }
    })
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
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        let hook_text = unsafe { text(hook_json, "hook_json") }?;
        let hook = gitlab_read(
            &[("hook_json", hook_text)],
            csops_core::gitlab::read_webhook(hook_text),
        )?;
        let decision = if let Some(stored) = unsafe { stored_or_null.as_ref() } {
            csops_core::gitlab::decide_webhook(&wf.inner, &hook, &stored.inner)
        } else if !events_json_or_null.is_null() {
            let text = unsafe { text(events_json_or_null, "events_json") }?;
            let events = gitlab_read(
                &[("events_json", text)],
                csops_core::gitlab::read_label_events(text),
            )?;
            csops_core::gitlab::decide_webhook_with_events(&wf.inner, &hook, &events)
        } else {
            return Err(Failure::new(
                CSOPS_INVALID_ARGUMENT,
                "stored_or_null and events_json_or_null are both NULL: one is needed",
            ));
        };
        let decision = decision.map_err(gitlab_failure)?;
        // SAFETY: by this function's contract.
        unsafe { json_out(out_json, &decision) }
    })
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
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        let issues = unsafe { text(issues_json, "issues_json") }?;
        let events = if events_json_or_null.is_null() {
            None
        } else {
            Some(unsafe { text(events_json_or_null, "events_json") }?)
        };
        let as_of = instant(unsafe { text(as_of_rfc3339, "as_of_rfc3339") }?, "as_of")?;
        let inputs = [
            ("issues_json", issues),
            ("events_json", events.unwrap_or("null")),
        ];
        let report = gitlab_read(
            &inputs,
            csops_core::gitlab::audit_export(&wf.inner, issues, events, as_of),
        )?;
        // SAFETY: by this function's contract.
        unsafe { json_out(out_json, &report) }
    })
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
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        let requests = unsafe { text(requests_json, "requests_json") }?;
        let as_of = instant(unsafe { text(as_of_rfc3339, "as_of_rfc3339") }?, "as_of")?;
        let report = gitlab_read(
            &[("requests_json", requests)],
            csops_core::gitlab::board_report_json(&wf.inner, requests, as_of),
        )?;
        // SAFETY: by this function's contract.
        unsafe { json_out(out_json, &report) }
    })
}
