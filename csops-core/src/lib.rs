//! # csops-core
//!
//! The domain of csops, an embeddable engine for Customer Success Operations: the labels of a
//! CS Ops tracker (SPEC §1), the request workflow as a typed state machine (§2), weights (§3),
//! the peer-review policy (§4), workstreams and routing (§5), and the time and SLA measures of
//! the workflow.
//!
//! The core is pure: no I/O, no clock, no randomness, no global mutable state. Time is always
//! an argument, and every rule is data ([`Config`]) with a compiled-in default.
//!
//! One module per concept: [`label`], [`workflow`] (with its transition table
//! [`workflow::TRANSITIONS`]), [`weight`], [`review`], [`routing`], [`directory`], [`config`],
//! [`sla`], [`report`] (the board, §6), [`display`] (the display vocabulary of every text a
//! person reads), [`gitlab`] (GitLab's JSON, §7), [`diagram`], and, on the customer side,
//! [`segment`] (SPEC §8), [`journey`] (§9), [`health`] (§10), [`metrics`] (§11) and
//! [`maturity`] (§12). Across them: [`Document`] reads every document a user writes (JSON, TOML
//! or any serde deserializer), [`Error`] is every module's error with the class and key a
//! binding maps it by, and the private `words` says how messages quote inputs. No module
//! imports one that imports it back. A new capability is a module here; each binding then adds
//! one conversion around one call.
//!
//! ```
//! use csops_core::{Config, Directory, Request, State, Workflow};
//! use csops_core::workflow::Command;
//!
//! let wf = Workflow::new(Directory::from_json(r#"{"dev": ["workstream_lead:Digital"]}"#)?, Config::default())?;
//! let mut req = Request::from_json(r#"{"id": 102, "author": "rita", "labels": ["CSOps", "CS Programs"],
//!                                      "created_at": "2026-02-02T09:00:00Z"}"#)?;
//! let t = wf.apply(&mut req, Command::from_json(r#"{"type": "triage"}"#)?, "dev", "2026-02-02T10:00:00Z".parse()?)?;
//! assert_eq!(t.add_labels, ["CSOps::Triage"]);
//! assert_eq!(req.state(), State::Triage);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
pub mod diagram;
pub mod directory;
pub mod display;
pub mod document;
mod error;
pub mod gitlab;
pub mod health;
pub mod journey;
pub mod label;
pub mod maturity;
pub mod metrics;
pub mod name;
pub mod report;
pub mod review;
pub mod routing;
pub mod segment;
pub mod sla;
pub mod state;
pub mod threads;
pub mod weight;
mod words;
pub mod workflow;

pub use config::{Config, ConfigError};
pub use directory::{Directory, Role};
pub use document::Document;
pub use error::{Error, ErrorClass};
pub use label::{Label, LabelSet};
pub use name::Name;
pub use state::State;
pub use weight::Weight;
pub use words::{TIME_EXAMPLE, bounded_message, json_syntax_error, reader_words};
pub use workflow::{Command, Rejection, RejectionKind, Request, Transition, Workflow};

/// Reads TOML straight into `T` (numbers such as `nan` and `inf` stay numbers for the
/// validation to name; a detour through JSON made them `null`). The error is (key, message).
pub(crate) fn from_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (String, String)> {
    let de = toml::Deserializer::parse(text).map_err(|e| {
        (
            ".".to_owned(),
            words::bounded_message(toml_syntax(text, &e)),
        )
    })?;
    serde_path_to_error::deserialize(de)
        .map_err(|e| words::read_error_at(words::error_key(e.path()), e.inner().message()))
}

/// A TOML syntax error on one line: `not valid TOML: invalid table header; expected `.`, `]`
/// (line 1, column 5)`.
fn toml_syntax(text: &str, e: &toml::de::Error) -> String {
    let what = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(
                "{}: {what} (line {line}, column {column})",
                words::SYNTAX_TOML
            )
        }
        None => format!("{}: {what}", words::SYNTAX_TOML),
    }
}

/// The README's examples, run as doc tests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
