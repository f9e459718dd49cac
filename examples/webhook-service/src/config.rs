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
    /// The token that opens the live board at `/board` (`CSOPS_BOARD_TOKEN`): given as
    /// `?token=` (a bookmark) or `Authorization: Bearer`. A token of its own, never the
    /// webhook's secret; none: no `/board`.
    #[serde(default)]
    pub board_token: Option<String>,
    /// The live board's title (a project's path; default: "live").
    #[serde(default)]
    pub board_title: Option<String>,
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
    /// How GitLab calls that fail are retried, and for how long.
    #[serde(default)]
    pub retry: Retry,
    /// How many deliveries to GitLab may be in flight at once.
    #[serde(default = "default_in_flight")]
    pub deliveries_in_flight: usize,
    /// How far after the service's clock an event may be dated, in seconds; a later one is
    /// refused (422) and never recorded, so that one far-future timestamp cannot make every
    /// later event of its issue look overtaken.
    #[serde(default = "default_skew")]
    pub max_clock_skew_secs: u64,
    /// How long an event's key is kept to recognise GitLab's redeliveries of it, in hours
    /// (GitLab redelivers for a few days at most; the default is 14 days).
    #[serde(default = "default_retention")]
    pub event_retention_hours: u64,
    /// What the server lets a client take: time, connections, requests.
    #[serde(default)]
    pub limits: Limits,
    /// What the service asks GitLab to catch up on what it missed.
    #[serde(default)]
    pub catch_up: CatchUp,
}

/// The catch-up (SPEC §7): an issue seen for the first time is judged from its label events
/// fetched from GitLab; and every `interval_secs` a reconciler asks GitLab for the issues of
/// `projects` and `groups` updated since its mark, and judges each change the service never
/// received, once, as if its webhook had arrived.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatchUp {
    /// Projects (full path or id) the reconciler reads.
    #[serde(default)]
    pub projects: Vec<String>,
    /// Groups (full path or id) the reconciler reads: every project in them.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Seconds between two rounds of the reconciler (the first runs at start); 0: none.
    #[serde(default = "default_interval")]
    pub interval_secs: u64,
    /// Fetch the label events of a managed issue the service sees for the first time, to judge
    /// its change against its history instead of the payload alone.
    #[serde(default = "yes")]
    pub first_seen_events: bool,
}

impl Default for CatchUp {
    fn default() -> CatchUp {
        CatchUp {
            projects: Vec::new(),
            groups: Vec::new(),
            interval_secs: default_interval(),
            first_seen_events: true,
        }
    }
}

fn default_interval() -> u64 {
    300
}

fn yes() -> bool {
    true
}

/// The server's bounds: every wait has a deadline and every resource a cap, so that an idle,
/// slow or hostile client costs a bounded share and a stranger no more than its headers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// A request's headers must arrive within this, in milliseconds (hyper's own timer).
    #[serde(default = "default_header_read")]
    pub header_read_timeout_ms: u64,
    /// An authenticated request's body must arrive within this, in milliseconds (408 after).
    #[serde(default = "default_body_read")]
    pub body_read_timeout_ms: u64,
    /// A whole request, from its headers to the answer, in milliseconds (503 after: GitLab
    /// delivers again, and a decision already recorded is then a duplicate).
    #[serde(default = "default_request_timeout")]
    pub request_timeout_ms: u64,
    /// A connection with no request in progress for this long is closed, in milliseconds
    /// (keep-alive idle time, and a client that never finishes its headers). hyper's header
    /// timer also closes a keep-alive connection that sends nothing for
    /// `header_read_timeout_ms`: this one matters when it is the shorter.
    #[serde(default = "default_idle")]
    pub idle_timeout_ms: u64,
    /// Open connections at most; a new one beyond it closes the one idle the longest (or is
    /// closed itself when every connection has a request in progress).
    #[serde(default = "default_connections")]
    pub max_connections: usize,
    /// Webhook requests handled at once; beyond it the answer is 503 with `Retry-After`.
    #[serde(default = "default_requests")]
    pub max_requests_in_flight: usize,
    /// How long a request waits for its issue's turn (two events of one issue are decided
    /// one after the other), in milliseconds; 503 with `Retry-After` after.
    #[serde(default = "default_lock_wait")]
    pub lock_wait_ms: u64,
    /// On SIGTERM: how long the requests and deliveries in flight may take to finish, in
    /// milliseconds; what is still open then is closed, and the process exits 0.
    #[serde(default = "default_shutdown")]
    pub shutdown_deadline_ms: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read_timeout_ms: default_header_read(),
            body_read_timeout_ms: default_body_read(),
            request_timeout_ms: default_request_timeout(),
            idle_timeout_ms: default_idle(),
            max_connections: default_connections(),
            max_requests_in_flight: default_requests(),
            lock_wait_ms: default_lock_wait(),
            shutdown_deadline_ms: default_shutdown(),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("secret_token", &"[redacted]")
            .field(
                "board_token",
                &self.board_token.as_ref().map(|_| "[redacted]"),
            )
            .field("board_title", &self.board_title)
            .field("gitlab_url", &self.gitlab_url)
            .field("gitlab_token", &"[redacted]")
            .field("store_path", &self.store_path)
            .field("directory", &self.directory)
            .field("workflow_config", &self.workflow_config)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("gitlab_timeout_ms", &self.gitlab_timeout_ms)
            .field("retry", &self.retry)
            .field("deliveries_in_flight", &self.deliveries_in_flight)
            .field("max_clock_skew_secs", &self.max_clock_skew_secs)
            .field("event_retention_hours", &self.event_retention_hours)
            .field("limits", &self.limits)
            .field("catch_up", &self.catch_up)
            .finish()
    }
}

/// How the outbox retries a GitLab call that failed (a 5xx, a 429, a timeout, no connection)
/// or whose outcome the store could not record: exponential backoff with full jitter, never
/// more than `max_attempts_per_minute` attempts of one entry a minute, for `budget_secs`; an
/// entry still undelivered then is *dead* (kept, listed on `/healthz`, sent again by
/// `csops-webhook-service resend`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// The first retry's ceiling, in milliseconds: the n-th waits a random time up to
    /// `base_delay_ms * 2^(n-1)`.
    #[serde(default = "default_base_delay")]
    pub base_delay_ms: u64,
    /// The largest ceiling, in milliseconds.
    #[serde(default = "default_max_delay")]
    pub max_delay_ms: u64,
    /// How long an entry is retried, from when it was decided, in seconds (default 24 h).
    #[serde(default = "default_budget")]
    pub budget_secs: u64,
    /// Attempts of one entry a minute at most, whatever fails.
    #[serde(default = "default_per_minute")]
    pub max_attempts_per_minute: u32,
    /// After GitLab refuses the token (401/403) the outbox pauses; it tries one call again
    /// after this many milliseconds.
    #[serde(default = "default_auth_pause")]
    pub auth_pause_ms: u64,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            base_delay_ms: default_base_delay(),
            max_delay_ms: default_max_delay(),
            budget_secs: default_budget(),
            max_attempts_per_minute: default_per_minute(),
            auth_pause_ms: default_auth_pause(),
        }
    }
}

impl Retry {
    /// The ceiling of the delay after `failures` failures (1, 2, …): doubling up to
    /// `max_delay_ms`, and never below the spacing `max_attempts_per_minute` allows.
    pub fn ceiling_ms(&self, failures: u32) -> u64 {
        let factor = 1u64 << failures.saturating_sub(1).min(30);
        self.base_delay_ms
            .saturating_mul(factor)
            .min(self.max_delay_ms)
            .max(self.min_spacing_ms())
    }

    /// The delay before the next attempt after `failures` failures: a random time between
    /// the spacing floor and [`Retry::ceiling_ms`] ("full jitter", so that many entries
    /// failing together do not come back together).
    pub fn delay_ms(&self, failures: u32, random: f64) -> u64 {
        let floor = self.min_spacing_ms();
        let ceiling = self.ceiling_ms(failures);
        floor + ((ceiling - floor) as f64 * random.clamp(0.0, 1.0)) as u64
    }

    /// The shortest time between two attempts of one entry.
    pub fn min_spacing_ms(&self) -> u64 {
        60_000u64.div_ceil(u64::from(self.max_attempts_per_minute.max(1)))
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
fn default_skew() -> u64 {
    300
}
fn default_retention() -> u64 {
    14 * 24
}
fn default_base_delay() -> u64 {
    1_000
}
fn default_max_delay() -> u64 {
    600_000
}
fn default_budget() -> u64 {
    24 * 3600
}
fn default_per_minute() -> u32 {
    6
}
fn default_auth_pause() -> u64 {
    60_000
}
fn default_header_read() -> u64 {
    10_000
}
fn default_body_read() -> u64 {
    30_000
}
fn default_request_timeout() -> u64 {
    60_000
}
fn default_idle() -> u64 {
    30_000
}
fn default_connections() -> usize {
    4_096
}
fn default_requests() -> usize {
    256
}
fn default_lock_wait() -> u64 {
    10_000
}
fn default_shutdown() -> u64 {
    10_000
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
    /// A count or a time that must be at least 1.
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    /// A required setting that is missing.
    #[error("{0} is required (in the file or its environment variable)")]
    Missing(&'static str),
}

impl Settings {
    /// Settings from a TOML file, then the environment (`CSOPS_WEBHOOK_LISTEN`,
    /// `CSOPS_WEBHOOK_SECRET`, `CSOPS_BOARD_TOKEN`, `CSOPS_GITLAB_URL`, `CSOPS_GITLAB_TOKEN`,
    /// `CSOPS_WEBHOOK_STORE`).
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        Settings::read(path)?.with_env(|name| std::env::var(name).ok())
    }

    fn read(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Settings::from_toml(&text, path)
    }

    /// The store a settings file names (`CSOPS_WEBHOOK_STORE` over it), for the operator's
    /// commands, which need no secret.
    pub fn store_of(path: &Path) -> Result<PathBuf, ConfigError> {
        let store = Settings::read(path)?.store_path;
        Ok(std::env::var_os("CSOPS_WEBHOOK_STORE").map_or(store, PathBuf::from))
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
        if let Some(v) = env("CSOPS_BOARD_TOKEN") {
            self.board_token = Some(v);
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
        let l = &self.limits;
        for (name, value) in [
            ("deliveries_in_flight", self.deliveries_in_flight as u64),
            ("max_body_bytes", self.max_body_bytes as u64),
            ("gitlab_timeout_ms", self.gitlab_timeout_ms),
            ("retry.auth_pause_ms", self.retry.auth_pause_ms),
            (
                "retry.max_attempts_per_minute",
                u64::from(self.retry.max_attempts_per_minute),
            ),
            ("retry.budget_secs", self.retry.budget_secs),
            ("limits.max_connections", l.max_connections as u64),
            (
                "limits.max_requests_in_flight",
                l.max_requests_in_flight as u64,
            ),
            ("limits.header_read_timeout_ms", l.header_read_timeout_ms),
            ("limits.body_read_timeout_ms", l.body_read_timeout_ms),
            ("limits.request_timeout_ms", l.request_timeout_ms),
            ("limits.idle_timeout_ms", l.idle_timeout_ms),
        ] {
            if value == 0 {
                return Err(ConfigError::Zero(name));
            }
        }
        if let Some(board) = &self.board_token {
            // A reader of the board must not be able to forge webhooks, nor guess it.
            if board.len() < 16 {
                return Err(ConfigError::Env {
                    name: "board_token (CSOPS_BOARD_TOKEN)",
                    message: format!(
                        "{} characters: a board token has at least 16",
                        board.chars().count()
                    ),
                });
            }
            if *board == self.secret_token {
                return Err(ConfigError::Env {
                    name: "board_token (CSOPS_BOARD_TOKEN)",
                    message: "is the webhook's secret: the board has a token of its own".into(),
                });
            }
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
        assert_eq!((s.retry.budget_secs, s.listen.port()), (86_400, 8080));
        assert!(
            s.gitlab_url.starts_with("http://127.0.0.1:"),
            "a trial stays on this machine"
        );
    }

    #[test]
    fn backoff_doubles_up_to_its_ceiling_with_jitter_above_the_spacing_floor() {
        let r = Retry {
            base_delay_ms: 100,
            max_delay_ms: 350,
            max_attempts_per_minute: 1200,
            ..Retry::default()
        };
        assert_eq!(
            (1..=4).map(|a| r.ceiling_ms(a)).collect::<Vec<_>>(),
            [100, 200, 350, 350]
        );
        assert_eq!((r.delay_ms(3, 0.0), r.delay_ms(3, 1.0)), (50, 350));
        let slow = Retry {
            max_attempts_per_minute: 6,
            ..r
        };
        assert_eq!(
            (slow.delay_ms(1, 0.0), slow.ceiling_ms(9)),
            (10_000, 10_000)
        );
    }

    #[test]
    fn a_zero_limit_is_an_error_naming_it() {
        let e = Settings::from_toml(
            &format!("{BASE}\n[limits]\nmax_connections = 0"),
            Path::new("s"),
        )
        .unwrap()
        .with_env(|n| (n != "CSOPS_WEBHOOK_LISTEN").then(|| "x".to_owned()))
        .unwrap_err();
        assert!(e.to_string().contains("limits.max_connections"), "{e}");
    }
}
