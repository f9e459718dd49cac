//! The boundary every `extern "C"` body goes through: the
//! panic guard (`boundary` and the `ffi!` macro every body is), the argument macros that read
//! C pointers (`arg_text!`, `arg_ref!`, `arg_slice!`, `arg_out!`, …) and `Out`, which writes
//! results on success.

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use strum::VariantArray;

use chrono::{DateTime, Utc};

use crate::*;

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

/// The static name of an enum's value from its table (made by [`c_names`] for that enum).
pub(crate) fn variant_name<T: VariantArray + PartialEq>(
    names: &'static [CString],
    value: T,
) -> *const c_char {
    name_ptr(names, T::VARIANTS.iter().position(|v| *v == value))
}

/// What an `extern "C"` function returns when its body fails: the status itself, NULL, false,
/// 0 or nothing. The boundary macro picks it from the function's return type.
pub(crate) trait OnFailure {
    fn on_failure(status: csops_status_t) -> Self;
}

impl OnFailure for csops_status_t {
    fn on_failure(status: csops_status_t) -> Self {
        status
    }
}

impl<T> OnFailure for *mut T {
    fn on_failure(_: csops_status_t) -> Self {
        std::ptr::null_mut()
    }
}

impl<T> OnFailure for *const T {
    fn on_failure(_: csops_status_t) -> Self {
        std::ptr::null()
    }
}

impl OnFailure for bool {
    fn on_failure(_: csops_status_t) -> Self {
        false
    }
}

impl OnFailure for usize {
    fn on_failure(_: csops_status_t) -> Self {
        0
    }
}

/// A row or count that may be absent: -1.
impl OnFailure for i64 {
    fn on_failure(_: csops_status_t) -> Self {
        -1
    }
}

impl OnFailure for f64 {
    fn on_failure(_: csops_status_t) -> Self {
        f64::NAN
    }
}

impl OnFailure for () {
    fn on_failure(_: csops_status_t) -> Self {}
}

/// Runs a call body at the boundary: its failure becomes the last error and the return type's
/// [`OnFailure`] value; a panic becomes `CSOPS_PANIC` (or that value) with a message, never an
/// unwind. Every `extern "C"` body goes through it, by way of [`ffi!`].
pub(crate) fn boundary<T: OnFailure>(body: impl FnOnce() -> Result<T, Failure>) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(failure)) => {
            let status = failure.status;
            set_last_error(failure);
            T::on_failure(status)
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            set_last_error(Failure::new(
                CSOPS_PANIC,
                format!("internal error (a bug in csops): {what}"),
            ));
            T::on_failure(CSOPS_PANIC)
        }
    }
}

/// The body of every `extern "C"` function: `ffi! { ...; Ok(value) }` runs the block inside
/// [`boundary`], so `?` on a [`Failure`] returns the function's failure value with the last
/// error set, and a panic never unwinds into C.
macro_rules! ffi {
    ($($body:tt)*) => {
        $crate::boundary::boundary(|| -> ::std::result::Result<_, $crate::last_error::Failure> {
            $($body)*
        })
    };
}
pub(crate) use ffi;

// The argument macros below read a pointer argument of the `extern "C"` function they are
// used in, and are the only places that dereference one. They rely on one contract, stated in
// the header for every function: a pointer argument is NULL or valid for what its type says
// (a live handle of this library, used by nothing else during the call when `*mut`; a
// NUL-terminated string; `n` readable or writable elements; a writable out-parameter). NULL
// is checked here and is `CSOPS_INVALID_ARGUMENT` naming the parameter; validity cannot be
// checked, which is why the `extern "C"` functions are `unsafe`.

/// A required string argument as `&str` (`CSOPS_INVALID_UTF8` when it is not UTF-8).
macro_rules! arg_text {
    ($ptr:ident) => {{
        let ptr: *const ::std::ffi::c_char = $ptr;
        // SAFETY: the argument contract above.
        unsafe { $crate::boundary::text(ptr, stringify!($ptr)) }
    }};
}
pub(crate) use arg_text;

/// An optional string argument (`NULL`: `None`).
macro_rules! arg_text_or_null {
    ($ptr:ident) => {{
        let ptr: *const ::std::ffi::c_char = $ptr;
        if ptr.is_null() {
            Ok(None)
        } else {
            // SAFETY: the argument contract above.
            unsafe { $crate::boundary::text(ptr, stringify!($ptr)) }.map(Some)
        }
    }};
}
pub(crate) use arg_text_or_null;

/// A required handle argument as `&T`.
macro_rules! arg_ref {
    ($ptr:ident) => {{
        let ptr = $ptr;
        // SAFETY: the argument contract above.
        unsafe { $crate::boundary::handle(ptr, stringify!($ptr)) }
    }};
}
pub(crate) use arg_ref;

/// An optional handle argument as `Option<&T>`.
macro_rules! arg_ref_or_null {
    ($ptr:ident) => {{
        let ptr = $ptr;
        // SAFETY: the argument contract above.
        unsafe { ptr.as_ref() }
    }};
}
pub(crate) use arg_ref_or_null;

/// A required handle argument as `&mut T`.
macro_rules! arg_mut {
    ($ptr:ident) => {{
        let ptr = $ptr;
        // SAFETY: the argument contract above.
        unsafe { $crate::boundary::handle_mut(ptr, stringify!($ptr)) }
    }};
}
pub(crate) use arg_mut;

/// An array argument of `n` values as a slice (`n` = 0 may come with NULL).
macro_rules! arg_slice {
    ($ptr:ident, $n:expr) => {{
        let (ptr, n) = ($ptr, $n);
        // SAFETY: the argument contract above.
        unsafe { $crate::boundary::slice(ptr, n, stringify!($ptr)) }
    }};
}
pub(crate) use arg_slice;

/// A column of `n` C strings as `Option<&str>`s (an element NULL: a missing value, for the core
/// to name); an element that is not UTF-8 is `CSOPS_INVALID_UTF8` naming it (`users[3]`).
macro_rules! arg_text_column {
    ($ptr:ident, $n:expr) => {{
        let (ptr, n) = ($ptr, $n);
        // SAFETY: the argument contract above, for the array and each non-NULL element.
        unsafe { $crate::boundary::text_column(ptr, n, stringify!($ptr)) }
    }};
}
pub(crate) use arg_text_column;

/// An optional array of `n` C strings (the array NULL: `None`); a NULL element is
/// `CSOPS_INVALID_ARGUMENT` naming it (`paying[2]`), one not UTF-8 `CSOPS_INVALID_UTF8`.
macro_rules! arg_texts_or_null {
    ($ptr:ident, $n:expr) => {{
        let (ptr, n) = ($ptr, $n);
        // SAFETY: the argument contract above, for the array and each element.
        unsafe { $crate::boundary::texts_or_null(ptr, n, stringify!($ptr)) }
    }};
}
pub(crate) use arg_texts_or_null;

/// An array of `n` C strings, every one present (the array NULL only when `n` is 0); a NULL
/// element is `CSOPS_INVALID_ARGUMENT` naming it (`issues_json[2]`), one not UTF-8
/// `CSOPS_INVALID_UTF8`.
macro_rules! arg_texts {
    ($ptr:ident, $n:expr) => {{
        let (ptr, n) = ($ptr, $n);
        // SAFETY: the argument contract above, for the array and each element.
        unsafe { $crate::boundary::texts(ptr, n, stringify!($ptr)) }
    }};
}
pub(crate) use arg_texts;

/// An output array of `n` elements as a mutable slice (`n` = 0 may come with NULL).
macro_rules! arg_slice_mut {
    ($ptr:ident, $n:expr) => {{
        let (ptr, n) = ($ptr, $n);
        // SAFETY: the argument contract above.
        unsafe { $crate::boundary::slice_mut(ptr, n, stringify!($ptr)) }
    }};
}
pub(crate) use arg_slice_mut;

/// A required out-parameter, checked for NULL before any work: `Out<T>` to write on success.
macro_rules! arg_out {
    ($ptr:ident) => {{
        let ptr = $ptr;
        // SAFETY: the argument contract above.
        unsafe { $crate::boundary::Out::required(ptr, stringify!($ptr)) }
    }};
}
pub(crate) use arg_out;

/// An optional out-parameter (NULL: the value is not wanted).
macro_rules! arg_out_or_null {
    ($ptr:ident) => {{
        let ptr = $ptr;
        // SAFETY: the argument contract above.
        unsafe { $crate::boundary::Out::optional(ptr) }
    }};
}
pub(crate) use arg_out_or_null;

/// Frees a handle argument made by `Box::into_raw` (NULL: nothing): the body of every
/// handle's `_free`.
macro_rules! free_handle {
    ($ptr:ident) => {{
        let ptr = $ptr;
        if !ptr.is_null() {
            // SAFETY: the argument contract above: a handle made here and not yet freed.
            drop(unsafe { Box::from_raw(ptr) });
        }
        Ok(())
    }};
}
pub(crate) use free_handle;

/// An out-parameter of an `extern "C"` function, checked when it is read as an argument and
/// written once the call has succeeded (outputs are written only on success).
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// An out-parameter that must not be NULL.
    ///
    /// # Safety
    /// `ptr` is NULL or valid for one write of `T` (the argument contract); only the
    /// `arg_out!` macro makes one.
    pub(crate) unsafe fn required(ptr: *mut T, name: &str) -> Result<Out<T>, Failure> {
        if ptr.is_null() {
            Err(Failure::new(
                CSOPS_INVALID_ARGUMENT,
                format!("{name} is NULL"),
            ))
        } else {
            Ok(Out(ptr))
        }
    }

    /// An out-parameter that may be NULL (the value is not wanted).
    ///
    /// # Safety
    /// As for [`Out::required`]; only the `arg_out_or_null!` macro makes one.
    pub(crate) unsafe fn optional(ptr: *mut T) -> Out<T> {
        Out(ptr)
    }

    /// Whether the caller wants the value (the pointer is not NULL).
    pub(crate) fn wanted(&self) -> bool {
        !self.0.is_null()
    }

    /// Writes the value (nothing when NULL).
    pub(crate) fn write(self, value: T) {
        if !self.0.is_null() {
            // SAFETY: made by `required` / `optional` under their contract: a non-NULL
            // out-parameter is valid for one write.
            unsafe { self.0.write(value) }
        }
    }
}

impl Out<*mut c_char> {
    /// Writes a value as JSON the caller frees with `csops_string_free` (nothing when NULL).
    pub(crate) fn write_json<T: serde::Serialize>(self, value: &T) -> Result<(), Failure> {
        if self.wanted() {
            self.write(json_string(value)?);
        }
        Ok(())
    }
}

/// A value as JSON the caller frees with `csops_string_free`: what a `_to_json` returns.
pub(crate) fn json_string<T: serde::Serialize>(value: &T) -> Result<*mut c_char, Failure> {
    serde_json::to_string(value)
        .map(owned_string)
        .map_err(|e| Failure::new(CSOPS_PANIC, format!("cannot write JSON: {e}")))
}

/// A C string of a text that may hold NUL bytes (they are dropped): a part of a C string
/// argument has none, and a core message never does.
pub(crate) fn c_string(text: impl Into<Vec<u8>>) -> CString {
    let mut bytes: Vec<u8> = text.into();
    bytes.retain(|b| *b != 0);
    CString::new(bytes).unwrap_or_default()
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

/// A `threads` argument: 0 is every core (C has no None), as `threads::threads_for(None)`.
pub(crate) fn threads_arg(threads: usize) -> usize {
    csops_core::threads::threads_for((threads != 0).then_some(threads))
}

pub(crate) fn instant(text: &str, name: &str) -> Result<DateTime<Utc>, Failure> {
    csops_core::sla::parse_time(text)
        .map_err(|e| Failure::new(CSOPS_INVALID_INPUT, format!("{name}: {e}")))
}

pub(crate) fn owned_string(s: String) -> *mut c_char {
    CString::new(s).map_or(std::ptr::null_mut(), CString::into_raw)
}

/// A value serde reads from JSON text, parsed once on success: text that is not JSON is
/// `CSOPS_INVALID_JSON` (as the core tells it: [`csops_core::json_syntax_error`]), JSON of the
/// wrong shape `status`; the message and the key name the input.
pub(crate) fn from_json_text<T: serde::de::DeserializeOwned>(
    text: &str,
    name: &str,
    status: csops_status_t,
) -> Result<T, Failure> {
    serde_json::from_str(text).map_err(|e| {
        let failure = match csops_core::json_syntax_error(text) {
            Some(words) => Failure::new(CSOPS_INVALID_JSON, format!("{name}: {words}")),
            None => Failure::new(
                status,
                format!("{name}: {}", csops_core::reader_words(&e.to_string())),
            ),
        };
        Failure {
            key: Some(name.to_owned()),
            ..failure
        }
    })
}

/// Frees a string csops returned as `char *`. NULL is ignored.
///
/// # Safety
/// `s` is NULL or a string from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_string_free(s: *mut c_char) {
    ffi! {
        if !s.is_null() {
            // SAFETY: the argument contract above: made by CString::into_raw here, freed once.
            drop(unsafe { CString::from_raw(s) });
        }
        Ok(())
    }
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

/// A C array of `n` C strings as `Option<&str>`s (NULL elements: `None`).
///
/// # Safety
/// `ptr` is NULL or points to `n` readable pointers, each NULL or a NUL-terminated string that
/// outlives the call.
pub(crate) unsafe fn text_column<'a>(
    ptr: *const *const c_char,
    n: usize,
    name: &str,
) -> Result<Vec<Option<&'a str>>, Failure> {
    // SAFETY: the caller's contract.
    let ptrs = unsafe { slice(ptr, n, name) }?;
    ptrs.iter()
        .enumerate()
        .map(|(i, p)| {
            if p.is_null() {
                return Ok(None);
            }
            // SAFETY: non-NULL and NUL-terminated by the caller's contract.
            unsafe { CStr::from_ptr(*p) }
                .to_str()
                .map(Some)
                .map_err(|e| {
                    Failure::new(
                        CSOPS_INVALID_UTF8,
                        format!("{name}[{i}] is not valid UTF-8: {e}"),
                    )
                })
        })
        .collect()
}

/// An optional C array of `n` C strings, every element present.
///
/// # Safety
/// As for [`text_column`].
pub(crate) unsafe fn texts_or_null<'a>(
    ptr: *const *const c_char,
    n: usize,
    name: &str,
) -> Result<Option<Vec<&'a str>>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's contract.
    unsafe { texts(ptr, n, name) }.map(Some)
}

/// A C array of `n` C strings, every element present (the array NULL only when `n` is 0).
///
/// # Safety
/// As for [`text_column`].
pub(crate) unsafe fn texts<'a>(
    ptr: *const *const c_char,
    n: usize,
    name: &str,
) -> Result<Vec<&'a str>, Failure> {
    // SAFETY: the caller's contract.
    let texts = unsafe { text_column(ptr, n, name) }?;
    texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            t.ok_or_else(|| Failure::new(CSOPS_INVALID_ARGUMENT, format!("{name}[{i}] is NULL")))
        })
        .collect()
}

/// A C output array as a mutable slice (`n` = 0 may come with NULL).
///
/// # Safety
/// `ptr` is NULL or points to `n` writable values, used by nothing else during the call.
pub(crate) unsafe fn slice_mut<'a, T>(
    ptr: *mut T,
    n: usize,
    name: &str,
) -> Result<&'a mut [T], Failure> {
    if n == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(Failure::new(
            CSOPS_INVALID_ARGUMENT,
            format!("{name} is NULL with {n} values"),
        ));
    }
    // SAFETY: non-NULL and `n` writable values by the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, n) })
}

pub(crate) fn date(text: &str, name: &str) -> Result<chrono::NaiveDate, Failure> {
    csops_core::sla::parse_date(text)
        .map_err(|e| Failure::new(CSOPS_INVALID_INPUT, format!("{name}: {e}")))
}

/// For tests of the boundary only: panics inside it and so returns `CSOPS_PANIC`.
#[unsafe(no_mangle)]
pub extern "C" fn csops_test_panic() -> csops_status_t {
    ffi! { panic!("csops_test_panic was called") }
}
