//! A serde `Deserializer` over Python objects (dict, list/tuple, str, int, float, bool, None,
//! aware datetime): every Python value reaches the core's readers through it, in one pass, with
//! no JSON in between. Generic serde plumbing: no csops rule lives here.
//!
//! The rules are those of JSON, as `json.dumps` writes a value: a dict key is a `str`, or an
//! `int` read as its digits (a dict that has both `7` and `"7"` is an error: one would replace
//! the other); an enum is its variant's name or a dict of one key, the variant, to its content;
//! an int fits 64 bits; a float is finite in a document ([`Reader::json`]: JSON has no NaN) and
//! may be NaN in a value whose rules name it ([`Reader::new`]: a NaN estimate, a missing health
//! value); dicts and lists nest at most [`MAX_DEPTH`] deep. What no JSON holds (a set, an
//! object, a naive datetime, a float key) is the binding's error, not the core's: the
//! [`Reader`] keeps it, naming where it is (`command.workstream`), the deserializer stops, and
//! [`Reader::finish`] raises it (a `TypeError` for a wrong Python type, an `InputError` naming
//! the value otherwise) instead of the core's reading of the stop.

use std::fmt;

use chrono::SecondsFormat;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, IntoDeserializer, Visitor};

mod access;
mod reader;
use access::*;
pub use reader::*;

/// Why a Python object did not deserialize: a serde message (the core words and keys it), or a
/// stop whose Python error the [`Reader`] holds.
#[derive(Debug)]
pub struct DeError(String);

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(msg.to_string())
    }
}

/// How deep dicts and lists may nest (serde_json's own limit): deeper input is an error, not a
/// stack overflow.
pub const MAX_DEPTH: usize = 128;

/// Deserializes from one Python object.
pub struct PyDe<'a, 'py> {
    pub(crate) obj: &'a Bound<'py, PyAny>,
    /// How many dicts and lists enclose it.
    pub(crate) depth: usize,
    /// Where it is (None: the argument itself).
    pub(crate) path: Option<&'a Path<'a, 'py>>,
    pub(crate) reader: &'a Reader<'a>,
}

impl<'a, 'py> Clone for PyDe<'a, 'py> {
    fn clone(&self) -> Self {
        PyDe {
            obj: self.obj,
            depth: self.depth,
            path: self.path,
            reader: self.reader,
        }
    }
}

/// A value inside a dict, list or enum at `step` below `parent`, handed to `f` as a
/// deserializer that names its path in the binding's own errors.
#[inline(always)]
pub(crate) fn child<'py, R>(
    obj: &Bound<'py, PyAny>,
    depth: usize,
    parent: Option<&Path<'_, 'py>>,
    step: Step<'_, 'py>,
    reader: &Reader<'_>,
    f: impl FnOnce(PyDe<'_, 'py>) -> R,
) -> R {
    let path = Path { parent, step };
    f(PyDe {
        obj,
        depth,
        path: Some(&path),
        reader,
    })
}

impl<'a, 'py> PyDe<'a, 'py> {
    /// The depth for the items of a dict or list, or the error past [`MAX_DEPTH`].
    #[inline]
    pub(crate) fn inner_depth(&self) -> Result<usize, DeError> {
        if self.depth >= MAX_DEPTH {
            Err(self.reader.input_error(
                self.obj.py(),
                self.path,
                format!("nested deeper than {MAX_DEPTH} levels of dicts and lists"),
            ))
        } else {
            Ok(self.depth + 1)
        }
    }

    #[inline]
    pub(crate) fn text(&self, s: &'a Bound<'py, PyString>) -> Result<&'a str, DeError> {
        self.reader.text_at(s, self.path)
    }

    #[inline]
    pub(crate) fn int<'de, V: Visitor<'de>>(
        &self,
        i: &Bound<'py, PyInt>,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if let Ok(v) = i.extract::<i64>() {
            return visitor.visit_i64(v);
        }
        match i.extract::<u64>() {
            Ok(v) => visitor.visit_u64(v),
            Err(_) => Err(self.reader.input_error(
                i.py(),
                self.path,
                format!("integer {i} does not fit 64 bits"),
            )),
        }
    }

    #[inline]
    pub(crate) fn float<'de, V: Visitor<'de>>(
        &self,
        v: f64,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if self.reader.finite && !v.is_finite() {
            return Err(self.reader.input_error(
                self.obj.py(),
                self.path,
                format!("{v} is not a finite number"),
            ));
        }
        visitor.visit_f64(v)
    }

    #[inline]
    pub(crate) fn any<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let o = self.obj;
        if let Ok(s) = o.cast::<PyString>() {
            visitor.visit_str(self.text(s)?)
        } else if let Ok(d) = o.cast::<PyDict>() {
            visitor.visit_map(DictAccess {
                dict: d,
                items: d.iter(),
                value: None,
                depth: self.inner_depth()?,
                path: self.path,
                reader: self.reader,
            })
        } else if o.is_none() {
            visitor.visit_unit()
        } else if let Ok(b) = o.cast::<PyBool>() {
            visitor.visit_bool(b.is_true())
        } else if let Ok(i) = o.cast::<PyInt>() {
            self.int(i, visitor)
        } else if let Ok(f) = o.cast::<PyFloat>() {
            self.float(f.value(), visitor)
        } else if o.cast::<PyList>().is_ok() || o.cast::<PyTuple>().is_ok() {
            let items = o.try_iter().map_err(|e| self.reader.stop(e))?;
            visitor.visit_seq(ListAccess {
                items,
                index: 0,
                depth: self.inner_depth()?,
                path: self.path,
                reader: self.reader,
            })
        } else if o.hasattr("utcoffset").map_err(|e| self.reader.stop(e))? {
            let name = self.reader.name_at(self.path);
            let t = crate::aware_datetime(o, &name).map_err(|e| self.reader.stop(e))?;
            visitor.visit_string(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        } else {
            Err(self.reader.type_error(
                self.path,
                format!(
                    "{} is not JSON-like (dict, list, str, int, float, bool, None or datetime)",
                    o.get_type()
                ),
            ))
        }
    }
}

impl<'de> de::Deserializer<'de> for PyDe<'_, '_> {
    type Error = DeError;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.any(visitor)
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.obj.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    /// An enum as JSON writes one: a unit variant as its name (`"add"`), any other as a dict
    /// of one key, the variant, to its content (`{"below": 40}`).
    #[inline]
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if let Ok(s) = self.obj.cast::<PyString>() {
            return visitor.visit_enum(self.text(s)?.into_deserializer());
        }
        let one = self
            .obj
            .cast::<PyDict>()
            .ok()
            .filter(|d| d.len() == 1)
            .and_then(|d| d.iter().next());
        match one {
            Some((variant, content)) => {
                let depth = self.inner_depth()?;
                visitor.visit_enum(EnumAccess {
                    variant,
                    content,
                    depth,
                    path: self.path,
                    reader: self.reader,
                })
            }
            None => Err(DeError(
                "expected a string, or a dict of one key (the variant) to its value".into(),
            )),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}
