//! How the stand-in misbehaves, and what it counts: latency on every call, a 500 every Nth
//! call, a slow answer every Nth, and a rate limit in fixed windows as GitLab's Rack::Attack
//! keeps one (every call counts in its window; past the limit, 429 until the window ends).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

/// The stand-in's faults.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added to every API call.
    pub latency: Duration,
    /// Every Nth call answers 500.
    pub fail_every: Option<u64>,
    /// Every Nth call answers after this long.
    pub slow_every: Option<(u64, Duration)>,
    /// At most this many calls per window of this many seconds.
    pub rate_limit: Option<(u64, u64)>,
    /// Calls of these kinds (`update`, `note`, `label_events`, …: [`Tally::by_kind`]'s names)
    /// answer this status (500, 403, …) while listed.
    pub answer_kinds: Vec<(String, u16)>,
    /// Leave the `Link` header out (as some proxies do): only `X-Next-Page` says what follows.
    pub no_link: bool,
}

/// What the stand-in received.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    /// API calls received.
    pub calls: u64,
    /// Calls by kind: `issues`, `label_events`, `issue`, `update`, `notes`, `note`, `user`.
    pub by_kind: BTreeMap<String, u64>,
    /// Calls answered 429.
    pub throttled: u64,
    /// Calls answered 500 on purpose.
    pub failed: u64,
    /// Calls received in each rate-limit window (by the window's number since the epoch).
    pub windows: BTreeMap<i64, u64>,
    /// The window of the first 429.
    pub first_throttled_window: Option<i64>,
}

impl Tally {
    /// The most calls received in one window after the window of the first 429.
    pub fn most_after_first_429(&self) -> Option<u64> {
        let first = self.first_throttled_window?;
        self.windows.range(first + 1..).map(|(_, n)| *n).max()
    }

    /// The calls in each steady window after the first 429: from the second window after the
    /// 429's (the first is cut into by `Retry-After`, which GitLab gives in whole seconds) to the
    /// one before the last (a sync ends part way through it).
    pub fn steady_windows_after_first_429(&self) -> Vec<u64> {
        let Some(first) = self.first_throttled_window else {
            return Vec::new();
        };
        let mut after: Vec<u64> = self.windows.range(first + 2..).map(|(_, n)| *n).collect();
        after.pop();
        after
    }
}
