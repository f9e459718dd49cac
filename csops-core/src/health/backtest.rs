//! Backtests (SPEC §13): what did the score say about the accounts that churned, L days before
//! they left, and would another scorecard have done better?
//!
//! Every outcome (account, churned or renewed, at) is paired, for each lead time L, with its
//! account's score as of `at − L` ([`Scorecard::backtest_pairs`]); the pairs of each lead time
//! then give the report ([`Backtest::from_pairs`]): pairs, Unknown share, ROC AUC with a
//! seeded bootstrap interval over accounts, churn and lift per band, the ROC curve, the missed
//! churn (churned while in the top band) and the false alarms (renewed while in the bottom
//! band) with their scores and top reasons. Pairs are plain rows, so a job that scores them on
//! many machines and hands them to one gives the report of one process.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::bootstrap::{Ranked, RocPoint, interval, rounds};
use super::history::{Coded, MeasureHistory};
use super::{BandValidation, HealthError, Identity, Outcome, Scorecard, UNKNOWN_CODE, input_err};

/// Outcomes as columns of one length: each account's outcome and its day.
#[derive(Debug, Clone, Copy)]
pub struct OutcomeRows<'a> {
    /// The account of each row.
    pub account: Coded<'a>,
    /// `churned` or `renewed` (any other word is an error naming the row).
    pub outcome: Coded<'a>,
    /// The outcome's day, in days since 1970-01-01.
    pub at: &'a [i64],
}

/// How a backtest runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BacktestOptions {
    /// Lead times in days (default 30, 60 and 90).
    pub lead_days: Vec<u32>,
    /// Bootstrap rounds for the AUC's interval (default 1,000; 0: no interval).
    pub bootstrap: usize,
    /// The bootstrap's seed (default 0): one seed, one report.
    pub seed: u64,
    /// Reasons listed per missed churn and false alarm (default 3).
    pub reasons: usize,
    /// Threads (default 1; results do not depend on it).
    pub threads: usize,
}

impl Default for BacktestOptions {
    fn default() -> Self {
        BacktestOptions {
            lead_days: vec![30, 60, 90],
            bootstrap: 1000,
            seed: 0,
            reasons: 3,
            threads: 1,
        }
    }
}

impl BacktestOptions {
    fn check(&self) -> Result<(), HealthError> {
        if self.lead_days.is_empty() {
            return Err(input_err("lead_days", "at least one lead time is needed"));
        }
        if let Some(d) = self.lead_days.iter().find(|d| **d > 3660) {
            return Err(input_err(
                "lead_days",
                format!("{d} days is more than ten years: a lead time is 0–3660 days"),
            ));
        }
        let mut seen = self.lead_days.clone();
        seen.sort_unstable();
        if seen.windows(2).any(|w| w[0] == w[1]) {
            return Err(input_err("lead_days", "a lead time is given twice"));
        }
        if self.bootstrap > 100_000 {
            return Err(input_err(
                "bootstrap",
                format!("{} rounds: at most 100,000", self.bootstrap),
            ));
        }
        Ok(())
    }
}

/// One outcome paired with its account's score as of `lead_days` before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// The lead time, in days.
    pub lead_days: u32,
    /// The account.
    pub account: String,
    /// What became of it.
    pub outcome: Outcome,
    /// When.
    pub outcome_at: NaiveDate,
    /// The day scored (`outcome_at − lead_days`).
    pub as_of: NaiveDate,
    /// The score then (`None`: Unknown).
    pub score: Option<f64>,
    /// The band then (vetoes applied; "Unknown" when there is none).
    pub band: String,
    /// The top reasons behind the score, for the pairs a report lists (a churn in the top band,
    /// a renewal in the bottom band); empty for the others.
    pub reasons: Vec<String>,
}

/// A backtest's report for one lead time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadTime {
    /// The lead time, in days.
    pub lead_days: u32,
    /// Outcomes paired.
    pub pairs: usize,
    /// Of which without a score (Unknown).
    pub unknown: usize,
    /// Their share, 0–1.
    pub unknown_share: f64,
    /// Outcomes that are churn.
    pub churned: usize,
    /// In percent of the pairs.
    pub churn_rate: f64,
    /// ROC AUC over the scored pairs (the chance a renewal scored above a churn; 0.5 is
    /// chance); `None` when they are all one outcome.
    pub auc: Option<f64>,
    /// Its 95 % bootstrap interval (accounts drawn with replacement; `None` without rounds).
    pub auc_interval: Option<[f64; 2]>,
    /// Per band, lowest first, then Unknown: pairs, churned, churn rate, lift.
    pub bands: Vec<BandValidation>,
    /// The ROC curve (flagging scores below each whole number).
    pub roc: Vec<RocPoint>,
    /// Churned while in the top band, highest score first.
    pub missed_churn: Vec<Pair>,
    /// Renewed while in the bottom band, lowest score first.
    pub false_alarms: Vec<Pair>,
}

/// A backtest's report (SPEC §13).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// The scorecard backtested.
    pub scorecard: Identity,
    /// Bootstrap rounds.
    pub bootstrap: usize,
    /// The bootstrap's seed.
    pub seed: u64,
    /// Per lead time, in the order asked.
    pub lead_times: Vec<LeadTime>,
}

/// Two scorecards backtested on one history, side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The first scorecard's backtest.
    pub a: Backtest,
    /// The second's.
    pub b: Backtest,
    /// Per lead time, the AUCs and their difference.
    pub lead_times: Vec<AucDifference>,
}

/// Two AUCs of one lead time, and their difference with a paired bootstrap interval (both
/// scorecards judged on the same drawn accounts in each round).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AucDifference {
    /// The lead time, in days.
    pub lead_days: u32,
    /// The first scorecard's AUC.
    pub a: Option<f64>,
    /// The second's.
    pub b: Option<f64>,
    /// `b − a`: above 0, the second separates churn from renewal better.
    pub difference: Option<f64>,
    /// Its 95 % interval; an interval that holds 0 says the data cannot tell them apart.
    pub interval: Option<[f64; 2]>,
}

/// The date of a day count (days since 1970-01-01).
pub(crate) fn day_of(d: i64) -> Result<NaiveDate, HealthError> {
    i32::try_from(d)
        .ok()
        .and_then(NaiveDate::from_epoch_days)
        .ok_or_else(|| input_err("at", format!("day {d} is not a date")))
}

/// Checked outcomes: (account name, outcome, day).
pub(crate) fn read_outcomes(
    rows: OutcomeRows<'_>,
) -> Result<Vec<(&str, Outcome, i64)>, HealthError> {
    let n = rows.at.len();
    for (input, len) in [
        ("account", rows.account.codes.len()),
        ("outcome", rows.outcome.codes.len()),
    ] {
        if len != n {
            return Err(input_err(
                input,
                format!("{len} rows, but the outcomes have {n}"),
            ));
        }
    }
    if n == 0 {
        return Err(input_err("outcomes", "no outcomes to pair"));
    }
    let words: Vec<Result<Outcome, HealthError>> = rows
        .outcome
        .names
        .iter()
        .map(|w| Outcome::from_word(w))
        .collect();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let account = rows
            .account
            .names
            .get(rows.account.codes[i] as usize)
            .ok_or_else(|| input_err("account", "no account").in_row(i))?;
        let outcome = match words.get(rows.outcome.codes[i] as usize) {
            Some(Ok(o)) => *o,
            Some(Err(e)) => return Err(e.clone().in_row(i)),
            None => return Err(input_err("outcomes", "no outcome").in_row(i)),
        };
        let at = rows.at[i];
        day_of(at).map_err(|e| e.in_row(i))?;
        out.push((account.as_str(), outcome, at));
    }
    Ok(out)
}

impl Scorecard {
    /// Pairs every outcome, for each lead time, with its account's score as of `at − lead`
    /// (an account the history does not hold scores Unknown). Pairs come by lead time (as
    /// asked), then by outcome row.
    pub fn backtest_pairs(
        &self,
        history: &MeasureHistory,
        outcomes: OutcomeRows<'_>,
        options: &BacktestOptions,
    ) -> Result<Vec<Pair>, HealthError> {
        options.check()?;
        let rows = read_outcomes(outcomes)?;
        let index: Vec<Option<u32>> = rows
            .iter()
            .map(|(a, _, _)| history.account_index(a).map(|i| i as u32))
            .collect();
        let top = u8::try_from(self.bands().len().saturating_sub(1)).unwrap_or(0);
        let mut pairs = Vec::with_capacity(rows.len() * options.lead_days.len());
        for &lead in &options.lead_days {
            // Only the accounts the history holds are scored; the others are Unknown.
            let (mut acc, mut day, mut at_row) = (Vec::new(), Vec::new(), Vec::new());
            for (i, ((_, _, at), a)) in rows.iter().zip(&index).enumerate() {
                if let Some(a) = a {
                    acc.push(*a);
                    day.push(at - i64::from(lead));
                    at_row.push(i);
                }
            }
            let s = self.score_at(history, &acc, &day, options.threads)?;
            let mut scored = vec![(f64::NAN, UNKNOWN_CODE); rows.len()];
            for (k, &i) in at_row.iter().enumerate() {
                scored[i] = (s.score[k], s.band[k]);
            }
            // The pairs a report lists (a churn in the top band, a renewal in the bottom one)
            // are explained together for their reasons.
            let listed: Vec<usize> = (0..rows.len())
                .filter(|&i| {
                    let band = scored[i].1;
                    band != UNKNOWN_CODE
                        && index[i].is_some()
                        && match rows[i].1 {
                            Outcome::Churned => band == top,
                            Outcome::Renewed => band == 0,
                        }
                })
                .collect();
            let mut reasons: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
            if options.reasons > 0 && !listed.is_empty() {
                let acc: Vec<u32> = listed.iter().filter_map(|&i| index[i]).collect();
                let day: Vec<i64> = listed
                    .iter()
                    .map(|&i| rows[i].2 - i64::from(lead))
                    .collect();
                let explained = self.explain_rows(history, &acc, &day, options.threads)?;
                for (&i, e) in listed.iter().zip(explained) {
                    reasons[i] = e.reasons(options.reasons);
                }
            }
            for (i, ((account, outcome, at), reasons)) in rows.iter().zip(reasons).enumerate() {
                let (score, band) = scored[i];
                let as_of = at - i64::from(lead);
                pairs.push(Pair {
                    lead_days: lead,
                    account: (*account).to_owned(),
                    outcome: *outcome,
                    outcome_at: day_of(*at).map_err(|e| e.in_row(i))?,
                    as_of: day_of(as_of).map_err(|e| e.in_row(i))?,
                    score: (!score.is_nan()).then_some(score),
                    band: self.band_name(band).to_owned(),
                    reasons,
                });
            }
        }
        Ok(pairs)
    }

    /// The backtest of this scorecard on a history and its outcomes (SPEC §13).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use csops_core::health::{epoch_days, BacktestOptions, CodedText, HistoryRows,
    ///     MeasureHistory, OutcomeRows, Scorecard};
    /// let card = Scorecard::from_json(r#"{"groups": [{"id": "product", "weight": 1, "measures": [
    ///     {"id": "license_utilization", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]}],
    ///   "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Green", "from": 50, "to": 100}]}"#)?;
    /// let day = |s: &str| epoch_days(s.parse::<NaiveDate>().unwrap());
    /// // Four accounts measured on 1 January; two churn at the end of March.
    /// let account = CodedText::encode(["a", "b", "c", "d"]);
    /// let measure = CodedText::encode(["license_utilization"; 4]);
    /// let h = MeasureHistory::new(HistoryRows { account: account.coded(), measure: measure.coded(),
    ///     observed: &[day("2026-01-01"); 4], time_of_day: None, value: &[20.0, 40.0, 60.0, 90.0], category: None }, None)?;
    /// let who = CodedText::encode(["a", "b", "c", "d"]);
    /// let what = CodedText::encode(["churned", "renewed", "churned", "renewed"]);
    /// let report = card.backtest(&h, OutcomeRows { account: who.coded(), outcome: what.coded(),
    ///     at: &[day("2026-03-31"); 4] }, &BacktestOptions::default())?;
    /// let l30 = &report.lead_times[0];
    /// assert_eq!((l30.lead_days, l30.pairs, l30.unknown), (30, 4, 0));
    /// assert_eq!(l30.auc, Some(0.75));
    /// assert_eq!(l30.missed_churn[0].account, "c"); // churned while Green
    /// assert_eq!(l30.false_alarms[0].account, "b"); // renewed while Red
    /// assert_eq!(l30.false_alarms[0].reasons, ["license_utilization: -60.0 points"]);
    /// # Ok::<(), csops_core::health::HealthError>(())
    /// ```
    pub fn backtest(
        &self,
        history: &MeasureHistory,
        outcomes: OutcomeRows<'_>,
        options: &BacktestOptions,
    ) -> Result<Backtest, HealthError> {
        let pairs = self.backtest_pairs(history, outcomes, options)?;
        Backtest::from_pairs(self, &pairs, options)
    }

    /// This scorecard and `other` backtested on one history, side by side, with the difference
    /// of their AUCs per lead time (`other − self`) and its paired bootstrap interval.
    pub fn compare(
        &self,
        other: &Scorecard,
        history: &MeasureHistory,
        outcomes: OutcomeRows<'_>,
        options: &BacktestOptions,
    ) -> Result<Comparison, HealthError> {
        let a = self.backtest_pairs(history, outcomes, options)?;
        let b = other.backtest_pairs(history, outcomes, options)?;
        Comparison::from_pairs(self, &a, other, &b, options)
    }
}

/// One lead time's report (its interval left for the bootstrap) and its scored pairs ranked;
/// `accounts` are every account of the backtest, sorted (the bootstrap draws from them).
fn lead_time(
    card: &Scorecard,
    lead: u32,
    pairs: &[&Pair],
    accounts: &[&str],
) -> Result<(LeadTime, Ranked), HealthError> {
    let mut scores = Vec::with_capacity(pairs.len());
    let mut codes = Vec::with_capacity(pairs.len());
    let mut churned = Vec::with_capacity(pairs.len());
    let mut known = Vec::new();
    for p in pairs {
        let s = p.score.unwrap_or(f64::NAN);
        if !s.is_nan() && !(0.0..=100.0).contains(&s) {
            return Err(input_err(
                "pairs",
                format!("score {s} of account {} must be within 0-100", p.account),
            ));
        }
        let code = card.band_named(&p.band, "pairs")?;
        scores.push(s);
        codes.push(code);
        churned.push(p.outcome.churned());
        if !s.is_nan() {
            let a = accounts.binary_search(&p.account.as_str()).unwrap_or(0) as u32;
            known.push((s, a, p.outcome.churned()));
        }
    }
    let v = card.validate_banded(&scores, &codes, &churned);
    let ranked = Ranked::new(known);
    let unknown = scores.iter().filter(|s| s.is_nan()).count();
    let top = u8::try_from(card.bands().len().saturating_sub(1)).unwrap_or(0);
    let listed = |want_churn: bool, band: u8| {
        pairs
            .iter()
            .zip(&codes)
            .filter(move |(p, c)| p.outcome.churned() == want_churn && **c == band)
            .map(|(p, _)| (*p).clone())
    };
    let mut missed: Vec<Pair> = listed(true, top).collect();
    missed.sort_by(|x, y| {
        y.score
            .unwrap_or(f64::NAN)
            .total_cmp(&x.score.unwrap_or(f64::NAN))
    });
    let mut alarms: Vec<Pair> = listed(false, 0).collect();
    alarms.sort_by(|x, y| {
        x.score
            .unwrap_or(f64::NAN)
            .total_cmp(&y.score.unwrap_or(f64::NAN))
    });
    Ok((
        LeadTime {
            lead_days: lead,
            pairs: pairs.len(),
            unknown,
            unknown_share: if pairs.is_empty() {
                0.0
            } else {
                unknown as f64 / pairs.len() as f64
            },
            churned: v.churned,
            churn_rate: v.churn_rate,
            auc: v.auc,
            auc_interval: None,
            bands: v.bands,
            roc: ranked.roc(),
            missed_churn: missed,
            false_alarms: alarms,
        },
        ranked,
    ))
}

/// Each lead time's pairs in one order whatever order they came in (by account, day,
/// outcome), so that the bootstrap and the lists are the same for pairs from many machines.
fn by_lead(pairs: &[Pair], lead: u32) -> Vec<&Pair> {
    let mut of: Vec<&Pair> = pairs.iter().filter(|p| p.lead_days == lead).collect();
    of.sort_by(|x, y| {
        (x.account.as_str(), x.outcome_at, x.outcome.churned()).cmp(&(
            y.account.as_str(),
            y.outcome_at,
            y.outcome.churned(),
        ))
    });
    of
}

/// Each bootstrap round's AUC (`None` where a round drew one class only).
type Rounds = Vec<Option<f64>>;

fn reports(
    card: &Scorecard,
    pairs: &[Pair],
    options: &BacktestOptions,
) -> Result<(Backtest, Vec<Rounds>), HealthError> {
    // No lead times asked: those of the pairs, shortest first.
    let mut options = options.clone();
    if options.lead_days.is_empty() {
        options.lead_days = pairs.iter().map(|p| p.lead_days).collect();
        options.lead_days.sort_unstable();
        options.lead_days.dedup();
    }
    let options = &options;
    options.check()?;
    if let Some(p) = pairs
        .iter()
        .find(|p| !options.lead_days.contains(&p.lead_days))
    {
        return Err(input_err(
            "pairs",
            format!(
                "a pair of lead time {} days, which the options do not ask for",
                p.lead_days
            ),
        ));
    }
    if let Some(l) = options
        .lead_days
        .iter()
        .find(|l| !pairs.iter().any(|p| p.lead_days == **l))
    {
        return Err(input_err(
            "pairs",
            format!("no pair of lead time {l} days: the pairs were made with other lead times"),
        ));
    }
    let mut accounts: Vec<&str> = pairs.iter().map(|p| p.account.as_str()).collect();
    accounts.sort_unstable();
    accounts.dedup();
    let mut lead_times = Vec::new();
    let mut ranked = Vec::new();
    for &lead in &options.lead_days {
        let (l, r) = lead_time(card, lead, &by_lead(pairs, lead), &accounts)?;
        lead_times.push(l);
        ranked.push(r);
    }
    // One draw of accounts per round serves every lead time.
    let all_rounds = rounds(
        &ranked.iter().collect::<Vec<_>>(),
        accounts.len(),
        options.seed,
        options.bootstrap,
        options.threads,
    )?;
    for (l, r) in lead_times.iter_mut().zip(&all_rounds) {
        l.auc_interval = interval(r);
    }
    Ok((
        Backtest {
            scorecard: card.identity().clone(),
            bootstrap: options.bootstrap,
            seed: options.seed,
            lead_times,
        },
        all_rounds,
    ))
}

impl Backtest {
    /// The report of scored pairs (from [`Scorecard::backtest_pairs`], here or on many
    /// machines: their order does not matter).
    pub fn from_pairs(
        card: &Scorecard,
        pairs: &[Pair],
        options: &BacktestOptions,
    ) -> Result<Backtest, HealthError> {
        reports(card, pairs, options).map(|(b, _)| b)
    }

    /// The lead time of `days`, if the backtest has it.
    pub fn lead(&self, days: u32) -> Option<&LeadTime> {
        self.lead_times.iter().find(|l| l.lead_days == days)
    }
}

impl Comparison {
    /// Two scorecards' pairs of the same outcomes, side by side.
    pub fn from_pairs(
        a: &Scorecard,
        a_pairs: &[Pair],
        b: &Scorecard,
        b_pairs: &[Pair],
        options: &BacktestOptions,
    ) -> Result<Comparison, HealthError> {
        let (ra, rounds_a) = reports(a, a_pairs, options)?;
        let (rb, rounds_b) = reports(b, b_pairs, options)?;
        let same = |l: &LeadTime, m: &LeadTime| l.pairs == m.pairs && l.churned == m.churned;
        if !ra
            .lead_times
            .iter()
            .zip(&rb.lead_times)
            .all(|(l, m)| same(l, m))
        {
            return Err(input_err(
                "pairs",
                "the two scorecards' pairs are not of the same outcomes",
            ));
        }
        let lead_times = ra
            .lead_times
            .iter()
            .zip(&rb.lead_times)
            .zip(rounds_a.iter().zip(&rounds_b))
            .map(|((la, lb), (xa, xb))| {
                let diffs: Vec<Option<f64>> = xa
                    .iter()
                    .zip(xb)
                    .map(|(x, y)| Some(y.as_ref()? - x.as_ref()?))
                    .collect();
                AucDifference {
                    lead_days: la.lead_days,
                    a: la.auc,
                    b: lb.auc,
                    difference: la.auc.zip(lb.auc).map(|(x, y)| y - x),
                    interval: interval(&diffs),
                }
            })
            .collect();
        Ok(Comparison {
            a: ra,
            b: rb,
            lead_times,
        })
    }
}
