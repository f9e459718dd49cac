//! The documents a user writes — a configuration, a scorecard, segmentation rules — and the one
//! place that reads them: from JSON or TOML text (told apart by the first character that is not
//! white space: `{` is JSON, anything else TOML), or from any serde `Deserializer` (a binding's
//! own objects: a Python dict is read in one pass, with no JSON in between).
//!
//! Every reader keys its error at the document's dotted path (`sla.untriaged_days`) and words
//! it in the domain's terms ([`crate::reader_words`]); then the document's own rules are
//! checked.
//!
//! ```
//! use csops_core::{Config, Document};
//! let toml = Config::from_text("[sla]\nuntriaged_days = 2\n")?;
//! let json = Config::from_text(r#"{"sla": {"untriaged_days": 2}}"#)?;
//! assert_eq!(toml, json);
//! let value = serde_json::json!({"sla": {"untriaged_days": 2}});
//! assert_eq!(Config::read(&value, "JSON")?, json);
//! let err = Config::from_text(r#"{"sla": {"untriaged_dayz": 2}}"#).unwrap_err();
//! assert_eq!(err.key(), "sla.untriaged_dayz");
//! # Ok::<(), csops_core::ConfigError>(())
//! ```

use serde::Deserializer;
use serde::de::DeserializeOwned;

/// A document a user writes: read from text in either format or from a deserializer, its
/// rules checked.
pub trait Document: Sized {
    /// What the document is read into before its rules are checked.
    type Raw: DeserializeOwned;
    /// The error of a document that cannot be used.
    type Error;

    /// The error of a document that did not read: its format (`"JSON"`, `"TOML"`, or what a
    /// binding passes for its objects), the key and the reader's words.
    fn read_error(format: &'static str, key: String, message: String) -> Self::Error;

    /// The document's own rules, checked once it has read.
    fn checked(raw: Self::Raw) -> Result<Self, Self::Error>;

    /// Reads the document from any serde deserializer; `format` names the source in an error.
    fn read<'de, D>(de: D, format: &'static str) -> Result<Self, Self::Error>
    where
        D: Deserializer<'de>,
        D::Error: std::fmt::Display,
    {
        let raw: Self::Raw = serde_path_to_error::deserialize(de).map_err(|e| {
            let (key, message) = crate::words::read_error(&e);
            Self::read_error(format, key, message)
        })?;
        Self::checked(raw)
    }

    /// Reads the document from JSON text.
    fn from_json(text: &str) -> Result<Self, Self::Error> {
        let raw: Self::Raw =
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
                .map_err(|e| {
                    let (key, message) = crate::words::read_text_error(text, &e);
                    Self::read_error("JSON", key, message)
                })?;
        Self::checked(raw)
    }

    /// Reads the document from TOML text (numbers such as `nan` and `inf` stay numbers for the
    /// rules to name).
    fn from_toml(text: &str) -> Result<Self, Self::Error> {
        let raw = crate::from_toml(text)
            .map_err(|(key, message)| Self::read_error("TOML", key, message))?;
        Self::checked(raw)
    }

    /// Reads the document from text in either format: JSON when its first character that is
    /// not white space is `{`, TOML otherwise.
    fn from_text(text: &str) -> Result<Self, Self::Error> {
        if is_json(text) {
            Self::from_json(text)
        } else {
            Self::from_toml(text)
        }
    }
}

/// Whether a document's text is JSON (its first character that is not white space is `{`)
/// rather than TOML.
pub fn is_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}
