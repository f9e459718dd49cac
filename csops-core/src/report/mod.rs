//! The board report (SPEC §6): over a set of requests as of a time, counts per state ×
//! workstream, per-assignee load, SLA breaches with how overdue, lead / cycle time median and
//! p90, weekly throughput, interrupts per milestone, unroutable requests and anomalies. Plain
//! serde structs; every list is a table (one row per item) so that it becomes a DataFrame as is.
//!
//! ```
//! use csops_core::{Directory, Request, Workflow};
//! let wf = Workflow::with_directory(Directory::new());
//! let reqs = [
//!     Request::from_json(r#"{"id": 1, "author": "rita", "created_at": "2026-03-02T09:00:00Z",
//!         "labels": ["CSOps", "CS Analytics", "CSOps::In_Process"], "assignee": "omar", "weight": 5}"#)?,
//!     Request::from_json(r#"{"id": 2, "author": "rita", "created_at": "2026-03-02T09:00:00Z",
//!         "labels": ["CSOps"]}"#)?,
//! ];
//! let report = wf.board_report(&reqs, "2026-03-16T00:00:00Z".parse()?)?;
//! assert_eq!(report.load[0].hours, 5);
//! assert_eq!(report.sla_breaches[0].iid, 2); // untriaged for 14 days
//! assert_eq!(report.sla_breaches[0].overdue_hours, 7.0 * 24.0 - 9.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, IntoStaticStr};

use crate::routing::Workstream;
use crate::sla::{SlaKind, TimeError, lead_time};
use crate::state::State;
use crate::workflow::{Request, RequestError, Workflow};

mod flow;
pub use flow::{
    Completion, ControlLimits, DEFAULT_FLOW_DAYS, FlowCount, FlowError, FlowReport, FlowWindow,
    MAX_FLOW_DAYS,
};

/// A request the report cannot be as of `as_of`: it was created, moved or closed after it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("request {iid}: {source}")]
pub struct ReportError {
    /// The request.
    pub iid: u64,
    /// What lies after `as_of`.
    pub source: TimeError,
}

/// Requests in one state and workstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateCount {
    /// The state.
    pub state: State,
    /// The workstream (`None`: not routed).
    pub workstream: Option<Workstream>,
    /// How many requests.
    pub count: usize,
}

/// One assignee's load (SPEC §3): the upper hours of their open requests' weights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssigneeLoad {
    /// The assignee.
    pub assignee: String,
    /// Open requests assigned.
    pub open_requests: usize,
    /// Their load in hours.
    pub hours: u32,
    /// Open requests with no weight (they add nothing to `hours`).
    pub unweighted: usize,
}

/// One SLA breach on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreachRow {
    /// The request.
    pub iid: u64,
    /// Its title.
    pub title: String,
    /// Its state.
    pub state: State,
    /// Its assignee.
    pub assignee: Option<String>,
    /// Which SLA.
    pub kind: SlaKind,
    /// When the clock started.
    pub since: DateTime<Utc>,
    /// When it was due.
    pub due: DateTime<Utc>,
    /// How far past due, in hours.
    pub overdue_hours: f64,
}

/// Median and 90th percentile of a set of durations, in hours (linear interpolation between
/// ranks, as numpy's and pandas' default quantile).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeStats {
    /// How many requests the figures are over.
    pub count: usize,
    /// The median, in hours (`None` when there are none).
    pub median_hours: Option<f64>,
    /// The 90th percentile, in hours.
    pub p90_hours: Option<f64>,
}

impl TimeStats {
    fn of(mut hours: Vec<f64>) -> TimeStats {
        hours.sort_by(f64::total_cmp);
        TimeStats {
            count: hours.len(),
            median_hours: quantile(&hours, 0.5),
            p90_hours: quantile(&hours, 0.9),
        }
    }
}

/// The `q` quantile of sorted values, linear between ranks.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let pos = q * last as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = (sorted.get(lo)?, sorted.get(hi)?);
    Some(a + (b - a) * (pos - lo as f64))
}

/// Requests finished in one ISO week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekCount {
    /// The Monday the week starts on.
    pub week: NaiveDate,
    /// Requests completed that week.
    pub completed: usize,
    /// Requests closed that week (Completed or Won't Do).
    pub closed: usize,
}

/// Interrupts of one milestone (SPEC §2: requests carrying the interrupt label).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneCount {
    /// The milestone's title.
    pub milestone: String,
    /// Interrupts in it.
    pub interrupts: usize,
}

/// What is wrong with a request on the board.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Display,
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AnomalyKind {
    /// Two workflow labels (the request could not be loaded).
    TwoWorkflowLabels,
    /// In_Process with no assignee.
    InProcessWithoutAssignee,
    /// Closed on the tracker without Completed or Won't Do.
    ClosedWithoutOutcome,
    /// Completed with no review where one is required (§4; for a request read from a tracker,
    /// a Gainsight-labelled one, §7): the last completion came straight from In_Process.
    CompletedWithoutReview,
    /// A weight GitLab holds that is not a CS Ops weight (SPEC §3: 1, 3, 5, 7).
    InvalidWeight,
    /// A workflow label on an issue without the team label `CSOps` (SPEC §1, §7).
    WorkflowLabelWithoutCsops,
    /// A label of the workflow scope that names no state (`CSOps::Doing`).
    UnknownWorkflowLabel,
}

/// One anomaly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    /// The request.
    pub iid: u64,
    /// What.
    pub kind: AnomalyKind,
    /// In words.
    pub message: String,
}

/// An issue that carries two or more workflow labels: its workflow state cannot be decided, so
/// it is reported as an anomaly and left out of the states (SPEC §1, §7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undecided {
    /// The issue's iid.
    pub iid: u64,
    /// Its creation time.
    pub created_at: DateTime<Utc>,
    /// Which labels.
    pub anomaly: crate::label::WorkflowAnomaly,
}

impl Undecided {
    /// The anomaly as a board lists it.
    pub fn to_anomaly(&self) -> Anomaly {
        Anomaly {
            iid: self.iid,
            kind: AnomalyKind::TwoWorkflowLabels,
            message: self.anomaly.to_string(),
        }
    }
}

/// The board report (SPEC §6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardReport {
    /// The time it is as of.
    pub as_of: DateTime<Utc>,
    /// Requests on the board.
    pub requests: usize,
    /// Issues left off the board because they are not CS Ops requests (SPEC §7).
    pub unmanaged: usize,
    /// Issues whose two workflow labels leave them without a state (SPEC §1): not among
    /// `requests`, each listed under `anomalies` as `two_workflow_labels`.
    #[serde(default)]
    pub undecided: usize,
    /// Of which open.
    pub open: usize,
    /// Counts per state × workstream (cells with none left out), in state order.
    pub by_state: Vec<StateCount>,
    /// Load per assignee, highest first.
    pub load: Vec<AssigneeLoad>,
    /// SLA breaches, most overdue first.
    pub sla_breaches: Vec<BreachRow>,
    /// Lead time (created → closed) of closed requests.
    pub lead_time: TimeStats,
    /// Cycle time (first In_Process → Completed) of completed requests whose history shows both.
    pub cycle_time: TimeStats,
    /// Requests finished per week, from the first week with one to the week of `as_of`.
    pub throughput: Vec<WeekCount>,
    /// Interrupts per milestone.
    pub interrupts: Vec<MilestoneCount>,
    /// Open requests with no workstream (unroutable, SPEC §5).
    pub unroutable: Vec<u64>,
    /// Anomalies, by request.
    pub anomalies: Vec<Anomaly>,
}

fn monday(d: DateTime<Utc>) -> NaiveDate {
    let day = d.date_naive();
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

fn hours(d: Duration) -> f64 {
    d.num_seconds() as f64 / 3600.0
}

impl Workflow {
    /// The board report over `requests` as of `now` (SPEC §6). A request whose creation or
    /// history lies after `now` is an error naming it.
    pub fn board_report(
        &self,
        requests: &[Request],
        now: DateTime<Utc>,
    ) -> Result<BoardReport, ReportError> {
        let mut cells: BTreeMap<(State, Option<Workstream>), usize> = BTreeMap::new();
        let mut load: BTreeMap<&str, AssigneeLoad> = BTreeMap::new();
        let mut breaches = Vec::new();
        let (mut lead, mut cycle) = (Vec::new(), Vec::new());
        let mut weeks: BTreeMap<NaiveDate, (usize, usize)> = BTreeMap::new();
        let mut interrupts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut unroutable = Vec::new();
        let mut anomalies = Vec::new();
        let interrupt = &self.config().labels.interrupt;
        let mut open = 0;
        let mut unmanaged = 0;
        for req in requests {
            if !self.is_managed(req) {
                unmanaged += 1;
                continue;
            }
            let late = |source| ReportError {
                iid: req.id(),
                source,
            };
            if let Some(last) = req.closed_at().filter(|c| *c > now) {
                return Err(late(TimeError { now, last }));
            }
            for b in self.sla_breaches(req, now).map_err(late)? {
                breaches.push(BreachRow {
                    iid: req.id(),
                    title: req.title().to_owned(),
                    state: req.state(),
                    assignee: req.assignee().map(str::to_owned),
                    kind: b.kind,
                    since: b.since,
                    due: b.due,
                    overdue_hours: hours(b.overdue_by),
                });
            }
            *cells.entry((req.state(), req.workstream())).or_insert(0) += 1;
            if req.is_open() {
                open += 1;
                if let Some(a) = req.assignee() {
                    let row = load.entry(a).or_insert_with(|| AssigneeLoad {
                        assignee: a.to_owned(),
                        open_requests: 0,
                        hours: 0,
                        unweighted: 0,
                    });
                    row.open_requests += 1;
                    match req.weight() {
                        Some(w) => row.hours += w.max_hours(),
                        None => row.unweighted += 1,
                    }
                }
                if req.workstream().is_none() {
                    unroutable.push(req.id());
                }
            }
            if let Some(d) = lead_time(req) {
                lead.push(hours(d));
            }
            if let Some(d) = crate::sla::cycle_time(req) {
                cycle.push(hours(d));
            }
            if !req.is_open() {
                let completed = req.state() == State::Completed;
                let at = if completed {
                    crate::sla::last_completion(req)
                        .map(|s| s.at)
                        .or(req.closed_at())
                } else {
                    req.closed_at()
                };
                if let Some(at) = at {
                    let w = weeks.entry(monday(at)).or_insert((0, 0));
                    w.0 += usize::from(completed);
                    w.1 += 1;
                }
            }
            if req.labels().contains(interrupt) {
                let m = req
                    .milestone()
                    .map_or("(no milestone)", |m| m.title.as_str());
                *interrupts.entry(m).or_insert(0) += 1;
            }
            anomalies.extend(self.anomalies(req));
        }
        // Every week from the first with a finish to the week of `now`.
        let mut throughput = Vec::new();
        if let Some(first) = weeks.keys().next().copied() {
            let mut week = first;
            while week <= monday(now) {
                let (completed, closed) = weeks.get(&week).copied().unwrap_or((0, 0));
                throughput.push(WeekCount {
                    week,
                    completed,
                    closed,
                });
                week += Duration::days(7);
            }
        }
        let mut load: Vec<AssigneeLoad> = load.into_values().collect();
        load.sort_by(|a, b| b.hours.cmp(&a.hours).then(a.assignee.cmp(&b.assignee)));
        breaches.sort_by(|a, b| {
            b.overdue_hours
                .total_cmp(&a.overdue_hours)
                .then(a.iid.cmp(&b.iid))
        });
        anomalies.sort_by_key(|a: &Anomaly| a.iid);
        Ok(BoardReport {
            as_of: now,
            requests: requests.len() - unmanaged,
            unmanaged,
            undecided: 0,
            open,
            by_state: cells
                .into_iter()
                .map(|((state, workstream), count)| StateCount {
                    state,
                    workstream,
                    count,
                })
                .collect(),
            load,
            sla_breaches: breaches,
            lead_time: TimeStats::of(lead),
            cycle_time: TimeStats::of(cycle),
            throughput,
            interrupts: interrupts
                .into_iter()
                .map(|(m, n)| MilestoneCount {
                    milestone: m.to_owned(),
                    interrupts: n,
                })
                .collect(),
            unroutable,
            anomalies,
        })
    }

    /// What is wrong with one request as the board sees it (SPEC §6): In_Process without an
    /// assignee, closed without Completed / Won't Do, Completed straight from In_Process where
    /// a review was expected, a weight outside 1, 3, 5, 7, a workflow label without `CSOps`. (Two workflow labels stop a request from loading at all: see
    /// [`BoardReport::add_unloaded`].)
    pub fn anomalies(&self, req: &Request) -> Vec<Anomaly> {
        let mut out = Vec::new();
        let mut push = |kind, message: String| {
            out.push(Anomaly {
                iid: req.id(),
                kind,
                message,
            })
        };
        if req.state().needs_assignee() && req.assignee().is_none() {
            push(
                AnomalyKind::InProcessWithoutAssignee,
                "In Process with no assignee".to_owned(),
            );
        }
        if !req.is_open() && !matches!(req.state(), State::Completed | State::WontDo) {
            push(
                AnomalyKind::ClosedWithoutOutcome,
                format!(
                    "closed in {}, not Completed or Won't Do",
                    req.state().title()
                ),
            );
        }
        for (kind, message) in issue_findings(self, req) {
            push(kind, message);
        }
        // The completion as a tracker saw it, judged by the engine's rules (SPEC §7).
        let completion = crate::sla::last_completion(req);
        if let Some(step) =
            completion.filter(|s| req.state() == State::Completed && s.from == State::InProcess)
        {
            let seen = self.check_move(req, step.from, step.to, &step.actor, step.at);
            let skipped = seen.problems.iter().find_map(|p| match p.reason {
                crate::workflow::Reason::ReviewRequired { change_kind } => Some(change_kind),
                _ => None,
            });
            if let Some(kind) = skipped {
                push(
                    AnomalyKind::CompletedWithoutReview,
                    format!(
                        "Completed straight from In Process: the peer review a {} change needs (by a gainsight_admin) was skipped",
                        kind.phrase()
                    ),
                );
            }
        }
        out
    }
}

impl BoardReport {
    /// Adds the issues whose two workflow labels leave their state undecided (from
    /// [`crate::gitlab::read_issues`]) to the anomalies.
    pub fn add_undecided(&mut self, undecided: &[Undecided]) {
        self.undecided += undecided.len();
        self.anomalies
            .extend(undecided.iter().map(Undecided::to_anomaly));
        self.anomalies.sort_by_key(|a| a.iid);
    }

    /// Adds the requests that could not be loaded because they carry two workflow labels to
    /// the anomalies (SPEC §1: reported, never silently resolved); other errors are left to the
    /// caller.
    pub fn add_unloaded<'a>(&mut self, errors: impl IntoIterator<Item = &'a RequestError>) {
        for e in errors {
            if let RequestError::Anomaly { id, anomaly } = e {
                self.undecided += 1;
                self.anomalies.push(Anomaly {
                    iid: *id,
                    kind: AnomalyKind::TwoWorkflowLabels,
                    message: anomaly.to_string(),
                });
            }
        }
        self.anomalies.sort_by_key(|a| a.iid);
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// What an issue's current fields break, whatever its history (SPEC §7 "Data as GitLab holds
/// it"): a weight outside 1, 3, 5, 7; a workflow label without the team label `CSOps`; a label
/// of the workflow scope that names no state.
/// Each finding is named as the board names it; the audit names it the same.
pub(crate) fn issue_findings(wf: &Workflow, req: &Request) -> Vec<(AnomalyKind, String)> {
    let mut out = Vec::new();
    if let Some(w) = req.invalid_weight() {
        out.push((
            AnomalyKind::InvalidWeight,
            format!("weight {w} is not one of 1, 3, 5, 7"),
        ));
    }
    let tax = wf.taxonomy();
    let labels = req.labels();
    if let Some(l) = labels.iter().find(|l| tax.in_workflow_scope(l))
        && !labels.iter().any(|l| tax.is_team_label(l))
    {
        out.push((
            AnomalyKind::WorkflowLabelWithoutCsops,
            format!(
                "{} on an issue without the team label CSOps: a CS Ops request carries both",
                crate::words::Quoted(l)
            ),
        ));
    }
    if let Some(l) = labels
        .iter()
        .find(|l| tax.in_workflow_scope(l) && tax.state_of(l).is_none())
    {
        let states: Vec<&str> = <State as strum::VariantArray>::VARIANTS
            .iter()
            .filter_map(|s| tax.canonical(*s))
            .collect();
        out.push((
            AnomalyKind::UnknownWorkflowLabel,
            if labels.iter().any(|w| tax.state_of(w).is_some()) {
                // Its scope is spelled otherwise than the workflow label's: both stay.
                format!(
                    "{} is a workflow label that names no state (the states' labels are {})",
                    crate::words::Quoted(l),
                    states.join(", ")
                )
            } else {
                format!(
                    "{} is a workflow label that names no state (the states' labels are {}); it took the place of the workflow label, so the issue reads as {}",
                    crate::words::Quoted(l),
                    states.join(", "),
                    req.state().title()
                )
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Directory, Request};

    fn req(json: serde_json::Value) -> Request {
        Request::from_json(&json.to_string()).expect("request")
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().expect("time")
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        let p90 = quantile(&v, 0.9).expect("p90");
        assert!((p90 - 7.6).abs() < 1e-12, "{p90}");
        assert_eq!(quantile(&[7.0], 0.9), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
        let s = TimeStats::of(vec![48.0, 24.0]);
        assert_eq!((s.count, s.median_hours), (2, Some(36.0)));
    }

    #[test]
    fn throughput_fills_every_week_and_lead_time_counts_closed_requests() {
        let wf = Workflow::with_directory(Directory::new());
        let done = |id: u64, closed: &str, label: &str| {
            req(
                serde_json::json!({"id": id, "author": "rita", "labels": ["CSOps", label],
                "created_at": "2026-03-02T09:00:00Z", "closed_at": closed}),
            )
        };
        let reqs = [
            done(1, "2026-03-03T09:00:00Z", "CSOps::Completed"),
            done(2, "2026-03-05T09:00:00Z", "CSOps::Won't Do"),
            done(3, "2026-03-18T09:00:00Z", "CSOps::Completed"),
        ];
        let r = wf
            .board_report(&reqs, t("2026-03-24T00:00:00Z"))
            .expect("report");
        let weeks: Vec<(String, usize, usize)> = r
            .throughput
            .iter()
            .map(|w| (w.week.to_string(), w.completed, w.closed))
            .collect();
        assert_eq!(
            weeks,
            [
                ("2026-03-02".to_owned(), 1, 2),
                ("2026-03-09".to_owned(), 0, 0),
                ("2026-03-16".to_owned(), 1, 1),
                ("2026-03-23".to_owned(), 0, 0),
            ]
        );
        assert_eq!(r.lead_time.count, 3);
        assert_eq!(r.lead_time.median_hours, Some(72.0));
        // Cycle time needs a history showing In_Process.
        assert_eq!(r.cycle_time.count, 0);
        assert_eq!(r.open, 0);
    }

    #[test]
    fn a_request_after_as_of_is_an_error_naming_it() {
        let wf = Workflow::with_directory(Directory::new());
        let reqs = [req(
            serde_json::json!({"id": 9, "author": "rita", "labels": ["CSOps"],
            "created_at": "2026-04-01T09:00:00Z"}),
        )];
        let err = wf
            .board_report(&reqs, t("2026-03-16T00:00:00Z"))
            .unwrap_err();
        assert_eq!(err.iid, 9);
        assert!(err.to_string().starts_with("request 9: "), "{err}");
        let closed = [req(serde_json::json!({"id": 8, "author": "rita",
            "labels": ["CSOps", "CSOps::Completed"], "created_at": "2026-03-01T09:00:00Z",
            "closed_at": "2026-03-20T09:00:00Z"}))];
        assert_eq!(
            wf.board_report(&closed, t("2026-03-16T00:00:00Z"))
                .map_err(|e| e.iid),
            Err(8)
        );
    }

    #[test]
    fn load_unroutable_and_anomalies() {
        let wf = Workflow::with_directory(Directory::new());
        let reqs = [
            req(
                serde_json::json!({"id": 1, "author": "rita", "labels": ["CSOps", "CSOps::In_Process", "CS Analytics"],
                "assignee": "omar", "weight": 7, "created_at": "2026-03-02T09:00:00Z"}),
            ),
            req(
                serde_json::json!({"id": 2, "author": "rita", "labels": ["CSOps", "CSOps::Blocked", "CS Analytics"],
                "assignee": "omar", "created_at": "2026-03-02T09:00:00Z"}),
            ),
            req(
                serde_json::json!({"id": 3, "author": "rita", "labels": ["CSOps", "CSOps::In_Process", "Gainsight", "CS Programs"],
                "created_at": "2026-03-02T09:00:00Z"}),
            ),
            req(
                serde_json::json!({"id": 4, "author": "rita", "labels": ["CSOps", "CSOps::Triage", "CS Analytics"],
                "state": "closed", "closed_at": "2026-03-03T09:00:00Z", "created_at": "2026-03-02T09:00:00Z"}),
            ),
        ];
        let r = wf
            .board_report(&reqs, t("2026-03-10T00:00:00Z"))
            .expect("report");
        assert_eq!(
            r.load,
            [AssigneeLoad {
                assignee: "omar".to_owned(),
                open_requests: 2,
                hours: 7,
                unweighted: 1
            }]
        );
        assert_eq!(r.unroutable, [3]);
        let kinds: Vec<(u64, AnomalyKind)> = r.anomalies.iter().map(|a| (a.iid, a.kind)).collect();
        assert_eq!(
            kinds,
            [
                (3, AnomalyKind::InProcessWithoutAssignee),
                (4, AnomalyKind::ClosedWithoutOutcome)
            ]
        );
        let cells: Vec<(State, Option<Workstream>, usize)> = r
            .by_state
            .iter()
            .map(|c| (c.state, c.workstream, c.count))
            .collect();
        assert_eq!(
            cells,
            [
                (State::Triage, Some(Workstream::Analytics), 1),
                (State::InProcess, None, 1),
                (State::InProcess, Some(Workstream::Analytics), 1),
                (State::Blocked, Some(Workstream::Analytics), 1),
            ]
        );
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).expect("json");
        assert_eq!(json["load"][0]["hours"], 7);
        assert_eq!(json["anomalies"][0]["kind"], "in_process_without_assignee");
    }
}
