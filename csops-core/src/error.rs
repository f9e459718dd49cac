//! The crate's top-level error: every module's error, composed.

use crate::config::ConfigError;
use crate::directory::DirectoryError;
use crate::gitlab::GitlabError;
use crate::health::HealthError;
use crate::journey::JourneyError;
use crate::label::LabelError;
use crate::maturity::MaturityError;
use crate::metrics::MetricsError;
use crate::report::ReportError;
use crate::routing::UnknownWorkstream;
use crate::segment::SegmentError;
use crate::sla::TimeError;
use crate::weight::WeightError;
use crate::workflow::{CommandError, Rejection, RejectionKind, ReplayError, RequestError};

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
    /// A state name that is not known.
    #[error(transparent)]
    State(#[from] crate::state::UnknownState),
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
    /// GitLab's JSON that GitLab never writes, or a request it holds that cannot be read.
    #[error(transparent)]
    Gitlab(#[from] GitlabError),
    /// A board report as of a time before a request it holds.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// A flow report's window that cannot be drawn (backwards, or too long).
    #[error(transparent)]
    Flow(#[from] crate::report::FlowError),
}

/// What an [`Error`] is, for a binding to answer in one place: Python's exception class, C's
/// status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Text that cannot be a label (Python `LabelError`).
    Label,
    /// A configuration, directory, scorecard or rule set that cannot be used (Python
    /// `ConfigError`, C `CSOPS_INVALID_CONFIG`).
    Config,
    /// Input that breaks a rule: a request, command, weight, time, value or name (Python
    /// `InputError`, C `CSOPS_INVALID_INPUT`).
    Input,
    /// A command the workflow rejected (Python `TransitionRejected`, C the kind's status).
    Rejected,
}

impl Error {
    /// The error's class (see [`ErrorClass`]).
    ///
    /// ```
    /// use csops_core::{Config, Error, ErrorClass};
    /// let e = Error::from(Config::from_toml("[sla]\nuntriaged_days = -1").unwrap_err());
    /// assert_eq!((e.class(), e.key().as_str()), (ErrorClass::Config, "sla.untriaged_days"));
    /// ```
    pub fn class(&self) -> ErrorClass {
        use crate::gitlab::GitlabError as G;
        use crate::health::HealthError as H;
        use crate::segment::SegmentError as S;
        match self {
            Error::Label(_) => ErrorClass::Label,
            Error::Config(_) | Error::Directory(_) => ErrorClass::Config,
            Error::Request(RequestError::Config(_)) => ErrorClass::Config,
            Error::Segment(S::Config { .. }) | Error::Health(H::Scorecard { .. }) => {
                ErrorClass::Config
            }
            Error::Gitlab(
                G::Request {
                    source: RequestError::Config(_),
                    ..
                }
                | G::Record(RequestError::Config(_)),
            ) => ErrorClass::Config,
            Error::Rejected(_) => ErrorClass::Rejected,
            _ => ErrorClass::Input,
        }
    }

    /// The rejection kind a C caller reads as the status: a rejected command's, or a weight
    /// rule's (`invalid_weight`, `needs_epic`).
    pub fn rejection_kind(&self) -> Option<RejectionKind> {
        match self {
            Error::Rejected(r) => Some(r.kind),
            Error::Weight(w) => Some(RejectionKind::from(w)),
            _ => None,
        }
    }

    /// The input the error is about: a dotted path into a document or record
    /// (`sla.untriaged_days`, `labels[2]`, `[4].author.username`), a field or argument name
    /// (`weight`, `account`, `as_of`), or `.` for the input as a whole.
    pub fn key(&self) -> String {
        use crate::gitlab::GitlabError as G;
        use crate::health::HealthError as H;
        use crate::journey::JourneyError as J;
        use crate::metrics::MetricsError as M;
        use crate::segment::SegmentError as S;
        match self {
            Error::Label(_) => "label".to_owned(),
            Error::Weight(_) => "weight".to_owned(),
            Error::Workstream(_) => "workstream".to_owned(),
            Error::State(_) => "state".to_owned(),
            Error::Directory(_) => "directory".to_owned(),
            Error::Config(c) => c.key().to_owned(),
            Error::Request(r) => request_key(r),
            Error::Command(c) => c.key.clone(),
            Error::Rejected(_) => ".".to_owned(),
            Error::Replay(
                ReplayError::Rejected { index, .. } | ReplayError::Diverged { index, .. },
            ) => {
                format!("history[{index}]")
            }
            Error::Time(_) => "at".to_owned(),
            Error::Metrics(m) => match m {
                M::Empty { input, .. } => (*input).to_owned(),
                M::OutOfRange { input, .. } | M::Malformed { input, .. } => input.clone(),
                M::Inconsistent { metric, .. } => (*metric).to_owned(),
                M::Missing { missing, .. } => {
                    missing.first().copied().unwrap_or("start_arr").to_owned()
                }
            },
            Error::Maturity(_) => "ratings".to_owned(),
            Error::Segment(S::Config { key, .. }) => key.clone(),
            Error::Segment(S::Unmatched { .. } | S::BadArr { .. }) => "account".to_owned(),
            Error::Journey(J::DateOutOfOrder { .. }) => "date".to_owned(),
            Error::Journey(J::InvalidEvent { .. } | J::BadValue { .. }) => "event".to_owned(),
            Error::Journey(J::UnknownEngagement { .. }) => "engagement".to_owned(),
            Error::Health(H::Scorecard { key, .. }) => key.clone(),
            Error::Health(H::Value { measure, .. }) => measure.clone(),
            Error::Health(H::Input { input, .. }) => input.clone(),
            Error::Gitlab(g @ G::Json { .. }) => g.input_key(),
            Error::Gitlab(G::Request {
                source: RequestError::Config(c),
                ..
            }) => c.key().to_owned(),
            Error::Gitlab(
                G::Request {
                    index: None,
                    source,
                }
                | G::Record(source),
            ) => request_key(source),
            Error::Gitlab(G::Request {
                index: Some(i),
                source,
            }) => match request_key(source) {
                k if k == "." => format!("[{i}]"),
                k => format!("[{i}].{k}"),
            },
            Error::Gitlab(G::Events { .. }) => "events".to_owned(),
            Error::Gitlab(G::OtherEvent { .. }) => "object_kind".to_owned(),
            Error::Gitlab(G::Report(_)) | Error::Report(_) => "as_of".to_owned(),
            Error::Flow(_) => "from".to_owned(),
        }
    }

    /// The row of a batch the error is about (0-based), when it is about one: a data
    /// attribute, so that no caller reads it back from the message.
    pub fn row(&self) -> Option<usize> {
        match self {
            Error::Health(h) => h.row(),
            _ => None,
        }
    }

    /// The rule an error about a row of a batch broke, in words, without where (its
    /// [`Error::key`] and [`Error::row`] say where): what a caller that names the row its own
    /// way (an account, a line of a file) prints after it.
    pub fn rule_at_row(&self) -> Option<&str> {
        match self {
            Error::Health(h) if h.row().is_some() => Some(h.rule()),
            _ => None,
        }
    }

    /// Whether a JSON input is not JSON at all, as opposed to a document of the wrong shape or
    /// one that breaks a rule: C answers it with `CSOPS_INVALID_JSON`. (TOML that is not TOML
    /// is a configuration error: it was never JSON.)
    pub fn is_syntax(&self) -> bool {
        use crate::gitlab::GitlabError as G;
        use crate::health::HealthError as H;
        use crate::segment::SegmentError as S;
        let words = match self {
            Error::Config(ConfigError::Syntax { message, .. })
            | Error::Request(RequestError::Json { message, .. })
            | Error::Gitlab(G::Json { message, .. })
            | Error::Gitlab(G::Request {
                source: RequestError::Json { message, .. },
                ..
            })
            | Error::Gitlab(G::Record(RequestError::Json { message, .. }))
            | Error::Directory(DirectoryError::Syntax { message }) => message,
            Error::Command(c) => &c.message,
            Error::Health(
                H::Scorecard { rule, .. } | H::Value { rule, .. } | H::Input { rule, .. },
            )
            | Error::Segment(S::Config { rule, .. })
            | Error::Metrics(crate::metrics::MetricsError::Malformed { rule, .. }) => rule,
            _ => return false,
        };
        crate::words::is_syntax_words(words)
    }
}

/// The key of a request that cannot be loaded.
fn request_key(e: &RequestError) -> String {
    match e {
        RequestError::Json { key, .. } => key.clone(),
        RequestError::Label { index, .. } => format!("labels[{index}]"),
        RequestError::Anomaly { .. } => "labels".to_owned(),
        RequestError::EmptyAuthor { .. } => "author".to_owned(),
        RequestError::StateMismatch { .. } => "workflow_state".to_owned(),
        RequestError::ClosedBeforeCreated { .. } => "closed_at".to_owned(),
        RequestError::History { index, .. } => format!("history[{index}]"),
        RequestError::Config(c) => c.key().to_owned(),
    }
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

    /// Each error says its class, key and whether its text was JSON at all, as the bindings
    /// map them (Python's exception and `.key`, C's status).
    #[test]
    fn class_key_and_syntax() {
        use crate::gitlab;
        let wf = Workflow::with_directory(Directory::new());
        let cases: Vec<(Error, ErrorClass, &str, bool)> = vec![
            (
                Config::from_toml("[sla]\nuntriaged_days = -1")
                    .unwrap_err()
                    .into(),
                ErrorClass::Config,
                "sla.untriaged_days",
                false,
            ),
            (
                gitlab::read_webhook(r#"{"object_kind": "note"}"#)
                    .unwrap_err()
                    .into(),
                ErrorClass::Input,
                "object_kind",
                false,
            ),
            (
                Config::from_text("{\"sla\": ").unwrap_err().into(),
                ErrorClass::Config,
                ".",
                true,
            ),
            (
                Directory::from_json("{").unwrap_err().into(),
                ErrorClass::Config,
                "directory",
                true,
            ),
            (
                Directory::from_json(r#"{"a": "cs_ops"}"#)
                    .unwrap_err()
                    .into(),
                ErrorClass::Config,
                "directory",
                false,
            ),
            (
                Label::parse(" :: ").unwrap_err().into(),
                ErrorClass::Label,
                "label",
                false,
            ),
            (
                Weight::try_from(4).unwrap_err().into(),
                ErrorClass::Input,
                "weight",
                false,
            ),
            (
                Request::from_json(
                    r#"{"id": 1, "author": "", "created_at": "2026-01-05T09:00:00Z"}"#,
                )
                .unwrap_err()
                .into(),
                ErrorClass::Input,
                "author",
                false,
            ),
            (
                // Truncated: the reader meets the unknown field first, the text is not JSON.
                Request::from_json(r#"{"id": 1, "junk": 2, "labels": ["CSO"#)
                    .unwrap_err()
                    .into(),
                ErrorClass::Input,
                ".",
                true,
            ),
            (
                gitlab::read_issue("[", wf.config()).unwrap_err().into(),
                ErrorClass::Input,
                ".",
                true,
            ),
            (
                gitlab::read_issue(r#"{"iid": "7"}"#, wf.config())
                    .unwrap_err()
                    .into(),
                ErrorClass::Input,
                "iid",
                false,
            ),
        ];
        for (e, class, key, syntax) in cases {
            assert_eq!(
                (e.class(), e.key().as_str(), e.is_syntax()),
                (class, key, syntax),
                "{e}"
            );
        }
        let rejected = Error::from(
            wf.check(
                &Request::new(
                    1,
                    "t",
                    "rita",
                    "2026-01-05T09:00:00Z".parse().expect("time"),
                )
                .expect("request"),
                &Command::Unblock,
                "rita",
                "2026-01-06T09:00:00Z".parse().expect("time"),
            )
            .unwrap_err(),
        );
        assert_eq!(rejected.class(), ErrorClass::Rejected);
        assert_eq!(
            rejected.rejection_kind(),
            Some(crate::RejectionKind::InvalidTransition)
        );
        let epic = Error::from(crate::weight::weight_for_hours(100.0).unwrap_err());
        assert_eq!(epic.rejection_kind(), Some(crate::RejectionKind::NeedsEpic));
    }
}
