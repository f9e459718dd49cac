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

use std::cell::RefCell;
use std::fmt;

use chrono::SecondsFormat;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

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

/// One argument being read: its name (for the binding's own errors) and the first such error.
pub struct Reader<'a> {
    name: &'a str,
    /// Whether numbers must be finite (a document JSON could hold) or may be NaN or infinite
    /// (values whose rules name them: a NaN estimate, a missing health value).
    finite: bool,
    error: RefCell<Option<PyErr>>,
}

impl<'a> Reader<'a> {
    /// A reader of the argument `name`, a value whose numbers may be NaN or infinite.
    pub fn new(name: &'a str) -> Self {
        Reader {
            name,
            finite: false,
            error: RefCell::new(None),
        }
    }

    /// A reader of the argument `name`, a document as JSON holds it: numbers are finite.
    pub fn json(name: &'a str) -> Self {
        Reader {
            finite: true,
            ..Reader::new(name)
        }
    }

    /// A deserializer over the argument's value.
    pub fn de<'r, 'py>(&'r self, obj: &'r Bound<'py, PyAny>) -> PyDe<'r, 'py> {
        PyDe {
            obj,
            depth: 0,
            path: None,
            reader: self,
        }
    }

    /// The outcome of a read: the binding's own error when the deserializer stopped on one,
    /// else the core's result with its error converted by `convert`.
    pub fn finish<T, E>(
        self,
        result: Result<T, E>,
        convert: impl FnOnce(E) -> PyErr,
    ) -> PyResult<T> {
        match (self.error.into_inner(), result) {
            (Some(stop), _) => Err(stop),
            (None, Ok(v)) => Ok(v),
            (None, Err(e)) => Err(convert(e)),
        }
    }

    /// The outcome of a read with the core's error left to the caller: `Err` when the
    /// deserializer stopped on the binding's own error.
    pub fn outcome<T, E>(self, result: Result<T, E>) -> PyResult<Result<T, E>> {
        match self.error.into_inner() {
            Some(stop) => Err(stop),
            None => Ok(result),
        }
    }

    /// Keeps the binding's error and stops the deserializer.
    fn stop(&self, err: PyErr) -> DeError {
        let message = err.to_string();
        let mut slot = self.error.borrow_mut();
        if slot.is_none() {
            *slot = Some(err);
        }
        DeError(message)
    }

    /// The name of the value at `path`: `command.workstream`, `issues[3].labels`.
    fn name_at(&self, path: Option<&Path<'_, '_>>) -> String {
        let mut out = self.name.to_owned();
        if let Some(p) = path {
            p.write(&mut out);
        }
        csops_core::bounded_message(out)
    }

    fn type_error(&self, path: Option<&Path<'_, '_>>, what: String) -> DeError {
        let message = csops_core::bounded_message(format!("{}: {what}", self.name_at(path)));
        self.stop(PyTypeError::new_err(message))
    }

    fn input_error(&self, py: Python<'_>, path: Option<&Path<'_, '_>>, what: String) -> DeError {
        let name = self.name_at(path);
        let message = format!("{name}: {what}");
        self.stop(crate::input_error(py, &name, message))
    }
}

/// Where a value is inside the argument: the chain of keys and positions above it, rendered
/// only when an error names it.
pub struct Path<'a, 'py> {
    parent: Option<&'a Path<'a, 'py>>,
    step: Step<'a, 'py>,
}

enum Step<'a, 'py> {
    Key(&'a Bound<'py, PyAny>),
    Index(usize),
}

impl Path<'_, '_> {
    fn write(&self, out: &mut String) {
        if let Some(p) = self.parent {
            p.write(out);
        }
        match &self.step {
            Step::Key(k) => {
                out.push('.');
                out.push_str(&k.str().map(|s| s.to_string()).unwrap_or_default());
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
}

/// Deserializes from one Python object.
pub struct PyDe<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
    /// How many dicts and lists enclose it.
    depth: usize,
    /// Where it is (None: the argument itself).
    path: Option<&'a Path<'a, 'py>>,
    reader: &'a Reader<'a>,
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

impl<'a, 'py> PyDe<'a, 'py> {
    /// The depth for the items of a dict or list, or the error past [`MAX_DEPTH`].
    fn inner_depth(&self) -> Result<usize, DeError> {
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

    fn text(&self, s: &'a Bound<'py, PyString>) -> Result<&'a str, DeError> {
        crate::text::str_of(s, &self.reader.name_at(self.path)).map_err(|e| self.reader.stop(e))
    }

    fn number<'de, V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, DeError> {
        let o = self.obj;
        if let Ok(i) = o.cast::<PyInt>() {
            match i.extract::<i64>() {
                Ok(v) => visitor.visit_i64(v),
                Err(_) => match i.extract::<u64>() {
                    Ok(v) => visitor.visit_u64(v),
                    Err(_) => Err(self.reader.input_error(
                        o.py(),
                        self.path,
                        format!("integer {i} does not fit 64 bits"),
                    )),
                },
            }
        } else {
            let v = o.cast::<PyFloat>().map(|f| f.value()).unwrap_or(f64::NAN);
            if self.reader.finite && !v.is_finite() {
                return Err(self.reader.input_error(
                    o.py(),
                    self.path,
                    format!("{v} is not a finite number"),
                ));
            }
            visitor.visit_f64(v)
        }
    }

    fn any<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
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
        } else if o.cast::<PyInt>().is_ok() || o.cast::<PyFloat>().is_ok() {
            self.number(visitor)
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

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.obj.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    /// An enum as JSON writes one: a unit variant as its name (`"add"`), any other as a dict
    /// of one key, the variant, to its content (`{"below": 40}`).
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

/// An enum given as `{variant: content}`.
struct EnumAccess<'a, 'py> {
    variant: Bound<'py, PyAny>,
    content: Bound<'py, PyAny>,
    depth: usize,
    path: Option<&'a Path<'a, 'py>>,
    reader: &'a Reader<'a>,
}

impl<'de, 'a, 'py> de::EnumAccess<'de> for EnumAccess<'a, 'py> {
    type Error = DeError;
    type Variant = EnumAccess<'a, 'py>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let name = match self.variant.cast::<PyString>() {
            Ok(s) => crate::text::str_of(s, &self.reader.name_at(self.path))
                .map_err(|e| self.reader.stop(e))?
                .to_owned(),
            Err(_) => return Err(DeError("the variant must be a string".into())),
        };
        let value = seed.deserialize(name.into_deserializer())?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for EnumAccess<'_, '_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        if self.content.is_none() {
            Ok(())
        } else {
            Err(DeError("expected no value for this variant".into()))
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        let path = Path {
            parent: self.path,
            step: Step::Key(&self.variant),
        };
        seed.deserialize(PyDe {
            obj: &self.content,
            depth: self.depth,
            path: Some(&path),
            reader: self.reader,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        let path = Path {
            parent: self.path,
            step: Step::Key(&self.variant),
        };
        de::Deserializer::deserialize_seq(
            PyDe {
                obj: &self.content,
                depth: self.depth,
                path: Some(&path),
                reader: self.reader,
            },
            visitor,
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let path = Path {
            parent: self.path,
            step: Step::Key(&self.variant),
        };
        de::Deserializer::deserialize_map(
            PyDe {
                obj: &self.content,
                depth: self.depth,
                path: Some(&path),
                reader: self.reader,
            },
            visitor,
        )
    }
}

/// A dict key: a `str`, or an `int` read as its digits (as `json.dumps` writes it).
struct KeyDe<'a, 'py> {
    key: &'a Bound<'py, PyAny>,
    dict: &'a Bound<'py, PyDict>,
    path: Option<&'a Path<'a, 'py>>,
    reader: &'a Reader<'a>,
}

impl KeyDe<'_, '_> {
    /// The key as text (a `str`, or an `int`'s digits).
    fn text(&self) -> Result<std::borrow::Cow<'_, str>, DeError> {
        let k = self.key;
        if let Ok(s) = k.cast::<PyString>() {
            let text = crate::text::str_of(s, &self.reader.name_at(self.path))
                .map_err(|e| self.reader.stop(e))?;
            return Ok(text.into());
        }
        if k.cast::<PyInt>().is_ok() && k.cast::<PyBool>().is_err() {
            let digits = k.str().map_err(|e| self.reader.stop(e))?.to_string();
            // `{7: [...], "7": [...]}`: one would silently replace the other.
            if self
                .dict
                .contains(digits.as_str())
                .map_err(|e| self.reader.stop(e))?
            {
                return Err(self.reader.input_error(
                    k.py(),
                    self.path,
                    format!("the key {digits:?} is given twice (as an int and as text)"),
                ));
            }
            return Ok(digits.into());
        }
        Err(self.reader.type_error(
            self.path,
            format!("dict keys must be str or int, not {}", k.get_type()),
        ))
    }
}

impl<'de> de::Deserializer<'de> for KeyDe<'_, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.text()? {
            std::borrow::Cow::Borrowed(s) => visitor.visit_str(s),
            std::borrow::Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    /// A key that names an enum's variant (a workflow state, a rule), as serde_json reads one.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let text = self.text()?.into_owned();
        visitor.visit_enum(text.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

struct DictAccess<'a, 'py> {
    dict: &'a Bound<'py, PyDict>,
    items: pyo3::types::dict::BoundDictIterator<'py>,
    /// The current key and its value.
    value: Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
    depth: usize,
    path: Option<&'a Path<'a, 'py>>,
    reader: &'a Reader<'a>,
}

impl<'de> MapAccess<'de> for DictAccess<'_, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some((k, v)) => {
                let key = seed.deserialize(KeyDe {
                    key: &k,
                    dict: self.dict,
                    path: self.path,
                    reader: self.reader,
                })?;
                self.value = Some((k, v));
                Ok(Some(key))
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let (k, v) = self
            .value
            .take()
            .ok_or_else(|| DeError("a value without its key".into()))?;
        let path = Path {
            parent: self.path,
            step: Step::Key(&k),
        };
        seed.deserialize(PyDe {
            obj: &v,
            depth: self.depth,
            path: Some(&path),
            reader: self.reader,
        })
    }
}

struct ListAccess<'a, 'py> {
    items: Bound<'py, pyo3::types::PyIterator>,
    index: usize,
    depth: usize,
    path: Option<&'a Path<'a, 'py>>,
    reader: &'a Reader<'a>,
}

impl<'de> SeqAccess<'de> for ListAccess<'_, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some(item) => {
                let item = item.map_err(|e| self.reader.stop(e))?;
                let path = Path {
                    parent: self.path,
                    step: Step::Index(self.index),
                };
                self.index += 1;
                seed.deserialize(PyDe {
                    obj: &item,
                    depth: self.depth,
                    path: Some(&path),
                    reader: self.reader,
                })
                .map(Some)
            }
        }
    }
}
