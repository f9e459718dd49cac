//! A scored book as a CS analyst reports it (SPEC §6, §10): accounts per band per segment, the
//! band changes since the previous scores, and the largest movers with their reasons.
//!
//! ```
//! use csops_core::health::{Batch, BookOptions, BookReport, Scorecard};
//! let card = Scorecard::default();
//! let (util, usage, nps) = ([90.0, 20.0, 55.0], [80.0, 25.0, 60.0], [9.0, 3.0, 7.0]);
//! let batch = ["user_engagement", "scm_adoption", "ci_adoption", "cd_adoption",
//!              "devsecops_adoption", "outcomes_achieved"]
//!     .iter().try_fold(Batch::new(&card, 3), |b, m| b.values(m, &usage))?
//!     .values("license_utilization", &util)?.values("nps_response", &nps)?;
//! let scores = batch.score()?;
//! let previous = [40.0, 85.0, f64::NAN]; // the last quarter's scores (NaN: none)
//! let report = BookReport::new(&batch, &scores, &["acme", "globex", "initech"], None,
//!     Some(&previous), &BookOptions::default())?;
//! assert_eq!(report.accounts, 3);
//! assert_eq!(report.count(None, "Red"), 1);
//! assert_eq!(report.movers_down[0].account, "globex");
//! assert!(!report.movers_down[0].reasons.is_empty());
//! # Ok::<(), csops_core::health::HealthError>(())
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Batch, BatchScores, HealthError, Identity, UNKNOWN, input_err};

/// The smallest change of score a report counts as a move (points): what one decimal shows.
pub const MIN_MOVE: f64 = 0.05;

/// What a book report lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookOptions {
    /// The largest movers listed each way (down and up).
    pub movers: usize,
    /// Reasons listed per mover.
    pub reasons: usize,
}

impl Default for BookOptions {
    fn default() -> BookOptions {
        BookOptions {
            movers: 10,
            reasons: 3,
        }
    }
}

/// Accounts of one segment in one band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandCount {
    /// The segment (`None`: the book has no segments).
    pub segment: Option<String>,
    /// The band ("Unknown" for the accounts without a score).
    pub band: String,
    /// How many accounts.
    pub accounts: usize,
}

/// Accounts that moved from one band to another since the previous scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandTransition {
    /// The band before.
    pub from: String,
    /// The band now.
    pub to: String,
    /// How many accounts.
    pub accounts: usize,
}

/// One account whose score moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mover {
    /// The account.
    pub account: String,
    /// Its segment.
    pub segment: Option<String>,
    /// Its previous score.
    pub previous_score: f64,
    /// Its score now.
    pub score: f64,
    /// `score − previous_score`.
    pub change: f64,
    /// Its previous band: the batch's previous band where it has one (not Unknown), else the
    /// previous score's.
    pub previous_band: String,
    /// Its band now.
    pub band: String,
    /// Why it scores as it does now: vetoes, then the measures that lost most points.
    pub reasons: Vec<String>,
}

/// A scored book's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookReport {
    /// The scorecard that scored it.
    pub scorecard: Identity,
    /// The day the scores are for, when given.
    pub as_of: Option<NaiveDate>,
    /// Accounts scored.
    pub accounts: usize,
    /// Accounts per segment per band: segments in name order, bands lowest first then Unknown
    /// (every band of the scorecard, zeros included).
    pub bands: Vec<BandCount>,
    /// Accounts per band over the whole book (segment `None`), lowest band first then
    /// Unknown.
    pub totals: Vec<BandCount>,
    /// Whether previous scores were given (the changes and movers are empty without).
    pub compared: bool,
    /// Accounts whose band changed since the previous scores, per (from, to), most first.
    pub changes: Vec<BandTransition>,
    /// Accounts whose band changed.
    pub changed: usize,
    /// The largest falls, largest first (accounts with a score then and now that moved by at
    /// least [`MIN_MOVE`]).
    pub movers_down: Vec<Mover>,
    /// The largest rises, largest first.
    pub movers_up: Vec<Mover>,
}

impl BookReport {
    /// The report of a scored book: `batch` as scored into `scores`, each row's account id,
    /// its segment name (optional), and its previous score (optional, NaN for none: the band
    /// before is that score's band, or the batch's previous band where it has one).
    pub fn new<S: AsRef<str>>(
        batch: &Batch<'_>,
        scores: &BatchScores,
        accounts: &[S],
        segments: Option<&[S]>,
        previous: Option<&[f64]>,
        options: &BookOptions,
    ) -> Result<BookReport, HealthError> {
        let n = batch.len();
        let card = batch.card();
        let same = |input: &str, len: usize| {
            if len == n {
                Ok(())
            } else {
                Err(input_err(
                    input,
                    format!("{len} rows for a book of {n} accounts"),
                ))
            }
        };
        same("accounts", accounts.len())?;
        same("scores", scores.score.len())?;
        if let Some(s) = segments {
            same("segments", s.len())?;
        }
        if let Some(p) = previous {
            same("previous", p.len())?;
        }
        let segment = |i: usize| segments.and_then(|s| s.get(i)).map(|s| s.as_ref());
        let mut per: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
        let band_slots = card.bands().len() + 1;
        for i in 0..n {
            let counts = per.entry(segment(i)).or_insert_with(|| vec![0; band_slots]);
            let code = usize::from(scores.band[i]).min(band_slots - 1);
            counts[code] += 1;
        }
        let band_title = |slot: usize| card.bands().get(slot).map_or(UNKNOWN, String::as_str);
        let totals = (0..band_slots)
            .map(|slot| BandCount {
                segment: None,
                band: band_title(slot).to_owned(),
                accounts: per.values().map(|counts| counts[slot]).sum(),
            })
            .collect();
        let bands = per
            .iter()
            .flat_map(|(seg, counts)| {
                counts.iter().enumerate().map(move |(slot, c)| BandCount {
                    segment: seg.map(str::to_owned),
                    band: band_title(slot).to_owned(),
                    accounts: *c,
                })
            })
            .collect();
        let mut report = BookReport {
            scorecard: scores.scorecard.clone(),
            as_of: batch.day(),
            accounts: n,
            bands,
            totals,
            compared: previous.is_some(),
            changes: Vec::new(),
            changed: 0,
            movers_down: Vec::new(),
            movers_up: Vec::new(),
        };
        let Some(previous) = previous else {
            return Ok(report);
        };
        // Each account's band before: the batch's previous band where it has one, else the
        // band of the previous score; Unknown in the last slot.
        let slot = |code: u8| usize::from(code).min(band_slots - 1);
        let was: Vec<usize> = previous
            .iter()
            .enumerate()
            .map(|(i, before)| {
                slot(
                    batch
                        .previous_band(i)
                        // An Unknown previous band is no band (as for hysteresis).
                        .filter(|b| *b != super::UNKNOWN_CODE)
                        .unwrap_or_else(|| super::bands::band_of(card, *before)),
                )
            })
            .collect();
        let mut changes: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut moved: Vec<(f64, usize)> = Vec::new();
        for (i, (before, was)) in previous.iter().zip(&was).enumerate() {
            let now = slot(scores.band[i]);
            if *was != now {
                *changes.entry((*was, now)).or_insert(0) += 1;
            }
            let change = scores.score[i] - before;
            // Less than a twentieth of a point is what a score read back from a file loses,
            // not a move.
            if change.is_finite() && change.abs() >= MIN_MOVE {
                moved.push((change, i));
            }
        }
        report.changed = changes.values().sum();
        let mut changes: Vec<BandTransition> = changes
            .into_iter()
            .map(|((from, to), accounts)| BandTransition {
                from: band_title(from).to_owned(),
                to: band_title(to).to_owned(),
                accounts,
            })
            .collect();
        changes.sort_by_key(|c| std::cmp::Reverse(c.accounts));
        report.changes = changes;
        moved.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mover = |(change, i): (f64, usize)| -> Result<Mover, HealthError> {
            let explained = batch.explain(i)?;
            Ok(Mover {
                account: accounts[i].as_ref().to_owned(),
                segment: segment(i).map(str::to_owned),
                previous_score: previous[i],
                score: scores.score[i],
                change,
                previous_band: band_title(was[i]).to_owned(),
                band: band_title(slot(scores.band[i])).to_owned(),
                reasons: explained.reasons(options.reasons),
            })
        };
        report.movers_down = moved
            .iter()
            .take_while(|(c, _)| *c < 0.0)
            .take(options.movers)
            .map(|m| mover(*m))
            .collect::<Result<_, _>>()?;
        report.movers_up = moved
            .iter()
            .rev()
            .take_while(|(c, _)| *c > 0.0)
            .take(options.movers)
            .map(|m| mover(*m))
            .collect::<Result<_, _>>()?;
        Ok(report)
    }

    /// The accounts in `band` of `segment` (0 when there are none).
    pub fn count(&self, segment: Option<&str>, band: &str) -> usize {
        self.bands
            .iter()
            .find(|c| c.segment.as_deref() == segment && c.band == band)
            .map_or(0, |c| c.accounts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::Scorecard;

    /// Every numeric measure of the card at each account's level.
    fn columns(card: &Scorecard, levels: &[f64]) -> Vec<(String, Vec<f64>)> {
        card.measures()
            .iter()
            .enumerate()
            .filter(|(m, _)| card.categories(*m).is_empty())
            .map(|(_, id)| (id.clone(), levels.to_vec()))
            .collect()
    }

    fn book<'a>(card: &'a Scorecard, columns: &'a [(String, Vec<f64>)]) -> Batch<'a> {
        let n = columns.first().map_or(0, |c| c.1.len());
        columns.iter().fold(Batch::new(card, n), |b, (id, col)| {
            b.values(id, col).unwrap()
        })
    }

    #[test]
    fn bands_are_counted_per_segment_with_zeros() {
        let card = Scorecard::default();
        let cols = columns(&card, &[90.0, 20.0, 55.0, f64::NAN]);
        let batch = book(&card, &cols);
        let scores = batch.score().unwrap();
        let r = BookReport::new(
            &batch,
            &scores,
            &["a", "b", "c", "d"],
            Some(&["x", "y", "x", "y"]),
            None,
            &BookOptions::default(),
        )
        .unwrap();
        assert_eq!(r.bands.len(), 2 * (card.bands().len() + 1));
        let total: usize = r.bands.iter().map(|c| c.accounts).sum();
        assert_eq!(total, 4);
        for t in &r.totals {
            assert_eq!(
                t.accounts,
                r.count(Some("x"), &t.band) + r.count(Some("y"), &t.band)
            );
        }
        for (i, seg) in ["x", "y", "x", "y"].iter().enumerate() {
            let band = card.band_name(scores.band[i]);
            assert!(r.count(Some(seg), band) >= 1, "{seg} {band}");
        }
        assert!(!r.compared && r.changes.is_empty() && r.movers_down.is_empty());
    }

    #[test]
    fn movers_are_the_largest_changes_each_way_and_band_changes_add_up() {
        let card = Scorecard::default();
        let cols = columns(&card, &[90.0, 20.0, 55.0, 60.0]);
        let batch = book(&card, &cols);
        let scores = batch.score().unwrap();
        let previous: Vec<f64> = scores
            .score
            .iter()
            .zip([-30.0, 40.0, 0.0, 5.0])
            .map(|(s, d)| s - d)
            .collect();
        let options = BookOptions {
            movers: 1,
            reasons: 2,
        };
        let ids = ["a", "b", "c", "d"];
        let r = BookReport::new(&batch, &scores, &ids, None, Some(&previous), &options).unwrap();
        assert_eq!(r.movers_up.len(), 1);
        assert_eq!(r.movers_up[0].account, "b");
        assert!((r.movers_up[0].change - 40.0).abs() < 1e-9);
        assert_eq!(r.movers_down[0].account, "a");
        assert!(r.movers_down[0].reasons.len() <= 2);
        let moved: usize = r.changes.iter().map(|c| c.accounts).sum();
        assert_eq!(moved, r.changed);
        let by_hand = (0..4)
            .filter(|i| card.band_of(previous[*i]) != card.band_name(scores.band[*i]))
            .count();
        assert_eq!(r.changed, by_hand);
        assert!(scores.score.iter().all(|s| !s.is_nan()));
    }

    #[test]
    fn columns_of_another_length_are_refused() {
        let card = Scorecard::default();
        let cols = columns(&card, &[90.0, 20.0]);
        let batch = book(&card, &cols);
        let scores = batch.score().unwrap();
        let e = BookReport::new(&batch, &scores, &["a"], None, None, &BookOptions::default())
            .unwrap_err();
        assert!(e.to_string().contains("accounts"), "{e}");
    }
}
