//! The rate gate every call of one sync passes: after a `429` no call goes out before the wait
//! GitLab asked for, and from then on calls are spaced evenly under the limit GitLab named
//! (`RateLimit-Limit`, a count per period — a minute, GitLab's default for its API limits), at
//! [`SHARE`] of it. GitLab counts calls in fixed windows; evenly spaced calls at 95 % of the limit
//! never put more than the limit in any window and leave little unused.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The share of GitLab's limit a paced sync uses.
pub const SHARE: f64 = 0.95;

/// The shared gate.
#[derive(Debug)]
pub struct Pace {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// No call before this (a `429`'s wait).
    not_before: Instant,
    /// The time between two calls, once a limit is known.
    spacing: Option<Duration>,
    /// The next free slot when spaced.
    next: Instant,
    /// The calls per period the gate paces under, once known.
    limit: Option<(u32, Duration)>,
}

impl Pace {
    /// A gate that lets calls through as fast as they come until GitLab says otherwise, or,
    /// given `limit` (calls per `period`), paced under it from the start.
    pub fn new(limit: Option<(u32, Duration)>) -> Pace {
        let now = Instant::now();
        let pace = Pace {
            state: Mutex::new(State {
                not_before: now,
                spacing: None,
                next: now,
                limit: None,
            }),
        };
        if let Some((calls, period)) = limit {
            pace.lock().learn(calls, period);
        }
        pace
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a few instants; one a panicking holder left is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for this call's turn.
    pub async fn turn(&self) {
        let at = {
            let mut s = self.lock();
            let at = Instant::now().max(s.not_before).max(s.next);
            if let Some(spacing) = s.spacing {
                s.next = at + spacing;
            }
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// GitLab answered `429`: no call for `wait`, then calls spaced under `limit` per `period`
    /// when GitLab named a limit (else as before).
    pub fn rate_limited(&self, wait: Duration, limit: Option<u32>, period: Duration) {
        let mut s = self.lock();
        let until = Instant::now() + wait;
        s.not_before = s.not_before.max(until);
        s.next = s.next.max(until);
        if let Some(calls) = limit {
            s.learn(calls, period);
        }
    }

    /// The limit the gate paces under, once known: calls per period.
    pub fn limit(&self) -> Option<(u32, Duration)> {
        self.lock().limit
    }
}

impl State {
    fn learn(&mut self, calls: u32, period: Duration) {
        let calls = calls.max(1);
        // A lower limit than one known wins: GitLab may count this token under several.
        if self
            .limit
            .is_some_and(|(c, p)| c as f64 / p.as_secs_f64() <= calls as f64 / period.as_secs_f64())
        {
            return;
        }
        self.limit = Some((calls, period));
        self.spacing = Some(period.div_f64(calls as f64 * SHARE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn after_a_429_calls_wait_then_go_evenly_under_the_limit() {
        let pace = Pace::new(None);
        let start = Instant::now();
        for _ in 0..5 {
            pace.turn().await;
        }
        assert_eq!(Instant::now(), start, "no limit known: no wait");
        pace.rate_limited(Duration::from_secs(7), Some(600), Duration::from_secs(60));
        pace.turn().await;
        assert_eq!(Instant::now() - start, Duration::from_secs(7));
        let first = Instant::now();
        for _ in 0..570 {
            pace.turn().await;
        }
        let took = Instant::now() - first;
        // 570 spacings of 60 s / 570: a minute, give or take the rounding of one.
        assert!(
            took >= Duration::from_millis(59_990) && took <= Duration::from_millis(60_010),
            "{took:?}"
        );
        // A higher limit named later does not loosen the pace.
        pace.rate_limited(Duration::ZERO, Some(6000), Duration::from_secs(60));
        assert_eq!(pace.limit(), Some((600, Duration::from_secs(60))));
        pace.rate_limited(Duration::ZERO, Some(60), Duration::from_secs(60));
        assert_eq!(pace.limit(), Some((60, Duration::from_secs(60))));
    }
}
