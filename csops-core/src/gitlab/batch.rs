//! The audit of many issues at once (a nightly export): each reconstructed as it stood at the
//! run's time (SPEC §6), audited, and counted.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{AuditRule, Violation, reconstruct_as_of};
use super::{GitlabError, LabelEvent};
use crate::sla::SlaBreach;
use crate::state::State;
use crate::workflow::{Request, Workflow};

/// One issue of a batch audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueAudit {
    /// The issue's iid.
    pub iid: u64,
    /// Its workflow state now (`None` when two workflow labels leave it undecided).
    pub state: Option<State>,
    /// Steps in its reconstructed history.
    pub steps: usize,
    /// What broke the process.
    pub violations: Vec<Violation>,
    /// Its SLA breaches at `as_of`.
    pub sla_breaches: Vec<SlaBreach>,
}

/// The figures of a batch audit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditSummary {
    /// Issues audited (reconstructed, or undecided between two workflow labels).
    pub issues: usize,
    /// Issues left out because they are not CS Ops requests (SPEC §7 "Managed requests").
    pub unmanaged: usize,
    /// Label events read.
    pub label_events: usize,
    /// Steps reconstructed.
    pub steps: usize,
    /// Issues with at least one violation.
    pub issues_with_violations: usize,
    /// Violations per rule.
    pub violations: BTreeMap<AuditRule, usize>,
    /// SLA breaches at `as_of`.
    pub sla_breaches: usize,
    /// Issues that could not be audited.
    pub errors: usize,
    /// Issues created after `as_of`: the project did not have them yet (SPEC §6), so they are
    /// left out.
    #[serde(default)]
    pub not_yet_created: usize,
}

/// A dry run of the audit over many issues: what a scheduled bot would report, nothing done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchAudit {
    /// The time the run is as of.
    pub as_of: DateTime<Utc>,
    /// The figures.
    pub summary: AuditSummary,
    /// One entry per issue audited, in the order given.
    pub issues: Vec<IssueAudit>,
    /// The issues that could not be audited, and why.
    pub errors: Vec<String>,
    /// The reconstructed requests, for a board report.
    #[serde(skip)]
    pub requests: Vec<Request>,
    /// The issues undecided between two workflow labels as of `as_of`, for a board report.
    #[serde(skip)]
    pub undecided: Vec<super::Undecided>,
}

/// Audits many issues at once (a nightly export): each request is reconstructed from its label
/// events (`events_of(iid)`; an issue with none keeps the state its labels give and an empty
/// history), audited, and its SLA breaches taken at `as_of`. Issues that are not CS Ops
/// requests are left out and counted (`summary.unmanaged`). An issue that cannot be
/// reconstructed is listed under `errors` and the rest still run.
pub fn audit_batch<'e>(
    wf: &Workflow,
    requests: &[Request],
    mut events_of: impl FnMut(u64) -> Option<&'e [LabelEvent]>,
    as_of: DateTime<Utc>,
) -> BatchAudit {
    let mut run = BatchAudit {
        as_of,
        summary: AuditSummary::default(),
        issues: Vec::with_capacity(requests.len()),
        errors: Vec::new(),
        requests: Vec::with_capacity(requests.len()),
        undecided: Vec::new(),
    };
    for req in requests {
        if !wf.is_managed(req) {
            run.summary.unmanaged += 1;
            continue;
        }
        let events = events_of(req.id()).unwrap_or(&[]);
        let rec = match reconstruct_as_of(wf, req, events, as_of) {
            // Not yet a request that day: it gained `CSOps` or a workflow label later.
            Ok(Some(r)) if !wf.is_managed(&r.request) => {
                run.summary.unmanaged += 1;
                continue;
            }
            Ok(Some(r)) => r,
            Ok(None) => {
                run.summary.not_yet_created += 1;
                continue;
            }
            Err(GitlabError::Request {
                source: crate::workflow::RequestError::Anomaly { id, anomaly },
                ..
            }) => {
                // Two workflow labels as it stood then: undecided that day (SPEC §1).
                run.add_undecided(&[super::Undecided {
                    iid: id,
                    created_at: req.created_at().min(as_of),
                    anomaly,
                }]);
                continue;
            }
            Err(e) => {
                run.errors.push(e.to_string());
                continue;
            }
        };
        let sla = match wf.sla_breaches(&rec.request, as_of) {
            Ok(b) => b,
            Err(e) => {
                run.errors.push(format!("issue {}: {e}", req.id()));
                continue;
            }
        };
        let s = &mut run.summary;
        s.issues += 1;
        s.label_events += events.len();
        s.steps += rec.history().len();
        s.sla_breaches += sla.len();
        if !rec.violations.is_empty() {
            s.issues_with_violations += 1;
        }
        for v in &rec.violations {
            *s.violations.entry(v.rule).or_insert(0) += 1;
        }
        run.issues.push(IssueAudit {
            iid: req.id(),
            state: Some(rec.request.state()),
            steps: rec.history().len(),
            violations: rec.violations,
            sla_breaches: sla,
        });
        run.requests.push(rec.request);
    }
    run.summary.errors = run.errors.len();
    run
}

impl BatchAudit {
    /// Adds the issues whose two workflow labels leave their state undecided: each is audited
    /// as one `two_workflow_labels` violation, dated at its creation (SPEC §1: reported, never
    /// resolved).
    pub fn add_undecided(&mut self, undecided: &[super::Undecided]) {
        for u in undecided {
            if u.created_at > self.as_of {
                self.summary.not_yet_created += 1;
                continue;
            }
            self.undecided.push(u.clone());
            let s = &mut self.summary;
            s.issues += 1;
            s.issues_with_violations += 1;
            *s.violations
                .entry(AuditRule::TwoWorkflowLabels)
                .or_insert(0) += 1;
            self.issues.push(IssueAudit {
                iid: u.iid,
                state: None,
                steps: 0,
                violations: vec![Violation {
                    rule: AuditRule::TwoWorkflowLabels,
                    actor: None,
                    at: u.created_at,
                    step: None,
                    message: u.anomaly.to_string(),
                    instead: None,
                }],
                sla_breaches: Vec::new(),
            });
        }
    }
}
