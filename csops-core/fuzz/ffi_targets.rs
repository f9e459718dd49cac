//! The fuzz target over the C ABI (`libcsops`): the bytes C would pass, not only the text the
//! core reads — invalid UTF-8, text nested past the readers' limit, a configuration that is
//! neither JSON nor TOML — through the boundary's own reading and into the core. Every call
//! must return a status other than `CSOPS_PANIC` (the boundary turns a panic into that status,
//! so a panic would otherwise pass unseen). Shared by the `ffi` fuzz binary and the normal
//! suite (`csops-ffi/tests/fuzz_regressions.rs`).

use std::ffi::{CString, c_char};
use std::ptr;

use csops::*;

/// The input's NUL-separated parts, as C strings (a part holds no NUL, by construction).
fn parts(data: &[u8], n: usize) -> Vec<CString> {
    let mut out: Vec<CString> = data
        .splitn(n, |b| *b == 0)
        .map(|p| CString::new(p).unwrap_or_default())
        .collect();
    out.resize(n, CString::default());
    out
}

/// A part, or NULL when it is empty (the entry points' "default" / "none").
fn or_null(s: &CString) -> *const c_char {
    if s.as_bytes().is_empty() {
        ptr::null()
    } else {
        s.as_ptr()
    }
}

#[track_caller]
fn no_panic(status: csops_status_t) {
    assert_ne!(
        status,
        csops_status_t::CSOPS_PANIC,
        "a panic inside the C boundary"
    );
}

/// A call that writes a string through `out`: no panic, and the string freed.
#[track_caller]
fn output(status: csops_status_t, out: &mut *mut c_char) {
    no_panic(status);
    // SAFETY: NULL or a string this library returned, freed once.
    unsafe { csops_string_free(*out) };
    *out = ptr::null_mut();
}

/// Parts: directory, configuration (empty: none), request, command, actor, time, issues (or
/// one issue), events by iid (or one issue's events, or an Issue Hook; empty: none), a date.
pub fn ffi(data: &[u8]) {
    let p = parts(data, 9);
    let [dir, cfg, req, cmd, actor, at, issues, events, day] = &p[..] else {
        return;
    };
    // SAFETY (all): every pointer is NULL or a live C string / handle of this function, and
    // every output pointer is a local.
    unsafe {
        let wf = csops_workflow_new(dir.as_ptr(), or_null(cfg));
        if wf.is_null() {
            no_panic(csops_last_error_status());
            return;
        }
        let mut out: *mut c_char = ptr::null_mut();
        let request = csops_workflow_load_request(wf, req.as_ptr());
        if request.is_null() {
            no_panic(csops_last_error_status());
        } else {
            output(
                csops_workflow_can_apply(
                    wf,
                    request,
                    cmd.as_ptr(),
                    actor.as_ptr(),
                    at.as_ptr(),
                    &mut out,
                ),
                &mut out,
            );
            output(
                csops_workflow_apply(
                    wf,
                    request,
                    cmd.as_ptr(),
                    actor.as_ptr(),
                    at.as_ptr(),
                    &mut out,
                ),
                &mut out,
            );
            let json = csops_request_to_json(request);
            if !json.is_null() {
                let again = csops_workflow_load_request(wf, json);
                assert!(!again.is_null(), "a request's own JSON does not load");
                csops_request_free(again);
            }
            csops_string_free(json);
            csops_request_free(request);
        }
        let command = csops_command_from_json(cmd.as_ptr());
        if command.is_null() {
            no_panic(csops_last_error_status());
        } else {
            let request = csops_request_from_json(req.as_ptr());
            if request.is_null() {
                no_panic(csops_last_error_status());
            } else {
                output(
                    csops_workflow_can_apply_command(
                        wf,
                        request,
                        command,
                        actor.as_ptr(),
                        at.as_ptr(),
                        &mut out,
                    ),
                    &mut out,
                );
                no_panic(csops_workflow_apply_command(
                    wf,
                    request,
                    command,
                    actor.as_ptr(),
                    at.as_ptr(),
                    ptr::null_mut(),
                ));
                csops_request_free(request);
            }
        }
        csops_command_free(command);
        // The issues part as one issue, and the events part as its label events or a hook.
        let issue = csops_gitlab_read_issue(wf, issues.as_ptr());
        if issue.is_null() {
            no_panic(csops_last_error_status());
        }
        output(
            csops_gitlab_reconstruct(wf, issues.as_ptr(), events.as_ptr(), &mut out),
            &mut out,
        );
        output(
            csops_gitlab_decide_webhook(wf, events.as_ptr(), issue, ptr::null(), &mut out),
            &mut out,
        );
        output(
            csops_gitlab_decide_webhook(wf, events.as_ptr(), ptr::null(), or_null(req), &mut out),
            &mut out,
        );
        csops_request_free(issue);
        output(
            csops_gitlab_audit(wf, issues.as_ptr(), or_null(events), at.as_ptr(), &mut out),
            &mut out,
        );
        output(
            csops_board_report(wf, issues.as_ptr(), at.as_ptr(), &mut out),
            &mut out,
        );
        // The pages over whatever text came: an audit run's, a backtest's, a book's JSON.
        output(
            csops_board_page(issues.as_ptr(), or_null(actor), &mut out),
            &mut out,
        );
        output(csops_backtest_page(req.as_ptr(), &mut out), &mut out);
        output(
            csops_book_page(events.as_ptr(), or_null(actor), &mut out),
            &mut out,
        );
        let mut consistent = false;
        output(
            csops_gitlab_check_issue(wf, issues.as_ptr(), &mut consistent, &mut out),
            &mut out,
        );
        csops_workflow_free(wf);

        let journey = csops_journey_new(actor.as_ptr(), or_null(cfg));
        if journey.is_null() {
            no_panic(csops_last_error_status());
        } else {
            no_panic(csops_journey_record(journey, cmd.as_ptr(), day.as_ptr()));
            output(
                csops_journey_advance(journey, day.as_ptr(), &mut out),
                &mut out,
            );
            csops_journey_free(journey);
        }
        let card = csops_scorecard_new(or_null(cfg));
        if card.is_null() {
            no_panic(csops_last_error_status());
        } else {
            output(
                csops_scorecard_score(card, req.as_ptr(), or_null(day), or_null(actor), &mut out),
                &mut out,
            );
            // The request's text as a backtest's input, the command's as fit options.
            output(
                csops_scorecard_backtest(card, req.as_ptr(), &mut out),
                &mut out,
            );
            output(
                csops_scorecard_suggest_weights(card, req.as_ptr(), cmd.as_ptr(), &mut out),
                &mut out,
            );
            csops_scorecard_free(card);
        }
    }
}
