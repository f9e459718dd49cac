//! Python text as the core reads it. A `str` may hold a lone surrogate (`"\ud800"`), which
//! UTF-8 cannot: where pyo3 would raise `UnicodeEncodeError`, csops raises `InputError` (the
//! argument is named by the note pyo3 adds to an argument's error).

use std::ops::Deref;

use pyo3::exceptions::PyUnicodeEncodeError;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// A `str` argument, borrowed as UTF-8.
#[derive(Debug)]
pub struct Text<'a>(&'a str);

impl Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        self.0
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Text<'a> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        <&'a str as FromPyObject<'a, 'py>>::extract(obj)
            .map(Text)
            .map_err(|e| not_unicode(obj.py(), e, "."))
    }
}

/// A `str` argument copied out as UTF-8: for lists and tuples of text, whose items cannot be
/// borrowed.
#[derive(Debug)]
pub struct OwnedText(pub String);

impl AsRef<str> for OwnedText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<OwnedText> for String {
    fn from(t: OwnedText) -> String {
        t.0
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for OwnedText {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Text::extract(obj).map(|t| OwnedText(t.0.to_owned()))
    }
}

/// The UTF-8 of a Python `str` that is the input `name` (see the module).
pub fn str_of<'a>(s: &'a Bound<'_, PyString>, name: &str) -> PyResult<&'a str> {
    s.to_str().map_err(|e| not_unicode(s.py(), e, name))
}

/// A `str` that is not Unicode (a lone surrogate) as the InputError naming the input `name`.
#[cold]
pub(crate) fn not_unicode(py: Python<'_>, e: PyErr, name: &str) -> PyErr {
    if e.is_instance_of::<PyUnicodeEncodeError>(py) {
        crate::input_error(
            py,
            name,
            format!("{name}: text that is not valid Unicode: {e}"),
        )
    } else {
        e
    }
}

/// Names from any iterable of `str` (a list, a set, a pandas Series, a numpy array of objects):
/// the argument `name`. A single `str` is refused (it would read as its characters), and an
/// item that is not text is an `InputError` naming it (`paying[2]`).
pub(crate) fn names(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<String>> {
    let items = texts_of(obj, name, "an iterable of names")?;
    Ok(strs_of(&items, name)?
        .into_iter()
        .map(str::to_owned)
        .collect())
}

/// The core's shared names (labels, people) as the `&str`s Python strings are made from.
pub(crate) fn strs(names: &[csops_core::Name]) -> Vec<&str> {
    names.iter().map(|n| n.as_str()).collect()
}

/// The items of a sequence of JSON texts (a list, a tuple, a pandas Series of text), held so
/// that their UTF-8 can be borrowed: the argument `name`. A single `str` is refused, and an
/// item that is not text is an `InputError` naming it (`issues[2]`).
pub(crate) fn borrowed_texts<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<Vec<Bound<'py, PyString>>> {
    texts_of(obj, name, "a sequence of JSON texts")
}

/// The `str` items of any iterable (`expected` says what it should be when it is one `str`).
fn texts_of<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
    expected: &str,
) -> PyResult<Vec<Bound<'py, PyString>>> {
    let py = obj.py();
    if obj.is_instance_of::<PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{name}: expected {expected}, not one str"
        )));
    }
    obj.try_iter()?
        .enumerate()
        .map(|(i, item)| {
            let item = item?;
            item.cast_into::<PyString>().map_err(|e| {
                let key = format!("{name}[{i}]");
                let what = e.into_inner().get_type();
                crate::input_error(py, &key, format!("{key}: {what} is not text"))
            })
        })
        .collect()
}

/// The UTF-8 of each of [`borrowed_texts`]'s items, borrowed.
pub(crate) fn strs_of<'a>(items: &'a [Bound<'_, PyString>], name: &str) -> PyResult<Vec<&'a str>> {
    items
        .iter()
        .enumerate()
        .map(|(i, s)| str_of(s, &format!("{name}[{i}]")))
        .collect()
}
