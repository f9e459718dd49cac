//! libcsops: the C ABI of csops. It converts types and errors and nothing else; every rule lives
//! in csops-core.
//!
//! Conventions (they hold for every function below):
//! - Handles (`csops_workflow_t`, `csops_request_t`) are opaque; each is made by a `_new` /
//!   `_from_json` / `_load_request` function and released by its `_free`, exactly once. Passing a
//!   freed handle is undefined behaviour (it cannot be detected); passing NULL is always checked
//!   and answered with `CSOPS_INVALID_ARGUMENT` (or NULL, or nothing for `_free`).
//! - Functions return a `csops_status_t` (`CSOPS_OK` = 0) or a pointer that is NULL on failure;
//!   every failure sets a thread-local message read with `csops_last_error_message()`.
//! - A `char *` csops returns belongs to the caller, who frees it with `csops_string_free()`. A
//!   `const char *` csops returns is static, or owned by csops (the last error message).
//! - Out-parameters are written only on success.
//! - Inputs are NUL-terminated UTF-8 (`CSOPS_INVALID_UTF8` otherwise); JSON inputs have the
//!   shapes of `conformance/FORMAT.md`; times are RFC 3339.
//! - No panic crosses the boundary: one would be `CSOPS_PANIC` (or NULL) with a message.

#![allow(non_camel_case_types)]

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;

use strum::VariantArray;

use chrono::{DateTime, Utc};
use csops_core::workflow::{self as wf, Command, RejectionKind};
use csops_core::{Config, Directory};

/// The outcome of a call. Numbers are explicit and never reused: 1–9 are the rejection kinds of
/// the workflow (in their precedence order), 100 and up are errors of the call itself.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum csops_status_t {
    /// Success.
    CSOPS_OK = 0,
    /// The actor (or a person the command names) is not in the directory and is not the requester.
    CSOPS_UNKNOWN_PERSON = 1,
    /// The step is dated before the request's creation or its last step.
    CSOPS_INVALID_TIME = 2,
    /// The command does not apply in the request's state.
    CSOPS_INVALID_TRANSITION = 3,
    /// The actor does not hold a role the transition needs.
    CSOPS_NOT_PERMITTED = 4,
    /// A required input is missing or empty.
    CSOPS_MISSING_INPUT = 5,
    /// A weight outside 1, 3, 5, 7, or an invalid estimate.
    CSOPS_INVALID_WEIGHT = 6,
    /// An estimate of more than 7 hours: an epic, not an issue.
    CSOPS_NEEDS_EPIC = 7,
    /// A peer review is required and not (properly) given.
    CSOPS_REVIEW_REQUIRED = 8,
    /// The closing checklist is incomplete.
    CSOPS_CHECKLIST_INCOMPLETE = 9,
    /// A required pointer is NULL.
    CSOPS_INVALID_ARGUMENT = 100,
    /// A string is not valid UTF-8.
    CSOPS_INVALID_UTF8 = 101,
    /// A JSON input is not JSON.
    CSOPS_INVALID_JSON = 102,
    /// Well-formed input that breaks a rule: a request, a command, a time, a number.
    CSOPS_INVALID_INPUT = 103,
    /// A directory or configuration that cannot be used.
    CSOPS_INVALID_CONFIG = 104,
    /// An internal error was caught at the boundary (a bug: please report it).
    CSOPS_PANIC = 199,
}

use csops_status_t::*;

impl From<RejectionKind> for csops_status_t {
    fn from(kind: RejectionKind) -> csops_status_t {
        match kind {
            RejectionKind::UnknownPerson => CSOPS_UNKNOWN_PERSON,
            RejectionKind::InvalidTime => CSOPS_INVALID_TIME,
            RejectionKind::InvalidTransition => CSOPS_INVALID_TRANSITION,
            RejectionKind::NotPermitted => CSOPS_NOT_PERMITTED,
            RejectionKind::MissingInput => CSOPS_MISSING_INPUT,
            RejectionKind::InvalidWeight => CSOPS_INVALID_WEIGHT,
            RejectionKind::NeedsEpic => CSOPS_NEEDS_EPIC,
            RejectionKind::ReviewRequired => CSOPS_REVIEW_REQUIRED,
            RejectionKind::ChecklistIncomplete => CSOPS_CHECKLIST_INCOMPLETE,
        }
    }
}

/// Every status, for tests and for `csops_status_name`.
pub const ALL_STATUSES: [csops_status_t; 16] = [
    CSOPS_OK,
    CSOPS_UNKNOWN_PERSON,
    CSOPS_INVALID_TIME,
    CSOPS_INVALID_TRANSITION,
    CSOPS_NOT_PERMITTED,
    CSOPS_MISSING_INPUT,
    CSOPS_INVALID_WEIGHT,
    CSOPS_NEEDS_EPIC,
    CSOPS_REVIEW_REQUIRED,
    CSOPS_CHECKLIST_INCOMPLETE,
    CSOPS_INVALID_ARGUMENT,
    CSOPS_INVALID_UTF8,
    CSOPS_INVALID_JSON,
    CSOPS_INVALID_INPUT,
    CSOPS_INVALID_CONFIG,
    CSOPS_PANIC,
];

/// A workflow: a directory, a configuration and the transition table.
pub struct csops_workflow_t {
    inner: wf::Workflow,
}

/// A CS Ops request with its history.
pub struct csops_request_t {
    inner: wf::Request,
}

/// A customer's journey (SPEC §9) with its configuration.
pub struct csops_journey_t {
    inner: csops_core::journey::Journey,
    config: csops_core::journey::JourneyConfig,
}

/// A command read once, to apply many times (a prepared command).
pub struct csops_command_t {
    inner: Command,
}

/// A failed call: the status and the message for `csops_last_error_message`.
struct Failure {
    status: csops_status_t,
    message: String,
}

impl Failure {
    /// A failure whose message quotes inputs bounded, as the core's do (a binding-side parse
    /// echoes what serde echoes).
    fn new(status: csops_status_t, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: csops_core::bounded_message(message.into()),
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<(csops_status_t, CString)> = RefCell::new((CSOPS_OK, CString::default()));
}

fn set_last_error(status: csops_status_t, message: &str) {
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = (status, text));
}

/// NUL-terminated copies of a core enum's names, built once from the core and read-only after,
/// so that the names C sees cannot drift from the names Rust and Python see.
fn c_names<T: VariantArray + Copy>(name: fn(T) -> &'static str) -> Vec<CString> {
    T::VARIANTS
        .iter()
        .map(|v| CString::new(name(*v)).unwrap_or_default())
        .collect()
}

static STATE_NAMES: LazyLock<Vec<CString>> = LazyLock::new(|| c_names(csops_core::State::as_str));
static STAGE_NAMES: LazyLock<Vec<CString>> =
    LazyLock::new(|| c_names::<csops_core::journey::JourneyStage>(|s| s.into()));
static KIND_NAMES: LazyLock<Vec<CString>> = LazyLock::new(|| c_names(RejectionKind::as_str));

/// A static name from one of the tables above ("" for an index it does not have).
fn name_ptr(names: &'static [CString], index: Option<usize>) -> *const c_char {
    index
        .and_then(|i| names.get(i))
        .map_or(c"".as_ptr(), |n| n.as_ptr())
}

/// Runs a call body at the boundary: its failure becomes the last error and `on_error`'s value;
/// a panic becomes `CSOPS_PANIC` (or the pointer default) with a message, never an unwind.
fn boundary<T>(
    on_error: impl Fn(csops_status_t) -> T,
    body: impl FnOnce() -> Result<T, Failure>,
) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(failure)) => {
            set_last_error(failure.status, &failure.message);
            on_error(failure.status)
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            set_last_error(
                CSOPS_PANIC,
                &format!("internal error (a bug in csops): {what}"),
            );
            on_error(CSOPS_PANIC)
        }
    }
}

fn status_call(body: impl FnOnce() -> Result<(), Failure>) -> csops_status_t {
    boundary(|s| s, || body().map(|()| CSOPS_OK))
}

fn pointer_call<T>(body: impl FnOnce() -> Result<*mut T, Failure>) -> *mut T {
    boundary(|_| std::ptr::null_mut(), body)
}

/// A required C string argument as `&str`.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives the call.
unsafe fn text<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::new(
            CSOPS_INVALID_ARGUMENT,
            format!("{name} is NULL"),
        ));
    }
    // SAFETY: non-NULL, and NUL-terminated by the caller's contract.
    unsafe { CStr::from_ptr(ptr) }.to_str().map_err(|e| {
        Failure::new(
            CSOPS_INVALID_UTF8,
            format!("{name} is not valid UTF-8: {e}"),
        )
    })
}

/// A required handle as a reference.
///
/// # Safety
/// `ptr` is NULL or a live handle from this library.
unsafe fn handle<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Failure> {
    // SAFETY: a non-NULL handle is live by the caller's contract.
    unsafe { ptr.as_ref() }
        .ok_or_else(|| Failure::new(CSOPS_INVALID_ARGUMENT, format!("{name} is NULL")))
}

/// A required handle as a mutable reference.
///
/// # Safety
/// `ptr` is NULL or a live handle from this library, not used elsewhere during the call.
unsafe fn handle_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: as for `handle`, and exclusive for the call.
    unsafe { ptr.as_mut() }
        .ok_or_else(|| Failure::new(CSOPS_INVALID_ARGUMENT, format!("{name} is NULL")))
}

fn json(text: &str, name: &str) -> Result<serde_json::Value, Failure> {
    serde_json::from_str(text).map_err(|e| {
        Failure::new(
            CSOPS_INVALID_JSON,
            format!("{name}: {}", csops_core::reader_words(&e.to_string())),
        )
    })
}

fn instant(text: &str, name: &str) -> Result<DateTime<Utc>, Failure> {
    csops_core::sla::parse_time(text)
        .map_err(|e| Failure::new(CSOPS_INVALID_INPUT, format!("{name}: {e}")))
}

fn owned_string(s: String) -> *mut c_char {
    CString::new(s).map_or(std::ptr::null_mut(), CString::into_raw)
}

/// Writes `value` through `out` when `out` is not NULL.
///
/// # Safety
/// `out` is NULL or valid for a write.
unsafe fn write_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable by the caller's contract.
        unsafe { out.write(value) };
    }
}

/// A reader's failure as a status. One parse on success; a failure is told apart: an input
/// (name, text) that is not JSON at all is `CSOPS_INVALID_JSON`, else the reader's own `rule`.
fn read_failure(inputs: &[(&str, &str)], rule: Failure) -> Failure {
    for (name, text) in inputs {
        // A value, not `IgnoredAny`: serde_json skips ignored input without its nesting limit,
        // and text nested deeper than the readers take is not JSON csops reads.
        if let Err(syntax) = serde_json::from_str::<serde_json::Value>(text) {
            return Failure::new(
                CSOPS_INVALID_JSON,
                format!("{name}: {}", csops_core::reader_words(&syntax.to_string())),
            );
        }
    }
    rule
}

fn command_of(text: &str) -> Result<Command, Failure> {
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
unsafe fn step_inputs<'a>(
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
unsafe fn write_transition(out: *mut *mut c_char, t: &wf::Transition) {
    if !out.is_null() {
        let json = owned_string(serde_json::to_string(t).unwrap_or_default());
        // SAFETY: by this function's contract.
        unsafe { write_out(out, json) };
    }
}

fn rejection(r: wf::Rejection) -> Failure {
    Failure::new(r.kind.into(), r.to_string())
}

/// The library's version, e.g. "0.1.0". Static: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn csops_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The message of the last failure on this thread ("" if none). Owned by csops: valid until the
/// next csops call on this thread; do not free.
#[unsafe(no_mangle)]
pub extern "C" fn csops_last_error_message() -> *const c_char {
    LAST_ERROR.with(|e| e.borrow().1.as_ptr())
}

/// The status of the last failure on this thread (`CSOPS_OK` if none): what a constructor that
/// returned NULL would have returned (`CSOPS_INVALID_CONFIG`, `CSOPS_INVALID_JSON`, …).
#[unsafe(no_mangle)]
pub extern "C" fn csops_last_error_status() -> csops_status_t {
    LAST_ERROR.with(|e| e.borrow().0)
}

/// The name of a status: the rejection kinds of the vectors ("not_permitted", …), "ok", and
/// "invalid_argument", "invalid_utf8", "invalid_json", "invalid_input", "invalid_config",
/// "panic". Static: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn csops_status_name(status: csops_status_t) -> *const c_char {
    let own: &'static CStr = match status {
        CSOPS_OK => c"ok",
        CSOPS_INVALID_ARGUMENT => c"invalid_argument",
        CSOPS_INVALID_UTF8 => c"invalid_utf8",
        CSOPS_INVALID_JSON => c"invalid_json",
        CSOPS_INVALID_INPUT => c"invalid_input",
        CSOPS_INVALID_CONFIG => c"invalid_config",
        CSOPS_PANIC => c"panic",
        // The rejection kinds: the core's own names.
        _ => {
            let kind = RejectionKind::VARIANTS
                .iter()
                .position(|k| csops_status_t::from(*k) == status);
            return name_ptr(&KIND_NAMES, kind);
        }
    };
    own.as_ptr()
}

/// Frees a string csops returned as `char *`. NULL is ignored.
///
/// # Safety
/// `s` is NULL or a string from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: made by CString::into_raw in this library, freed once by contract.
        drop(unsafe { CString::from_raw(s) });
    }
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
    if !wf.is_null() {
        // SAFETY: made by Box::into_raw here, freed once by contract.
        drop(unsafe { Box::from_raw(wf) });
    }
}

fn request_failure(e: wf::RequestError) -> Failure {
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
    if !req.is_null() {
        // SAFETY: made by Box::into_raw here, freed once by contract.
        drop(unsafe { Box::from_raw(req) });
    }
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

fn state_name(state: csops_core::State) -> *const c_char {
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
    if !cmd.is_null() {
        // SAFETY: made by Box::into_raw here, freed once by contract.
        drop(unsafe { Box::from_raw(cmd) });
    }
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

fn metric_failure(e: csops_core::metrics::MetricsError) -> Failure {
    Failure::new(CSOPS_INVALID_INPUT, e.to_string())
}

/// A C array as a slice (`n` = 0 may come with NULL).
///
/// # Safety
/// `ptr` is NULL or points to `n` readable values.
unsafe fn slice<'a, T>(ptr: *const T, n: usize, name: &str) -> Result<&'a [T], Failure> {
    if n == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::new(
            CSOPS_INVALID_ARGUMENT,
            format!("{name} is NULL with {n} values"),
        ));
    }
    // SAFETY: non-NULL and `n` readable values by the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, n) })
}

/// Writes a metric through `out` (`CSOPS_INVALID_ARGUMENT` when `out` is NULL).
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn metric_out(
    out: *mut f64,
    value: Result<f64, csops_core::metrics::MetricsError>,
) -> Result<(), Failure> {
    if out.is_null() {
        return Err(Failure::new(CSOPS_INVALID_ARGUMENT, "out is NULL"));
    }
    let v = value.map_err(metric_failure)?;
    // SAFETY: non-NULL and writable by contract.
    unsafe { write_out(out, v) };
    Ok(())
}

/// NPS in percent from `n` integer answers 0–10, written to `out` on success.
/// `CSOPS_INVALID_INPUT` for no answers or an answer out of range.
///
/// # Safety
/// `answers` points to `n` values (or is NULL with `n` = 0); `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_nps(
    answers: *const i64,
    n: usize,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    status_call(|| unsafe {
        metric_out(out, csops_core::metrics::nps(slice(answers, n, "answers")?))
    })
}

/// CSAT in percent from `n` integer answers 1–5 (the share of 4–5), written to `out`.
///
/// # Safety
/// As for `csops_metric_nps`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_csat(
    answers: *const i64,
    n: usize,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    status_call(|| unsafe {
        metric_out(
            out,
            csops_core::metrics::csat(slice(answers, n, "answers")?),
        )
    })
}

/// NRR in percent from an ARR movement (starting ARR > 0; the others ≥ 0; contraction + churned
/// ≤ starting ARR), written to `out`.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_nrr(
    start_arr: f64,
    expansion: f64,
    contraction: f64,
    churned: f64,
    out: *mut f64,
) -> csops_status_t {
    let m = csops_core::metrics::ArrMovement {
        start_arr,
        expansion,
        contraction,
        churned,
    };
    // SAFETY: by this function's contract.
    status_call(|| unsafe { metric_out(out, csops_core::metrics::nrr(&m)) })
}

/// GRR in percent from an ARR movement, written to `out`.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_grr(
    start_arr: f64,
    expansion: f64,
    contraction: f64,
    churned: f64,
    out: *mut f64,
) -> csops_status_t {
    let m = csops_core::metrics::ArrMovement {
        start_arr,
        expansion,
        contraction,
        churned,
    };
    // SAFETY: by this function's contract.
    status_call(|| unsafe { metric_out(out, csops_core::metrics::grr(&m)) })
}

/// NRR per account in percent: ΣB / ΣA over the `n` accounts with A > 0 (`start` = A, ARR at the
/// period start; `now` = B, 0 if churned), written to `out`.
///
/// # Safety
/// `start` and `now` point to `n` values each (or are NULL with `n` = 0); `out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_nrr_per_account(
    start: *const f64,
    now: *const f64,
    n: usize,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    unsafe { per_account(start, now, n, out, csops_core::metrics::nrr_per_account) }
}

/// GRR per account in percent: Σmin(A, B) / ΣA over the `n` accounts with A > 0.
///
/// # Safety
/// As for `csops_metric_nrr_per_account`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_grr_per_account(
    start: *const f64,
    now: *const f64,
    n: usize,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    unsafe { per_account(start, now, n, out, csops_core::metrics::grr_per_account) }
}

/// A per-account metric of `n` start and now values, written to `out`.
///
/// # Safety
/// As for `csops_metric_nrr_per_account`.
unsafe fn per_account(
    start: *const f64,
    now: *const f64,
    n: usize,
    out: *mut f64,
    metric: fn(&[f64], &[f64]) -> Result<f64, csops_core::metrics::MetricsError>,
) -> csops_status_t {
    status_call(|| {
        // SAFETY: by the caller's contract.
        let (a, b) = unsafe { (slice(start, n, "start")?, slice(now, n, "now")?) };
        // SAFETY: by the caller's contract.
        unsafe { metric_out(out, metric(a, b)) }
    })
}

/// Logo churn in percent: churned accounts / accounts at the period start, written to `out`.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_logo_churn(
    accounts_at_start: u64,
    churned_accounts: u64,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    status_call(|| unsafe {
        metric_out(
            out,
            csops_core::metrics::logo_churn(accounts_at_start, churned_accounts),
        )
    })
}

/// License utilisation in percent: active users / purchased seats, written to `out`.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_license_utilization(
    active_users: f64,
    purchased_seats: f64,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    status_call(|| unsafe {
        metric_out(
            out,
            csops_core::metrics::license_utilization(active_users, purchased_seats),
        )
    })
}

fn date(text: &str, name: &str) -> Result<chrono::NaiveDate, Failure> {
    csops_core::sla::parse_date(text)
        .map_err(|e| Failure::new(CSOPS_INVALID_INPUT, format!("{name}: {e}")))
}

fn journey_failure(e: csops_core::journey::JourneyError) -> Failure {
    Failure::new(CSOPS_INVALID_INPUT, e.to_string())
}

/// A journey in Align for `account`, with a configuration (JSON; NULL for the defaults: 14/30/45
/// days to value, a 120-day renewal window). NULL on failure. Free it with `csops_journey_free`.
///
/// # Safety
/// The arguments are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_new(
    account: *const c_char,
    config_json_or_null: *const c_char,
) -> *mut csops_journey_t {
    pointer_call(|| {
        // SAFETY: by this function's contract.
        let account = unsafe { text(account, "account") }?;
        let config = if config_json_or_null.is_null() {
            csops_core::journey::JourneyConfig::default()
        } else {
            // SAFETY: by this function's contract.
            let value = json(unsafe { text(config_json_or_null, "config") }?, "config")?;
            serde_json::from_value(value)
                .map_err(|e| Failure::new(CSOPS_INVALID_CONFIG, format!("journey config: {e}")))?
        };
        Ok(Box::into_raw(Box::new(csops_journey_t {
            inner: csops_core::journey::Journey::new(account),
            config,
        })))
    })
}

/// Frees a journey. NULL is ignored.
///
/// # Safety
/// `j` is NULL or a journey from `csops_journey_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_free(j: *mut csops_journey_t) {
    if !j.is_null() {
        // SAFETY: made by Box::into_raw here, freed once by contract.
        drop(unsafe { Box::from_raw(j) });
    }
}

/// Records a dated event (JSON, `{"type": "contract_signed", ...}`; the date as YYYY-MM-DD).
/// `CSOPS_INVALID_INPUT` (journey unchanged) for an event that does not apply, a bad value or a
/// date before the last event.
///
/// # Safety
/// `j` is NULL or a live journey; strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_record(
    j: *mut csops_journey_t,
    event_json: *const c_char,
    date_iso: *const c_char,
) -> csops_status_t {
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let j = unsafe { handle_mut(j, "j") }?;
        let value = json(unsafe { text(event_json, "event_json") }?, "event_json")?;
        let event = serde_json::from_value(value)
            .map_err(|e| Failure::new(CSOPS_INVALID_INPUT, format!("event: {e}")))?;
        let on = date(unsafe { text(date_iso, "date_iso") }?, "date_iso")?;
        j.inner
            .record(on, event, &j.config)
            .map_err(journey_failure)?;
        Ok(())
    })
}

/// Fires the time-driven steps up to `now_iso` and reports missed milestones. When
/// `report_json_out` is not NULL it receives the report as JSON (`steps`, `misses`), which the
/// caller frees with `csops_string_free`.
///
/// # Safety
/// `j` is NULL or a live journey; `now_iso` is NULL or NUL-terminated; `report_json_out` is NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_advance(
    j: *mut csops_journey_t,
    now_iso: *const c_char,
    report_json_out: *mut *mut c_char,
) -> csops_status_t {
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let j = unsafe { handle_mut(j, "j") }?;
        let now = date(unsafe { text(now_iso, "now_iso") }?, "now_iso")?;
        let report = j.inner.advance(now, &j.config).map_err(journey_failure)?;
        if !report_json_out.is_null() {
            let out = owned_string(serde_json::to_string(&report).unwrap_or_default());
            // SAFETY: non-NULL and writable by contract.
            unsafe { write_out(report_json_out, out) };
        }
        Ok(())
    })
}

/// The journey's stage ("Align", "Onboard", "Enable", "Expand", "Renew", "Churned"). Static: do
/// not free. NULL if `j` is NULL.
///
/// # Safety
/// `j` is NULL or a live journey.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_stage(j: *const csops_journey_t) -> *const c_char {
    boundary(
        |_| std::ptr::null(),
        || {
            // SAFETY: by this function's contract.
            let j = unsafe { handle(j, "j") }?;
            let stage = j.inner.stage();
            let index = csops_core::journey::JourneyStage::VARIANTS
                .iter()
                .position(|s| *s == stage);
            Ok(name_ptr(&STAGE_NAMES, index))
        },
    )
}

/// A health scorecard (SPEC §10), with its band names as C strings.
pub struct csops_scorecard_t {
    inner: csops_core::health::Scorecard,
    bands: Vec<CString>,
    measures: Vec<CString>,
}

fn health_failure(e: csops_core::health::HealthError) -> Failure {
    let status = match e {
        csops_core::health::HealthError::Scorecard { .. } => CSOPS_INVALID_CONFIG,
        _ => CSOPS_INVALID_INPUT,
    };
    Failure::new(status, e.to_string())
}

fn scorecard_handle(inner: csops_core::health::Scorecard) -> *mut csops_scorecard_t {
    let cstrings = |names: &[String]| {
        names
            .iter()
            .map(|b| CString::new(b.as_str()).unwrap_or_default())
            .collect()
    };
    let mut bands: Vec<CString> = cstrings(inner.bands());
    bands.push(CString::new(csops_core::health::UNKNOWN).unwrap_or_default());
    let measures = cstrings(inner.measures());
    Box::into_raw(Box::new(csops_scorecard_t {
        inner,
        bands,
        measures,
    }))
}

/// A scorecard from JSON (the format of `Scorecard::from_json`), or the default scorecard (the
/// handbook's model) when `json_or_null` is NULL. NULL on failure (`CSOPS_INVALID_JSON`, or
/// `CSOPS_INVALID_CONFIG` with a message naming the measure). Free it with
/// `csops_scorecard_free`.
///
/// # Safety
/// `json_or_null` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_new(
    json_or_null: *const c_char,
) -> *mut csops_scorecard_t {
    pointer_call(|| {
        let inner = if json_or_null.is_null() {
            csops_core::health::Scorecard::default()
        } else {
            // SAFETY: by this function's contract.
            let text = unsafe { text(json_or_null, "json") }?;
            json(text, "json")?;
            csops_core::health::Scorecard::from_json(text).map_err(health_failure)?
        };
        Ok(scorecard_handle(inner))
    })
}

/// Frees a scorecard. NULL is ignored.
///
/// # Safety
/// `card` is NULL or a scorecard from `csops_scorecard_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_free(card: *mut csops_scorecard_t) {
    if !card.is_null() {
        // SAFETY: made by Box::into_raw here, freed once by contract.
        drop(unsafe { Box::from_raw(card) });
    }
}

/// The number of measures: the length of the `columns` array of `csops_scorecard_score_batch`.
/// 0 if `card` is NULL.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_measure_count(card: *const csops_scorecard_t) -> usize {
    // SAFETY: by this function's contract.
    boundary(
        |_| 0,
        || Ok(unsafe { handle(card, "card") }?.measures.len()),
    )
}

/// The id of measure `i` (column `i` of a batch), owned by the scorecard: do not free. NULL if
/// `card` is NULL or `i` is out of range.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_measure(
    card: *const csops_scorecard_t,
    i: usize,
) -> *const c_char {
    boundary(
        |_| std::ptr::null(),
        || {
            // SAFETY: by this function's contract.
            let card = unsafe { handle(card, "card") }?;
            Ok(card
                .measures
                .get(i)
                .map_or(std::ptr::null(), |m| m.as_ptr()))
        },
    )
}

/// The name of a band code written by `csops_scorecard_score_batch` ("Unknown" for 255), owned
/// by the scorecard: do not free. NULL if `card` is NULL.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_band_name(
    card: *const csops_scorecard_t,
    code: u8,
) -> *const c_char {
    boundary(
        |_| std::ptr::null(),
        || {
            // SAFETY: by this function's contract.
            let card = unsafe { handle(card, "card") }?;
            let i = usize::from(code).min(card.bands.len() - 1);
            Ok(card.bands.get(i).map_or(std::ptr::null(), |b| b.as_ptr()))
        },
    )
}

/// Scores one account. `values_json`: measure id -> number, category name, null, or
/// `{"value": ..., "at": "YYYY-MM-DD"}`; `as_of_or_null` (YYYY-MM-DD) and `segment_or_null` may
/// be NULL. On success `*score_json_out` receives the score with its explanation as JSON
/// (`score` null when Unknown, `band`, `coverage`, `contributions`, `groups`, `vetoes`, …); the
/// caller frees it with `csops_string_free`.
///
/// # Safety
/// `card` is NULL or a live scorecard; strings are NULL or NUL-terminated; `score_json_out` is
/// NULL (`CSOPS_INVALID_ARGUMENT`, checked before any work) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_score(
    card: *const csops_scorecard_t,
    values_json: *const c_char,
    as_of_or_null: *const c_char,
    segment_or_null: *const c_char,
    score_json_out: *mut *mut c_char,
) -> csops_status_t {
    status_call(|| {
        // SAFETY (all): by this function's contract.
        let card = unsafe { handle(card, "card") }?;
        if score_json_out.is_null() {
            return Err(Failure::new(
                CSOPS_INVALID_ARGUMENT,
                "score_json_out is NULL",
            ));
        }
        let text_values = unsafe { text(values_json, "values_json") }?;
        json(text_values, "values_json")?;
        let values = csops_core::health::Values::from_json(text_values).map_err(health_failure)?;
        let as_of = if as_of_or_null.is_null() {
            None
        } else {
            Some(date(unsafe { text(as_of_or_null, "as_of") }?, "as_of")?)
        };
        let segment = if segment_or_null.is_null() {
            None
        } else {
            Some(unsafe { text(segment_or_null, "segment") }?)
        };
        let ctx = csops_core::health::ScoreContext {
            as_of,
            segment,
            ..Default::default()
        };
        let s = card.inner.score(&values, &ctx).map_err(health_failure)?;
        let out = owned_string(serde_json::to_string(&s).unwrap_or_default());
        // SAFETY: non-NULL and writable by contract.
        unsafe { write_out(score_json_out, out) };
        Ok(())
    })
}

/// Scores `n` accounts at once. `columns` holds `csops_scorecard_measure_count(card)` pointers,
/// column `i` for measure `csops_scorecard_measure(card, i)`: `n` doubles each (NaN missing; a
/// category measure's column holds category codes 0, 1, … in the scorecard's order), or NULL
/// for a measure without data. `segments_or_null`: `n` segment codes (the position of the
/// segment in the scorecard's `segments`, 4294967295 for none), or NULL. The caller allocates
/// `score_out` (n doubles, NaN for Unknown), `band_out` (n codes, see
/// `csops_scorecard_band_name`) and `coverage_out` (n doubles). On failure every row reads
/// Unknown and the message names the row and the measure.
///
/// # Safety
/// `card` is NULL or a live scorecard; `columns` is NULL or holds measure-count pointers, each
/// NULL or to `n` readable doubles; the outputs are NULL or `n` writable elements each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_score_batch(
    card: *const csops_scorecard_t,
    n: usize,
    columns: *const *const f64,
    segments_or_null: *const u32,
    score_out: *mut f64,
    band_out: *mut u8,
    coverage_out: *mut f64,
) -> csops_status_t {
    status_call(|| {
        // SAFETY: by this function's contract.
        let card = unsafe { handle(card, "card") }?;
        let null = |name: &str| Failure::new(CSOPS_INVALID_ARGUMENT, format!("{name} is NULL"));
        if columns.is_null() {
            return Err(null("columns"));
        }
        if score_out.is_null() || band_out.is_null() || coverage_out.is_null() {
            return Err(null("an output array"));
        }
        let m = card.measures.len();
        // SAFETY: `columns` holds `m` pointers by contract.
        let columns = unsafe { std::slice::from_raw_parts(columns, m) };
        let mut batch = csops_core::health::Batch::new(&card.inner, n);
        for (id, col) in card.inner.measures().iter().zip(columns) {
            if !col.is_null() {
                // SAFETY: each non-NULL column holds `n` doubles by contract.
                let col = unsafe { std::slice::from_raw_parts(*col, n) };
                batch = batch.values(id, col).map_err(health_failure)?;
            }
        }
        if !segments_or_null.is_null() {
            // SAFETY: `n` codes by contract.
            let seg = unsafe { std::slice::from_raw_parts(segments_or_null, n) };
            batch = batch.segments(seg).map_err(health_failure)?;
        }
        // SAFETY: the outputs hold `n` writable elements each by contract.
        let (score, band, coverage) = unsafe {
            (
                std::slice::from_raw_parts_mut(score_out, n),
                std::slice::from_raw_parts_mut(band_out, n),
                std::slice::from_raw_parts_mut(coverage_out, n),
            )
        };
        batch
            .score_into(score, band, coverage)
            .map_err(health_failure)
    })
}

// ---- GitLab (SPEC §6–§7): JSON in, JSON out -------------------------------------------------

fn gitlab_failure(e: csops_core::gitlab::GitlabError) -> Failure {
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
fn gitlab_read<T>(
    inputs: &[(&str, &str)],
    r: Result<T, csops_core::gitlab::GitlabError>,
) -> Result<T, Failure> {
    r.map_err(|e| read_failure(inputs, gitlab_failure(e)))
}

/// Serializes `value` and writes it through `out` (which must not be NULL).
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn json_out<T: serde::Serialize>(out: *mut *mut c_char, value: &T) -> Result<(), Failure> {
    if out.is_null() {
        return Err(Failure::new(CSOPS_INVALID_ARGUMENT, "out_json is NULL"));
    }
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::new(CSOPS_PANIC, format!("cannot write JSON: {e}")))?;
    // SAFETY: by this function's contract.
    unsafe { write_out(out, owned_string(text)) };
    Ok(())
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

/// For tests of the boundary only: panics inside it and so returns `CSOPS_PANIC`.
#[unsafe(no_mangle)]
pub extern "C" fn csops_test_panic() -> csops_status_t {
    status_call(|| panic!("csops_test_panic was called"))
}
