//! The flow of requests over time (SPEC §6 "A report a lead opens"): the cumulative flow
//! diagram's counts (requests per state at the end of each day) and the control chart's points
//! (each completed request's cycle time by its completion date, with p50 / p85 / p95), both
//! from the requests' reconstructed histories.
//!
//! A day's counts are the requests as they stood at the end of that day: a request counts from
//! the day it became a request (SPEC §7 "Managed requests"), in the state its history had
//! reached by then. The last day ends at the report's `as_of`.
//!
//! ```
//! use chrono::NaiveDate;
//! use csops_core::{Directory, Request, State, Workflow};
//! use csops_core::report::FlowWindow;
//! let wf = Workflow::with_directory(Directory::new());
//! let reqs = [Request::from_json(r#"{"id": 1, "author": "rita", "created_at": "2026-03-02T09:00:00Z",
//!     "labels": ["CSOps", "CSOps::Triage"]}"#)?];
//! let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
//! let window = FlowWindow::new(day(1), "2026-03-03T12:00:00Z".parse()?)?;
//! let flow = wf.flow_report(&reqs, window)?;
//! let triage: Vec<usize> = flow.days.iter().filter(|c| c.state == State::Triage)
//!     .map(|c| c.requests).collect();
//! assert_eq!(triage, [0, 1, 1]); // 1, 2 and 3 March
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use strum::VariantArray;

use super::{ReportError, hours, quantile};
use crate::routing::Workstream;
use crate::sla::{TimeError, cycle_time, last_completion};
use crate::state::State;
use crate::workflow::{Request, Workflow};

/// The longest window a flow report covers, in days (ten years): a window is a chart, and a
/// chart of more days than that has more points than a page can show.
pub const MAX_FLOW_DAYS: i64 = 3660;

/// How many days before `as_of` a flow report starts by default ([`FlowWindow::default_for`]):
/// 26 weeks, the half year a board's charts are read over.
pub const DEFAULT_FLOW_DAYS: i64 = 182;

/// Requests in one state at the end of one day: one point of the cumulative flow diagram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowCount {
    /// The day.
    pub day: NaiveDate,
    /// The state.
    pub state: State,
    /// Requests in that state at the end of the day.
    pub requests: usize,
}

/// One completed request on the control chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    /// The request.
    pub iid: u64,
    /// Its title.
    pub title: String,
    /// When it was (last) completed.
    pub completed_at: DateTime<Utc>,
    /// Its cycle time (first In_Process → Completed), in hours.
    pub cycle_hours: f64,
    /// Its workstream (`None`: not routed).
    pub workstream: Option<Workstream>,
}

/// The control chart's lines: percentiles of the cycle times shown (linear between ranks, as
/// the board's [`super::TimeStats`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ControlLimits {
    /// How many completions the lines are over.
    pub count: usize,
    /// The median, in hours (`None` when there are none).
    pub p50_hours: Option<f64>,
    /// The 85th percentile, in hours.
    pub p85_hours: Option<f64>,
    /// The 95th percentile, in hours.
    pub p95_hours: Option<f64>,
}

/// The flow of a set of requests between two days (SPEC §6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowReport {
    /// The first day.
    pub from: NaiveDate,
    /// The last day: the day of `as_of`, or the day before when `as_of` is a midnight (an
    /// audit "as of 1 April" is the project at the end of 31 March).
    pub to: NaiveDate,
    /// The time the last day ends at.
    pub as_of: DateTime<Utc>,
    /// Every state on every day from `from` to `to`, days in order and states in the
    /// workflow's order within a day (zeros included): states × days rows.
    pub days: Vec<FlowCount>,
    /// The requests completed between the start of `from` and `as_of` whose history shows
    /// their cycle time, by completion time.
    pub completions: Vec<Completion>,
    /// The percentiles of their cycle times.
    pub cycle_time: ControlLimits,
}

/// The days a flow report covers: from the start of `from` to `as_of`, checked once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowWindow {
    from: NaiveDate,
    as_of: DateTime<Utc>,
}

/// The last day a report as of `as_of` covers: its day, or the day before when it is a
/// midnight (that day has not begun).
fn last_day(as_of: DateTime<Utc>) -> NaiveDate {
    let day = as_of.date_naive();
    if as_of.time() == NaiveTime::MIN {
        day.pred_opt().unwrap_or(day)
    } else {
        day
    }
}

impl FlowWindow {
    /// The window from the start of `from` to `as_of`: `from` no later than the report's last
    /// day (`as_of`'s, or the day before when `as_of` is a midnight), and at most
    /// [`MAX_FLOW_DAYS`] days.
    pub fn new(from: NaiveDate, as_of: DateTime<Utc>) -> Result<FlowWindow, FlowError> {
        let to = last_day(as_of);
        if from > to {
            return Err(FlowError::Backwards { from, to });
        }
        let days = (to - from).num_days() + 1;
        if days > MAX_FLOW_DAYS {
            return Err(FlowError::TooLong { from, to, days });
        }
        Ok(FlowWindow { from, as_of })
    }

    /// The default window as of `as_of` over `requests`: from the day the first of them
    /// became a request, but no more than [`DEFAULT_FLOW_DAYS`] before `as_of`.
    pub fn default_for(requests: &[Request], as_of: DateTime<Utc>) -> FlowWindow {
        let to = last_day(as_of);
        let earliest = requests
            .iter()
            .map(|r| r.managed_since().date_naive())
            .min()
            .unwrap_or(to);
        FlowWindow {
            from: earliest.clamp(
                to.checked_sub_signed(Duration::days(DEFAULT_FLOW_DAYS))
                    .unwrap_or(NaiveDate::MIN),
                to,
            ),
            as_of,
        }
    }

    /// The first day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The time the last day ends at.
    pub fn as_of(&self) -> DateTime<Utc> {
        self.as_of
    }
}

impl FlowReport {
    /// The number of requests in `state` at the end of `day` (0 outside the report).
    pub fn count(&self, day: NaiveDate, state: State) -> usize {
        self.position(day, state)
            .and_then(|i| self.days.get(i))
            .map_or(0, |c| c.requests)
    }

    /// Where the count of `state` at the end of `day` is in [`FlowReport::days`] (`None`
    /// outside the report).
    pub fn position(&self, day: NaiveDate, state: State) -> Option<usize> {
        let d = usize::try_from((day - self.from).num_days()).ok()?;
        let s = State::VARIANTS.iter().position(|v| *v == state)?;
        let i = d * State::VARIANTS.len() + s;
        (i < self.days.len()).then_some(i)
    }

    /// The days of the report, first to last (at most [`MAX_FLOW_DAYS`], whatever a report
    /// read back from JSON says).
    pub fn day_list(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let from = self.from;
        let days = (self.to - self.from)
            .num_days()
            .clamp(-1, MAX_FLOW_DAYS - 1);
        (0..=days).map_while(move |d| from.checked_add_signed(Duration::days(d)))
    }
}

/// A flow report's window that cannot be drawn ([`FlowWindow::new`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    /// The first day is after `as_of`'s day.
    #[error("from {from} is after the report's day {to}: a flow runs forward in time")]
    Backwards {
        /// The first day given.
        from: NaiveDate,
        /// The day of `as_of`.
        to: NaiveDate,
    },
    /// More days than a flow report covers.
    #[error("from {from} to {to} is {days} days: a flow report covers at most {MAX_FLOW_DAYS}")]
    TooLong {
        /// The first day given.
        from: NaiveDate,
        /// The day of `as_of`.
        to: NaiveDate,
        /// Days in the window.
        days: i64,
    },
}

/// The state `req` was in at `t`: its history's last step by then, else the state it started
/// in (the first step's `from`, or its state when it has no history).
fn state_at(req: &Request, steps_done: usize) -> State {
    let history = req.history();
    match steps_done.checked_sub(1).and_then(|i| history.get(i)) {
        Some(step) => step.to,
        None => history.first().map_or(req.state(), |s| s.from),
    }
}

impl Workflow {
    /// The flow of the managed `requests` from the start of `from` to `as_of` (SPEC §6): the
    /// cumulative flow diagram's counts and the control chart's completions. A request that
    /// changed or closed after `as_of` is an error naming it: give the requests as they stood
    /// then (an audit as of a date does).
    pub fn flow_report(
        &self,
        requests: &[Request],
        window: FlowWindow,
    ) -> Result<FlowReport, ReportError> {
        let FlowWindow { from, as_of } = window;
        let to = last_day(as_of);
        let n_days = (to - from).num_days() + 1;
        let states = State::VARIANTS;
        let day_count = usize::try_from(n_days).unwrap_or(0);
        let mut counts = vec![0usize; day_count * states.len()];
        let start = from.and_time(NaiveTime::MIN).and_utc();
        let mut completions = Vec::new();
        for req in requests.iter().filter(|r| self.is_managed(r)) {
            let last = req.history().last().map(|s| s.at).into_iter();
            if let Some(last) = last.chain(req.closed_at()).find(|t| *t > as_of) {
                return Err(ReportError {
                    iid: req.id(),
                    source: TimeError { now: as_of, last },
                });
            }
            let since = req.managed_since();
            let mut done = 0;
            let history = req.history();
            for d in 0..day_count {
                // The end of day d (its next midnight), the last day ending at `as_of`.
                let end = if d + 1 == day_count {
                    as_of
                } else {
                    start + Duration::days(d as i64 + 1) - Duration::nanoseconds(1)
                };
                if since > end {
                    continue;
                }
                while history.get(done).is_some_and(|s| s.at <= end) {
                    done += 1;
                }
                let state = state_at(req, done);
                let s = states.iter().position(|v| *v == state).unwrap_or(0);
                counts[d * states.len() + s] += 1;
            }
            if let (Some(cycle), Some(step)) = (cycle_time(req), last_completion(req))
                && step.at >= start
            {
                completions.push(Completion {
                    iid: req.id(),
                    title: req.title().to_owned(),
                    completed_at: step.at,
                    cycle_hours: hours(cycle),
                    workstream: req.workstream(),
                });
            }
        }
        completions.sort_by(|a, b| a.completed_at.cmp(&b.completed_at).then(a.iid.cmp(&b.iid)));
        let mut cycles: Vec<f64> = completions.iter().map(|c| c.cycle_hours).collect();
        cycles.sort_by(f64::total_cmp);
        let days = counts
            .chunks(states.len())
            .enumerate()
            .flat_map(|(d, row)| {
                let day = from + Duration::days(d as i64);
                row.iter().zip(states).map(move |(n, state)| FlowCount {
                    day,
                    state: *state,
                    requests: *n,
                })
            })
            .collect();
        Ok(FlowReport {
            from,
            to,
            as_of,
            days,
            cycle_time: ControlLimits {
                count: cycles.len(),
                p50_hours: quantile(&cycles, 0.5),
                p85_hours: quantile(&cycles, 0.85),
                p95_hours: quantile(&cycles, 0.95),
            },
            completions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Directory;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn window(from: u32, as_of: &str) -> FlowWindow {
        FlowWindow::new(day(from), t(as_of)).unwrap()
    }

    fn request(json: &str) -> Request {
        Request::from_json(json).unwrap()
    }

    /// A request created on the 2nd, in process on the 3rd, completed on the 5th.
    fn worked() -> Request {
        request(
            r#"{"id": 1, "title": "a", "author": "rita", "created_at": "2026-03-02T09:00:00Z",
            "labels": ["CSOps", "CSOps::Completed", "CS Analytics"], "state": "closed",
            "closed_at": "2026-03-05T16:00:00Z", "history": [
              {"at": "2026-03-02T10:00:00Z", "actor": "lena", "from": "New", "to": "Triage", "command": {"type": "relabel"}},
              {"at": "2026-03-03T09:00:00Z", "actor": "omar", "from": "Triage", "to": "InProcess", "command": {"type": "relabel"}},
              {"at": "2026-03-05T16:00:00Z", "actor": "omar", "from": "InProcess", "to": "Completed", "command": {"type": "relabel"}}]}"#,
        )
    }

    #[test]
    fn each_day_counts_the_state_reached_by_its_end() {
        let wf = Workflow::with_directory(Directory::new());
        let flow = wf
            .flow_report(&[worked()], window(1, "2026-03-06T08:00:00Z"))
            .unwrap();
        assert_eq!(flow.days.len(), 6 * State::VARIANTS.len());
        let seen: Vec<Option<State>> = (1..=6)
            .map(|d| {
                State::VARIANTS
                    .iter()
                    .copied()
                    .find(|s| flow.count(day(d), *s) == 1)
            })
            .collect();
        use State::*;
        assert_eq!(
            seen,
            [
                None,
                Some(Triage),
                Some(InProcess),
                Some(InProcess),
                Some(Completed),
                Some(Completed)
            ]
        );
        // One request, counted once a day.
        for d in 2..=6 {
            let total: usize = State::VARIANTS.iter().map(|s| flow.count(day(d), *s)).sum();
            assert_eq!(total, 1, "day {d}");
        }
        assert_eq!(flow.completions.len(), 1);
        assert_eq!(flow.completions[0].cycle_hours, 2.0 * 24.0 + 7.0);
        assert_eq!(flow.cycle_time.p95_hours, Some(55.0));
    }

    #[test]
    fn completions_before_the_window_are_left_off_the_control_chart() {
        let wf = Workflow::with_directory(Directory::new());
        let flow = wf
            .flow_report(&[worked()], window(6, "2026-03-07T00:00:00Z"))
            .unwrap();
        assert!(flow.completions.is_empty());
        assert_eq!(flow.cycle_time.count, 0);
        assert_eq!(flow.cycle_time.p50_hours, None);
        assert_eq!(flow.count(day(6), State::Completed), 1);
    }

    #[test]
    fn as_of_a_midnight_the_last_day_is_the_one_before() {
        let wf = Workflow::with_directory(Directory::new());
        let flow = wf
            .flow_report(&[worked()], window(1, "2026-03-06T00:00:00Z"))
            .unwrap();
        assert_eq!(flow.to, day(5));
        assert_eq!(flow.count(day(5), State::Completed), 1);
        assert_eq!(flow.day_list().last(), Some(day(5)));
        assert!(FlowWindow::new(day(6), t("2026-03-06T00:00:00Z")).is_err());
        // A window read back from JSON spanning all time lists at most MAX_FLOW_DAYS days.
        let wide = FlowReport {
            from: NaiveDate::MIN,
            to: NaiveDate::MAX,
            ..flow
        };
        assert_eq!(wide.day_list().count() as i64, MAX_FLOW_DAYS);
    }

    #[test]
    fn a_request_changed_after_as_of_is_an_error_naming_it() {
        let wf = Workflow::with_directory(Directory::new());
        let err = wf
            .flow_report(&[worked()], window(1, "2026-03-04T00:00:00Z"))
            .unwrap_err();
        assert!(err.to_string().starts_with("request 1:"), "{err}");
    }

    #[test]
    fn windows_that_run_backwards_or_too_long_are_refused() {
        let as_of = t("2026-03-06T08:00:00Z");
        assert!(matches!(
            FlowWindow::new(day(7), as_of),
            Err(FlowError::Backwards { .. })
        ));
        let far = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        assert!(matches!(
            FlowWindow::new(far, as_of),
            Err(FlowError::TooLong { .. })
        ));
        assert!(FlowWindow::new(day(6), as_of).is_ok());
    }

    #[test]
    fn the_default_window_starts_with_the_first_request_within_half_a_year() {
        let as_of = t("2026-03-06T00:00:00Z");
        assert_eq!(FlowWindow::default_for(&[worked()], as_of).from(), day(2));
        // As of a midnight, the last day is the one before.
        assert_eq!(FlowWindow::default_for(&[], as_of).from(), day(5));
        let old = request(
            r#"{"id": 2, "author": "rita", "created_at": "2024-01-01T00:00:00Z", "labels": ["CSOps"]}"#,
        );
        assert_eq!(
            FlowWindow::default_for(&[old], as_of).from(),
            day(5) - Duration::days(DEFAULT_FLOW_DAYS)
        );
    }
}
