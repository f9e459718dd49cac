//! The request workflow from C: workflows, requests, commands, weights (SPEC §1–§5).

use std::ffi::{CString, c_char};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use csops_core::workflow::{self as wf, Command, RejectionKind};
use csops_core::{Config, Directory};

use crate::*;

/// A workflow: a directory, a configuration and the transition table.
pub struct csops_workflow_t {
    pub(crate) inner: wf::Workflow,
}

/// A CS Ops request with its history.
pub struct csops_request_t {
    pub(crate) inner: wf::Request,
}

/// A command read once, to apply many times (a prepared command).
pub struct csops_command_t {
    pub(crate) inner: Command,
}

pub(crate) static STATE_NAMES: LazyLock<Vec<CString>> =
    LazyLock::new(|| c_names(csops_core::State::as_str));
pub(crate) static KIND_NAMES: LazyLock<Vec<CString>> =
    LazyLock::new(|| c_names(RejectionKind::as_str));

pub(crate) fn command_of(text: &str) -> Result<Command, Failure> {
    Command::from_json(text).map_err(|e| {
        read_failure(
            &[("command_json", text)],
            Failure::new(CSOPS_INVALID_INPUT, e.to_string()),
        )
    })
}

/// The inputs of one step: the command, the actor and the time.
///
/// # Safety
/// Each pointer is NULL or a NUL-terminated string that outlives the call.
pub(crate) unsafe fn step_inputs<'a>(
    command_json: *const c_char,
    actor: *const c_char,
    at_rfc3339: *const c_char,
) -> Result<(Command, &'a str, DateTime<Utc>), Failure> {
    // SAFETY (all three): by this function's contract.
    let command = command_of(unsafe { text(command_json, "command_json") }?)?;
    let actor = unsafe { text(actor, "actor") }?;
    let at = instant(unsafe { text(at_rfc3339, "at_rfc3339") }?, "at")?;
    Ok((command, actor, at))
}

/// Writes the transition as JSON through `out` when it is not NULL (the caller frees it).
///
/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn write_transition(out: *mut *mut c_char, t: &wf::Transition) {
    if !out.is_null() {
        let json = owned_string(serde_json::to_string(t).unwrap_or_default());
        // SAFETY: by this function's contract.
        unsafe { write_out(out, json) };
    }
}

pub(crate) fn rejection(r: wf::Rejection) -> Failure {
    Failure::new(r.kind.into(), r.to_string())
}

/// A workflow over a directory (JSON: `{"person": ["role", …]}`) and a configuration (JSON or
/// TOML text; NULL for the compiled-in default). Returns NULL on failure (last error set). Free
/// it with `csops_workflow_free`.
///
/// # Safety
/// The arguments are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_new(
    directory_json: *const c_char,
    config_or_null: *const c_char,
) -> *mut csops_workflow_t {
    pointer_call(|| {
        // SAFETY: by this function's contract.
        let dir_text = unsafe { text(directory_json, "directory_json") }?;
        let config = if config_or_null.is_null() {
            Config::default()
        } else {
            // SAFETY: by this function's contract.
            let cfg = unsafe { text(config_or_null, "config") }?;
            let loaded = if cfg.trim_start().starts_with('{') {
                json(cfg, "config")?;
                Config::from_json(cfg)
            } else {
                Config::from_toml(cfg)
            };
            loaded.map_err(|e| Failure::new(CSOPS_INVALID_CONFIG, e.to_string()))?
        };
        let dir_value = json(dir_text, "directory_json")?;
        let map: std::collections::BTreeMap<String, Vec<String>> =
            serde_json::from_value(dir_value).map_err(|e| {
                Failure::new(
                    CSOPS_INVALID_CONFIG,
                    format!("directory must map people to role lists: {e}"),
                )
            })?;
        let dir = Directory::from_role_names(map)
            .map_err(|e| Failure::new(CSOPS_INVALID_CONFIG, e.to_string()))?;
        let inner = wf::Workflow::new(dir, config)
            .map_err(|e| Failure::new(CSOPS_INVALID_CONFIG, e.to_string()))?;
        Ok(Box::into_raw(Box::new(csops_workflow_t { inner })))
    })
}

/// Frees a workflow. NULL is ignored.
///
/// # Safety
/// `wf` is NULL or a workflow from `csops_workflow_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_free(wf: *mut csops_workflow_t) {
    // SAFETY: by this function's contract (NULL, or made here and not yet freed).
    unsafe { free_handle(wf) }
}

pub(crate) fn request_failure(e: wf::RequestError) -> Failure {
    Failure::new(CSOPS_INVALID_INPUT, e.to_string())
}

/// A request from JSON (the vectors' `request` shape, or `csops_request_to_json`'s output), with
/// the default configuration. Returns NULL on failure. Free it with `csops_request_free`.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_request_from_json(json: *const c_char) -> *mut csops_request_t {
    pointer_call(|| {
        // SAFETY: by this function's contract.
        let t = unsafe { text(json, "json") }?;
        let value = self::json(t, "json")?;
        // The default configuration compiled once, not a taxonomy per request.
        let inner = wf::Request::from_value(value).map_err(request_failure)?;
        Ok(Box::into_raw(Box::new(csops_request_t { inner })))
    })
}

/// A request from JSON with the workflow's configuration (its taxonomy and routing). Returns
/// NULL on failure. Free it with `csops_request_free`.
///
/// # Safety
/// `wf` is NULL or a live workflow; `json` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_load_request(
    wf: *const csops_workflow_t,
    json: *const c_char,
) -> *mut csops_request_t {
    pointer_call(|| {
        // SAFETY: by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        // SAFETY: by this function's contract.
        let t = unsafe { text(json, "json") }?;
        let value = self::json(t, "json")?;
        let record = serde_json::from_value(value)
            .map_err(|e| Failure::new(CSOPS_INVALID_INPUT, format!("request: {e}")))?;
        let inner = wf.inner.load_record(record).map_err(request_failure)?;
        Ok(Box::into_raw(Box::new(csops_request_t { inner })))
    })
}

/// The request as JSON (loads back with `csops_request_from_json`). The caller frees it with
/// `csops_string_free`. NULL on failure.
///
/// # Safety
/// `req` is NULL or a live request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_request_to_json(req: *const csops_request_t) -> *mut c_char {
    pointer_call(|| {
        // SAFETY: by this function's contract.
        let req = unsafe { handle(req, "req") }?;
        Ok(owned_string(req.inner.to_json()))
    })
}

/// Frees a request. NULL is ignored.
///
/// # Safety
/// `req` is NULL or a request from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_request_free(req: *mut csops_request_t) {
    // SAFETY: by this function's contract (NULL, or made here and not yet freed).
    unsafe { free_handle(req) }
}

/// The request's workflow state ("InProcess", …). Static: do not free. NULL if `req` is NULL.
///
/// # Safety
/// `req` is NULL or a live request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_request_state(req: *const csops_request_t) -> *const c_char {
    boundary(
        |_| std::ptr::null(),
        || {
            // SAFETY: by this function's contract.
            let req = unsafe { handle(req, "req") }?;
            Ok(state_name(req.inner.state()))
        },
    )
}

pub(crate) fn state_name(state: csops_core::State) -> *const c_char {
    name_ptr(&STATE_NAMES, Some(state.index()))
}

/// Whether the request is open on the tracker (false also when `req` is NULL).
///
/// # Safety
/// `req` is NULL or a live request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_request_is_open(req: *const csops_request_t) -> bool {
    // SAFETY: by this function's contract.
    boundary(
        |_| false,
        || Ok(unsafe { handle(req, "req") }?.inner.is_open()),
    )
}

/// Applies a command (JSON, `{"type": …}`) by `actor` at `at_rfc3339` to `req`. On success the
/// request is changed and, when `transition_json_out` is not NULL, it receives the transition as
/// JSON (`from`, `to`, `add_labels`, `remove_labels`, `close`, `reopen`, `notifications`), which
/// the caller frees with `csops_string_free`. On a rejection the status is its kind
/// (`CSOPS_NOT_PERMITTED`, …), the request is unchanged and nothing is written.
///
/// # Safety
/// Handles are NULL or live; strings are NULL or NUL-terminated; `transition_json_out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_apply(
    wf: *const csops_workflow_t,
    req: *mut csops_request_t,
    command_json: *const c_char,
    actor: *const c_char,
    at_rfc3339: *const c_char,
    transition_json_out: *mut *mut c_char,
) -> csops_status_t {
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        let req = unsafe { handle_mut(req, "req") }?;
        let (command, actor, at) = unsafe { step_inputs(command_json, actor, at_rfc3339) }?;
        let t = wf
            .inner
            .apply(&mut req.inner, command, actor, at)
            .map_err(rejection)?;
        unsafe { write_transition(transition_json_out, &t) };
        Ok(())
    })
}

/// The answer `csops_workflow_apply` would give, without changing the request.
///
/// # Safety
/// As for `csops_workflow_apply`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_can_apply(
    wf: *const csops_workflow_t,
    req: *const csops_request_t,
    command_json: *const c_char,
    actor: *const c_char,
    at_rfc3339: *const c_char,
    transition_json_out: *mut *mut c_char,
) -> csops_status_t {
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        let req = unsafe { handle(req, "req") }?;
        let (command, actor, at) = unsafe { step_inputs(command_json, actor, at_rfc3339) }?;
        let t = wf
            .inner
            .check(&req.inner, &command, actor, at)
            .map_err(rejection)?;
        unsafe { write_transition(transition_json_out, &t) };
        Ok(())
    })
}

/// A command read from JSON once (`{"type": …}`), for `csops_workflow_apply_command`. Returns
/// NULL on failure (`csops_last_error_status()` says `CSOPS_INVALID_JSON` or
/// `CSOPS_INVALID_INPUT`). Free it with `csops_command_free`.
///
/// # Safety
/// `command_json` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_command_from_json(
    command_json: *const c_char,
) -> *mut csops_command_t {
    pointer_call(|| {
        // SAFETY: by this function's contract.
        let inner = command_of(unsafe { text(command_json, "command_json") }?)?;
        Ok(Box::into_raw(Box::new(csops_command_t { inner })))
    })
}

/// Frees a command. NULL is ignored.
///
/// # Safety
/// `cmd` is NULL or a command from `csops_command_from_json`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_command_free(cmd: *mut csops_command_t) {
    // SAFETY: by this function's contract (NULL, or made here and not yet freed).
    unsafe { free_handle(cmd) }
}

/// `csops_workflow_apply` with a prepared command (the command is not consumed: apply it again
/// as often as needed). Same statuses, ownership and out-parameter rules.
///
/// # Safety
/// Handles are NULL or live; strings are NULL or NUL-terminated; `transition_json_out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_apply_command(
    wf: *const csops_workflow_t,
    req: *mut csops_request_t,
    cmd: *const csops_command_t,
    actor: *const c_char,
    at_rfc3339: *const c_char,
    transition_json_out: *mut *mut c_char,
) -> csops_status_t {
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        let req = unsafe { handle_mut(req, "req") }?;
        let cmd = unsafe { handle(cmd, "cmd") }?;
        let actor = unsafe { text(actor, "actor") }?;
        let at = instant(unsafe { text(at_rfc3339, "at_rfc3339") }?, "at")?;
        let t = wf
            .inner
            .apply(&mut req.inner, cmd.inner.clone(), actor, at)
            .map_err(rejection)?;
        unsafe { write_transition(transition_json_out, &t) };
        Ok(())
    })
}

/// `csops_workflow_can_apply` with a prepared command.
///
/// # Safety
/// As for `csops_workflow_apply_command`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_can_apply_command(
    wf: *const csops_workflow_t,
    req: *const csops_request_t,
    cmd: *const csops_command_t,
    actor: *const c_char,
    at_rfc3339: *const c_char,
    transition_json_out: *mut *mut c_char,
) -> csops_status_t {
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let wf = unsafe { handle(wf, "wf") }?;
        let req = unsafe { handle(req, "req") }?;
        let cmd = unsafe { handle(cmd, "cmd") }?;
        let actor = unsafe { text(actor, "actor") }?;
        let at = instant(unsafe { text(at_rfc3339, "at_rfc3339") }?, "at")?;
        let t = wf
            .inner
            .check(&req.inner, &cmd.inner, actor, at)
            .map_err(rejection)?;
        unsafe { write_transition(transition_json_out, &t) };
        Ok(())
    })
}

/// The workflow as a Mermaid `stateDiagram-v2`. The caller frees it with `csops_string_free`.
/// NULL if `wf` is NULL.
///
/// # Safety
/// `wf` is NULL or a live workflow.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_mermaid(wf: *const csops_workflow_t) -> *mut c_char {
    pointer_call(|| {
        // SAFETY: by this function's contract.
        unsafe { handle(wf, "wf") }?;
        Ok(owned_string(csops_core::diagram::mermaid()))
    })
}

/// The smallest weight (1, 3, 5, 7) whose range holds an estimate in hours, written to
/// `weight_out` on success. `CSOPS_NEEDS_EPIC` above 7 hours, `CSOPS_INVALID_WEIGHT` at or below
/// 0 or not finite.
///
/// # Safety
/// `weight_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_weight_for_hours(
    hours: f64,
    weight_out: *mut i32,
) -> csops_status_t {
    status_call(|| {
        if weight_out.is_null() {
            return Err(Failure::new(CSOPS_INVALID_ARGUMENT, "weight_out is NULL"));
        }
        let w = csops_core::weight::weight_for_hours(hours)
            .map_err(|e| Failure::new(RejectionKind::from(&e).into(), e.to_string()))?;
        // SAFETY: non-NULL and writable by contract.
        unsafe { write_out(weight_out, i32::from(w.value())) };
        Ok(())
    })
}
