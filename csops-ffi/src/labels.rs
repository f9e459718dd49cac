//! Labels and label sets from C (SPEC §2): a label parsed once, its parts read as C strings;
//! a set that applies GitLab's scoped-label rule.

use std::ffi::{CString, c_char};
use std::sync::LazyLock;

use csops_core::label::{self, LabelFamily, LabelSet};

use crate::*;

/// One parsed label: its text, canonical spelling, workflow state, GitLab scope and family.
pub struct csops_label_t {
    text: CString,
    canonical: CString,
    scope: Option<CString>,
    state: Option<csops_core::State>,
    family: LabelFamily,
}

/// A set of labels with GitLab's rule: a scoped label replaces the other labels of its scope.
pub struct csops_label_set_t {
    inner: LabelSet,
    /// The labels as C strings, remade when the set changes.
    labels: Vec<CString>,
}

static FAMILY_NAMES: LazyLock<Vec<CString>> =
    LazyLock::new(|| c_names::<LabelFamily>(|f| f.into()));

/// Parses a label with the default taxonomy (every alias of SPEC §2: `CS Ops::Awaiting
/// Feedback` is `CSOps::Awaiting Feedback`). NULL on failure: a blank label (empty, white
/// space or only `::`) is `CSOPS_INVALID_INPUT`. Free it with `csops_label_free`.
///
/// # Safety
/// `text` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_parse(text: *const c_char) -> *mut csops_label_t {
    ffi! {
        let text = arg_text!(text)?;
        let l = csops_core::Label::parse(text).map_err(failure)?;
        Ok(Box::into_raw(Box::new(csops_label_t {
            text: c_string(l.as_str()),
            canonical: c_string(l.canonical()),
            scope: l.scope().map(c_string),
            state: l.state(),
            family: l.family(),
        })))
    }
}

/// Frees a label. NULL is ignored.
///
/// # Safety
/// `l` is NULL or a label from `csops_label_parse`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_free(l: *mut csops_label_t) {
    ffi! { free_handle!(l) }
}

/// The label as given. Owned by the label: do not free. NULL if `l` is NULL.
///
/// # Safety
/// `l` is NULL or a live label.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_text(l: *const csops_label_t) -> *const c_char {
    ffi! { Ok(arg_ref!(l)?.text.as_ptr()) }
}

/// The canonical spelling (the state's label for a workflow label, else the label itself).
/// Owned by the label: do not free. NULL if `l` is NULL.
///
/// # Safety
/// `l` is NULL or a live label.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_canonical(l: *const csops_label_t) -> *const c_char {
    ffi! { Ok(arg_ref!(l)?.canonical.as_ptr()) }
}

/// The workflow state the label names ("Triage", …), or NULL when it names none (or `l` is
/// NULL). Static: do not free.
///
/// # Safety
/// `l` is NULL or a live label.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_state(l: *const csops_label_t) -> *const c_char {
    ffi! { Ok(arg_ref!(l)?.state.map_or(std::ptr::null(), state_name)) }
}

/// The label's GitLab scope (`CSOps` for `CSOps::Triage`), or NULL when it is not scoped (or
/// `l` is NULL). Owned by the label: do not free.
///
/// # Safety
/// `l` is NULL or a live label.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_scope(l: *const csops_label_t) -> *const c_char {
    ffi! { Ok(arg_ref!(l)?.scope.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())) }
}

/// The label's family: "workflow", "unknown_workflow", "team", "source" or "other". Static:
/// do not free. NULL if `l` is NULL.
///
/// # Safety
/// `l` is NULL or a live label.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_family(l: *const csops_label_t) -> *const c_char {
    ffi! {
        Ok(variant_name(&FAMILY_NAMES, arg_ref!(l)?.family))
    }
}

/// The GitLab scope of any label text, without parsing it as a label: `scope_out` receives a
/// copy (free it with `csops_string_free`), or NULL when the text is not scoped.
///
/// # Safety
/// `label` is NULL or NUL-terminated; `scope_out` is NULL (`CSOPS_INVALID_ARGUMENT`) or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scope(
    label: *const c_char,
    scope_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let out = arg_out!(scope_out)?;
        let scope = label::scope(arg_text!(label)?);
        out.write(scope.map_or(std::ptr::null_mut(), |s| owned_string(s.to_owned())));
        Ok(CSOPS_OK)
    }
}

impl csops_label_set_t {
    fn refresh(&mut self) {
        self.labels = self.inner.iter().map(c_string).collect();
    }
}

/// A label set holding `n` labels (`labels` may be NULL when `n` is 0), as GitLab would hold
/// them. NULL on failure: a blank label is `CSOPS_INVALID_INPUT` naming it. Free it with
/// `csops_label_set_free`.
///
/// # Safety
/// `labels` is NULL or `n` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_set_new(
    labels: *const *const c_char,
    n: usize,
) -> *mut csops_label_set_t {
    ffi! {
        let inner = LabelSet::from_iter(arg_texts!(labels, n)?.into_iter().map(str::to_owned));
        inner.validate().map_err(failure)?;
        let mut set = csops_label_set_t { inner, labels: Vec::new() };
        set.refresh();
        Ok(Box::into_raw(Box::new(set)))
    }
}

/// Frees a label set. NULL is ignored.
///
/// # Safety
/// `set` is NULL or a set from `csops_label_set_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_set_free(set: *mut csops_label_set_t) {
    ffi! { free_handle!(set) }
}

/// Adds `label`: a scoped label replaces every other label of its scope. When
/// `displaced_json_out` is not NULL it receives the labels replaced, as a JSON array (free it
/// with `csops_string_free`). A blank label is `CSOPS_INVALID_INPUT` and the set is unchanged.
///
/// # Safety
/// `set` is NULL or a live set; `label` is NULL or NUL-terminated; `displaced_json_out` is NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_set_add(
    set: *mut csops_label_set_t,
    label: *const c_char,
    displaced_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let set = arg_mut!(set)?;
        let displaced = set.inner.try_add(arg_text!(label)?).map_err(failure)?;
        set.refresh();
        arg_out_or_null!(displaced_json_out).write_json(&displaced)?;
        Ok(CSOPS_OK)
    }
}

/// Removes `label` (its exact spelling); `removed_out` (may be NULL) says whether it was there.
///
/// # Safety
/// `set` is NULL or a live set; `label` is NULL or NUL-terminated; `removed_out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_set_remove(
    set: *mut csops_label_set_t,
    label: *const c_char,
    removed_out: *mut bool,
) -> csops_status_t {
    ffi! {
        let set = arg_mut!(set)?;
        let removed = set.inner.remove(arg_text!(label)?);
        set.refresh();
        arg_out_or_null!(removed_out).write(removed);
        Ok(CSOPS_OK)
    }
}

/// The number of labels in the set (0 if `set` is NULL).
///
/// # Safety
/// `set` is NULL or a live set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_set_count(set: *const csops_label_set_t) -> usize {
    ffi! { Ok(arg_ref!(set)?.labels.len()) }
}

/// Label `i` of the set, in the order GitLab would list them; owned by the set and valid until
/// the next `csops_label_set_add` or `csops_label_set_remove` on it (whether or not that
/// changes the set) or its `_free`: do not free. NULL if `set` is NULL or `i` is out of range.
///
/// # Safety
/// `set` is NULL or a live set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_label_set_label(
    set: *const csops_label_set_t,
    i: usize,
) -> *const c_char {
    ffi! { Ok(arg_ref!(set)?.labels.get(i).map_or(std::ptr::null(), |l| l.as_ptr())) }
}
