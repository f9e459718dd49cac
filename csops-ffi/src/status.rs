//! `csops_status_t`: the outcome of every call, its fixed numbers and names.

use std::ffi::{CStr, c_char};

use strum::VariantArray;

use csops_core::workflow::RejectionKind;

use crate::*;

/// The outcome of a call: a fixed 32-bit type (`int32_t` in C, whatever the compiler's enum
/// size). Numbers are explicit, never change and are never reused (a test pins each): 1–9 are
/// the rejection kinds of the workflow (in their precedence order), 100 and up are errors of
/// the call itself.
#[repr(i32)]
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

pub use csops_status_t::*;

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

/// [`csops_status_name`] as Rust text, for statuses written into JSON.
pub(crate) fn status_name(status: csops_status_t) -> &'static str {
    let p = csops_status_name(status);
    if p.is_null() {
        return "";
    }
    // SAFETY: csops_status_name returns NULL or a pointer to a static NUL-terminated name.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbers are the ABI: a C program compiled against an older header reads them.
    #[test]
    fn every_status_keeps_its_number_and_size() {
        let pinned: [(csops_status_t, i32, &str); 16] = [
            (CSOPS_OK, 0, "ok"),
            (CSOPS_UNKNOWN_PERSON, 1, "unknown_person"),
            (CSOPS_INVALID_TIME, 2, "invalid_time"),
            (CSOPS_INVALID_TRANSITION, 3, "invalid_transition"),
            (CSOPS_NOT_PERMITTED, 4, "not_permitted"),
            (CSOPS_MISSING_INPUT, 5, "missing_input"),
            (CSOPS_INVALID_WEIGHT, 6, "invalid_weight"),
            (CSOPS_NEEDS_EPIC, 7, "needs_epic"),
            (CSOPS_REVIEW_REQUIRED, 8, "review_required"),
            (CSOPS_CHECKLIST_INCOMPLETE, 9, "checklist_incomplete"),
            (CSOPS_INVALID_ARGUMENT, 100, "invalid_argument"),
            (CSOPS_INVALID_UTF8, 101, "invalid_utf8"),
            (CSOPS_INVALID_JSON, 102, "invalid_json"),
            (CSOPS_INVALID_INPUT, 103, "invalid_input"),
            (CSOPS_INVALID_CONFIG, 104, "invalid_config"),
            (CSOPS_PANIC, 199, "panic"),
        ];
        assert_eq!(std::mem::size_of::<csops_status_t>(), 4);
        assert_eq!(pinned.len(), ALL_STATUSES.len());
        for ((status, number, name), listed) in pinned.iter().zip(ALL_STATUSES) {
            assert_eq!(*status as i32, *number, "{name}");
            assert_eq!(*status, listed, "{name}: ALL_STATUSES keeps the order");
            assert_eq!(status_name(*status), *name);
        }
    }
}
