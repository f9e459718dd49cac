//! A serde `Deserializer` over Python objects (dict, list/tuple, str, int, float, bool, None,
//! aware datetime), so that a command dict becomes a `Command` in one pass, with no intermediate
//! JSON value. Generic serde plumbing: no csops rule lives here. A failure here is re-read through
//! JSON by the caller to name the key it is about.

use std::fmt;

use chrono::SecondsFormat;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// Why a Python object did not deserialize (the caller reports a keyed error instead).
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

fn py_err(e: PyErr) -> DeError {
    DeError(e.to_string())
}

/// How deep dicts and lists may nest (serde_json's own limit): deeper input is an error, not a
/// stack overflow.
pub const MAX_DEPTH: usize = 128;

/// Deserializes from one Python object.
pub struct PyDe<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
    /// How many dicts and lists enclose it.
    depth: usize,
}

impl<'a, 'py> PyDe<'a, 'py> {
    /// A deserializer over a top-level object.
    pub fn new(obj: &'a Bound<'py, PyAny>) -> Self {
        PyDe { obj, depth: 0 }
    }

    /// The depth for the items of a dict or list, or the error past [`MAX_DEPTH`].
    fn inner_depth(&self) -> Result<usize, DeError> {
        if self.depth >= MAX_DEPTH {
            Err(DeError(format!(
                "nested deeper than {MAX_DEPTH} levels of dicts and lists"
            )))
        } else {
            Ok(self.depth + 1)
        }
    }
}

impl<'de> de::Deserializer<'de> for PyDe<'_, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let o = self.obj;
        if let Ok(s) = o.cast::<PyString>() {
            visitor.visit_str(s.to_str().map_err(py_err)?)
        } else if let Ok(d) = o.cast::<PyDict>() {
            visitor.visit_map(DictAccess {
                items: d.iter(),
                value: None,
                depth: self.inner_depth()?,
            })
        } else if o.is_none() {
            visitor.visit_unit()
        } else if let Ok(b) = o.cast::<PyBool>() {
            visitor.visit_bool(b.is_true())
        } else if let Ok(i) = o.cast::<PyInt>() {
            match i.extract::<i64>() {
                Ok(v) => visitor.visit_i64(v),
                Err(_) => visitor.visit_u64(i.extract::<u64>().map_err(py_err)?),
            }
        } else if let Ok(f) = o.cast::<PyFloat>() {
            visitor.visit_f64(f.value())
        } else if o.cast::<PyList>().is_ok() || o.cast::<PyTuple>().is_ok() {
            visitor.visit_seq(ListAccess {
                items: o.try_iter().map_err(py_err)?,
                depth: self.inner_depth()?,
            })
        } else if o.hasattr("utcoffset").map_err(py_err)? {
            let t = crate::aware_datetime(o, "value").map_err(py_err)?;
            visitor.visit_string(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        } else {
            Err(DeError(format!("{} is not JSON-like", o.get_type())))
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.obj.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        // Unit variants only (the kinds and names csops reads are plain strings).
        let s = self
            .obj
            .cast::<PyString>()
            .map_err(|_| DeError("expected a string".into()))?;
        let s: &str = s.to_str().map_err(py_err)?;
        visitor.visit_enum(s.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct DictAccess<'py> {
    items: pyo3::types::dict::BoundDictIterator<'py>,
    value: Option<Bound<'py, PyAny>>,
    depth: usize,
}

impl<'de> MapAccess<'de> for DictAccess<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(PyDe {
                    obj: &k,
                    depth: self.depth,
                })
                .map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let v = self
            .value
            .take()
            .ok_or_else(|| DeError("a value without its key".into()))?;
        seed.deserialize(PyDe {
            obj: &v,
            depth: self.depth,
        })
    }
}

struct ListAccess<'py> {
    items: Bound<'py, pyo3::types::PyIterator>,
    depth: usize,
}

impl<'de> SeqAccess<'de> for ListAccess<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some(item) => seed
                .deserialize(PyDe {
                    obj: &item.map_err(py_err)?,
                    depth: self.depth,
                })
                .map(Some),
        }
    }
}
