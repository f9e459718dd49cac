//! Time from a request's history (SPEC §2 "Time"): time in each state, lead time, cycle time,
//! time blocked, and the SLA checks (untriaged too long, review overdue, backlog past its
//! horizon) with thresholds in configuration. `now` is always an argument.
//!
//! ```
//! use csops_core::{Request, Workflow, Directory};
//! use csops_core::sla::SlaKind;
//! let wf = Workflow::with_directory(Directory::new());
//! let req = Request::new(1, "t", "rita", "2026-01-01T09:00:00Z".parse().unwrap()).unwrap();
//! let breaches = wf.sla_breaches(&req, "2026-01-10T09:00:00Z".parse().unwrap()).unwrap();
//! assert_eq!(breaches[0].kind, SlaKind::Untriaged);
//! assert_eq!(breaches[0].overdue_by.num_days(), 2);
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, IntoStaticStr};

use crate::state::State;
use crate::workflow::{Command, Request, Step, Workflow};

pub use crate::config::SlaConfig;

/// Text that is not a time csops reads (RFC 3339 with its zone, `2026-01-06T10:00:00Z`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is not a time like {} {reason}", crate::words::Quoted(.text), crate::TIME_EXAMPLE)]
pub struct TimeTextError {
    /// The text given.
    pub text: String,
    /// What a time is and what is wrong with it, in words (`(RFC 3339): a part of it is out of
    /// range …`).
    pub reason: String,
}

/// Reads a time as every surface takes it: RFC 3339 with a zone (`2026-01-06T10:00:00Z`,
/// `2026-01-06T11:00:00+01:00`); the error says what a time looks like and what is wrong.
///
/// ```
/// let t = csops_core::sla::parse_time("2026-01-06T11:00:00+01:00").unwrap();
/// assert_eq!(t.to_rfc3339(), "2026-01-06T10:00:00+00:00");
/// let e = csops_core::sla::parse_time("2026-13-45").unwrap_err();
/// assert_eq!(e.to_string(), "\"2026-13-45\" is not a time like 2026-01-06T10:00:00Z (RFC 3339: a date, a time and a zone)");
/// let e = csops_core::sla::parse_time("2026-13-05T10:00:00Z").unwrap_err();
/// assert!(e.to_string().ends_with("a part of it is out of range (month 13, hour 25, …)"));
/// ```
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, TimeTextError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            let message = e.to_string();
            let reason = match crate::words::time_reason(&message) {
                Some(why) => why.to_owned(),
                None => crate::reader_words(&message),
            };
            TimeTextError {
                text: text.to_owned(),
                reason,
            }
        })
}

/// Reads a time as a person types one for "as of": a time as [`parse_time`] reads it, a date
/// and time without a zone (UTC), or a date alone (its start, UTC). The error names the three
/// forms.
///
/// ```
/// use csops_core::sla::parse_instant;
/// let t = |s| parse_instant(s).unwrap().to_rfc3339();
/// assert_eq!(t("2026-03-16"), "2026-03-16T00:00:00+00:00");
/// assert_eq!(t("2026-03-16T09:30"), "2026-03-16T09:30:00+00:00");
/// assert_eq!(t("2026-03-16 09:30:15"), "2026-03-16T09:30:15+00:00");
/// assert_eq!(t("2026-03-16T10:00:00+01:00"), "2026-03-16T09:00:00+00:00");
/// let e = parse_instant("yesterday").unwrap_err().to_string();
/// assert!(e.starts_with("\"yesterday\" is not a time like 2026-01-06T10:00:00Z or 2026-01-06T10:00 (UTC) or 2026-01-06"));
/// assert!(parse_instant("20260316").is_err());
/// ```
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, TimeTextError> {
    let s = text.trim();
    parse_time(s).or_else(|error| {
        let naive = [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        });
        naive.map(|t| t.and_utc()).ok_or_else(|| TimeTextError {
            // The forms this reader takes besides RFC 3339, then what RFC 3339 wanted.
            reason: format!("or 2026-01-06T10:00 (UTC) or 2026-01-06 {}", error.reason),
            ..error
        })
    })
}

/// Text that is not a calendar date csops reads (ISO 8601, `2026-01-06`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is not a date like 2026-01-06 {reason}", crate::words::Quoted(.text))]
pub struct DateTextError {
    /// The text given.
    pub text: String,
    /// What a date is, or which part is out of range.
    pub reason: &'static str,
}

/// Reads a calendar date as every surface takes it (journeys, observation dates, `as_of` of
/// a scorecard): `2026-01-06`.
///
/// ```
/// assert_eq!(csops_core::sla::parse_date("2026-02-28").unwrap().to_string(), "2026-02-28");
/// let e = csops_core::sla::parse_date("2026-02-30").unwrap_err();
/// assert_eq!(e.to_string(), "\"2026-02-30\" is not a date like 2026-01-06 (year-month-day): there is no such day");
/// ```
pub fn parse_date(text: &str) -> Result<chrono::NaiveDate, DateTextError> {
    text.parse().map_err(|e: chrono::ParseError| DateTextError {
        text: text.to_owned(),
        reason: match e.kind() {
            chrono::format::ParseErrorKind::OutOfRange
            | chrono::format::ParseErrorKind::Impossible => {
                "(year-month-day): there is no such day"
            }
            _ => "(year-month-day)",
        },
    })
}

/// `now` before something that already happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{} is before the request's last recorded change ({}); a measure is taken at or after it",
    .now.format("%Y-%m-%d %H:%M UTC"),
    .last.format("%Y-%m-%d %H:%M UTC")
)]
pub struct TimeError {
    /// The `now` given.
    pub now: DateTime<Utc>,
    /// The latest time the request records.
    pub last: DateTime<Utc>,
}

/// Which SLA is breached.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Display, IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SlaKind {
    /// New and not triaged within the weekly review window.
    Untriaged,
    /// AwaitingFeedback past the review due date.
    ReviewOverdue,
    /// In Backlog longer than the backlog horizon.
    BacklogPastHorizon,
}

/// One SLA breach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaBreach {
    /// Which SLA.
    pub kind: SlaKind,
    /// When the clock started (creation, review request, entry into Backlog).
    pub since: DateTime<Utc>,
    /// When it was due.
    pub due: DateTime<Utc>,
    /// How far past due at `now`.
    #[serde(with = "seconds")]
    pub overdue_by: Duration,
}

mod seconds {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(d.num_seconds())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        i64::deserialize(d).map(Duration::seconds)
    }
}

/// `start` plus `days` business days (Monday to Friday; public holidays are not known to csops),
/// counted by whole weeks; `None` past the last time chrono represents.
pub fn add_business_days(start: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
    let d = i64::from(days);
    let weekday = i64::from(start.weekday().num_days_from_monday());
    let offset = if d == 0 {
        0
    } else if weekday >= 5 {
        // From a weekend day the first business day is the Monday after; the rest follow it.
        (7 - weekday) + (d - 1) / 5 * 7 + (d - 1) % 5
    } else {
        // Whole weeks, then the rest of the days, jumping the weekend when they pass Friday.
        let rest = d % 5;
        d / 5 * 7 + rest + if weekday + rest > 4 { 2 } else { 0 }
    };
    start.checked_add_signed(Duration::try_days(offset)?)
}

/// `start` plus `days` calendar days; `None` past the last time chrono represents (a due date
/// that never comes).
fn add_days(start: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
    start.checked_add_signed(Duration::try_days(i64::from(days))?)
}

/// One stretch of time in one state: (state, entered, left or now).
type Interval = (State, DateTime<Utc>, DateTime<Utc>);

/// The request's time split into state intervals.
fn intervals(req: &Request, now: DateTime<Utc>) -> Result<Vec<Interval>, TimeError> {
    let last = req.history().last().map_or(req.created_at(), |s| s.at);
    if now < last {
        return Err(TimeError { now, last });
    }
    let mut out = Vec::new();
    let mut state = req.history().first().map_or(req.state(), |s| s.from);
    let mut since = req.managed_since();
    for step in req.history() {
        if step.to != step.from {
            out.push((state, since, step.at));
            state = step.to;
            since = step.at;
        }
    }
    out.push((state, since, now));
    Ok(out)
}

/// Time spent in each state up to `now` (the state a request was imported in counts from its
/// creation, or from when the issue became a request, [`Request::managed_since`]). Closed states count too, from closing to `now`.
pub fn time_in_states(
    req: &Request,
    now: DateTime<Utc>,
) -> Result<BTreeMap<State, Duration>, TimeError> {
    let mut out = BTreeMap::new();
    for (state, a, b) in intervals(req, now)? {
        *out.entry(state).or_insert_with(Duration::zero) += b - a;
    }
    Ok(out)
}

/// Total time in Blocked up to `now`.
pub fn time_blocked(req: &Request, now: DateTime<Utc>) -> Result<Duration, TimeError> {
    Ok(time_in_states(req, now)?
        .remove(&State::Blocked)
        .unwrap_or_else(Duration::zero))
}

/// Lead time: creation (or when the issue became a request) to closing, for a closed request.
pub fn lead_time(req: &Request) -> Option<Duration> {
    if req.is_open() {
        return None;
    }
    req.closed_at().map(|c| c - req.managed_since())
}

/// The step that (last) completed a request, if its history shows one: the completion the
/// cycle time, the throughput, the control chart and the review check all read.
pub fn last_completion(req: &Request) -> Option<&Step> {
    req.history()
        .iter()
        .rev()
        .find(|s| s.to == State::Completed)
}

/// Cycle time: the first entry into InProcess to the (last) completion, for a Completed request
/// whose history shows both.
pub fn cycle_time(req: &Request) -> Option<Duration> {
    if req.state() != State::Completed {
        return None;
    }
    let started = req
        .history()
        .iter()
        .find(|s| s.to == State::InProcess && s.from != State::InProcess)?
        .at;
    Some(last_completion(req)?.at - started)
}

impl Workflow {
    /// The SLA breaches of a request at `now` (SPEC §2), thresholds from the configuration. An
    /// issue that is not a CS Ops request has none (SPEC §7); a due date past the last time
    /// chrono represents never comes.
    pub fn sla_breaches(
        &self,
        req: &Request,
        now: DateTime<Utc>,
    ) -> Result<Vec<SlaBreach>, TimeError> {
        let sla = &self.config().sla;
        let spans = intervals(req, now)?;
        let mut out = Vec::new();
        if !self.is_managed(req) {
            return Ok(out);
        }
        let mut push = |kind, since: DateTime<Utc>, due: Option<DateTime<Utc>>| {
            if let Some(due) = due.filter(|due| now > *due) {
                out.push(SlaBreach {
                    kind,
                    since,
                    due,
                    overdue_by: now - due,
                });
            }
        };
        let Some((state, entered, _)) = spans.last().copied() else {
            return Ok(out);
        };
        match state {
            State::New if req.is_open() => push(
                SlaKind::Untriaged,
                req.managed_since(),
                add_days(req.managed_since(), sla.untriaged_days),
            ),
            State::AwaitingFeedback => {
                let asked = req.history().iter().rev().find_map(|s| match &s.command {
                    Command::RequestReview { due, .. } => Some((s.at, *due)),
                    _ => None,
                });
                let (since, due) = match asked {
                    Some((at, Some(due))) => (at, Some(due)),
                    Some((at, None)) => (at, add_business_days(at, sla.review_due_business_days)),
                    None => (
                        entered,
                        add_business_days(entered, sla.review_due_business_days),
                    ),
                };
                push(SlaKind::ReviewOverdue, since, due);
            }
            State::Backlog => push(
                SlaKind::BacklogPastHorizon,
                entered,
                add_days(entered, sla.backlog_horizon_days),
            ),
            _ => {}
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Directory;
    use crate::routing::Workstream;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn wf() -> Workflow {
        Workflow::with_directory(
            Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}"#)
                .unwrap(),
        )
    }

    fn worked_request(wf: &Workflow) -> Request {
        let mut r = Request::new(1, "t", "rita", t("2026-01-05T09:00:00Z")).unwrap();
        let steps = [
            (
                "lena",
                r#"{"type":"triage","workstream":"Gainsight"}"#,
                "2026-01-06T09:00:00Z",
            ),
            (
                "lena",
                r#"{"type":"ready","weight":3}"#,
                "2026-01-06T10:00:00Z",
            ),
            ("omar", r#"{"type":"start"}"#, "2026-01-07T09:00:00Z"),
            (
                "omar",
                r#"{"type":"block","reason":"export"}"#,
                "2026-01-07T12:00:00Z",
            ),
            ("omar", r#"{"type":"unblock"}"#, "2026-01-08T12:00:00Z"),
            (
                "omar",
                r#"{"type":"request_review","reviewer":"gia","summary":"done"}"#,
                "2026-01-09T09:00:00Z",
            ),
        ];
        for (actor, cmd, at) in steps {
            wf.apply(&mut r, Command::from_json(cmd).unwrap(), actor, t(at))
                .unwrap();
        }
        r
    }

    #[test]
    fn business_days_skip_weekends() {
        // Friday + 3 business days = Wednesday.
        assert_eq!(
            add_business_days(t("2026-01-09T09:00:00Z"), 3),
            Some(t("2026-01-14T09:00:00Z"))
        );
        assert_eq!(
            add_business_days(t("2026-01-05T09:00:00Z"), 0),
            Some(t("2026-01-05T09:00:00Z"))
        );
        // Saturday + 1 = Monday.
        assert_eq!(
            add_business_days(t("2026-01-10T09:00:00Z"), 1),
            Some(t("2026-01-12T09:00:00Z"))
        );
    }

    /// The day-by-day count the closed form replaces.
    fn business_days_by_day(start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        use chrono::Weekday;
        let mut t = start;
        let mut left = days;
        while left > 0 {
            t += Duration::days(1);
            if !matches!(t.weekday(), Weekday::Sat | Weekday::Sun) {
                left -= 1;
            }
        }
        t
    }

    #[test]
    fn business_days_by_whole_weeks_equal_the_day_by_day_count() {
        // Every weekday to start from (2026-01-05 is a Monday), 0 to 40 days.
        for start_day in 0..7 {
            let start = t("2026-01-05T09:00:00Z") + Duration::days(start_day);
            for days in 0..40 {
                assert_eq!(
                    add_business_days(start, days),
                    Some(business_days_by_day(start, days)),
                    "{start} + {days}"
                );
            }
        }
        // Huge counts take no time and never panic: past chrono's range there is no date.
        assert_eq!(add_business_days(t("2026-01-05T09:00:00Z"), u32::MAX), None);
    }

    #[test]
    fn thresholds_past_the_end_of_time_are_never_breached() {
        let wf = Workflow::new(
            Directory::new(),
            crate::Config::from_json(
                r#"{"sla": {"untriaged_days": 4294967295, "review_due_business_days": 4294967295, "backlog_horizon_days": 100000000}}"#,
            )
            .unwrap(),
        )
        .unwrap();
        let req = Request::new(1, "t", "rita", t("2026-01-05T09:00:00Z")).unwrap();
        let late = t("9999-01-01T00:00:00Z");
        assert_eq!(wf.sla_breaches(&req, late), Ok(Vec::new()));
        assert!(wf.board_report(&[req], late).is_ok());
    }

    #[test]
    fn time_in_states_blocked_lead_and_cycle() {
        let wf = wf();
        let mut r = worked_request(&wf);
        let now = t("2026-01-10T09:00:00Z");
        let tis = time_in_states(&r, now).unwrap();
        assert_eq!(tis[&State::New], Duration::hours(24));
        assert_eq!(tis[&State::Blocked], Duration::hours(24));
        assert_eq!(tis[&State::InProcess], Duration::hours(3 + 21));
        assert_eq!(tis[&State::AwaitingFeedback], Duration::hours(24));
        assert_eq!(
            tis.values().copied().sum::<Duration>(),
            now - r.created_at()
        );
        assert_eq!(time_blocked(&r, now).unwrap(), Duration::hours(24));
        assert_eq!(lead_time(&r), None);
        assert_eq!(cycle_time(&r), None);
        wf.apply(
            &mut r,
            Command::ApproveReview,
            "gia",
            t("2026-01-10T09:00:00Z"),
        )
        .unwrap();
        let done = r#"{"type":"complete","checklist":{"handbook_updated":true,"gainsight_changelog":true,"stakeholders_communicated":true,"lead_informed":{"summary":"x"}}}"#;
        wf.apply(
            &mut r,
            Command::from_json(done).unwrap(),
            "omar",
            t("2026-01-12T09:00:00Z"),
        )
        .unwrap();
        assert_eq!(lead_time(&r), Some(Duration::days(7)));
        assert_eq!(cycle_time(&r), Some(Duration::days(5)));
        assert_eq!(r.workstream(), Some(Workstream::Gainsight));
    }

    #[test]
    fn now_before_history_is_an_error() {
        let wf = wf();
        let r = worked_request(&wf);
        let e = time_in_states(&r, t("2026-01-08T00:00:00Z")).unwrap_err();
        assert_eq!(e.last, t("2026-01-09T09:00:00Z"));
        assert!(wf.sla_breaches(&r, t("2026-01-01T00:00:00Z")).is_err());
    }

    #[test]
    fn untriaged_after_seven_days_not_at_seven() {
        let wf = wf();
        let r = Request::new(1, "t", "rita", t("2026-01-01T09:00:00Z")).unwrap();
        assert!(
            wf.sla_breaches(&r, t("2026-01-08T09:00:00Z"))
                .unwrap()
                .is_empty()
        );
        let b = wf.sla_breaches(&r, t("2026-01-08T09:00:01Z")).unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].overdue_by, Duration::seconds(1));
    }

    #[test]
    fn review_overdue_default_and_owner_due_date() {
        let wf = wf();
        let r = worked_request(&wf); // review requested Friday 2026-01-09 09:00
        assert!(
            wf.sla_breaches(&r, t("2026-01-14T09:00:00Z"))
                .unwrap()
                .is_empty()
        );
        let b = wf.sla_breaches(&r, t("2026-01-14T10:00:00Z")).unwrap();
        assert_eq!(b[0].kind, SlaKind::ReviewOverdue);
        assert_eq!(b[0].overdue_by, Duration::hours(1));

        let mut r2 = Request::new(2, "t", "rita", t("2026-01-05T09:00:00Z")).unwrap();
        for (actor, cmd, at) in [
            (
                "lena",
                r#"{"type":"triage","workstream":"Gainsight"}"#,
                "2026-01-06T09:00:00Z",
            ),
            (
                "lena",
                r#"{"type":"ready","hours":2}"#,
                "2026-01-06T10:00:00Z",
            ),
            ("omar", r#"{"type":"start"}"#, "2026-01-07T09:00:00Z"),
            (
                "omar",
                r#"{"type":"request_review","reviewer":"gia","summary":"s","due":"2026-01-07T17:00:00Z"}"#,
                "2026-01-07T10:00:00Z",
            ),
        ] {
            wf.apply(&mut r2, Command::from_json(cmd).unwrap(), actor, t(at))
                .unwrap();
        }
        let b = wf.sla_breaches(&r2, t("2026-01-08T09:00:00Z")).unwrap();
        assert_eq!(b[0].due, t("2026-01-07T17:00:00Z"));
        assert_eq!(b[0].overdue_by, Duration::hours(16));
    }

    #[test]
    fn backlog_past_horizon_and_thresholds_from_config() {
        let cfg = crate::Config::from_toml("[sla]\nbacklog_horizon_days = 30\nuntriaged_days = 1")
            .unwrap();
        let wf = Workflow::new(wf().directory().clone(), cfg).unwrap();
        let mut r = Request::new(1, "t", "rita", t("2026-01-01T09:00:00Z")).unwrap();
        assert_eq!(
            wf.sla_breaches(&r, t("2026-01-02T10:00:00Z")).unwrap()[0].kind,
            SlaKind::Untriaged
        );
        wf.apply(
            &mut r,
            Command::Triage {
                workstream: Some(Workstream::Gainsight),
            },
            "lena",
            t("2026-01-02T09:00:00Z"),
        )
        .unwrap();
        wf.apply(&mut r, Command::Defer, "lena", t("2026-01-02T10:00:00Z"))
            .unwrap();
        assert!(
            wf.sla_breaches(&r, t("2026-02-01T10:00:00Z"))
                .unwrap()
                .is_empty()
        );
        let b = wf.sla_breaches(&r, t("2026-02-02T10:00:00Z")).unwrap();
        assert_eq!(b[0].kind, SlaKind::BacklogPastHorizon);
        assert_eq!(b[0].overdue_by, Duration::days(1));
    }
}
