//! GitLab's REST API, the calls the service makes: update an issue
//! (`PUT /api/v4/projects/:id/issues/:iid`), comment on it
//! (`POST /api/v4/projects/:id/issues/:iid/notes`), and, to check what a call cut short by a
//! crash already did, read the issue and its latest notes. Each call has a timeout, and an
//! answer is classed by what the outbox should do next: retry later (obeying `Retry-After` and
//! `RateLimit-Reset`), pause (the token is refused), or give the entry up.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use serde::Deserialize;

use crate::store::Action;

/// How a call went wrong, and what trying again needs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// A timeout, no connection, or a 5xx: try again later, not before `after` when GitLab
    /// said (`Retry-After`).
    #[error("{message}")]
    Retry {
        /// What happened.
        message: String,
        /// How long GitLab asked to wait.
        after: Option<Duration>,
    },
    /// The call was sent and no answer came (a timeout, a connection dropped): GitLab may
    /// have acted on it. Try again later, after asking GitLab what it has.
    #[error("{0}")]
    Unanswered(String),
    /// 429: the token's rate limit is spent; every call waits `after` (`Retry-After`, else
    /// `RateLimit-Reset`, else a minute).
    #[error("{message}")]
    RateLimited {
        /// What happened.
        message: String,
        /// How long to wait.
        after: Duration,
    },
    /// 401, or a 403 while `GET /user` is refused too: GitLab refuses the token (revoked,
    /// expired, rotated, or without the `api` scope); no call will succeed until an operator
    /// mends it.
    #[error("{0}")]
    Unauthorized(String),
    /// A 403: this call is forbidden; whether the token or only this issue is at fault,
    /// [`GitlabApi::token_works`] tells.
    #[error("{0}")]
    Forbidden(String),
    /// Another 4xx: GitLab refused this call; trying it again will not help.
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

/// What an answer other than 2xx means for the outbox.
pub fn classify(status: u16, headers: &HeaderMap, what: &str, now: DateTime<Utc>) -> CallError {
    let message = format!("{what}: HTTP {status}");
    let retry_after = wait_asked(headers, now);
    match status {
        429 => CallError::RateLimited {
            message,
            after: retry_after.unwrap_or(Duration::from_secs(60)),
        },
        401 => CallError::Unauthorized(message),
        403 => CallError::Forbidden(message),
        s if s >= 500 => CallError::Retry {
            message,
            after: retry_after,
        },
        _ => CallError::Refused(message),
    }
}

/// The longest wait a header is obeyed for (a larger one is read as this).
pub const LONGEST_WAIT: Duration = Duration::from_secs(3600);

/// How long GitLab asks the client to wait: `Retry-After` (seconds or an HTTP date), else
/// `RateLimit-Reset` (GitLab sends the Unix time the window resets; a small number is read as
/// seconds from now, as the IETF draft has it); at most [`LONGEST_WAIT`].
pub fn wait_asked(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    asked(headers, now).map(|d| d.min(LONGEST_WAIT))
}

fn asked(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let until = |at: DateTime<Utc>| (at - now).to_std().unwrap_or(Duration::ZERO);
    if let Some(v) = header("retry-after") {
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = DateTime::parse_from_rfc2822(v) {
            return Some(until(at.with_timezone(&Utc)));
        }
    }
    let v = header("ratelimit-reset")?.parse::<i64>().ok()?;
    if v > 1_000_000_000 {
        DateTime::from_timestamp(v, 0).map(until)
    } else {
        Some(Duration::from_secs(v.max(0) as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn an_answer_is_classed_by_what_the_outbox_does_next() {
        let now: DateTime<Utc> = "2026-12-07T10:00:00Z".parse().unwrap();
        let h = headers(&[("Retry-After", "10")]);
        assert_eq!(
            classify(429, &h, "PUT issue", now),
            CallError::RateLimited {
                message: "PUT issue: HTTP 429".into(),
                after: Duration::from_secs(10)
            }
        );
        let reset = headers(&[("RateLimit-Reset", &(now.timestamp() + 42).to_string())]);
        assert!(
            matches!(classify(429, &reset, "x", now), CallError::RateLimited { after, .. } if after == Duration::from_secs(42))
        );
        let date = headers(&[("Retry-After", "Mon, 07 Dec 2026 10:00:30 GMT")]);
        assert!(
            matches!(classify(503, &date, "x", now), CallError::Retry { after: Some(a), .. } if a == Duration::from_secs(30))
        );
        assert!(matches!(
            classify(502, &HeaderMap::new(), "x", now),
            CallError::Retry { after: None, .. }
        ));
        assert!(matches!(
            classify(401, &h, "x", now),
            CallError::Unauthorized(_)
        ));
        assert!(matches!(
            classify(403, &h, "x", now),
            CallError::Forbidden(_)
        ));
        let forever = headers(&[("Retry-After", "18446744073709551615")]);
        assert_eq!(wait_asked(&forever, now), Some(LONGEST_WAIT));
        assert!(matches!(classify(404, &h, "x", now), CallError::Refused(_)));
        let past = headers(&[("RateLimit-Reset", &(now.timestamp() - 5).to_string())]);
        assert_eq!(wait_asked(&past, now), Some(Duration::ZERO));
    }
}
