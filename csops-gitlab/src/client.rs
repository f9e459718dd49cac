//! One GET of GitLab's API with everything a polite client does around it: the token in its
//! header, the shared rate gate, `429` obeyed, `5xx` / timeouts / dropped connections retried
//! with full-jitter backoff (or after the wait GitLab asked for), `401` / `403` / `404` a clear
//! stop. Answers are classed by [`crate::call::classify`], as the webhook service's are.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use reqwest::Url;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::auth::Token;
use crate::call::{CallError, backoff, classify};
use crate::error::SyncError;
use crate::pace::Pace;
use crate::pages::next_page;

/// How hard a call is tried.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Patience {
    /// Failed attempts (5xx, timeouts, no connection) before a call is given up.
    pub attempts: u32,
    /// `429`s one call waits out before it is given up.
    pub rate_limited: u32,
    /// The first backoff's ceiling.
    pub base: Duration,
    /// The longest backoff.
    pub ceiling: Duration,
    /// The period GitLab's `RateLimit-Limit` counts in.
    pub period: Duration,
}

/// A list page: its items, the next page's URL, and `X-Total` when GitLab sent it.
pub(crate) struct Page {
    pub items: Vec<Value>,
    pub next: Option<Url>,
    pub total: Option<u64>,
}

/// What calls a sync made.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub calls: AtomicU64,
    pub retries: AtomicU64,
    pub rate_limited: AtomicU64,
}

pub(crate) struct Client {
    http: reqwest::Client,
    token: Token,
    pub pace: Pace,
    patience: Patience,
    /// The project or group, for a 403's or 404's message.
    target: String,
    pub tally: Tally,
}

impl Client {
    pub fn new(
        token: Token,
        timeout: Duration,
        concurrency: usize,
        pace: Pace,
        patience: Patience,
        target: String,
    ) -> Result<Client, SyncError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .pool_max_idle_per_host(concurrency + 1)
            .user_agent(concat!("csops-gitlab/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::GaveUp {
                url: String::new(),
                attempts: 0,
                last: format!("no HTTP client: {e}"),
            })?;
        Ok(Client {
            http,
            token,
            pace,
            patience,
            target,
            tally: Tally::default(),
        })
    }

    /// Whether GitLab has the issue (`GET /projects/:id/issues/:iid`): a 404 of its label
    /// events means it is gone only when the issue is gone too.
    pub async fn has_issue(
        &self,
        gitlab: &Url,
        project_id: u64,
        iid: u64,
    ) -> Result<bool, SyncError> {
        match self.get(&issue_url(gitlab, project_id, iid, None)).await {
            Ok(_) => Ok(true),
            Err(SyncError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// One page of a list.
    pub async fn page(&self, url: &Url) -> Result<Page, SyncError> {
        let (headers, body) = self.get(url).await?;
        let items: Vec<Value> =
            serde_json::from_slice(&body).map_err(|e| SyncError::Unreadable {
                url: url.to_string(),
                message: format!("expected a JSON list, as GitLab sends: {e}"),
            })?;
        let total = headers
            .get("x-total")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        Ok(Page {
            next: next_page(url, &headers),
            items,
            total,
        })
    }

    /// A GET, tried until it succeeds, GitLab refuses it, or patience runs out.
    async fn get(&self, url: &Url) -> Result<(HeaderMap, Vec<u8>), SyncError> {
        let p = self.patience;
        let (mut failures, mut limited) = (0u32, 0u32);
        loop {
            self.pace.turn().await;
            self.tally.calls.fetch_add(1, Ordering::Relaxed);
            let (name, value) = self.token.header();
            let sent = self
                .http
                .get(url.clone())
                .header(name, value)
                .header("Accept", "application/json")
                .send()
                .await;
            let (last, asked) = match sent {
                Ok(r) if r.status().is_success() => {
                    let headers = r.headers().clone();
                    match r.bytes().await {
                        Ok(body) => return Ok((headers, body.to_vec())),
                        Err(e) => (format!("the answer was cut short: {e}"), None),
                    }
                }
                Ok(r) => {
                    let status = r.status().as_u16();
                    let headers = r.headers().clone();
                    match classify(status, &headers, "GET", Utc::now()) {
                        CallError::RateLimited { after, message } => {
                            limited += 1;
                            self.tally.rate_limited.fetch_add(1, Ordering::Relaxed);
                            if limited > p.rate_limited {
                                return Err(self.gave_up(url, failures + limited, message));
                            }
                            let limit = headers
                                .get("ratelimit-limit")
                                .and_then(|v| v.to_str().ok())
                                .and_then(|v| v.trim().parse().ok());
                            // A wait of nothing (`Retry-After: 0`, a reset already past) is
                            // still a wait: never a burst of retries.
                            let after = after.max(Duration::from_secs(1));
                            self.pace.rate_limited(after, limit, p.period);
                            continue;
                        }
                        CallError::Retry { message, after } => (message, after),
                        CallError::Unanswered(message) => (message, None),
                        CallError::Unauthorized(_) => {
                            return Err(SyncError::Unauthorized {
                                url: without_query(url),
                                kind: self.token.kind(),
                            });
                        }
                        CallError::Forbidden(_) => {
                            return Err(SyncError::Forbidden {
                                url: without_query(url),
                                target: self.target.clone(),
                            });
                        }
                        CallError::Refused(_) if status == 404 => {
                            return Err(SyncError::NotFound {
                                url: without_query(url),
                                target: self.target.clone(),
                            });
                        }
                        CallError::Refused(_) => {
                            let body = r.text().await.unwrap_or_default();
                            return Err(SyncError::Refused {
                                url: url.to_string(),
                                status,
                                body: body.chars().take(200).collect(),
                            });
                        }
                    }
                }
                Err(e) => (describe(&e), None),
            };
            failures += 1;
            if failures >= p.attempts {
                return Err(self.gave_up(url, failures + limited, last));
            }
            self.tally.retries.fetch_add(1, Ordering::Relaxed);
            let jittered = backoff(failures, p.base, p.ceiling, fastrand::f64());
            let wait = asked.map_or(jittered, |a| a.max(jittered));
            tokio::time::sleep(wait).await;
        }
    }

    fn gave_up(&self, url: &Url, attempts: u32, last: String) -> SyncError {
        SyncError::GaveUp {
            url: url.to_string(),
            attempts,
            last,
        }
    }
}

/// `/api/v4/projects/:id/issues/:iid`, and `/<tail>` under it when given.
pub(crate) fn issue_url(gitlab: &Url, project_id: u64, iid: u64, tail: Option<&str>) -> Url {
    let mut url = gitlab.clone();
    {
        let mut segments = url
            .path_segments_mut()
            .expect("a base URL checked to be http(s)");
        segments.pop_if_empty().extend([
            "api",
            "v4",
            "projects",
            &project_id.to_string(),
            "issues",
            &iid.to_string(),
        ]);
        segments.extend(tail);
    }
    url
}

/// A call's address without its query: what a person checks when GitLab refuses it.
fn without_query(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.to_string()
}

/// A transport failure in words (no headers, so no token).
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "no answer within the timeout"
    } else if e.is_connect() {
        "no connection"
    } else {
        "the connection failed"
    };
    let mut cause = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(c) = cause {
        detail = c.to_string();
        cause = c.source();
    }
    if detail.is_empty() {
        what.to_owned()
    } else {
        format!("{what} ({detail})")
    }
}
