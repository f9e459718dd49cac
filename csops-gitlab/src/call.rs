//! What GitLab's answer to a call means for the caller: try again (after the wait GitLab asked
//! for: `Retry-After`, else `RateLimit-Reset`), wait for the rate limit, stop because the token
//! is refused, or give the call up. The sync and the webhook service's outbox class every
//! answer here, so the two read GitLab's headers one way.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

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
    /// A 403: this call is forbidden; whether the token or only this resource is at fault,
    /// a call that needs no more than a working token (`GET /user`) tells.
    #[error("{0}")]
    Forbidden(String),
    /// Another 4xx: GitLab refused this call; trying it again will not help.
    #[error("{0}")]
    Refused(String),
}

/// What an answer other than 2xx means: `what` names the call in the message.
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

/// The wait before attempt `attempt` (1 for the first retry) after a failure that named none:
/// exponential from `base` up to `ceiling`, with full jitter (a uniform draw below it), so that
/// many clients failing together do not retry in step. `draw` is in `[0, 1)`.
pub fn backoff(attempt: u32, base: Duration, ceiling: Duration, draw: f64) -> Duration {
    let doubled = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    doubled.min(ceiling).mul_f64(draw.clamp(0.0, 1.0))
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

    #[test]
    fn backoff_doubles_to_its_ceiling_under_full_jitter() {
        let (base, ceiling) = (Duration::from_millis(500), Duration::from_secs(30));
        assert_eq!(backoff(1, base, ceiling, 0.999_999).as_millis(), 499);
        assert_eq!(backoff(3, base, ceiling, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(40, base, ceiling, 0.5), Duration::from_secs(15));
        assert_eq!(backoff(2, base, ceiling, 0.0), Duration::ZERO);
    }
}
