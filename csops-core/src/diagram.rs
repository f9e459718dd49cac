//! Diagrams of the workflow, generated from the transition table (SPEC §2 "Diagram"): Mermaid
//! `stateDiagram-v2` and Graphviz DOT.
//!
//! ```
//! let m = csops_core::diagram::mermaid();
//! assert!(m.starts_with("stateDiagram-v2"));
//! assert!(m.contains("New --> Triage : triage (lead)"));
//! let d = csops_core::diagram::dot();
//! assert!(d.contains("New -> Triage"));
//! ```

use std::fmt::Write;

use strum::VariantArray;

use crate::state::State;
use crate::workflow::{Party, Rule, TRANSITIONS};

/// Every edge of the table: (from, to, rule), in table order.
fn edges() -> impl Iterator<Item = (State, State, &'static Rule)> {
    TRANSITIONS
        .iter()
        .flat_map(|r| r.from.iter().map(move |f| (f, r.target(f), r)))
}

fn who(rule: &Rule) -> String {
    rule.who
        .iter()
        .map(|p| match p {
            Party::SelfAssigningCsOps => "cs_ops self",
            p => p.into(),
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The workflow as a Mermaid `stateDiagram-v2`.
pub fn mermaid() -> String {
    let mut out = String::from("stateDiagram-v2\n");
    // States are drawn with their titles (the display vocabulary); the ids stay the names.
    for s in State::VARIANTS.iter().filter(|s| s.title() != s.as_str()) {
        let _ = writeln!(out, "    state \"{}\" as {s}", s.title().replace('"', "'"));
    }
    out.push_str("    [*] --> New\n");
    for (from, to, rule) in edges() {
        let _ = writeln!(
            out,
            "    {from} --> {to} : {} ({})",
            rule.command,
            who(rule)
        );
    }
    for s in State::VARIANTS.iter().filter(|s| !s.is_open()) {
        let _ = writeln!(out, "    {s} --> [*]");
    }
    out
}

/// The workflow as a Graphviz DOT digraph.
pub fn dot() -> String {
    let mut out = String::from(
        "digraph csops_workflow {\n    rankdir=LR;\n    node [shape=box, style=rounded];\n",
    );
    for s in State::VARIANTS {
        let shape = if s.is_open() { "" } else { ", peripheries=2" };
        let _ = writeln!(out, "    {s} [label=\"{}\"{shape}];", s.title());
    }
    for (from, to, rule) in edges() {
        let _ = writeln!(
            out,
            "    {from} -> {to} [label=\"{}\\n({})\", tooltip=\"{}\"];",
            rule.command,
            who(rule),
            rule.guard.replace('"', "'")
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_edge_is_drawn_once_in_both_formats() {
        let m = mermaid();
        let d = dot();
        let mut n = 0;
        for (from, to, rule) in edges() {
            n += 1;
            let mline = format!("    {from} --> {to} : {} (", rule.command);
            assert_eq!(m.matches(&mline).count(), 1, "{mline}");
            let dline = format!("    {from} -> {to} [label=\"{}\\n", rule.command);
            assert_eq!(d.matches(&dline).count(), 1, "{dline}");
        }
        assert_eq!(
            m.lines()
                .filter(|l| l.contains(" --> ") && !l.contains("[*]"))
                .count(),
            n
        );
        assert!(m.contains("Completed --> [*]") && m.contains("WontDo --> [*]"));
        assert!(d.trim_end().ends_with('}'));
        // "any open state -> WontDo" expands to one edge per open state.
        assert_eq!(m.matches("--> WontDo : decline").count(), 10);
        // States read by their titles; the ids stay the names.
        assert!(m.contains("    state \"Won't Do\" as WontDo\n"), "{m}");
        assert!(m.contains("    state \"In Process\" as InProcess\n"), "{m}");
        assert!(!m.contains("state \"Triage\""), "{m}");
        assert!(d.contains("    InProcess [label=\"In Process\"];\n"), "{d}");
        assert!(
            d.contains("    WontDo [label=\"Won't Do\", peripheries=2];\n"),
            "{d}"
        );
    }
}
