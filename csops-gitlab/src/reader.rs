//! Reading GitLab for a long-running caller (the webhook service's catch-up): the issues of a
//! project or group updated since a mark, and one issue's label events, with the same
//! politeness as the sync (the same client: pages, retries, the rate gate).

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Url;
use serde_json::Value;

use crate::auth::Token;
use crate::client::{Client, Patience};
use crate::error::SyncError;
use crate::pace::Pace;
use crate::sync::{events_of, issue_key, listing_url};
use crate::target::{Target, base_url};

/// A reader of one GitLab.
pub struct Reader {
    client: Client,
    gitlab: Url,
}

/// An issue of a list, with what a caller keys it by.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Its project.
    pub project_id: u64,
    /// Its iid.
    pub iid: u64,
    /// Its `updated_at`.
    pub updated_at: DateTime<Utc>,
    /// The issue as GitLab returned it.
    pub issue: Value,
}

impl Reader {
    /// A reader of the GitLab at `gitlab`, each call within `timeout`, at most `attempts`
    /// tries per call.
    pub fn new(
        gitlab: &str,
        token: Token,
        timeout: Duration,
        attempts: u32,
    ) -> Result<Reader, SyncError> {
        let gitlab = base_url(gitlab)?;
        let client = Client::new(
            token,
            timeout,
            4,
            Pace::new(None),
            Patience {
                attempts: attempts.max(1),
                rate_limited: 5,
                base: Duration::from_millis(500),
                ceiling: Duration::from_secs(30),
                period: Duration::from_secs(60),
            },
            gitlab.to_string(),
        )?;
        Ok(Reader { client, gitlab })
    }

    /// The GitLab read.
    pub fn gitlab(&self) -> &Url {
        &self.gitlab
    }

    /// A target of this GitLab, from what a user wrote.
    pub fn target(&self, scope: crate::Scope, given: &str) -> Result<Target, SyncError> {
        Target::new(scope, given, &self.gitlab)
    }

    /// Every issue of `target` updated since `since` (RFC 3339; all without), newest first,
    /// each once.
    pub async fn issues_updated_since(
        &self,
        target: &Target,
        since: Option<&str>,
    ) -> Result<Vec<Listed>, SyncError> {
        let mut url = listing_url(target, &self.gitlab, since, 100);
        let mut out: Vec<Listed> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        loop {
            let page = self.client.page(&url).await?;
            for issue in page.items {
                let (project_id, iid, updated_at) =
                    issue_key(&issue).map_err(|message| SyncError::Unreadable {
                        url: url.to_string(),
                        message,
                    })?;
                if seen.insert((project_id, iid)) {
                    out.push(Listed {
                        project_id,
                        iid,
                        updated_at,
                        issue,
                    });
                }
            }
            match page.next {
                Some(next) => url = next,
                None => return Ok(out),
            }
        }
    }

    /// Every label event of one issue, oldest first; `None` when GitLab has no such issue.
    pub async fn label_events(
        &self,
        project_id: u64,
        iid: u64,
    ) -> Result<Option<Vec<Value>>, SyncError> {
        events_of(&self.client, &self.gitlab, project_id, iid, 100).await
    }
}
