//! The arithmetic of a backtest's figures: the AUC of scores weighted by how often a bootstrap
//! round drew each account, percentiles, and the ROC curve.
//!
//! A round draws as many accounts as there are, with replacement, from a generator seeded by
//! the backtest's seed and the round's number alone (PCG-64 MCG, indices by Lemire's
//! multiply-shift), so a round draws the same accounts whatever the thread count, and two
//! scorecards backtested with one seed on one history see the same rounds: their AUCs can be
//! differenced round by round.

use rand_core::Rng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// Scored pairs of one lead time, ready for AUCs: the pairs with a score, by score.
pub(crate) struct Ranked {
    /// Per pair (by score): its account's index, whether it churned.
    pub(crate) account: Vec<u32>,
    pub(crate) churned: Vec<bool>,
    /// Where each group of equal scores ends (exclusive), in order.
    pub(crate) tie_end: Vec<usize>,
    pub(crate) scores: Vec<f64>,
}

impl Ranked {
    /// `rows`: (score, account index, churned) with a known score.
    pub(crate) fn new(mut rows: Vec<(f64, u32, bool)>) -> Ranked {
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut tie_end = Vec::new();
        for i in 1..=rows.len() {
            if i == rows.len() || rows[i].0 != rows[i - 1].0 {
                tie_end.push(i);
            }
        }
        Ranked {
            account: rows.iter().map(|r| r.1).collect(),
            churned: rows.iter().map(|r| r.2).collect(),
            scores: rows.iter().map(|r| r.0).collect(),
            tie_end,
        }
    }

    /// The chance that a renewed pair scored above a churned one (ties half), each pair
    /// counted `weight(account)` times; `None` when either class weighs nothing.
    pub(crate) fn auc(&self, weight: impl Fn(u32) -> f64) -> Option<f64> {
        let (mut below, mut total_churned, mut total_renewed, mut sum) = (0.0, 0.0, 0.0, 0.0);
        let mut from = 0;
        for &to in &self.tie_end {
            let (mut c, mut r) = (0.0, 0.0);
            for i in from..to {
                let w = weight(self.account[i]);
                if self.churned[i] {
                    c += w;
                } else {
                    r += w;
                }
            }
            sum += r * (below + 0.5 * c);
            below += c;
            total_churned += c;
            total_renewed += r;
            from = to;
        }
        (total_churned > 0.0 && total_renewed > 0.0).then(|| sum / (total_churned * total_renewed))
    }

    /// The ROC curve of "score below t predicts churn", for t = 0, 1, …, 100 and above 100:
    /// 102 points from (0, 0) to (1, 1).
    pub(crate) fn roc(&self) -> Vec<RocPoint> {
        let churned = self.churned.iter().filter(|c| **c).count() as f64;
        let renewed = self.churned.len() as f64 - churned;
        let mut out = Vec::with_capacity(102);
        let mut i = 0;
        let (mut tp, mut fp) = (0.0, 0.0);
        for t in 0..=101u32 {
            let t = f64::from(t);
            while i < self.scores.len() && self.scores[i] < t {
                if self.churned[i] {
                    tp += 1.0;
                } else {
                    fp += 1.0;
                }
                i += 1;
            }
            out.push(RocPoint {
                below: t,
                false_positive_rate: if renewed > 0.0 { fp / renewed } else { 0.0 },
                true_positive_rate: if churned > 0.0 { tp / churned } else { 0.0 },
            });
        }
        out
    }
}

/// One point of a ROC curve: flagging every account scored below `below` as a churn risk.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RocPoint {
    /// The threshold: accounts scored below it are flagged.
    pub below: f64,
    /// Renewed accounts flagged, 0–1.
    pub false_positive_rate: f64,
    /// Churned accounts flagged, 0–1.
    pub true_positive_rate: f64,
}

fn round_rng(seed: u64, round: usize) -> Pcg64Mcg {
    // SplitMix64 of (seed, round): well-spread states for neighbouring seeds and rounds.
    let mut z = seed ^ (round as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut mix = || {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut x = z;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^ (x >> 31)
    };
    let state = (u128::from(mix()) << 64) | u128::from(mix());
    Pcg64Mcg::new(state)
}

/// Rounds `rounds` of a bootstrap over `accounts` accounts seeded by `seed`: per round, the
/// AUC of each of `ranked` (one draw of accounts serves them all; `None` where a round drew one
/// class only).
fn draw(
    ranked: &[&Ranked],
    accounts: usize,
    seed: u64,
    rounds: std::ops::Range<usize>,
) -> Vec<Vec<Option<f64>>> {
    let mut drawn = vec![0u32; accounts];
    rounds
        .map(|r| {
            drawn.fill(0);
            let mut rng = round_rng(seed, r);
            for _ in 0..accounts {
                let k = ((u128::from(rng.next_u64()) * accounts as u128) >> 64) as usize;
                if let Some(d) = drawn.get_mut(k) {
                    *d += 1;
                }
            }
            ranked
                .iter()
                .map(|x| x.auc(|a| f64::from(drawn.get(a as usize).copied().unwrap_or(0))))
                .collect()
        })
        .collect()
}

/// A bootstrap of `rounds` rounds on up to `threads` threads: for each of `ranked`, each round's
/// AUC, in round order (the same values on any number of threads).
pub(crate) fn rounds(
    ranked: &[&Ranked],
    accounts: usize,
    seed: u64,
    rounds: usize,
    threads: usize,
) -> Result<Vec<Vec<Option<f64>>>, super::HealthError> {
    let threads = threads.clamp(1, rounds.clamp(1, 64));
    let per_round: Vec<Vec<Option<f64>>> =
        if threads == 1 || rounds < 16 {
            draw(ranked, accounts, seed, 0..rounds)
        } else {
            let per = rounds.div_ceil(threads);
            std::thread::scope(|scope| {
                let parts: Vec<_> = (0..threads)
                    .map(|t| {
                        scope.spawn(move || {
                            draw(ranked, accounts, seed, t * per..((t + 1) * per).min(rounds))
                        })
                    })
                    .collect();
                let mut out = Vec::with_capacity(rounds);
                for p in parts {
                    out.extend(p.join().map_err(|_| {
                        super::input_err("bootstrap", "a bootstrap thread panicked")
                    })?);
                }
                Ok::<_, super::HealthError>(out)
            })?
        };
    Ok((0..ranked.len())
        .map(|i| {
            per_round
                .iter()
                .map(|r| r.get(i).copied().flatten())
                .collect()
        })
        .collect())
}

/// The 95 % percentile interval of the defined values (linear interpolation between order
/// statistics, as numpy's default); `None` with fewer than two.
pub(crate) fn interval(values: &[Option<f64>]) -> Option<[f64; 2]> {
    let mut v: Vec<f64> = values.iter().flatten().copied().collect();
    if v.len() < 2 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let p = q * (v.len() - 1) as f64;
        let lo = p.floor() as usize;
        let hi = (lo + 1).min(v.len() - 1);
        v[lo] + (p - lo as f64) * (v[hi] - v[lo])
    };
    Some([at(0.025), at(0.975)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weighted_auc_with_unit_weights_is_mann_whitney() {
        // renewed 60, 90; churned 20, 60: pairs (60>20) 1, (60=60) ½, (90>20) 1, (90>60) 1.
        let r = Ranked::new(vec![
            (20.0, 0, true),
            (60.0, 1, true),
            (60.0, 2, false),
            (90.0, 3, false),
        ]);
        assert_eq!(r.auc(|_| 1.0), Some(3.5 / 4.0));
        // Drawing account 3 twice counts its pair twice: (1 + ½ + 2 + 2) / (2 × 3).
        assert_eq!(r.auc(|a| if a == 3 { 2.0 } else { 1.0 }), Some(5.5 / 6.0));
        assert_eq!(r.auc(|a| if a < 2 { 1.0 } else { 0.0 }), None);
    }

    #[test]
    fn rounds_do_not_depend_on_threads() {
        let rows = (0..200u32)
            .map(|i| (f64::from(i % 37), i, i % 3 == 0))
            .collect();
        let r = Ranked::new(rows);
        let one = rounds(&[&r], 200, 7, 40, 1).expect("rounds");
        assert_eq!(Ok(one.clone()), rounds(&[&r], 200, 7, 40, 3));
        assert_ne!(Ok(one.clone()), rounds(&[&r], 200, 8, 40, 1));
        // Two sets judged on one draw: each as if alone; an absurd thread count is capped.
        assert_eq!(
            rounds(&[&r, &r], 200, 7, 40, 100_000),
            Ok(vec![one[0].clone(), one[0].clone()])
        );
    }

    #[test]
    fn the_interval_interpolates_like_numpy() {
        let v: Vec<Option<f64>> = (0..=10).map(|i| Some(f64::from(i))).chain([None]).collect();
        // numpy.percentile(range(11), [2.5, 97.5]) == [0.25, 9.75]
        assert_eq!(interval(&v), Some([0.25, 9.75]));
        assert_eq!(interval(&[Some(1.0)]), None);
    }

    #[test]
    fn the_roc_runs_from_nothing_flagged_to_everything_flagged() {
        let r = Ranked::new(vec![(10.0, 0, true), (40.0, 1, false), (80.0, 2, false)]);
        let roc = r.roc();
        assert_eq!(roc.len(), 102);
        assert_eq!(
            (roc[0].false_positive_rate, roc[0].true_positive_rate),
            (0.0, 0.0)
        );
        assert_eq!(roc[11].true_positive_rate, 1.0);
        assert_eq!(roc[11].false_positive_rate, 0.0);
        assert_eq!(roc[41].false_positive_rate, 0.5);
        assert_eq!(roc[101].false_positive_rate, 1.0);
    }
}
