//! The boundary every `extern "C"` body goes through: the thread-local last error, the
//! panic guard (`boundary`, `status_call`, `pointer_call`), and the helpers that read C
//! arguments (`text`, `handle`, `slice`) and write results (`write_out`, `json_out`).

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use strum::VariantArray;

use chrono::{DateTime, Utc};

use crate::*;

/// A failed call: the status and the message for `csops_last_error_message`.
pub(crate) struct Failure {
    pub(crate) status: csops_status_t,
    pub(crate) message: String,
}

impl Failure {
    /// A failure whose message quotes inputs bounded, as the core's do (a binding-side parse
    /// echoes what serde echoes).
    pub(crate) fn new(status: csops_status_t, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: csops_core::bounded_message(message.into()),
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<(csops_status_t, CString)> = RefCell::new((CSOPS_OK, CString::default()));
}

pub(crate) fn set_last_error(status: csops_status_t, message: &str) {
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = (status, text));
}

/// NUL-terminated copies of a core enum's names, built once from the core and read-only after,
/// so that the names C sees cannot drift from the names Rust and Python see.
pub(crate) fn c_names<T: VariantArray + Copy>(name: fn(T) -> &'static str) -> Vec<CString> {
    T::VARIANTS
        .iter()
        .map(|v| CString::new(name(*v)).unwrap_or_default())
        .collect()
}

/// A static name from one of the tables above ("" for an index it does not have).
pub(crate) fn name_ptr(names: &'static [CString], index: Option<usize>) -> *const c_char {
    index
        .and_then(|i| names.get(i))
        .map_or(c"".as_ptr(), |n| n.as_ptr())
}

/// Runs a call body at the boundary: its failure becomes the last error and `on_error`'s value;
/// a panic becomes `CSOPS_PANIC` (or the pointer default) with a message, never an unwind.
pub(crate) fn boundary<T>(
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

/// Frees a handle made by `Box::into_raw` (NULL: nothing) inside the boundary, so that a panic
/// in a destructor does not cross it: every `_free` goes through here.
///
/// # Safety
/// `ptr` is NULL or a handle this library made and has not freed.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    boundary(
        |_| (),
        || {
            if !ptr.is_null() {
                // SAFETY: made by Box::into_raw, freed once by the caller's contract.
                drop(unsafe { Box::from_raw(ptr) });
            }
            Ok(())
        },
    )
}

pub(crate) fn status_call(body: impl FnOnce() -> Result<(), Failure>) -> csops_status_t {
    boundary(|s| s, || body().map(|()| CSOPS_OK))
}

pub(crate) fn pointer_call<T>(body: impl FnOnce() -> Result<*mut T, Failure>) -> *mut T {
    boundary(|_| std::ptr::null_mut(), body)
}

/// A required C string argument as `&str`.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn text<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
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
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Failure> {
    // SAFETY: a non-NULL handle is live by the caller's contract.
    unsafe { ptr.as_ref() }
        .ok_or_else(|| Failure::new(CSOPS_INVALID_ARGUMENT, format!("{name} is NULL")))
}

/// A required handle as a mutable reference.
///
/// # Safety
/// `ptr` is NULL or a live handle from this library, not used elsewhere during the call.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: as for `handle`, and exclusive for the call.
    unsafe { ptr.as_mut() }
        .ok_or_else(|| Failure::new(CSOPS_INVALID_ARGUMENT, format!("{name} is NULL")))
}

pub(crate) fn json(text: &str, name: &str) -> Result<serde_json::Value, Failure> {
    serde_json::from_str(text).map_err(|e| {
        Failure::new(
            CSOPS_INVALID_JSON,
            format!("{name}: {}", csops_core::reader_words(&e.to_string())),
        )
    })
}

pub(crate) fn instant(text: &str, name: &str) -> Result<DateTime<Utc>, Failure> {
    csops_core::sla::parse_time(text)
        .map_err(|e| Failure::new(CSOPS_INVALID_INPUT, format!("{name}: {e}")))
}

pub(crate) fn owned_string(s: String) -> *mut c_char {
    CString::new(s).map_or(std::ptr::null_mut(), CString::into_raw)
}

/// Writes `value` through `out` when `out` is not NULL.
///
/// # Safety
/// `out` is NULL or valid for a write.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable by the caller's contract.
        unsafe { out.write(value) };
    }
}

/// A reader's failure as a status. One parse on success; a failure is told apart: an input
/// (name, text) that is not JSON at all is `CSOPS_INVALID_JSON`, else the reader's own `rule`.
pub(crate) fn read_failure(inputs: &[(&str, &str)], rule: Failure) -> Failure {
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

/// Frees a string csops returned as `char *`. NULL is ignored.
///
/// # Safety
/// `s` is NULL or a string from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_string_free(s: *mut c_char) {
    boundary(
        |_| (),
        || {
            if !s.is_null() {
                // SAFETY: made by CString::into_raw in this library, freed once by contract.
                drop(unsafe { CString::from_raw(s) });
            }
            Ok(())
        },
    )
}

/// A C array as a slice (`n` = 0 may come with NULL).
///
/// # Safety
/// `ptr` is NULL or points to `n` readable values.
pub(crate) unsafe fn slice<'a, T>(ptr: *const T, n: usize, name: &str) -> Result<&'a [T], Failure> {
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

pub(crate) fn date(text: &str, name: &str) -> Result<chrono::NaiveDate, Failure> {
    csops_core::sla::parse_date(text)
        .map_err(|e| Failure::new(CSOPS_INVALID_INPUT, format!("{name}: {e}")))
}

/// Serializes `value` and writes it through `out` (which must not be NULL).
///
/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn json_out<T: serde::Serialize>(
    out: *mut *mut c_char,
    value: &T,
) -> Result<(), Failure> {
    if out.is_null() {
        return Err(Failure::new(CSOPS_INVALID_ARGUMENT, "out_json is NULL"));
    }
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::new(CSOPS_PANIC, format!("cannot write JSON: {e}")))?;
    // SAFETY: by this function's contract.
    unsafe { write_out(out, owned_string(text)) };
    Ok(())
}

/// For tests of the boundary only: panics inside it and so returns `CSOPS_PANIC`.
#[unsafe(no_mangle)]
pub extern "C" fn csops_test_panic() -> csops_status_t {
    status_call(|| panic!("csops_test_panic was called"))
}
