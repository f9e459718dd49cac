//! The main job: a sample CS Ops board (embedded below) run through the workflow engine.
//!
//! `cargo run --example quickstart` prints each request's state and labels, every rejected step
//! with its reasons, the SLA breaches as of the board's date, the board report (SPEC §6: counts
//! per state and workstream, load, lead and cycle time, throughput, anomalies) and the workflow
//! as Mermaid.
//! Pass `--json` to get the same as one JSON document instead.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let as_json = std::env::args().any(|a| a == "--json");
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
            let command = Command::from_value(step.command)?;
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
            "#{} {:<48} {:<18} {:<24} {}",
            r.id(),
            r.title(),
            r.state(),
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
            who.push(format!(
                "lead time {:.1} days",
                lt.num_hours() as f64 / 24.0
            ));
        }
        let blocked = time_blocked(r, as_of)?;
        if !blocked.is_zero() {
            who.push(format!(
                "blocked {:.1} days",
                blocked.num_hours() as f64 / 24.0
            ));
        }
        println!("      labels: {}", r.labels().as_slice().join(", "));
        if !who.is_empty() {
            println!("      {}", who.join(" · "));
        }
        for (at, actor, t) in o.accepted.iter().filter(|(_, _, t)| t.close || t.reopen) {
            println!(
                "      {at} {actor}: {} -> {} ({})",
                t.from,
                t.to,
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
            println!("#{} {at} {actor} {cmd}", o.request.id());
            println!("      {}: {}", rej.kind, rej.rule);
            if !rej.missing.is_empty() {
                println!("      missing: {}", rej.missing.join(", "));
            }
            // Problems of the first kind are summed up by `missing` already.
            let others = rej
                .problems
                .iter()
                .skip(1)
                .filter(|p| rej.missing.is_empty() || p.kind != rej.kind);
            for p in others {
                println!("      also {}: {}", p.kind, p.rule);
            }
        }
    }

    println!("\n== Not loaded ==");
    for e in not_loaded {
        println!("{e}");
    }

    println!("\n== SLA breaches as of {as_of} ==");
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
        r.as_of, r.requests, r.open
    );
    println!("-- by state and workstream");
    for c in &r.by_state {
        let ws = c.workstream.map_or("(no workstream)", |w| w.title());
        println!("{:<18} {:<24} {}", c.state.to_string(), ws, c.count);
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
    let days = |h: Option<f64>| h.map_or("-".to_owned(), |h| format!("{:.1} d", h / 24.0));
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
    println!("\n== The workflow (Mermaid, from the transition table) ==");
    print!("{}", csops_core::diagram::mermaid());
}

fn print_breach(id: u64, title: &str, b: &SlaBreach) {
    let days = b.overdue_by.num_minutes() as f64 / (60.0 * 24.0);
    println!(
        "#{id} {title}: {} since {}, due {}, overdue by {days:.1} days",
        b.kind, b.since, b.due
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
