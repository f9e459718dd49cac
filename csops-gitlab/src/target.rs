//! What a sync reads: a project or a group, by numeric id or by full path
//! (`my-group/cs-ops`), as GitLab's API names them (`/projects/:id`, the path URL-encoded).

use std::fmt;

use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::error::SyncError;

/// A project or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// `/projects/:id/issues`: one project's issues.
    Project,
    /// `/groups/:id/issues`: the issues of every project in a group and its subgroups.
    Group,
}

/// A project or group by id or full path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// Project or group.
    pub scope: Scope,
    /// Its id (`278964`) or full path (`gitlab-org/gitlab`), as given (slashes trimmed).
    pub key: String,
}

impl Target {
    /// A target read from what a user typed: a whole number is an id, anything else a full
    /// path; a pasted web address of the project (`https://gitlab.example.com/g/p`) is read as
    /// its path when `base` is its GitLab.
    pub fn new(scope: Scope, given: &str, base: &Url) -> Result<Target, SyncError> {
        let mut key = given.trim();
        let web = base.as_str().trim_end_matches('/');
        if let Some(rest) = key.strip_prefix(web) {
            key = rest;
        }
        let key = key.trim_matches('/');
        let bad = |message: &str| SyncError::Target {
            given: redact(given),
            message: message.to_owned(),
        };
        if key.is_empty() {
            return Err(bad(
                "give a project's or group's id (278964) or full path (my-group/cs-ops)",
            ));
        }
        if key
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        {
            return Err(bad(
                "a full path is names joined by single slashes, like my-group/cs-ops",
            ));
        }
        if key.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(bad("a full path holds no spaces or control characters"));
        }
        Ok(Target {
            scope,
            key: key.to_owned(),
        })
    }

    /// `/api/v4/projects/<id>/issues` (or groups), the path one segment, encoded.
    pub(crate) fn issues_url(&self, base: &Url) -> Url {
        let mut url = base.clone();
        {
            let mut segments = url
                .path_segments_mut()
                .expect("a base URL checked to be http(s)");
            segments.pop_if_empty().push("api").push("v4");
            segments.push(match self.scope {
                Scope::Project => "projects",
                Scope::Group => "groups",
            });
            segments.push(&self.key).push("issues");
        }
        url
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = match self.scope {
            Scope::Project => "project",
            Scope::Group => "group",
        };
        write!(f, "{scope} {}", self.key)
    }
}

/// A GitLab's base URL as a user gives it (`https://gitlab.example.com`, with or without a
/// trailing slash or `/api/v4`).
pub fn base_url(given: &str) -> Result<Url, SyncError> {
    let bad = |message: String| SyncError::Target {
        given: redact(given),
        message,
    };
    let trimmed = given.trim().trim_end_matches('/');
    let trimmed = trimmed.strip_suffix("/api/v4").unwrap_or(trimmed);
    let url = Url::parse(trimmed).map_err(|e| {
        bad(format!(
            "not a web address ({e}): give GitLab's, like https://gitlab.example.com"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(bad(
            "GitLab's address starts with https:// (or http://)".to_owned()
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "put the token in CSOPS_GITLAB_TOKEN (or pass it as the token), not in the address"
                .to_owned(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("GitLab's address has no ?query or #fragment".to_owned()));
    }
    Ok(url)
}

/// `text` with the `user:password@` of a web address in it shown as `***@`: what a user typed
/// is echoed in an error, and a token pasted into an address must not be.
pub(crate) fn redact(text: &str) -> String {
    if let Some(i) = text.find("://") {
        let rest = &text[i + 3..];
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            return format!("{}://***@{}", &text[..i], &rest[at + 1..]);
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_one_encoded_segment() {
        let base = base_url("https://gitlab.example.com/").unwrap();
        let t = Target::new(Scope::Project, " my-group/cs-ops/ ", &base).unwrap();
        assert_eq!(
            t.issues_url(&base).as_str(),
            "https://gitlab.example.com/api/v4/projects/my-group%2Fcs-ops/issues"
        );
        let pasted =
            Target::new(Scope::Group, "https://gitlab.example.com/my-group", &base).unwrap();
        assert_eq!(
            pasted.issues_url(&base).as_str(),
            "https://gitlab.example.com/api/v4/groups/my-group/issues"
        );
        let sub = base_url("https://example.com/gitlab/api/v4").unwrap();
        let id = Target::new(Scope::Project, "278964", &sub).unwrap();
        assert_eq!(
            id.issues_url(&sub).as_str(),
            "https://example.com/gitlab/api/v4/projects/278964/issues"
        );
    }

    #[test]
    fn what_is_not_a_target_says_what_one_looks_like() {
        let base = base_url("https://gitlab.example.com").unwrap();
        for bad in ["", "/", "a//b", "a/../b", "a b"] {
            let e = Target::new(Scope::Project, bad, &base).unwrap_err();
            assert!(matches!(e, SyncError::Target { .. }), "{bad:?}: {e}");
        }
        for bad in [
            "gitlab.example.com",
            "ftp://x",
            "https://u:p@x",
            "https://x/?a=1",
        ] {
            assert!(base_url(bad).is_err(), "{bad}");
        }
    }
}
