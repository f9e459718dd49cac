//! GitLab's REST API, the calls the service makes: update an issue
//! (`PUT /api/v4/projects/:id/issues/:iid`), comment on it
//! (`POST /api/v4/projects/:id/issues/:iid/notes`), and, to check what a call cut short by a
//! crash already did, read the issue and its latest notes. Each call has a timeout, and an
//! answer is classed by what the outbox should do next (`csops_gitlab::call`, as the sync
//! classes its own): retry later (obeying `Retry-After` and `RateLimit-Reset`), pause (the
//! token is refused), or give the entry up.

use std::time::Duration;

use chrono::DateTime;
use serde::Deserialize;

use crate::store::Action;

pub use csops_gitlab::call::{CallError, classify};

/// A client of one GitLab.
#[derive(Clone)]
pub struct GitlabApi {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// An issue as far as a crash check reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IssueNow {
    /// Its labels.
    pub labels: Vec<String>,
    /// `opened` or `closed`.
    pub state: String,
}

#[derive(Deserialize)]
struct Note {
    #[serde(default)]
    body: String,
}

impl GitlabApi {
    /// A client of the GitLab at `base` (`https://gitlab.example.com`), with `token` (sent as
    /// `PRIVATE-TOKEN`) and a timeout per call.
    pub fn new(base: &str, token: &str, timeout: Duration) -> Result<GitlabApi, reqwest::Error> {
        Ok(GitlabApi {
            http: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .build()?,
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
        })
    }

    fn issue_url(&self, a: &Action) -> String {
        format!(
            "{}/api/v4/projects/{}/issues/{}",
            self.base, a.project, a.iid
        )
    }

    /// Updates the issue with the action's REST parameters (nothing when there are none).
    pub async fn update(&self, a: &Action) -> Result<(), CallError> {
        if a.params.is_empty() {
            return Ok(());
        }
        let request = self
            .http
            .put(self.issue_url(a))
            .header("PRIVATE-TOKEN", &self.token)
            .json(&a.params);
        send(request, "PUT issue").await.map(drop)
    }

    /// Whether GitLab takes the token at all (`GET /api/v4/user`): a 403 on one issue with a
    /// working token is that issue's, not a reason to stop every call.
    pub async fn token_works(&self) -> Result<bool, CallError> {
        let request = self
            .http
            .get(format!("{}/api/v4/user", self.base))
            .header("PRIVATE-TOKEN", &self.token);
        match send(request, "GET user").await {
            Ok(_) => Ok(true),
            Err(CallError::Unauthorized(_) | CallError::Forbidden(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Posts `body` as a comment on the action's issue.
    pub async fn comment(&self, a: &Action, body: &str) -> Result<(), CallError> {
        let request = self
            .http
            .post(format!("{}/notes", self.issue_url(a)))
            .header("PRIVATE-TOKEN", &self.token)
            .json(&serde_json::json!({ "body": body }));
        send(request, "POST note").await.map(drop)
    }

    /// The issue's labels and state as GitLab has them now.
    pub async fn issue(&self, a: &Action) -> Result<IssueNow, CallError> {
        let request = self
            .http
            .get(self.issue_url(a))
            .header("PRIVATE-TOKEN", &self.token);
        let body = read(send(request, "GET issue").await?, "GET issue").await?;
        serde_json::from_slice(&body).map_err(|e| CallError::Retry {
            message: format!("GET issue: not an issue: {e}"),
            after: None,
        })
    }

    /// Whether one of the issue's latest 100 notes contains `marker`.
    pub async fn has_note(&self, a: &Action, marker: &str) -> Result<bool, CallError> {
        let request = self
            .http
            .get(format!(
                "{}/notes?sort=desc&order_by=created_at&per_page=100",
                self.issue_url(a)
            ))
            .header("PRIVATE-TOKEN", &self.token);
        let body = read(send(request, "GET notes").await?, "GET notes").await?;
        let notes: Vec<Note> = serde_json::from_slice(&body).map_err(|e| CallError::Retry {
            message: format!("GET notes: not a list of notes: {e}"),
            after: None,
        })?;
        Ok(notes.iter().any(|n| n.body.contains(marker)))
    }
}

/// Sends a call; a 2xx is success whatever its body (an update or a note that GitLab took is
/// done, even if its answer's body is cut short).
async fn send(
    request: reqwest::RequestBuilder,
    what: &str,
) -> Result<reqwest::Response, CallError> {
    let r = request.send().await.map_err(|e| {
        let message = format!("{what}: {e}");
        // No connection: nothing reached GitLab. Anything else may have.
        if e.is_connect() {
            CallError::Retry {
                message,
                after: None,
            }
        } else {
            CallError::Unanswered(message)
        }
    })?;
    if r.status().is_success() {
        return Ok(r);
    }
    let now = DateTime::from_timestamp_millis(crate::outbox::now_ms()).unwrap_or_default();
    Err(classify(r.status().as_u16(), r.headers(), what, now))
}

/// A read's body (a read changes nothing at GitLab: a failure is retried like any other).
async fn read(r: reqwest::Response, what: &str) -> Result<Vec<u8>, CallError> {
    r.bytes()
        .await
        .map(|b| b.to_vec())
        .map_err(|e| CallError::Retry {
            message: format!("{what}: {e}"),
            after: None,
        })
}
