//! The parts of a dict, a list and an enum as serde walks them: keys (a `str`, or an `int` as its
//! digits), values, items and variants.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::*;

/// An enum given as `{variant: content}`.
pub(crate) struct EnumAccess<'a, 'py> {
    pub(crate) variant: Bound<'py, PyAny>,
    pub(crate) content: Bound<'py, PyAny>,
    pub(crate) depth: usize,
    pub(crate) path: Option<&'a Path<'a, 'py>>,
    pub(crate) reader: &'a Reader<'a>,
}

impl<'py> EnumAccess<'_, 'py> {
    /// The variant's content, below the variant in the path.
    fn content<R>(&self, f: impl FnOnce(PyDe<'_, 'py>) -> R) -> R {
        let step = Step::Key(&self.variant);
        child(&self.content, self.depth, self.path, step, self.reader, f)
    }
}

impl<'de, 'a, 'py> de::EnumAccess<'de> for EnumAccess<'a, 'py> {
    type Error = DeError;
    type Variant = EnumAccess<'a, 'py>;

    #[inline]
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let name = match self.variant.cast::<PyString>() {
            Ok(s) => self.reader.text_at(s, self.path)?.to_owned(),
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

    #[inline]
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        self.content(|de| seed.deserialize(de))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.content(|de| de::Deserializer::deserialize_seq(de, visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.content(|de| de::Deserializer::deserialize_map(de, visitor))
    }
}

/// A dict key: a `str`, or an `int` read as its digits (as `json.dumps` writes it).
pub(crate) struct KeyDe<'a, 'py> {
    pub(crate) key: &'a Bound<'py, PyAny>,
    pub(crate) dict: &'a Bound<'py, PyDict>,
    pub(crate) path: Option<&'a Path<'a, 'py>>,
    pub(crate) reader: &'a Reader<'a>,
}

impl KeyDe<'_, '_> {
    /// A key that is not a `str`: an `int`'s digits, or the binding's error.
    #[cold]
    pub(crate) fn other_key(&self) -> Result<String, DeError> {
        let k = self.key;
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
            return Ok(digits);
        }
        Err(self.reader.type_error(
            self.path,
            format!("dict keys must be str or int, not {}", k.get_type()),
        ))
    }
}

impl<'de> de::Deserializer<'de> for KeyDe<'_, '_> {
    type Error = DeError;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.key.cast::<PyString>() {
            Ok(s) => visitor.visit_str(self.reader.text_at(s, self.path)?),
            Err(_) => visitor.visit_string(self.other_key()?),
        }
    }

    /// A key that names an enum's variant (a workflow state, a rule), as serde_json reads one.
    #[inline]
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.key.cast::<PyString>() {
            Ok(s) => visitor.visit_enum(self.reader.text_at(s, self.path)?.into_deserializer()),
            Err(_) => visitor.visit_enum(self.other_key()?.into_deserializer()),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

pub(crate) struct DictAccess<'a, 'py> {
    pub(crate) dict: &'a Bound<'py, PyDict>,
    pub(crate) items: pyo3::types::dict::BoundDictIterator<'py>,
    /// The current key and its value.
    pub(crate) value: Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
    pub(crate) depth: usize,
    pub(crate) path: Option<&'a Path<'a, 'py>>,
    pub(crate) reader: &'a Reader<'a>,
}

impl<'de> MapAccess<'de> for DictAccess<'_, '_> {
    type Error = DeError;

    #[inline]
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

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let (k, v) = self
            .value
            .take()
            .ok_or_else(|| DeError("a value without its key".into()))?;
        child(
            &v,
            self.depth,
            self.path,
            Step::Key(&k),
            self.reader,
            |de| seed.deserialize(de),
        )
    }
}

pub(crate) struct ListAccess<'a, 'py> {
    pub(crate) items: Bound<'py, pyo3::types::PyIterator>,
    pub(crate) index: usize,
    pub(crate) depth: usize,
    pub(crate) path: Option<&'a Path<'a, 'py>>,
    pub(crate) reader: &'a Reader<'a>,
}

impl<'de> SeqAccess<'de> for ListAccess<'_, '_> {
    type Error = DeError;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some(item) => {
                let item = item.map_err(|e| self.reader.stop(e))?;
                let step = Step::Index(self.index);
                self.index += 1;
                child(&item, self.depth, self.path, step, self.reader, |de| {
                    seed.deserialize(de)
                })
                .map(Some)
            }
        }
    }
}
