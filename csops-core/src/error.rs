//! The crate's top-level error: every module's error, composed.

use crate::config::ConfigError;
use crate::directory::DirectoryError;
use crate::label::LabelError;
use crate::routing::UnknownWorkstream;
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
}
