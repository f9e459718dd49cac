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
}
