//! The service's settings: a TOML file, then environment variables over it (for the secrets
//! and what a deployment changes). Strict: an unknown key is an error naming it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Everything the service needs to run. Its `Debug` leaves the two secrets out.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where to listen (`127.0.0.1:8080`; `CSOPS_WEBHOOK_LISTEN`).
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The webhook's secret token, as set in GitLab's webhook form (`CSOPS_WEBHOOK_SECRET`).
    #[serde(default)]
    pub secret_token: String,
    /// GitLab's base URL, e.g. `https://gitlab.example.com` (`CSOPS_GITLAB_URL`).
    pub gitlab_url: String,
    /// A project (or group) access token with the `api` scope (`CSOPS_GITLAB_TOKEN`).
    #[serde(default)]
    pub gitlab_token: String,
    /// The SQLite file the service keeps its state in (`CSOPS_WEBHOOK_STORE`).
    pub store_path: PathBuf,
    /// Who is who: a csops directory JSON file (`{"person": ["role", …]}`).
    pub directory: PathBuf,
    /// The workflow's configuration (JSON or TOML); none: the compiled-in default.
    #[serde(default)]
    pub workflow_config: Option<PathBuf>,
    /// The largest body accepted, in bytes (a larger one is 413).
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// How long one GitLab call may take, in milliseconds.
    #[serde(default = "default_timeout")]
    pub gitlab_timeout_ms: u64,
    /// How GitLab calls that fail (5xx, timeout, no connection) are retried.
    #[serde(default)]
    pub retry: Retry,
    /// How many deliveries to GitLab may be in flight at once.
    #[serde(default = "default_in_flight")]
    pub deliveries_in_flight: usize,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("secret_token", &"[redacted]")
            .field("gitlab_url", &self.gitlab_url)
            .field("gitlab_token", &"[redacted]")
            .field("store_path", &self.store_path)
            .field("directory", &self.directory)
            .field("workflow_config", &self.workflow_config)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("gitlab_timeout_ms", &self.gitlab_timeout_ms)
            .field("retry", &self.retry)
            .field("deliveries_in_flight", &self.deliveries_in_flight)
            .finish()
    }
}

/// Exponential backoff: the n-th retry waits `base_delay_ms * 2^(n-1)`, at most
/// `max_delay_ms`; after `max_attempts` a delivery is given up (kept, marked failed, logged).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// Attempts before giving up.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// The first retry's delay.
    #[serde(default = "default_base_delay")]
    pub base_delay_ms: u64,
    /// The longest delay.
    #[serde(default = "default_max_delay")]
    pub max_delay_ms: u64,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            max_attempts: default_attempts(),
            base_delay_ms: default_base_delay(),
            max_delay_ms: default_max_delay(),
        }
    }
}

impl Retry {
    /// The delay before attempt `attempt + 1`, after `attempt` failures (1, 2, …).
    pub fn delay_ms(&self, attempt: u32) -> u64 {
        let factor = 1u64 << attempt.saturating_sub(1).min(20);
        self.base_delay_ms
            .saturating_mul(factor)
            .min(self.max_delay_ms)
    }
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}
fn default_max_body() -> usize {
    // An issue's description may be 1 MiB, and a payload carries it and its change.
    8 << 20
}
fn default_timeout() -> u64 {
    10_000
}
fn default_in_flight() -> usize {
    16
}
fn default_attempts() -> u32 {
    10
}
fn default_base_delay() -> u64 {
    250
}
fn default_max_delay() -> u64 {
    60_000
}

/// Settings that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not settings (a key unknown, a value of the wrong type).
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
    /// An environment variable that cannot be used.
    #[error("{name}: {message}")]
    Env {
        /// The variable.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A required setting that is missing.
    #[error("{0} is required (in the file or its environment variable)")]
    Missing(&'static str),
}

impl Settings {
    /// Settings from a TOML file, then the environment (`CSOPS_WEBHOOK_LISTEN`,
    /// `CSOPS_WEBHOOK_SECRET`, `CSOPS_GITLAB_URL`, `CSOPS_GITLAB_TOKEN`, `CSOPS_WEBHOOK_STORE`).
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Settings::from_toml(&text, path)?.with_env(|name| std::env::var(name).ok())
    }

    /// Settings from TOML text (`path` names it in errors).
    pub fn from_toml(text: &str, path: &Path) -> Result<Settings, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_owned(),
            message: e.message().to_owned()
                + &e.span()
                    .map(|s| format!(" (at byte {})", s.start))
                    .unwrap_or_default(),
        })
    }

    /// These settings with the environment's over them (`env` reads a variable), checked.
    pub fn with_env(
        mut self,
        env: impl Fn(&'static str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        if let Some(v) = env("CSOPS_WEBHOOK_LISTEN") {
            self.listen = v.parse().map_err(|e| ConfigError::Env {
                name: "CSOPS_WEBHOOK_LISTEN",
                message: format!("{v:?} is not an address and port: {e}"),
            })?;
        }
        if let Some(v) = env("CSOPS_WEBHOOK_SECRET") {
            self.secret_token = v;
        }
        if let Some(v) = env("CSOPS_GITLAB_URL") {
            self.gitlab_url = v;
        }
        if let Some(v) = env("CSOPS_GITLAB_TOKEN") {
            self.gitlab_token = v;
        }
        if let Some(v) = env("CSOPS_WEBHOOK_STORE") {
            self.store_path = v.into();
        }
        if self.secret_token.is_empty() {
            return Err(ConfigError::Missing("secret_token (CSOPS_WEBHOOK_SECRET)"));
        }
        if self.gitlab_token.is_empty() {
            return Err(ConfigError::Missing("gitlab_token (CSOPS_GITLAB_TOKEN)"));
        }
        if self.retry.max_attempts == 0 || self.deliveries_in_flight == 0 {
            return Err(ConfigError::Env {
                name: "retry.max_attempts / deliveries_in_flight",
                message: "must be at least 1".to_owned(),
            });
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
        gitlab_url = "https://gitlab.example.com"
        store_path = "csops.sqlite"
        directory = "directory.json"
    "#;

    #[test]
    fn the_environment_fills_the_secrets_and_overrides_the_file() {
        let s = Settings::from_toml(BASE, Path::new("s.toml")).unwrap();
        let s = s
            .with_env(|name| match name {
                "CSOPS_WEBHOOK_SECRET" => Some("s3cret".into()),
                "CSOPS_GITLAB_TOKEN" => Some("glpat-x".into()),
                "CSOPS_WEBHOOK_LISTEN" => Some("127.0.0.1:9000".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(s.secret_token, "s3cret");
        assert_eq!(s.listen.port(), 9000);
        assert_eq!(s.max_body_bytes, 8 << 20);
        assert!(!format!("{s:?}").contains("s3cret") && !format!("{s:?}").contains("glpat"));
    }

    #[test]
    fn a_typo_and_a_missing_secret_are_errors_naming_them() {
        let e = Settings::from_toml(&format!("{BASE}\nmax_body_byts = 3"), Path::new("s.toml"))
            .unwrap_err();
        assert!(e.to_string().contains("max_body_byts"), "{e}");
        let e = Settings::from_toml(BASE, Path::new("s.toml"))
            .unwrap()
            .with_env(|_| None)
            .unwrap_err();
        assert!(e.to_string().contains("CSOPS_WEBHOOK_SECRET"), "{e}");
    }

    #[test]
    fn the_example_settings_read() {
        let s =
            Settings::from_toml(include_str!("../settings.example.toml"), Path::new("x")).unwrap();
        assert_eq!((s.retry.max_attempts, s.listen.port()), (10, 8080));
    }

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let r = Retry {
            max_attempts: 5,
            base_delay_ms: 100,
            max_delay_ms: 350,
        };
        assert_eq!(
            (1..=4).map(|a| r.delay_ms(a)).collect::<Vec<_>>(),
            [100, 200, 350, 350]
        );
    }
}
