//! The main job: a sample CS Ops board (embedded below) run through the workflow engine.
//!
//! `cargo run --example quickstart` prints each request's state and labels, every rejected step
//! with its reasons, the SLA breaches as of the board's date, the board report (SPEC §6: counts
//! per state and workstream, load, lead and cycle time, throughput, anomalies), and ends with a
//! summary of it all. States, workstreams and durations read as `csops_core::display` words
//! them ("In Process", "Renewal Ops", "5.7 days").
//! `--json` prints the same as one JSON document instead; `--diagram` adds the workflow as
//! Mermaid.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use csops_core::display::days;
use csops_core::report::BoardReport;
use csops_core::sla::{SlaBreach, lead_time, time_blocked};
use csops_core::workflow::{Command, Rejection, Request, RequestError, Transition};
use csops_core::{Config, Directory, Workflow};
use serde::Deserialize;

/// The sample board, as a CS Ops team would export it.
const BOARD: &str = include_str!("board.json");

#[derive(Deserialize)]
struct Board {
    as_of: DateTime<Utc>,
    directory: BTreeMap<String, Vec<String>>,
    requests: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    request: serde_json::Value,
    steps: Vec<StepIn>,
}

#[derive(Deserialize)]
struct StepIn {
    at: DateTime<Utc>,
    actor: String,
    command: serde_json::Value,
}

/// What happened to one request on the board.
struct Outcome {
    request: Request,
    accepted: Vec<(DateTime<Utc>, String, Transition)>,
    rejected: Vec<(DateTime<Utc>, String, String, Rejection)>,
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(a) = args.iter().find(|a| *a != "--json" && *a != "--diagram") {
        return Err(format!("unknown argument {a:?}: the options are --json and --diagram").into());
    }
    let as_json = args.iter().any(|a| a == "--json");
    let board: Board = serde_json::from_str(BOARD)?;
    let wf = Workflow::new(
        Directory::from_role_names(board.directory)?,
        Config::default(),
    )?;

    let mut outcomes = Vec::new();
    let mut not_loaded = Vec::new();
    for entry in board.requests {
        let mut request = match wf.load_request(&entry.request.to_string()) {
            Ok(r) => r,
            Err(e) => {
                not_loaded.push(e);
                continue;
            }
        };
        let mut outcome = Outcome {
            request: request.clone(),
            accepted: Vec::new(),
            rejected: Vec::new(),
        };
        for step in entry.steps {
            let command = Command::read(&step.command)?;
            let shown = command.to_json();
            match wf.apply(&mut request, command, &step.actor, step.at) {
                Ok(t) => outcome.accepted.push((step.at, step.actor, t)),
                Err(r) => outcome.rejected.push((step.at, step.actor, shown, r)),
            }
        }
        outcome.request = request;
        outcomes.push(outcome);
    }

    let requests: Vec<Request> = outcomes.iter().map(|o| o.request.clone()).collect();
    let mut report = wf.board_report(&requests, board.as_of)?;
    report.add_unloaded(&not_loaded);
    let not_loaded: Vec<String> = not_loaded.iter().map(RequestError::to_string).collect();
    if as_json {
        print_json(&wf, &outcomes, &not_loaded, &report)?;
    } else {
        print_text(&wf, &outcomes, &not_loaded, board.as_of)?;
        print_report(&report);
        if args.iter().any(|a| a == "--diagram") {
            println!("\n== The workflow (Mermaid, from the transition table) ==");
            print!("{}", csops_core::diagram::mermaid());
        }
        print_summary(&outcomes, &not_loaded, &report);
    }
    Ok(())
}

fn print_text(
    wf: &Workflow,
    outcomes: &[Outcome],
    not_loaded: &[String],
    as_of: DateTime<Utc>,
) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "CS Ops board as of {as_of}: {} requests\n",
        outcomes.len() + not_loaded.len()
    );
    println!("== Requests ==");
    for o in outcomes {
        let r = &o.request;
        let ws = r
            .workstream()
            .map_or("(no workstream)".to_owned(), |w| w.title().to_owned());
        println!(
            "#{} {:<48} {:<20} {:<24} {}",
            r.id(),
            r.title(),
            r.state().title(),
            ws,
            if r.is_open() { "open" } else { "closed" }
        );
        let mut who = Vec::new();
        if let Some(a) = r.assignee() {
            who.push(format!("assignee {a}"));
        }
        if let Some(rv) = r.reviewer() {
            who.push(format!("reviewer {rv}"));
        }
        if let Some(w) = r.weight() {
            who.push(format!("weight {w}"));
        }
        if let Some(lt) = lead_time(r) {
            who.push(format!("lead time {}", days(hours(lt))));
        }
        let blocked = time_blocked(r, as_of)?;
        if !blocked.is_zero() {
            who.push(format!("blocked {}", days(hours(blocked))));
        }
        println!("      labels: {}", r.labels().as_slice().join(", "));
        if !who.is_empty() {
            println!("      {}", who.join(" · "));
        }
        for (at, actor, t) in o.accepted.iter().filter(|(_, _, t)| t.close || t.reopen) {
            println!(
                "      {} {actor}: {} -> {} ({})",
                when(*at),
                t.from.title(),
                t.to.title(),
                if t.close {
                    "close the issue"
                } else {
                    "reopen the issue"
                }
            );
        }
    }

    println!("\n== Rejected steps (the request was left unchanged) ==");
    for o in outcomes {
        for (at, actor, cmd, rej) in &o.rejected {
            println!("#{} {} {actor} {cmd}", o.request.id(), when(*at));
            println!("      {}: {}", rej.kind, rej.rule());
            let missing: Vec<&str> = rej.missing().collect();
            if !missing.is_empty() {
                println!("      missing: {}", missing.join(", "));
            }
            // Problems of the first kind are summed up by `missing` already.
            let others = rej
                .problems
                .iter()
                .skip(1)
                .filter(|p| missing.is_empty() || p.kind != rej.kind);
            for p in others {
                println!("      also {}: {}", p.kind, p.reason);
            }
        }
    }

    println!("\n== Not loaded ==");
    for e in not_loaded {
        println!("{e}");
    }

    println!("\n== SLA breaches as of {} ==", when(as_of));
    for o in outcomes {
        for b in wf.sla_breaches(&o.request, as_of)? {
            print_breach(o.request.id(), o.request.title(), &b);
        }
    }

    println!("\n== Unroutable (no workstream until a triage names one) ==");
    for o in outcomes.iter().filter(|o| o.request.workstream().is_none()) {
        println!("#{} {}", o.request.id(), o.request.title());
    }

    Ok(())
}

fn print_report(r: &BoardReport) {
    println!(
        "\n== Board report as of {}: {} requests, {} open ==",
        when(r.as_of),
        r.requests,
        r.open
    );
    println!("-- by state and workstream");
    for c in &r.by_state {
        let ws = c.workstream.map_or("(no workstream)", |w| w.title());
        println!("{:<20} {:<24} {}", c.state.title(), ws, c.count);
    }
    println!("-- load (open requests, hours of their weights)");
    for l in &r.load {
        let unweighted = if l.unweighted > 0 {
            format!(", {} without a weight", l.unweighted)
        } else {
            String::new()
        };
        println!(
            "{:<8} {} open, {} h{unweighted}",
            l.assignee, l.open_requests, l.hours
        );
    }
    let days = |h: Option<f64>| h.map_or("-".to_owned(), days);
    println!(
        "-- lead time: median {}, p90 {} over {}; cycle time: median {}, p90 {} over {}",
        days(r.lead_time.median_hours),
        days(r.lead_time.p90_hours),
        r.lead_time.count,
        days(r.cycle_time.median_hours),
        days(r.cycle_time.p90_hours),
        r.cycle_time.count
    );
    println!("-- weekly throughput (week of, completed, closed)");
    for w in &r.throughput {
        println!("{} {} {}", w.week, w.completed, w.closed);
    }
    println!("-- interrupts per milestone");
    for m in &r.interrupts {
        println!("{}: {}", m.milestone, m.interrupts);
    }
    println!("-- anomalies");
    for a in &r.anomalies {
        println!("#{} {}: {}", a.iid, a.kind, a.message);
    }
}

/// What a lead reads first, printed last so that it ends the output: the board in a few lines.
fn print_summary(outcomes: &[Outcome], not_loaded: &[String], r: &BoardReport) {
    let mut rejected: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, _, _, rej) in outcomes.iter().flat_map(|o| &o.rejected) {
        *rejected.entry(rej.kind.as_str()).or_default() += 1;
    }
    let breaches: BTreeMap<&str, usize> =
        r.sla_breaches.iter().fold(BTreeMap::new(), |mut m, b| {
            *m.entry(b.kind.into()).or_default() += 1;
            m
        });
    let list = |m: BTreeMap<_, usize>| {
        m.into_iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("\n== Summary as of {} ==", when(r.as_of));
    println!(
        "{} requests on the board: {} loaded ({} open), {} not loaded",
        outcomes.len() + not_loaded.len(),
        r.requests,
        r.open,
        not_loaded.len()
    );
    let applied: usize = outcomes.iter().map(|o| o.accepted.len()).sum();
    let refused: usize = rejected.values().sum();
    println!(
        "{} commands: {applied} applied, {refused} rejected ({})",
        applied + refused,
        list(rejected)
    );
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    println!(
        "{} ({}); {}; {} unroutable",
        plural(r.sla_breaches.len(), "SLA breach", "SLA breaches"),
        list(breaches),
        plural(r.anomalies.len(), "anomaly", "anomalies"),
        outcomes
            .iter()
            .filter(|o| o.request.workstream().is_none())
            .count()
    );
    let fmt = |h: Option<f64>| h.map_or("-".to_owned(), days);
    println!(
        "lead time median {} ({} closed); cycle time median {} ({} completed)",
        fmt(r.lead_time.median_hours),
        r.lead_time.count,
        fmt(r.cycle_time.median_hours),
        r.cycle_time.count
    );
}

/// A time as the report shows it: to the minute, in UTC.
fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A duration in hours (the unit of the data).
fn hours(d: chrono::Duration) -> f64 {
    d.num_minutes() as f64 / 60.0
}

fn print_breach(id: u64, title: &str, b: &SlaBreach) {
    println!(
        "#{id} {title}: {} since {}, due {}, overdue by {}",
        b.kind,
        when(b.since),
        when(b.due),
        days(hours(b.overdue_by))
    );
}

fn print_json(
    wf: &Workflow,
    outcomes: &[Outcome],
    not_loaded: &[String],
    report: &BoardReport,
) -> Result<(), Box<dyn std::error::Error>> {
    let as_of = report.as_of;
    let mut requests = Vec::new();
    for o in outcomes {
        requests.push(serde_json::json!({
            "request": o.request,
            "rejections": o.rejected.iter().map(|(at, actor, cmd, r)| serde_json::json!({
                "at": at, "actor": actor, "command": cmd, "rejection": r,
            })).collect::<Vec<_>>(),
            "sla_breaches": wf.sla_breaches(&o.request, as_of)?,
        }));
    }
    let doc = serde_json::json!({"as_of": as_of, "requests": requests, "not_loaded": not_loaded,
                                 "board_report": report});
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(())
}
