//! The backtest's page (SPEC §13, §6): does the score predict what happened? The AUC per lead
//! time with its interval, the ROC curves, churn per band, and the accounts the score missed,
//! as a CS analyst puts it in front of CS leadership each quarter.

use csops_core::health::{Backtest, LeadTime, Pair};
use maud::{Markup, html};

use crate::charts::{self, Curve, Stack, rgb};
use crate::page::{Number, document, figure, tile};

/// How many of each list (missed churn, false alarms) a page shows per lead time: the rest are
/// counted, and are in the JSON report.
pub const LISTED: usize = 25;

/// The page of a backtest.
///
/// ```
/// use csops_core::health::{Backtest, BacktestOptions, Outcome, Pair, Scorecard};
/// let card = Scorecard::default();
/// let pair = |account: &str, outcome, score: f64, band: &str| Pair {
///     lead_days: 30, account: account.into(), outcome,
///     outcome_at: "2026-06-30".parse().unwrap(), as_of: "2026-05-31".parse().unwrap(),
///     score: Some(score), band: band.into(), reasons: vec![] };
/// let pairs = [pair("a", Outcome::Churned, 30.0, "Red"), pair("b", Outcome::Renewed, 80.0, "Green"),
///              pair("c", Outcome::Renewed, 60.0, "Yellow")];
/// let options = BacktestOptions { lead_days: vec![], ..Default::default() }; // the pairs' own
/// let report = Backtest::from_pairs(&card, &pairs, &options)?;
/// let page = csops_pages::backtest_page(&report);
/// assert!(page.contains(r#"<figure id="roc">"#));
/// assert!(page.contains(r#"data-json="lead_times.0.auc">1.000<"#));
/// # Ok::<(), csops_core::health::HealthError>(())
/// ```
pub fn backtest_page(report: &Backtest) -> String {
    let card = &report.scorecard;
    let title = format!(
        "Does the score predict churn? {}, version {}",
        card.name, card.version
    );
    let subtitle = html! {
        "Scorecard " (card.name) " version " (card.version) " (hash "
        (card.hash.get(..12).unwrap_or(&card.hash)) "); "
        (Number::count("bootstrap", report.bootstrap)) " bootstrap rounds, seed "
        (Number::count("seed", report.seed as usize)) "."
    };
    let leads = &report.lead_times;
    let labels: Vec<String> = leads
        .iter()
        .map(|l| format!("{} days", l.lead_days))
        .collect();
    let aucs: Vec<Option<f64>> = leads.iter().map(|l| l.auc).collect();
    let bounds: Vec<Option<[f64; 2]>> = leads.iter().map(|l| l.auc_interval).collect();
    let curves: Vec<Curve<'_>> = leads
        .iter()
        .zip(&labels)
        .enumerate()
        .map(|(i, (l, name))| Curve {
            name,
            color: charts::SERIES[i % charts::SERIES.len()],
            points: l
                .roc
                .iter()
                .map(|p| (p.false_positive_rate, p.true_positive_rate))
                .collect(),
        })
        .collect();
    let body = html! {
        div.tiles {
            @for (i, l) in leads.iter().enumerate() {
                (tile(&format!("AUC {} days ahead", l.lead_days), Number::quantity(format!("lead_times.{i}.auc"), l.auc, 3), ""))
            }
        }
        p.lead {
            "The AUC is the chance that an account that renewed scored above one that churned, "
            "its score taken the lead time before the outcome: 0.5 is a coin toss, 1 a perfect warning. "
            "Bars show each lead time's AUC, the black line its 95 % interval (accounts resampled)."
        }
        (figure("auc", charts::intervals(&labels, &aucs, &bounds, 0.5, "ROC AUC"), &[],
            "ROC AUC per lead time with its 95 % bootstrap interval; the grey line is chance (0.5).",
            Some(summary_table(leads))))
        h2 { "ROC curves" }
        p.lead {
            "Flag every account scored below a threshold as a churn risk: each point is one threshold, "
            "the share of churned accounts caught against the share of renewed accounts flagged. "
            "A curve far above the diagonal warns early without crying wolf."
        }
        (figure("roc", charts::unit_curves(&curves, "renewed accounts flagged (false positive rate)", "churned accounts caught (true positive rate)"),
            &curves.iter().map(|c| (c.name, c.color)).chain([("chance", charts::REFERENCE)]).collect::<Vec<_>>(),
            "ROC curve per lead time (thresholds at each whole score).", None))
        @for (i, l) in leads.iter().enumerate() {
            (lead_section(i, l))
        }
    };
    document(&title, subtitle, body)
}

fn summary_table(leads: &[LeadTime]) -> Markup {
    html! {
        table {
            thead { tr {
                th { "Lead time" } th.num { "Outcomes paired" } th.num { "Unknown (%)" }
                th.num { "Churned" } th.num { "Churn rate (%)" } th.num { "AUC" } th.num { "95 % interval" }
            } }
            tbody {
                @for (i, l) in leads.iter().enumerate() {
                    tr {
                        td { (l.lead_days) " days" }
                        td.num { (Number::count(format!("lead_times.{i}.pairs"), l.pairs)) }
                        td.num { (Number::percent(format!("lead_times.{i}.unknown_share"), Some(l.unknown_share))) }
                        td.num { (Number::count(format!("lead_times.{i}.churned"), l.churned)) }
                        td.num { (Number::quantity(format!("lead_times.{i}.churn_rate"), Some(l.churn_rate), 1)) }
                        td.num { (Number::quantity(format!("lead_times.{i}.auc"), l.auc, 3)) }
                        td.num {
                            @if let Some([lo, hi]) = l.auc_interval {
                                (Number::quantity(format!("lead_times.{i}.auc_interval.0"), Some(lo), 3))
                                " – "
                                (Number::quantity(format!("lead_times.{i}.auc_interval.1"), Some(hi), 3))
                            } @else { "–" }
                        }
                    }
                }
            }
        }
    }
}

/// A band's colour: the traffic-light names in their colours, others from the series palette.
pub(crate) fn band_color(band: &str, index: usize) -> plotters::style::RGBColor {
    match band.to_ascii_lowercase().as_str() {
        "red" => rgb(0xC62828),
        "yellow" | "amber" => rgb(0xE6A700),
        "green" => rgb(0x2E7D32),
        "unknown" => charts::REFERENCE,
        _ => charts::SERIES[index % charts::SERIES.len()],
    }
}

fn lead_section(i: usize, l: &LeadTime) -> Markup {
    let labels: Vec<String> = l.bands.iter().map(|b| b.band.clone()).collect();
    // One stack per band, each with its band's value alone: bars in the bands' colours.
    let stacks: Vec<Stack<'_>> = l
        .bands
        .iter()
        .enumerate()
        .map(|(j, b)| Stack {
            name: &b.band,
            color: band_color(&b.band, j),
            values: (0..l.bands.len())
                .map(|k| {
                    if k == j {
                        b.churn_rate.unwrap_or(0.0)
                    } else {
                        0.0
                    }
                })
                .collect(),
        })
        .collect();
    let table = html! {
        table {
            thead { tr { th { "Band" } th.num { "Accounts" } th.num { "Churned" } th.num { "Churn rate (%)" } th.num { "Lift" } } }
            tbody {
                @for (j, b) in l.bands.iter().enumerate() {
                    tr {
                        td { (b.band) }
                        td.num { (Number::count(format!("lead_times.{i}.bands.{j}.accounts"), b.accounts)) }
                        td.num { (Number::count(format!("lead_times.{i}.bands.{j}.churned"), b.churned)) }
                        td.num { (Number::quantity(format!("lead_times.{i}.bands.{j}.churn_rate"), b.churn_rate, 1)) }
                        td.num { (Number::quantity(format!("lead_times.{i}.bands.{j}.lift"), b.lift, 2)) }
                    }
                }
            }
        }
    };
    html! {
        h2 { (l.lead_days) " days before the outcome" }
        p.lead {
            "Churn per band of the score " (l.lead_days) " days before each renewal or churn. "
            "A good score has most churn in its lowest band and little in its highest."
        }
        (figure(&format!("bands-{}", l.lead_days), charts::bars(&labels, &stacks, "churn rate (%)", None), &[],
            "Churn rate per band (%).", Some(table)))
        (pairs_list("Missed churn: churned while in the top band", &format!("lead_times.{i}.missed_churn"), &l.missed_churn))
        (pairs_list("False alarms: renewed while in the bottom band", &format!("lead_times.{i}.false_alarms"), &l.false_alarms))
    }
}

fn pairs_list(title: &str, path: &str, pairs: &[Pair]) -> Markup {
    html! {
        h3 { (title) " " span.note { "(" (Number::length(path, pairs.len())) ")" } }
        @if pairs.is_empty() {
            p.note.good { "None." }
        } @else {
            div.scroll { table {
                thead { tr { th { "Account" } th { "Outcome on" } th { "Scored on" } th.num { "Score" } th { "Band" } th { "Top reasons" } } }
                tbody {
                    @for (k, p) in pairs.iter().take(LISTED).enumerate() {
                        tr {
                            td { (p.account) }
                            td.when { (p.outcome_at) }
                            td.when { (p.as_of) }
                            td.num { (Number::quantity(format!("{path}.{k}.score"), p.score, 1)) }
                            td { (p.band) }
                            td { (p.reasons.join("; ")) }
                        }
                    }
                }
            } }
            @if pairs.len() > LISTED {
                p.note { "The first " (LISTED) " of " (pairs.len()) " are listed; the JSON report has them all." }
            }
        }
    }
}
