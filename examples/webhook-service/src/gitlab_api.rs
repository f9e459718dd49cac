//! GitLab's REST API, the two calls the service makes: update an issue
//! (`PUT /api/v4/projects/:id/issues/:iid`) and comment on it
//! (`POST /api/v4/projects/:id/issues/:iid/notes`), each with a timeout.

use std::time::Duration;

use crate::store::Action;

/// How a call went wrong, and whether trying again may help.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// A timeout, no connection, or a 5xx / 429: try again later.
    #[error("{0}")]
    Retry(String),
    /// GitLab refused the call (4xx): trying again will not help.
    #[error("{0}")]
    Refused(String),
}

/// A client of one GitLab.
#[derive(Clone)]
pub struct GitlabApi {
    http: reqwest::Client,
    base: String,
    token: String,
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
        send(request, "PUT issue").await
    }

    /// Posts the action's comment on the issue (nothing when there is none).
    pub async fn comment(&self, a: &Action) -> Result<(), CallError> {
        let Some(body) = &a.comment else {
            return Ok(());
        };
        let request = self
            .http
            .post(format!("{}/notes", self.issue_url(a)))
            .header("PRIVATE-TOKEN", &self.token)
            .json(&serde_json::json!({ "body": body }));
        send(request, "POST note").await
    }
}

async fn send(request: reqwest::RequestBuilder, what: &str) -> Result<(), CallError> {
    match request.send().await {
        Err(e) => Err(CallError::Retry(format!("{what}: {e}"))),
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => {
            let status = r.status();
            let message = format!("{what}: HTTP {status}");
            if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                Err(CallError::Retry(message))
            } else {
                Err(CallError::Refused(message))
            }
        }
    }
}
