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
    Command::from_json(text).map_err(failure)
}

/// A command given as JSON for one call, or prepared once.
pub(crate) enum StepCommand<'a> {
    Read(Command),
    Prepared(&'a Command),
}

/// A transition as C reads it: its JSON with GitLab's REST update parameters beside.
#[derive(serde::Serialize)]
struct TransitionOut<'a> {
    #[serde(flatten)]
    transition: &'a wf::Transition,
    rest_params: csops_core::gitlab::RestParams,
}

/// Applies (`dry_run` false: the request changes) or checks one command, and writes the
/// transition as JSON when it is wanted: the one body of the four apply functions.
pub(crate) fn step(
    wf: &wf::Workflow,
    req: Result<&mut wf::Request, &wf::Request>,
    command: StepCommand<'_>,
    actor: &str,
    at: DateTime<Utc>,
    out: Out<*mut c_char>,
) -> Result<csops_status_t, Failure> {
    let t = match (req, command) {
        (Ok(req), StepCommand::Read(c)) => wf.apply(req, c, actor, at),
        (Ok(req), StepCommand::Prepared(c)) => wf.apply(req, c.clone(), actor, at),
        (Err(req), StepCommand::Read(c)) => wf.check(req, &c, actor, at),
        (Err(req), StepCommand::Prepared(c)) => wf.check(req, c, actor, at),
    }
    .map_err(failure)?;
    // A transition always serializes; an out-parameter the caller asked for is written.
    out.write_json(&TransitionOut {
        rest_params: csops_core::gitlab::RestParams::from(&t),
        transition: &t,
    })?;
    Ok(CSOPS_OK)
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
    ffi! {
        let dir_text = arg_text!(directory_json)?;
        let config = match arg_text_or_null!(config_or_null)? {
            None => Config::default(),
            Some(cfg) => Config::from_text(cfg).map_err(failure)?,
        };
        let dir = Directory::from_json(dir_text).map_err(failure)?;
        let inner = wf::Workflow::new(dir, config).map_err(failure)?;
        Ok(Box::into_raw(Box::new(csops_workflow_t { inner })))
    }
}

/// Frees a workflow. NULL is ignored.
///
/// # Safety
/// `wf` is NULL or a workflow from `csops_workflow_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_free(wf: *mut csops_workflow_t) {
    ffi! { free_handle!(wf) }
}

/// A request from JSON (the vectors' `request` shape, or `csops_request_to_json`'s output), with
/// the default configuration. Returns NULL on failure. Free it with `csops_request_free`.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_request_from_json(json: *const c_char) -> *mut csops_request_t {
    ffi! {
        // The default configuration compiled once, not a taxonomy per request.
        let inner = wf::Request::from_json(arg_text!(json)?).map_err(failure)?;
        Ok(Box::into_raw(Box::new(csops_request_t { inner })))
    }
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
    ffi! {
        let wf = arg_ref!(wf)?;
        let inner = wf.inner.load_request(arg_text!(json)?).map_err(failure)?;
        Ok(Box::into_raw(Box::new(csops_request_t { inner })))
    }
}

/// The request as JSON (loads back with `csops_request_from_json`). The caller frees it with
/// `csops_string_free`. NULL on failure.
///
/// # Safety
/// `req` is NULL or a live request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_request_to_json(req: *const csops_request_t) -> *mut c_char {
    ffi! { Ok(owned_string(arg_ref!(req)?.inner.to_json())) }
}

/// Frees a request. NULL is ignored.
///
/// # Safety
/// `req` is NULL or a request from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_request_free(req: *mut csops_request_t) {
    ffi! { free_handle!(req) }
}

/// The request's workflow state ("InProcess", …). Static: do not free. NULL if `req` is NULL.
///
/// # Safety
/// `req` is NULL or a live request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_request_state(req: *const csops_request_t) -> *const c_char {
    ffi! { Ok(state_name(arg_ref!(req)?.inner.state())) }
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
    ffi! { Ok(arg_ref!(req)?.inner.is_open()) }
}

/// Applies a command (JSON, `{"type": …}`) by `actor` at `at_rfc3339` to `req`. On success the
/// request is changed and, when `transition_json_out` is not NULL, it receives the transition as
/// JSON (`from`, `to`, `add_labels`, `remove_labels`, `close`, `reopen`, `notifications`, and
/// `rest_params`: GitLab's `PUT /projects/:id/issues/:iid` parameters `add_labels`,
/// `remove_labels`, `state_event`, each present only when needed), which the caller frees with `csops_string_free`. On a rejection the status is its kind
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
    ffi! {
        let (wf, req) = (arg_ref!(wf)?, arg_mut!(req)?);
        let command = StepCommand::Read(command_of(arg_text!(command_json)?)?);
        let (actor, at) = (arg_text!(actor)?, instant(arg_text!(at_rfc3339)?, "at")?);
        let out = arg_out_or_null!(transition_json_out);
        step(&wf.inner, Ok(&mut req.inner), command, actor, at, out)
    }
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
    ffi! {
        let (wf, req) = (arg_ref!(wf)?, arg_ref!(req)?);
        let command = StepCommand::Read(command_of(arg_text!(command_json)?)?);
        let (actor, at) = (arg_text!(actor)?, instant(arg_text!(at_rfc3339)?, "at")?);
        let out = arg_out_or_null!(transition_json_out);
        step(&wf.inner, Err(&req.inner), command, actor, at, out)
    }
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
    ffi! {
        let inner = command_of(arg_text!(command_json)?)?;
        Ok(Box::into_raw(Box::new(csops_command_t { inner })))
    }
}

/// Frees a command. NULL is ignored.
///
/// # Safety
/// `cmd` is NULL or a command from `csops_command_from_json`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_command_free(cmd: *mut csops_command_t) {
    ffi! { free_handle!(cmd) }
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
    ffi! {
        let (wf, req) = (arg_ref!(wf)?, arg_mut!(req)?);
        let command = StepCommand::Prepared(&arg_ref!(cmd)?.inner);
        let (actor, at) = (arg_text!(actor)?, instant(arg_text!(at_rfc3339)?, "at")?);
        let out = arg_out_or_null!(transition_json_out);
        step(&wf.inner, Ok(&mut req.inner), command, actor, at, out)
    }
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
    ffi! {
        let (wf, req) = (arg_ref!(wf)?, arg_ref!(req)?);
        let command = StepCommand::Prepared(&arg_ref!(cmd)?.inner);
        let (actor, at) = (arg_text!(actor)?, instant(arg_text!(at_rfc3339)?, "at")?);
        let out = arg_out_or_null!(transition_json_out);
        step(&wf.inner, Err(&req.inner), command, actor, at, out)
    }
}

/// The workflow as a Mermaid `stateDiagram-v2`. The caller frees it with `csops_string_free`.
/// NULL if `wf` is NULL.
///
/// # Safety
/// `wf` is NULL or a live workflow.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_mermaid(wf: *const csops_workflow_t) -> *mut c_char {
    ffi! {
        arg_ref!(wf)?;
        Ok(owned_string(csops_core::diagram::mermaid()))
    }
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
    ffi! {
        let out = arg_out!(weight_out)?;
        let w = csops_core::weight::weight_for_hours(hours).map_err(failure)?;
        out.write(i32::from(w.value()));
        Ok(CSOPS_OK)
    }
}

/// Whether `value` is a handbook weight (1, 3, 5 or 7), written back to `weight_out` on
/// success; `CSOPS_INVALID_WEIGHT` (the message says which weights are allowed) otherwise.
///
/// # Safety
/// `weight_out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_weight_check(value: i64, weight_out: *mut i32) -> csops_status_t {
    ffi! {
        let out = arg_out!(weight_out)?;
        let w = csops_core::weight::Weight::try_from(value).map_err(failure)?;
        out.write(i32::from(w.value()));
        Ok(CSOPS_OK)
    }
}

/// The workflow as a Graphviz DOT digraph. The caller frees it with `csops_string_free`. NULL if
/// `wf` is NULL.
///
/// # Safety
/// `wf` is NULL or a live workflow.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_dot(wf: *const csops_workflow_t) -> *mut c_char {
    ffi! {
        arg_ref!(wf)?;
        Ok(owned_string(csops_core::diagram::dot()))
    }
}

/// The workflow's configuration as JSON (the format `csops_workflow_new` reads). The caller
/// frees it with `csops_string_free`. NULL if `wf` is NULL.
///
/// # Safety
/// `wf` is NULL or a live workflow.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_config_json(wf: *const csops_workflow_t) -> *mut c_char {
    ffi! {
        let wf = arg_ref!(wf)?;
        json_string(wf.inner.config())
    }
}

/// The workflow's directory as JSON (`{"person": ["role", …]}`). The caller frees it with
/// `csops_string_free`. NULL if `wf` is NULL.
///
/// # Safety
/// `wf` is NULL or a live workflow.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_directory_json(wf: *const csops_workflow_t) -> *mut c_char {
    ffi! {
        let wf = arg_ref!(wf)?;
        json_string(wf.inner.directory())
    }
}

/// Replays `history_json` (a JSON array of steps as `csops_request_to_json` writes them under
/// `history`: `at`, `actor`, `from`, `to`, `command`) from `initial`, which is unchanged, and
/// returns the resulting request (free it with `csops_request_free`). NULL on failure: a step
/// that does not apply is `CSOPS_INVALID_INPUT` (`csops_last_error_key()` names it,
/// `history[3]`; a step rejected on replay also gives its rejection's problems).
///
/// # Safety
/// Handles are NULL or live; `history_json` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_replay(
    wf: *const csops_workflow_t,
    initial: *const csops_request_t,
    history_json: *const c_char,
) -> *mut csops_request_t {
    ffi! {
        let (wf, initial) = (arg_ref!(wf)?, arg_ref!(initial)?);
        let steps: Vec<wf::Step> =
            from_json_text(arg_text!(history_json)?, "history", CSOPS_INVALID_INPUT)?;
        let inner = wf.inner.replay(&initial.inner, &steps).map_err(failure)?;
        Ok(Box::into_raw(Box::new(csops_request_t { inner })))
    }
}

/// The SLA breaches of `req` at `now_rfc3339` (SPEC §4) as a JSON array of `{kind, since, due,
/// overdue_by}` (`overdue_by` in seconds), written to `breaches_json_out` (free it with
/// `csops_string_free`). `CSOPS_INVALID_INPUT` when `now` is before the request's last step.
///
/// # Safety
/// Handles are NULL or live; `now_rfc3339` is NULL or NUL-terminated; `breaches_json_out` is
/// NULL (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_sla_breaches(
    wf: *const csops_workflow_t,
    req: *const csops_request_t,
    now_rfc3339: *const c_char,
    breaches_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let (wf, req) = (arg_ref!(wf)?, arg_ref!(req)?);
        let out = arg_out!(breaches_json_out)?;
        let now = instant(arg_text!(now_rfc3339)?, "now")?;
        let breaches = wf.inner.sla_breaches(&req.inner, now).map_err(failure)?;
        out.write_json(&breaches)?;
        Ok(CSOPS_OK)
    }
}

/// The time `req` has spent in each state up to `now_rfc3339`, as a JSON object from state
/// name to seconds (states never entered left out), written to `times_json_out` (free it with
/// `csops_string_free`). `CSOPS_INVALID_INPUT` when `now` is before the request's last step.
///
/// # Safety
/// `req` is NULL or live; `now_rfc3339` is NULL or NUL-terminated; `times_json_out` is NULL
/// (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_request_time_in_states(
    req: *const csops_request_t,
    now_rfc3339: *const c_char,
    times_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let req = arg_ref!(req)?;
        let out = arg_out!(times_json_out)?;
        let now = instant(arg_text!(now_rfc3339)?, "now")?;
        let times = csops_core::sla::time_in_states(&req.inner, now).map_err(failure)?;
        let seconds: std::collections::BTreeMap<&str, i64> = times
            .iter()
            .map(|(state, d)| (state.as_str(), d.num_seconds()))
            .collect();
        out.write_json(&seconds)?;
        Ok(CSOPS_OK)
    }
}

/// The peer-review level of `req` under the workflow's rules (from its `change_kind`, SPEC §5):
/// "required", "recommended" or "optional". Static: do not free. NULL if a handle is NULL.
///
/// # Safety
/// Handles are NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_workflow_review_level(
    wf: *const csops_workflow_t,
    req: *const csops_request_t,
) -> *const c_char {
    ffi! {
        let (wf, req) = (arg_ref!(wf)?, arg_ref!(req)?);
        Ok(variant_name(&REVIEW_LEVEL_NAMES, wf.inner.review_level(&req.inner)))
    }
}

pub(crate) static REVIEW_LEVEL_NAMES: LazyLock<Vec<CString>> =
    LazyLock::new(|| c_names::<csops_core::review::ReviewLevel>(|l| l.into()));
