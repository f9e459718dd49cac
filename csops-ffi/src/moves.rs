//! The questions the transition table answers, from C (SPEC §2): what a person may do now, and
//! the ways from one state to another.

use std::ffi::c_char;

use csops_core::State;
use csops_core::workflow as wf;

use crate::*;

/// What `actor` may do with `req` at `at_rfc3339` (SPEC §2 "What may this person do now?"): a
/// JSON array, one object per command the table offers from the request's state, in table
/// order: `command`, `to`, `open` (accepted once the command carries its `inputs`), `inputs`
/// (what the command must carry) and `unmet` (what stands in the way whatever it carries),
/// each a list of `{kind, rule, missing?}` as a rejection's problems. Written to
/// `choices_json_out`, which the caller frees with `csops_string_free`.
///
/// # Safety
/// Handles are NULL or live; strings are NULL or NUL-terminated; `choices_json_out` is NULL
/// (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_choices(
    wf: *const csops_workflow_t,
    req: *const csops_request_t,
    actor: *const c_char,
    at_rfc3339: *const c_char,
    choices_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let (wf, req) = (arg_ref!(wf)?, arg_ref!(req)?);
        let out = arg_out!(choices_json_out)?;
        let (actor, at) = (arg_text!(actor)?, instant(arg_text!(at_rfc3339)?, "at")?);
        out.write_json(&wf.inner.choices(&req.inner, actor, at))?;
        Ok(CSOPS_OK)
    }
}

/// The shortest sequence of moves from the state `from_state` to `to_state` (names such as
/// "InProcess"), as a JSON array of `{command, from, to}` (`[]` for the same state, `null`
/// when the table has no way), written to `path_json_out` (free it with `csops_string_free`).
/// `CSOPS_INVALID_INPUT` for a name that is no state.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `path_json_out` is NULL (`CSOPS_INVALID_ARGUMENT`) or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_shortest_path(
    from_state: *const c_char,
    to_state: *const c_char,
    path_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let out = arg_out!(path_json_out)?;
        let from = State::named(arg_text!(from_state)?).map_err(failure)?;
        let to = State::named(arg_text!(to_state)?).map_err(failure)?;
        out.write_json(&wf::shortest_path(from, to))?;
        Ok(CSOPS_OK)
    }
}

/// Every simple path (no state twice) from `from_state` to `to_state`, shortest first, as a
/// JSON array of paths as `csops_shortest_path` writes one, written to `paths_json_out` (free
/// it with `csops_string_free`). `CSOPS_INVALID_INPUT` for a name that is no state.
///
/// # Safety
/// As for `csops_shortest_path`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_simple_paths(
    from_state: *const c_char,
    to_state: *const c_char,
    paths_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let out = arg_out!(paths_json_out)?;
        let from = State::named(arg_text!(from_state)?).map_err(failure)?;
        let to = State::named(arg_text!(to_state)?).map_err(failure)?;
        out.write_json(&wf::simple_paths(from, to))?;
        Ok(CSOPS_OK)
    }
}
