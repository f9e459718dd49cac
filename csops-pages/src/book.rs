//! A scored book's page (SPEC §6, §10): accounts per band per segment, the band changes since
//! the previous scores, and the largest movers with their reasons.

use std::collections::BTreeSet;

use csops_core::health::{BookReport, Mover};
use maud::{Markup, html};

use crate::charts::{self, Stack};
use crate::page::{Number, document, figure, tile};

/// The page of a book report; `title` names the book (a file, a segment of the business).
///
/// ```
/// use csops_core::health::{Batch, BookOptions, BookReport, Scorecard};
/// let card = Scorecard::default();
/// let batch = Batch::new(&card, 0);
/// let scores = batch.score()?;
/// let none: [&str; 0] = [];
/// let report = BookReport::new(&batch, &scores, &none, None, None, &BookOptions::default())?;
/// let page = csops_pages::book_page(&report, "Q3 book");
/// assert!(page.contains(r#"<figure id="bands">"#));
/// # Ok::<(), csops_core::health::HealthError>(())
/// ```
pub fn book_page(report: &BookReport, title: &str) -> String {
    let card = &report.scorecard;
    let heading = if title.is_empty() {
        "Account health".to_owned()
    } else {
        format!("Account health: {title}")
    };
    let subtitle = html! {
        (Number::count("accounts", report.accounts)) " accounts scored with " (card.name)
        ", version " (card.version) " (hash " (card.hash.get(..12).unwrap_or(&card.hash)) ")"
        @if let Some(d) = report.as_of { ", as of " (d) }
        "."
    };
    // Bands in the report's order (lowest first, Unknown last), segments in name order.
    let mut bands: Vec<&str> = Vec::new();
    for c in &report.bands {
        if !bands.contains(&c.band.as_str()) {
            bands.push(&c.band);
        }
    }
    let segments: Vec<Option<&str>> = report
        .bands
        .iter()
        .map(|c| c.segment.as_deref())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let labels: Vec<String> = segments
        .iter()
        .map(|s| segment_title(*s).to_owned())
        .collect();
    let stacks: Vec<Stack<'_>> = bands
        .iter()
        .enumerate()
        .map(|(j, b)| Stack {
            name: b,
            color: crate::backtest::band_color(b, j),
            values: segments
                .iter()
                .map(|s| report.count(*s, b) as f64)
                .collect(),
        })
        .collect();
    let position = |segment: Option<&str>, band: &str| {
        report
            .bands
            .iter()
            .position(|c| c.segment.as_deref() == segment && c.band == band)
    };
    let table = html! {
        table {
            thead { tr { th { "Segment" } @for b in &bands { th.num { (b) } } } }
            tbody {
                @for s in &segments {
                    tr {
                        td { (segment_title(*s)) }
                        @for b in &bands {
                            td.num {
                                @if let Some(i) = position(*s, b) {
                                    (Number::count(format!("bands.{i}.accounts"), report.count(*s, b)))
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let body = html! {
        div.tiles {
            (tile("accounts", Number::count("accounts", report.accounts), ""))
            @for (i, t) in report.totals.iter().enumerate() {
                (tile(&t.band, Number::count(format!("totals.{i}.accounts"), t.accounts), ""))
            }
            @if report.compared {
                (tile("changed band", Number::count("changed", report.changed), ""))
            }
        }
        h2 { "Accounts per band" }
        p.lead { "How many accounts of each segment are in each band of the score." }
        (figure("bands", charts::bars(&labels, &stacks, "accounts", None),
            &stacks.iter().map(|s| (s.name, s.color)).collect::<Vec<_>>(),
            "Accounts per segment, stacked by band.", Some(table)))
        (changes_section(report))
        @if report.compared {
            (movers_section("Largest falls", "movers_down", &report.movers_down))
            (movers_section("Largest rises", "movers_up", &report.movers_up))
        }
    };
    document(&heading, subtitle, body)
}

/// A segment as a person reads it (`High touch`), its own name when it is none of the domain's.
fn segment_title(segment: Option<&str>) -> &str {
    match segment {
        None => "all accounts",
        Some(s) => csops_core::display::title(s).unwrap_or(s),
    }
}

fn changes_section(report: &BookReport) -> Markup {
    html! {
        h2 { "Band changes since the previous scores" }
        @if !report.compared {
            p.note { "No previous scores were given: give them to see which accounts changed band and who moved most." }
        } @else if report.changes.is_empty() {
            p.note.good { "No account changed band." }
        } @else {
            p.lead { "Accounts that changed band: " (Number::count("changed", report.changed)) "." }
            table {
                thead { tr { th { "From" } th { "To" } th.num { "Accounts" } } }
                tbody {
                    @for (i, c) in report.changes.iter().enumerate() {
                        tr {
                            td { (c.from) }
                            td { (c.to) }
                            td.num { (Number::count(format!("changes.{i}.accounts"), c.accounts)) }
                        }
                    }
                }
            }
        }
    }
}

fn movers_section(title: &str, path: &str, movers: &[Mover]) -> Markup {
    html! {
        h2 { (title) }
        @if movers.is_empty() {
            p.note { "None." }
        } @else {
            div.scroll { table {
                thead { tr {
                    th { "Account" } th { "Segment" } th.num { "Before" } th.num { "Now" }
                    th.num { "Change" } th { "Band" } th { "Why it scores so now" }
                } }
                tbody {
                    @for (i, m) in movers.iter().enumerate() {
                        tr {
                            td { (m.account) }
                            td { (m.segment.as_deref().map_or("–", |s| segment_title(Some(s)))) }
                            td.num { (Number::quantity(format!("{path}.{i}.previous_score"), Some(m.previous_score), 1)) }
                            td.num { (Number::quantity(format!("{path}.{i}.score"), Some(m.score), 1)) }
                            td class=(if m.change < 0.0 { "num bad" } else { "num good" }) {
                                (Number::quantity(format!("{path}.{i}.change"), Some(m.change), 1))
                            }
                            td { (m.previous_band) " → " (m.band) }
                            td { (m.reasons.join("; ")) }
                        }
                    }
                }
            } }
        }
    }
}
