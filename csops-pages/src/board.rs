//! The board's page (SPEC §6): an audit with its board and its flow, as a lead shares it every
//! week — the headline figures, the cumulative flow diagram, the control chart, throughput per
//! week, SLA breaches, violations linked to their issues, load per person, requests by state
//! and workstream, anomalies.

use chrono::{DateTime, Utc};
use csops_core::State;
use std::collections::BTreeMap;

use csops_core::gitlab::{AuditRun, BatchAudit};
use csops_core::report::{BoardReport, FlowReport};
use maud::{Markup, html};

use crate::charts::{self, Layer, Points, Rule, Stack, rgb};
use crate::page::{Number, document, figure, issue_link, tile};

/// The cumulative flow diagram's layers, bottom first: what is done at the bottom, what has
/// not started on top, as Jira's and GitLab's diagrams stack them.
const FLOW_ORDER: [(State, u32); 12] = [
    (State::Completed, 0x009E73),
    (State::WontDo, 0x8C8C8C),
    (State::Monitoring, 0xA6761D),
    (State::AwaitingFeedback, 0xCC79A7),
    (State::InProcess, 0x0072B2),
    (State::Blocked, 0xD55E00),
    (State::ReadyForAssignment, 0x56B4E9),
    (State::Unassigned, 0x9DB4C0),
    (State::Backlog, 0xC9C9C9),
    (State::NeedMoreInfo, 0xE69F00),
    (State::Triage, 0xF0E442),
    (State::New, 0xE8E8E8),
];

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// What a board's page shows: the board and its flow, and when it comes from an audit, the
/// audit (its violations) and each issue's page on GitLab.
struct Shown<'a> {
    board: &'a BoardReport,
    flow: &'a FlowReport,
    audit: Option<&'a BatchAudit>,
    web_urls: Option<&'a BTreeMap<u64, String>>,
}

impl Shown<'_> {
    fn link(&self, iid: u64) -> Markup {
        issue_link(iid, self.web_urls.and_then(|u| u.get(&iid)))
    }
}

/// The page of an audit run: `project` names what was audited.
///
/// ```
/// use csops_core::{gitlab, Directory, Workflow};
/// let wf = Workflow::with_directory(Directory::new());
/// let run = gitlab::audit_export(&wf, r#"[{"iid": 1, "title": "Renewal dashboard",
///     "state": "opened", "labels": ["CSOps", "CSOps::Triage"], "author": {"username": "rita"},
///     "created_at": "2026-03-02T09:00:00Z", "web_url": "https://gitlab.example.com/cs/ops/-/issues/1"}]"#,
///     None, "2026-03-16T00:00:00Z".parse().unwrap())?;
/// let page = csops_pages::board_page(&run, "cs/ops");
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains(r#"<figure id="cfd">"#));
/// assert!(!page.contains("<script"));
/// # Ok::<(), gitlab::GitlabError>(())
/// ```
pub fn board_page(run: &AuditRun, project: &str) -> String {
    page(
        &Shown {
            board: &run.board,
            flow: &run.flow,
            audit: Some(&run.audit),
            web_urls: Some(&run.web_urls),
        },
        project,
    )
}

/// The page of a board and its flow without an audit (the webhook service's live board, from
/// the requests it keeps): the same page as [`board_page`]'s, less the audit's violations.
/// Its numbers are those of the JSON `{"board": board, "flow": flow}`.
///
/// ```
/// use csops_core::{Directory, Request, Workflow};
/// use csops_core::report::FlowWindow;
/// let wf = Workflow::with_directory(Directory::new());
/// let reqs = [Request::from_json(r#"{"id": 1, "author": "rita", "created_at": "2026-03-02T09:00:00Z",
///     "labels": ["CSOps", "CSOps::Triage"]}"#)?];
/// let now = "2026-03-16T00:00:00Z".parse()?;
/// let board = wf.board_report(&reqs, now)?;
/// let flow = wf.flow_report(&reqs, FlowWindow::default_for(&reqs, now))?;
/// let page = csops_pages::live_board_page(&board, &flow, "cs/ops, live");
/// assert!(page.contains(r#"<figure id="cfd">"#) && !page.contains("broke the process"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn live_board_page(board: &BoardReport, flow: &FlowReport, title: &str) -> String {
    page(
        &Shown {
            board,
            flow,
            audit: None,
            web_urls: None,
        },
        title,
    )
}

fn page(d: &Shown<'_>, project: &str) -> String {
    let (board, flow) = (d.board, d.flow);
    let title = if project.is_empty() {
        "CS Ops board".to_owned()
    } else {
        format!("CS Ops board: {project}")
    };
    let subtitle = html! {
        "As of " (when(board.as_of)) ". " (Number::count("board.requests", board.requests))
        " requests, " (Number::count("board.open", board.open)) " open; "
        (Number::count("board.unmanaged", board.unmanaged))
        " issues that are not CS Ops requests left out"
        @if let Some(audit) = d.audit.filter(|a| a.summary.not_yet_created > 0) {
            ", " (Number::count("audit.summary.not_yet_created", audit.summary.not_yet_created))
            " created after this date not yet known"
        }
        "."
    };
    let body = html! {
        div.tiles {
            (tile("requests on the board", Number::count("board.requests", board.requests), ""))
            (tile("open", Number::count("board.open", board.open), ""))
            (tile("SLA breaches now", Number::length("board.sla_breaches", board.sla_breaches.len()), ""))
            @if let Some(audit) = d.audit {
                (tile("issues that broke the process", Number::count("audit.summary.issues_with_violations", audit.summary.issues_with_violations), ""))
            }
            (tile("cycle time, median", Number::days("flow.cycle_time.p50_hours", flow.cycle_time.p50_hours), "days"))
            (tile("cycle time, 85th percentile", Number::days("flow.cycle_time.p85_hours", flow.cycle_time.p85_hours), "days"))
            (tile("lead time, median", Number::days("board.lead_time.median_hours", board.lead_time.median_hours), "days"))
        }
        (flow_section(flow))
        (control_section(flow))
        (throughput_section(d))
        (breaches_section(d))
        @if let Some(audit) = d.audit {
            (violations_section(d, audit))
        }
        (load_section(d))
        (states_section(d))
        (anomalies_section(d))
    };
    document(&title, subtitle, body)
}

fn flow_section(flow: &FlowReport) -> Markup {
    let days: Vec<_> = flow.day_list().collect();
    let layers: Vec<Layer<'_>> = FLOW_ORDER
        .iter()
        .filter(|(s, _)| days.iter().any(|d| flow.count(*d, *s) > 0))
        .map(|(s, color)| Layer {
            name: s.title(),
            color: rgb(*color),
            counts: days.iter().map(|d| flow.count(*d, *s)).collect(),
        })
        .collect();
    let table = html! {
        table {
            thead { tr { th { "State" } th.num { "Requests on " (flow.to.format("%-d %b %Y")) } } }
            tbody {
                @for (s, _) in FLOW_ORDER.iter().rev() {
                    @if let Some(i) = flow.position(flow.to, *s) {
                        tr {
                            td { (s.title()) }
                            td.num { (Number::count(format!("flow.days.{i}.requests"), flow.count(flow.to, *s))) }
                        }
                    }
                }
            }
        }
    };
    html! {
        h2 { "Cumulative flow" }
        p.lead {
            "Requests in each state at the end of each day from "
            (flow.from.format("%-d %b %Y")) " to " (flow.to.format("%-d %b %Y"))
            ", reconstructed from the label events. A band that widens is work piling up in that state; "
            "the slope of the top edge is arrivals, of the Completed band deliveries."
        }
        (figure("cfd", charts::stacked_days(flow.from, &layers, "requests"),
            &layers.iter().rev().map(|l| (l.name, l.color)).collect::<Vec<_>>(),
            "Requests per state per day (each request counted in the state its label events had reached by the day's end).",
            Some(table)))
    }
}

fn control_section(flow: &FlowReport) -> Markup {
    let days = usize::try_from((flow.to - flow.from).num_days() + 1).unwrap_or(0);
    let start = flow.from.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
    let x = |t: DateTime<Utc>| start.map_or(0.0, |s| (t - s).num_seconds() as f64 / 86_400.0);
    let mut groups: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for c in &flow.completions {
        let name = c.workstream.map_or("not routed", |w| w.title()).to_owned();
        let point = (x(c.completed_at), c.cycle_hours / 24.0);
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, points)) => points.push(point),
            None => groups.push((name, vec![point])),
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let points: Vec<Points<'_>> = groups
        .iter()
        .enumerate()
        .map(|(i, (name, points))| Points {
            name,
            color: charts::SERIES[i % charts::SERIES.len()],
            points: points.clone(),
        })
        .collect();
    let limits = &flow.cycle_time;
    let rules: Vec<Rule> = [
        ("p50", limits.p50_hours),
        ("p85", limits.p85_hours),
        ("p95", limits.p95_hours),
    ]
    .into_iter()
    .filter_map(|(name, hours)| Some((name, hours? / 24.0)))
    .fold(Vec::new(), |mut rules: Vec<Rule>, (name, days)| {
        // Lines that would print on top of each other share one label (p50 = p85: 1.7 days).
        let shown = format!("{days:.1} days");
        match rules.last_mut().filter(|r| r.label.ends_with(&shown)) {
            Some(r) => r.label = r.label.replacen(':', &format!(" = {name}:"), 1),
            None => rules.push(Rule {
                label: format!("{name}: {shown}"),
                value: days,
            }),
        }
        rules
    });
    let table = html! {
        table {
            thead { tr { th { "Request" } th { "Completed" } th { "Workstream" } th.num { "Cycle time (days)" } } }
            tbody {
                @for (i, c) in flow.completions.iter().enumerate() {
                    tr {
                        td { "#" (c.iid) " " (c.title) }
                        td.when { (when(c.completed_at)) }
                        td { (c.workstream.map_or("not routed", |w| w.title())) }
                        td.num { (Number::days(format!("flow.completions.{i}.cycle_hours"), Some(c.cycle_hours))) }
                    }
                }
            }
        }
    };
    html! {
        h2 { "Cycle time" }
        p.lead {
            "Each request completed since " (flow.from.format("%-d %b %Y"))
            ", by the day it was completed, at its cycle time (first In Process to Completed). "
            "85 % of requests finished within the p85 line: the figure to quote when asked \"how long will it take?\""
        }
        div.tiles {
            (tile("completed", Number::count("flow.cycle_time.count", limits.count), ""))
            (tile("p50", Number::days("flow.cycle_time.p50_hours", limits.p50_hours), "days"))
            (tile("p85", Number::days("flow.cycle_time.p85_hours", limits.p85_hours), "days"))
            (tile("p95", Number::days("flow.cycle_time.p95_hours", limits.p95_hours), "days"))
        }
        (figure("control-chart", charts::scatter_days(flow.from, days, &points, &rules, "cycle time (days)"),
            &points.iter().map(|p| (p.name, p.color)).collect::<Vec<_>>(),
            "Cycle time in days by completion date, one dot per request, coloured by workstream; lines at p50, p85 and p95.",
            Some(table)))
    }
}

fn throughput_section(d: &Shown<'_>) -> Markup {
    let weeks = &d.board.throughput;
    let labels: Vec<String> = weeks
        .iter()
        .map(|w| w.week.format("%-d %b").to_string())
        .collect();
    let completed: Vec<f64> = weeks.iter().map(|w| w.completed as f64).collect();
    let wont: Vec<f64> = weeks
        .iter()
        .map(|w| w.closed.saturating_sub(w.completed) as f64)
        .collect();
    let stacks = [
        Stack {
            name: "Completed",
            color: rgb(0x009E73),
            values: completed,
        },
        Stack {
            name: "closed otherwise",
            color: rgb(0x8C8C8C),
            values: wont,
        },
    ];
    let table = html! {
        table {
            thead { tr { th { "Week of" } th.num { "Completed" } th.num { "Closed" } } }
            tbody {
                @for (i, w) in weeks.iter().enumerate() {
                    tr {
                        td { (w.week.format("%Y-%m-%d")) }
                        td.num { (Number::count(format!("board.throughput.{i}.completed"), w.completed)) }
                        td.num { (Number::count(format!("board.throughput.{i}.closed"), w.closed)) }
                    }
                }
            }
        }
    };
    html! {
        h2 { "Throughput" }
        p.lead { "Requests finished each week (Monday to Sunday): completed, and closed otherwise (Won't Do, or closed without an outcome)." }
        @if weeks.is_empty() {
            p.note { "No request has been finished yet." }
        } @else {
            (figure("throughput", charts::bars(&labels, &stacks, "requests", None),
                &stacks.iter().map(|s| (s.name, s.color)).collect::<Vec<_>>(),
                "Requests finished per week.", Some(table)))
        }
    }
}

fn breaches_section(d: &Shown<'_>) -> Markup {
    let rows = &d.board.sla_breaches;
    html! {
        h2 { "SLA breaches " span.note { "(" (Number::length("board.sla_breaches", rows.len())) ")" } }
        @if rows.is_empty() {
            p.note.good { "No request is past an SLA." }
        } @else {
            p.lead { "Open requests past a service level, most overdue first." }
            div.scroll { table {
                thead { tr { th { "Request" } th { "SLA" } th { "State" } th { "Assignee" } th { "Due" } th.num { "Overdue (days)" } } }
                tbody {
                    @for (i, b) in rows.iter().enumerate() {
                        tr {
                            td { (d.link(b.iid)) " " (b.title) }
                            td.rule { (b.kind) }
                            td { (b.state.title()) }
                            td { (b.assignee.as_deref().unwrap_or("–")) }
                            td.when { (when(b.due)) }
                            td.num.bad { (Number::days(format!("board.sla_breaches.{i}.overdue_hours"), Some(b.overdue_hours))) }
                        }
                    }
                }
            } }
        }
    }
}

fn violations_section(d: &Shown<'_>, audit: &BatchAudit) -> Markup {
    let summary = &audit.summary;
    html! {
        h2 { "Steps that broke the process" }
        p.lead {
            (Number::count("audit.summary.issues_with_violations", summary.issues_with_violations))
            " of " (Number::count("audit.summary.issues", summary.issues))
            " requests broke a rule of the process at least once, reconstructed from "
            (Number::count("audit.summary.label_events", summary.label_events)) " label events."
        }
        @if !summary.violations.is_empty() {
            table {
                thead { tr { th { "Rule" } th.num { "Times broken" } } }
                tbody {
                    @for (rule, n) in &summary.violations {
                        tr { td.rule { (rule.as_str()) } td.num { (Number::count(format!("audit.summary.violations.{}", rule.as_str()), *n)) } }
                    }
                }
            }
            div.scroll { table #violations {
                thead { tr { th { "Request" } th { "When" } th { "Who" } th { "Rule" } th { "What happened" } } }
                tbody {
                    @for issue in audit.issues.iter().filter(|i| !i.violations.is_empty()) {
                        @for v in &issue.violations {
                            tr {
                                td { (d.link(issue.iid)) }
                                td.when { (when(v.at)) }
                                td { (v.actor.as_deref().unwrap_or("–")) }
                                td.rule { (v.rule.as_str()) }
                                td { (v.message) }
                            }
                        }
                    }
                }
            } }
        }
        @if !audit.errors.is_empty() {
            h2 { "Issues that could not be audited " span.note { "(" (Number::count("audit.summary.errors", summary.errors)) ")" } }
            ul { @for e in &audit.errors { li { (e) } } }
        }
    }
}

fn load_section(d: &Shown<'_>) -> Markup {
    let load = &d.board.load;
    let names: Vec<String> = load.iter().map(|l| l.assignee.clone()).collect();
    let hours: Vec<f64> = load.iter().map(|l| f64::from(l.hours)).collect();
    html! {
        h2 { "Load per person" }
        @if load.is_empty() {
            p.note { "No open request is assigned." }
        } @else {
            p.lead { "The upper hours of each assignee's open requests' weights (SPEC §3: weight 1 up to 2 hours, 3 up to a day, 5 up to 3 days, 7 more)." }
            (figure("load", charts::horizontal_bars(&names, &hours, "hours"), &[],
                "Hours of open, weighted work per assignee.", None))
            div.scroll { table {
                thead { tr { th { "Assignee" } th.num { "Open requests" } th.num { "Hours" } th.num { "Without a weight" } } }
                tbody {
                    @for (i, l) in load.iter().enumerate() {
                        tr {
                            td { (l.assignee) }
                            td.num { (Number::count(format!("board.load.{i}.open_requests"), l.open_requests)) }
                            td.num { (Number::count(format!("board.load.{i}.hours"), l.hours as usize)) }
                            td.num { (Number::count(format!("board.load.{i}.unweighted"), l.unweighted)) }
                        }
                    }
                }
            } }
        }
    }
}

fn states_section(d: &Shown<'_>) -> Markup {
    html! {
        h2 { "Requests by state and workstream" }
        div.scroll { table {
            thead { tr { th { "State" } th { "Workstream" } th.num { "Requests" } } }
            tbody {
                @for (i, c) in d.board.by_state.iter().enumerate() {
                    tr {
                        td { (c.state.title()) }
                        td { (c.workstream.map_or("not routed", |w| w.title())) }
                        td.num { (Number::count(format!("board.by_state.{i}.count"), c.count)) }
                    }
                }
            }
        } }
    }
}

fn anomalies_section(d: &Shown<'_>) -> Markup {
    let anomalies = &d.board.anomalies;
    html! {
        h2 { "Anomalies " span.note { "(" (Number::length("board.anomalies", anomalies.len())) ")" } }
        @if anomalies.is_empty() {
            p.note.good { "None." }
        } @else {
            div.scroll { table {
                thead { tr { th { "Request" } th { "Anomaly" } th { "What" } } }
                tbody {
                    @for a in anomalies {
                        tr {
                            td { (d.link(a.iid)) }
                            td.rule { (a.kind) }
                            td { (a.message) }
                        }
                    }
                }
            } }
        }
    }
}
