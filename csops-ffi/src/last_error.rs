//! The thread-local last error and what C reads of it: the status, the message, the input it
//! is about (`key`) and, for a rejected command, its rule, missing inputs and every problem as
//! structure.

use std::cell::RefCell;
use std::ffi::{CString, c_char};

use crate::*;

/// A failed call: the status, the message, and the core's error it came from (what C reads of
/// it besides the message is worded only when asked for).
pub(crate) struct Failure {
    pub(crate) status: csops_status_t,
    pub(crate) message: String,
    /// The input the binding names (`history`, `ratings`), when it found the error itself.
    pub(crate) key: Option<String>,
    /// The core's error (boxed: a `Result` of the binding stays small).
    pub(crate) error: Option<Box<csops_core::Error>>,
}

impl Failure {
    /// A failure whose message quotes inputs bounded, as the core's do (a binding-side parse
    /// echoes what serde echoes).
    pub(crate) fn new(status: csops_status_t, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: csops_core::bounded_message(message.into()),
            key: None,
            error: None,
        }
    }
}

/// The core's error as a failure, its status decided in one place: text that is not JSON
/// (or TOML) at all is `CSOPS_INVALID_JSON`; a rejected command or a weight rule is its kind's
/// status; else the error's class (`CSOPS_INVALID_CONFIG`, `CSOPS_INVALID_INPUT`).
pub(crate) fn failure(e: impl Into<csops_core::Error>) -> Failure {
    let e = e.into();
    let status = if e.is_syntax() {
        CSOPS_INVALID_JSON
    } else if let Some(kind) = e.rejection_kind() {
        kind.into()
    } else {
        match e.class() {
            csops_core::ErrorClass::Config => CSOPS_INVALID_CONFIG,
            _ => CSOPS_INVALID_INPUT,
        }
    };
    let message = e.to_string();
    Failure {
        error: Some(Box::new(e)),
        ..Failure::new(status, message)
    }
}

/// One problem of a rejection, as C reads it.
struct Problem {
    kind: csops_status_t,
    rule: CString,
    missing: Option<CString>,
}

/// What C reads of a failure besides its status and message, made on the first read.
#[derive(Default)]
struct Texts {
    key: CString,
    rule: CString,
    missing: Vec<CString>,
    problems: Vec<Problem>,
}

impl Texts {
    fn of(failure: &Failure) -> Texts {
        use csops_core::workflow::ReplayError;
        let key = match (&failure.key, failure.error.as_deref()) {
            (Some(key), _) => c_string(key.as_str()),
            (None, Some(e)) => c_string(e.key()),
            (None, None) => CString::default(),
        };
        let rejection = match failure.error.as_deref() {
            Some(csops_core::Error::Rejected(r))
            | Some(csops_core::Error::Replay(ReplayError::Rejected { rejection: r, .. })) => r,
            _ => {
                return Texts {
                    key,
                    ..Texts::default()
                };
            }
        };
        Texts {
            key,
            rule: c_string(rejection.rule()),
            missing: rejection.missing().map(c_string).collect(),
            problems: rejection
                .problems
                .iter()
                .map(|p| Problem {
                    kind: p.kind.into(),
                    rule: c_string(p.rule()),
                    missing: p.missing().map(c_string),
                })
                .collect(),
        }
    }
}

/// The last failure on this thread: its message NUL-terminated when it is set (C reads it
/// most), the rest when first read.
struct LastError {
    failure: Failure,
    message: CString,
    texts: Option<Texts>,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

pub(crate) fn set_last_error(failure: Failure) {
    let message = c_string(failure.message.replace('\0', "\\0"));
    let last = LastError {
        failure,
        message,
        texts: None,
    };
    // During the thread's teardown there is no last error to keep: nothing to do, no panic.
    let _ = LAST_ERROR.try_with(|e| *e.borrow_mut() = Some(last));
}

/// Reads the last error's status and message (`None`: no failure yet, or the thread's
/// teardown).
fn read<T>(f: impl FnOnce(&LastError) -> T) -> Option<T> {
    LAST_ERROR
        .try_with(|e| e.borrow().as_ref().map(f))
        .ok()
        .flatten()
}

/// Reads the last error's texts, wording them on the first read.
fn read_texts<T>(f: impl FnOnce(&Texts) -> T) -> Option<T> {
    LAST_ERROR
        .try_with(|e| {
            let mut e = e.borrow_mut();
            let last = e.as_mut()?;
            let texts = last.texts.get_or_insert_with(|| Texts::of(&last.failure));
            Some(f(texts))
        })
        .ok()
        .flatten()
}

/// The message of the last failure on this thread ("" if none). Owned by csops: valid until the
/// next csops call on this thread; do not free.
#[unsafe(no_mangle)]
pub extern "C" fn csops_last_error_message() -> *const c_char {
    ffi! { Ok(read(|e| e.message.as_ptr()).unwrap_or(c"".as_ptr())) }
}

/// The status of the last failure on this thread (`CSOPS_OK` if none): what a constructor that
/// returned NULL would have returned (`CSOPS_INVALID_CONFIG`, `CSOPS_INVALID_JSON`, …). For a
/// rejected command it is the rejection's kind (`CSOPS_NOT_PERMITTED`, …); for a history that
/// does not replay, `CSOPS_INVALID_INPUT` (the rejection of its step is read with
/// `csops_last_error_problem`).
#[unsafe(no_mangle)]
pub extern "C" fn csops_last_error_status() -> csops_status_t {
    ffi! { Ok(read(|e| e.failure.status).unwrap_or(CSOPS_OK)) }
}

/// The input the last failure is about, as the core names it ("" when it names none): a
/// dotted path into a document (`sla.untriaged_days`, `labels[2]`, `[4].author.username`), an
/// argument (`at`, `as_of`, `account`) or `.` for the input as a whole (a rejected command).
/// Owned by csops like the message.
#[unsafe(no_mangle)]
pub extern "C" fn csops_last_error_key() -> *const c_char {
    ffi! { Ok(read_texts(|t| t.key.as_ptr()).unwrap_or(c"".as_ptr())) }
}

/// The row of a batch the last failure is about, counted from 0, or -1 when it is about no
/// row (a book scored with `csops_batch_score` whose row 3 holds a value no measure takes: 3).
#[unsafe(no_mangle)]
pub extern "C" fn csops_last_error_row() -> i64 {
    ffi! {
        let row = read(|e| e.failure.error.as_deref().and_then(csops_core::Error::row)).flatten();
        Ok(row.and_then(|r| i64::try_from(r).ok()).unwrap_or(-1))
    }
}

/// The rule the last rejected command broke, in words ("" when the last failure was not a
/// rejection; for a history that does not replay, the rule its step broke). Owned by csops like
/// the message.
#[unsafe(no_mangle)]
pub extern "C" fn csops_last_error_rule() -> *const c_char {
    ffi! { Ok(read_texts(|t| t.rule.as_ptr()).unwrap_or(c"".as_ptr())) }
}

/// How many inputs or checklist items the last rejection found missing (for
/// `CSOPS_MISSING_INPUT` and `CSOPS_CHECKLIST_INCOMPLETE`; 0 otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn csops_last_error_missing_count() -> usize {
    ffi! { Ok(read_texts(|t| t.missing.len()).unwrap_or(0)) }
}

/// Missing input `i` of the last rejection (`change_kind`, `peer_reviewer`, a checklist item),
/// NULL when `i` is out of range. Owned by csops like the message.
#[unsafe(no_mangle)]
pub extern "C" fn csops_last_error_missing(i: usize) -> *const c_char {
    ffi! { Ok(read_texts(|t| t.missing.get(i).map(|m| m.as_ptr())).flatten().unwrap_or(std::ptr::null())) }
}

/// How many requirements the last rejection found unmet (at least 1 for a rejection, 0
/// otherwise), in precedence order: the first is the kind the status names (a replay's status
/// is `CSOPS_INVALID_INPUT`; its first problem is its step's kind).
#[unsafe(no_mangle)]
pub extern "C" fn csops_last_error_problem_count() -> usize {
    ffi! { Ok(read_texts(|t| t.problems.len()).unwrap_or(0)) }
}

/// Problem `i` of the last rejection: its kind (a rejection status, 1–9), its rule in words and
/// the missing input it is about (NULL when it is about none). Each out-parameter may be NULL;
/// the texts are owned by csops like the message. When `i` is out of range the answer is
/// `CSOPS_INVALID_ARGUMENT`, nothing is written and the last error stays as it was (so a loop
/// that calls it until it fails keeps the texts it read).
///
/// # Safety
/// The out-parameters are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_last_error_problem(
    i: usize,
    kind_out: *mut csops_status_t,
    rule_out: *mut *const c_char,
    missing_out: *mut *const c_char,
) -> csops_status_t {
    ffi! {
        let problem = read_texts(|t| {
            t.problems.get(i).map(|p| {
                (
                    p.kind,
                    p.rule.as_ptr(),
                    p.missing.as_ref().map_or(std::ptr::null(), |m| m.as_ptr()),
                )
            })
        })
        .flatten();
        // Out of range is an answer, not a failure: the error being read must not change.
        let Some((kind, rule, missing)) = problem else {
            return Ok(CSOPS_INVALID_ARGUMENT);
        };
        arg_out_or_null!(kind_out).write(kind);
        arg_out_or_null!(rule_out).write(rule);
        arg_out_or_null!(missing_out).write(missing);
        Ok(CSOPS_OK)
    }
}
