//! What stops a sync, each naming what to check. No message holds the token.

use std::path::PathBuf;

/// Why a sync stopped. The folder keeps what an earlier sync left complete: its mark moves only
/// after a whole run is on disk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// No token was given and none is in the environment.
    #[error(
        "no GitLab token: set CSOPS_GITLAB_TOKEN (or GITLAB_TOKEN) to a personal, project or group \
         access token with the read_api scope, or GITLAB_OAUTH_TOKEN to a bearer token"
    )]
    NoToken,
    /// The GitLab address or the project / group is not one.
    #[error("{given:?}: {message}")]
    Target {
        /// What was given.
        given: String,
        /// What one looks like.
        message: String,
    },
    /// 401: GitLab does not take the token.
    #[error(
        "GitLab refused the token at {url} (HTTP 401 Unauthorized): check that {kind} is valid, \
         not expired or revoked, and has the read_api scope"
    )]
    Unauthorized {
        /// The call's address (no token in it).
        url: String,
        /// How the token was sent.
        kind: &'static str,
    },
    /// 403: the token works but may not read this.
    #[error(
        "GitLab forbids reading {url} (HTTP 403 Forbidden): check that the token's user is a member \
         of {target} (Guest or above; Reporter for confidential issues) and that the token has the \
         read_api scope"
    )]
    Forbidden {
        /// The call's address.
        url: String,
        /// The project or group.
        target: String,
    },
    /// 404: no such project or group, or the token's user cannot see it.
    #[error(
        "GitLab has no {target} at {url} (HTTP 404 Not Found): check its id or full path \
         (like my-group/cs-ops) and that the token's user can see it"
    )]
    NotFound {
        /// The call's address.
        url: String,
        /// The project or group.
        target: String,
    },
    /// Another 4xx: GitLab refused the call, and trying again will not help.
    #[error("GitLab refused {url} (HTTP {status}): {body}")]
    Refused {
        /// The call's address.
        url: String,
        /// The status.
        status: u16,
        /// The start of GitLab's answer.
        body: String,
    },
    /// Every attempt failed (5xx, timeouts, no connection, rate limited past the budget).
    #[error("gave up on {url} after {attempts} attempts: {last}")]
    GaveUp {
        /// The call's address.
        url: String,
        /// How many were made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// GitLab answered with something GitLab never sends there (not a JSON list, an issue
    /// without `iid`).
    #[error("{url}: {message}")]
    Unreadable {
        /// The call's address.
        url: String,
        /// What was wrong.
        message: String,
    },
    /// A setting out of its range.
    #[error("{name} {message}")]
    Setting {
        /// The setting.
        name: &'static str,
        /// What it must be.
        message: String,
    },
    /// The caller asked the sync to stop (Ctrl-C): the folder keeps its old mark, and the next
    /// sync starts from it.
    #[error(
        "the sync was interrupted; the folder keeps what the last whole sync left, and the next sync goes on from there"
    )]
    Cancelled,
    /// The folder holds another sync (another GitLab, project or group) or a state this version
    /// cannot read.
    #[error("{}: {message}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// Reading or writing the folder failed (a full disk, no permission).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
}

impl SyncError {
    /// A short name of the kind, the same on every surface (Python's `SyncError.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            SyncError::NoToken => "no_token",
            SyncError::Target { .. } => "target",
            SyncError::Unauthorized { .. } => "unauthorized",
            SyncError::Forbidden { .. } => "forbidden",
            SyncError::NotFound { .. } => "not_found",
            SyncError::Refused { .. } => "refused",
            SyncError::GaveUp { .. } => "gave_up",
            SyncError::Unreadable { .. } => "unreadable",
            SyncError::Setting { .. } => "setting",
            SyncError::Cancelled => "cancelled",
            SyncError::Folder { .. } => "folder",
            SyncError::Io { .. } => "io",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> SyncError {
        SyncError::Io {
            path: path.into(),
            source,
        }
    }
}
