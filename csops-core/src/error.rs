//! The crate's top-level error: every module's error, composed.

use crate::config::ConfigError;
use crate::directory::DirectoryError;
use crate::health::HealthError;
use crate::journey::JourneyError;
use crate::label::LabelError;
use crate::maturity::MaturityError;
use crate::metrics::MetricsError;
use crate::routing::UnknownWorkstream;
use crate::segment::SegmentError;
use crate::sla::TimeError;
use crate::weight::WeightError;
use crate::workflow::{CommandError, Rejection, ReplayError, RequestError};

/// Any error csops-core returns. Each variant names the input and the rule it broke.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A label that is not a label.
    #[error(transparent)]
    Label(#[from] LabelError),
    /// A weight or estimate outside the rules of SPEC §3.
    #[error(transparent)]
    Weight(#[from] WeightError),
    /// A workstream name that is not known.
    #[error(transparent)]
    Workstream(#[from] UnknownWorkstream),
    /// A directory that cannot be used.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// A configuration that cannot be used.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A request that cannot be loaded.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// A command that cannot be read.
    #[error(transparent)]
    Command(#[from] CommandError),
    /// A transition the workflow rejected.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// A history that does not replay.
    #[error(transparent)]
    Replay(#[from] ReplayError),
    /// A time that goes backwards.
    #[error(transparent)]
    Time(#[from] TimeError),
    /// A customer metric's input that breaks its rule.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    /// A maturity assessment that cannot be made.
    #[error(transparent)]
    Maturity(#[from] MaturityError),
    /// Segmentation that cannot be done.
    #[error(transparent)]
    Segment(#[from] SegmentError),
    /// A journey event or date that breaks a rule.
    #[error(transparent)]
    Journey(#[from] JourneyError),
    /// A scorecard, a health value or a scoring input that breaks a rule.
    #[error(transparent)]
    Health(#[from] HealthError),
}

/// How many characters of an input an error message quotes; a longer input is cut there and
/// its length given, so that a 50 MB label does not make a 50 MB message.
pub(crate) const QUOTED_CHARS: usize = 64;

/// An input quoted in an error message, as `{:?}` would, cut after [`QUOTED_CHARS`] characters
/// (`"aaaa…" (52428800 bytes)`).
pub(crate) struct Quoted<'a>(pub &'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match cut(self.0, QUOTED_CHARS, QUOTED_CHARS) {
            None => write!(f, "{:?}", self.0),
            Some(at) => write!(f, "{:?}… ({} bytes)", &self.0[..at], self.0.len()),
        }
    }
}

/// A name as an error message shows it unquoted: cut as [`Quoted`] cuts.
pub(crate) fn bounded_name(name: &str) -> String {
    let mut out = String::new();
    cut_into(&mut out, name, QUOTED_CHARS, QUOTED_CHARS);
    out
}

/// Where to cut `text` when it is longer than `limit` characters: after its first `keep`.
fn cut(text: &str, limit: usize, keep: usize) -> Option<usize> {
    text.char_indices().nth(limit)?;
    Some(text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i))
}

/// Appends `text`, or when it is longer than `limit` characters its first `keep` and its
/// length.
fn cut_into(out: &mut String, text: &str, limit: usize, keep: usize) {
    match cut(text, limit, keep) {
        None => out.push_str(text),
        Some(at) => {
            out.push_str(&text[..at]);
            out.push_str(&format!("… ({} bytes)", text.len()));
        }
    }
}

/// Past this many characters, a quoted piece of a parser's message is an echoed input (what
/// [`Quoted`] writes stays below it).
const QUOTED_PIECE_CHARS: usize = 4 * QUOTED_CHARS;

/// Past this many characters, an unquoted piece of a long message is cut too (an input whose
/// own quote or backtick upset the count of quotes).
const PROSE_CHARS: usize = 400;

/// The longest message a parser's error keeps (serde's, TOML's, a key path).
pub(crate) const MESSAGE_CHARS: usize = 1_000;

/// A message bounded, as every csops error message is: serde quotes an unknown variant or the
/// string of a wrong type whole, so a quoted piece (between backticks or double quotes) longer
/// than 256 characters keeps its first 64 and its length, keeping the rest (what was expected);
/// an unquoted piece longer than 400 characters keeps 400; a message still longer than 1,000
/// characters keeps its first 1,000. A message of at most 1,000 bytes is returned as it is. The
/// bindings pass their own messages through it.
///
/// ```
/// let long = "x".repeat(1_000_000);
/// let m = csops_core::bounded_message(format!("unknown variant `{long}`, expected `a` or `b`"));
/// assert!(m.len() < 200 && m.ends_with("(1000000 bytes)`, expected `a` or `b`"), "{m}");
/// ```
pub fn bounded_message(message: String) -> String {
    if message.len() <= MESSAGE_CHARS {
        return message;
    }
    let mut out = String::new();
    let mut quoted = false;
    for piece in message.split_inclusive(['`', '"']) {
        let (text, delimiter) = match piece.char_indices().last() {
            Some((i, c @ ('`' | '"'))) => (&piece[..i], Some(c)),
            _ => (piece, None),
        };
        if quoted {
            cut_into(&mut out, text, QUOTED_PIECE_CHARS, QUOTED_CHARS);
        } else {
            cut_into(&mut out, text, PROSE_CHARS, PROSE_CHARS);
        }
        out.extend(delimiter);
        quoted ^= delimiter.is_some();
    }
    if let Some((cut, _)) = out.char_indices().nth(MESSAGE_CHARS) {
        out.truncate(cut);
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Command, Config, Directory, Label, Request, Weight, Workflow};

    /// Every module's error converts with `?`, and keeps its message.
    fn load_and_apply(request: &str, command: &str, weight: i64) -> Result<(), Error> {
        let wf = Workflow::new(
            Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"]}"#)?,
            Config::from_json("{}")?,
        )?;
        let mut req = wf.load_request(request)?;
        Label::parse("CSOps")?;
        Weight::try_from(weight)?;
        let at = "2026-01-06T09:00:00Z".parse().expect("a valid time");
        wf.apply(&mut req, Command::from_json(command)?, "lena", at)?;
        crate::routing::Workstream::parse("Digital")?;
        let _ = Request::from_json(&req.to_json())?;
        Ok(())
    }

    #[test]
    fn quoted_inputs_and_parser_messages_are_bounded() {
        assert_eq!(Quoted("CSOps").to_string(), "\"CSOps\"");
        let long = "é".repeat(1_000_000);
        let q = Quoted(&long).to_string();
        assert!(
            q.starts_with(&format!("{:?}", "é".repeat(QUOTED_CHARS))),
            "{q}"
        );
        assert!(q.ends_with("… (2000000 bytes)"), "{q}");
        assert_eq!(bounded_message("short".into()), "short");
        let m = bounded_message(format!(
            "unknown variant `{long}`, expected one of `a`, `b`"
        ));
        let cut = "é".repeat(QUOTED_CHARS);
        assert_eq!(
            m,
            format!("unknown variant `{cut}… (2000000 bytes)`, expected one of `a`, `b`")
        );
        let m = bounded_message(format!("invalid type: string \"{long}\", expected u64"));
        assert!(m.ends_with("… (2000000 bytes)\", expected u64"), "{m}");
        // A quote inside the input upsets the count: the piece after it is cut as prose.
        let m = bounded_message(format!("unknown variant `a`b{long}`, expected `a`"));
        assert!(m.len() < PROSE_CHARS * 2 + 100, "{}", m.len());
        // What Quoted wrote is not cut again.
        let q = Quoted(&long).to_string();
        let m = bounded_message(format!("{} {q}", "prose ".repeat(200)));
        assert!(m.ends_with(&q), "{m}");
        let prose = format!("{} `{long}`", "a rule that is not quoted ".repeat(40));
        let m = bounded_message(prose);
        assert!(
            m.starts_with(&"a rule that is not quoted ".repeat(15)),
            "{m}"
        );
        assert!(m.contains("… (1041 bytes)`"), "{m}");
        let m = bounded_message("`ab`, ".repeat(MESSAGE_CHARS));
        assert_eq!(m.chars().count(), MESSAGE_CHARS + 1);
        assert!(m.starts_with("`ab`, `ab`") && m.ends_with('…'));
    }

    #[test]
    fn module_errors_compose() {
        let ok = r#"{"id": 1, "author": "rita", "labels": ["Gainsight"], "created_at": "2026-01-05T09:00:00Z"}"#;
        assert_eq!(load_and_apply(ok, r#"{"type": "triage"}"#, 3), Ok(()));
        let e = load_and_apply(ok, r#"{"type": "triage"}"#, 4).unwrap_err();
        assert!(
            matches!(e, Error::Weight(_)) && e.to_string() == "weight 4 is not one of 1, 3, 5, 7",
            "{e}"
        );
        let e = load_and_apply(ok, r#"{"type": "unblock"}"#, 3).unwrap_err();
        assert!(
            matches!(&e, Error::Rejected(r) if r.kind == crate::RejectionKind::InvalidTransition),
            "{e}"
        );
        assert!(matches!(
            load_and_apply(ok, r#"{"type": "x"}"#, 3),
            Err(Error::Command(_))
        ));
        assert!(matches!(
            load_and_apply("{}", r#"{"type": "triage"}"#, 3),
            Err(Error::Request(_))
        ));
    }
}
