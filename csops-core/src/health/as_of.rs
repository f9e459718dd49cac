//! Scoring a measure history as of dates (SPEC §13): per measure, the latest observation at or
//! before the date, its age judged against the measure's time-to-live (§10 staleness), the
//! segment the account was in on that date; nothing observed after the date is ever read.
//!
//! The history is indexed once ([`MeasureHistory`]); each (account, day) asked for finds its
//! values by binary search in that account's runs, so any number of dates costs no copy of the
//! history. The columns of the asked rows then go through the batch kernel, so an as-of score
//! is the batch score of the same values, bit for bit.

use chrono::NaiveDate;

use super::history::{MeasureHistory, NO_CODE, Obs};
use super::{
    Batch, BatchScores, HealthError, HealthScore, NO_DATE, NO_SEGMENT, Scorecard, epoch_days,
    input_err,
};

/// Scores as of dates: row `i` is account `account[i]` (an index into
/// [`MeasureHistory::accounts`]) as of day `day[i]` (days since 1970-01-01).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AsOfScores {
    /// Each row's account (an index into [`MeasureHistory::accounts`]).
    pub account: Vec<u32>,
    /// Each row's day, in days since 1970-01-01.
    pub day: Vec<i64>,
    /// Each row's score, band and coverage, and the scorecard's identity.
    pub scores: BatchScores,
}

/// How a scorecard reads a history: per scorecard measure, the history's measure, for a
/// categories measure each history word's code, and its time-to-live; per history segment, the
/// scorecard's code.
pub(crate) struct Binding {
    measure: Vec<Option<usize>>,
    word_code: Vec<Vec<f64>>,
    ttl: Vec<Option<i64>>,
    segment_code: Vec<u32>,
}

impl Binding {
    pub(crate) fn new(card: &Scorecard, h: &MeasureHistory) -> Result<Binding, HealthError> {
        let mut measure = Vec::new();
        let mut word_code = Vec::new();
        let mut ttl = Vec::new();
        for (m, id) in card.measures().iter().enumerate() {
            let hm = h.measure_index(id);
            let mut codes = vec![f64::NAN; h.words.len()];
            if let Some(hm) = hm {
                for &(w, row) in h.words_of.get(hm).map_or(&[][..], Vec::as_slice) {
                    let word = h.words.get(w as usize).map_or("", String::as_str);
                    if let Some(slot) = codes.get_mut(w as usize) {
                        *slot = card.category_code(m, word).map_err(|e| e.in_row(row))?;
                    }
                }
            }
            measure.push(hm);
            word_code.push(codes);
            ttl.push(card.measures.get(m).and_then(|c| c.ttl_days));
        }
        let segment_code = h
            .segment_names
            .iter()
            .enumerate()
            .map(|(i, s)| {
                card.segment_code(s)
                    .map_err(|e| e.in_row(h.segment_rows.get(i).copied().unwrap_or(0)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Binding {
            measure,
            word_code,
            ttl,
            segment_code,
        })
    }

    /// An observation's value as the kernel reads it (a category's code).
    #[inline]
    fn value(&self, m: usize, o: &Obs) -> f64 {
        if o.word == NO_CODE {
            o.value
        } else {
            self.word_code
                .get(m)
                .and_then(|c| c.get(o.word as usize))
                .copied()
                .unwrap_or(f64::NAN)
        }
    }

    /// Account `a`'s segment code on `day`.
    #[inline]
    fn segment(&self, h: &MeasureHistory, a: usize, day: i64) -> u32 {
        h.segment_on(a, day)
            .and_then(|s| self.segment_code.get(s as usize).copied())
            .unwrap_or(NO_SEGMENT)
    }
}

/// The columns of the rows asked for: values, ages (days relative to an as-of of day 0, for an
/// explanation that names stale values) and segments.
pub(crate) struct Asked {
    values: Vec<Option<Vec<f64>>>,
    ages: Vec<Option<Vec<i64>>>,
    segments: Vec<u32>,
}

/// How the asked rows' values are read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    /// Scores only: a value older than its measure's time-to-live is read as missing (what the
    /// kernel does with a stale value), so that every column is plain values.
    Scores,
    /// Explanations: values with their ages, so that the kernel names the stale ones.
    Explained,
}

/// Runs `fill` for every scorecard measure, on up to `threads` threads, in measure order.
fn per_measure<T: Send>(
    measures: usize,
    threads: usize,
    big: bool,
    fill: impl Fn(usize) -> T + Sync,
) -> Result<Vec<T>, HealthError> {
    let threads = threads.clamp(1, measures.clamp(1, 64));
    if threads == 1 || !big {
        return Ok((0..measures).map(fill).collect());
    }
    let per = measures.div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = (0..threads)
            .map(|t| {
                let fill = &fill;
                scope.spawn(move || {
                    (t * per..((t + 1) * per).min(measures))
                        .map(fill)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(measures);
        for p in parts {
            out.extend(
                p.join()
                    .map_err(|_| input_err("history", "a reading thread panicked"))?,
            );
        }
        Ok(out)
    })
}

/// One measure's values and ages, when the history has the measure.
type Column = (Option<Vec<f64>>, Option<Vec<i64>>);

/// The columns of rows `(account[i], day[i])`, each found by binary search in its account's
/// runs.
pub(crate) fn gather(
    h: &MeasureHistory,
    b: &Binding,
    account: &[u32],
    day: &[i64],
    threads: usize,
    read: Read,
) -> Result<Asked, HealthError> {
    let n = account.len();
    let measures = b.measure.len();
    let columns = per_measure(measures, threads, n >= 4096, |m: usize| -> Column {
        let Some(hm) = b.measure.get(m).copied().flatten() else {
            return (None, None);
        };
        let ttl = b.ttl.get(m).copied().flatten();
        let dated = read == Read::Explained && ttl.is_some();
        let mut values = Vec::with_capacity(n);
        let mut ages = Vec::with_capacity(if dated { n } else { 0 });
        for (&a, &d) in account.iter().zip(day) {
            let o = h.latest(a as usize, hm, d);
            let fresh = o.filter(|o| dated || ttl.is_none_or(|t| d - i64::from(o.day) <= t));
            values.push(fresh.map_or(f64::NAN, |o| b.value(m, o)));
            if dated {
                ages.push(o.map_or(NO_DATE, |o| i64::from(o.day) - d));
            }
        }
        (Some(values), dated.then_some(ages))
    })?;
    let segments = account
        .iter()
        .zip(day)
        .map(|(&a, &d)| b.segment(h, a as usize, d))
        .collect();
    let (values, ages) = columns.into_iter().unzip();
    Ok(Asked {
        values,
        ages,
        segments,
    })
}

/// The columns of every account as of each of `days` (ascending): row `k × accounts + a` is
/// account `a` on `days[k]`. Each account's run of a measure is walked once across the days.
fn gather_days(
    h: &MeasureHistory,
    b: &Binding,
    days: &[i64],
    threads: usize,
) -> Result<Asked, HealthError> {
    let n = h.accounts().len();
    let rows = n * days.len();
    let measures = b.measure.len();
    let columns = per_measure(measures, threads, rows >= 4096, |m: usize| -> Column {
        let Some(hm) = b.measure.get(m).copied().flatten() else {
            return (None, None);
        };
        let ttl = b.ttl.get(m).copied().flatten();
        let mut values = vec![f64::NAN; rows];
        for a in 0..n {
            let run = h.run(a, hm);
            let mut k = 0;
            for (di, &d) in days.iter().enumerate() {
                while k < run.len() && i64::from(run[k].day) <= d {
                    k += 1;
                }
                let Some(o) = k.checked_sub(1).and_then(|k| run.get(k)) else {
                    continue;
                };
                if ttl.is_none_or(|t| d - i64::from(o.day) <= t)
                    && let Some(slot) = values.get_mut(di * n + a)
                {
                    *slot = b.value(m, o);
                }
            }
        }
        (Some(values), None)
    })?;
    let mut segments = vec![NO_SEGMENT; rows];
    if !b.segment_code.is_empty() {
        for (di, &d) in days.iter().enumerate() {
            for a in 0..n {
                if let Some(slot) = segments.get_mut(di * n + a) {
                    *slot = b.segment(h, a, d);
                }
            }
        }
    }
    let (values, ages) = columns.into_iter().unzip();
    Ok(Asked {
        values,
        ages,
        segments,
    })
}

pub(crate) fn batch<'a>(
    card: &'a Scorecard,
    asked: &'a Asked,
    n: usize,
) -> Result<Batch<'a>, HealthError> {
    let mut batch = Batch::new(card, n).judged_on_day(0);
    for (m, id) in card.measures().iter().enumerate() {
        if let Some(Some(v)) = asked.values.get(m) {
            batch = batch.values(id, v)?;
        }
        if let Some(Some(a)) = asked.ages.get(m) {
            batch = batch.observed(id, a)?;
        }
    }
    batch.segments(&asked.segments)
}

fn check_rows(h: &MeasureHistory, account: &[u32], day: &[i64]) -> Result<(), HealthError> {
    if account.len() != day.len() {
        return Err(input_err(
            "day",
            format!("{} days for {} accounts", day.len(), account.len()),
        ));
    }
    if let Some(i) = account
        .iter()
        .position(|&a| a as usize >= h.accounts().len())
    {
        return Err(input_err("account", "not an account of the history").in_row(i));
    }
    if let Some(i) = day.iter().position(|&d| i32::try_from(d).is_err()) {
        return Err(input_err(
            "as_of",
            if day.get(i) == Some(&NO_DATE) {
                "no date"
            } else {
                "a day more than five million years from 1970"
            },
        )
        .in_row(i));
    }
    Ok(())
}

impl Scorecard {
    /// Scores accounts of a history, each as of its own day (`account[i]` indexes
    /// [`MeasureHistory::accounts`], `day[i]` is in days since 1970-01-01), on up to `threads`
    /// threads. The scores equal a [`Batch`] of the same values, bit for bit.
    pub fn score_at(
        &self,
        history: &MeasureHistory,
        account: &[u32],
        day: &[i64],
        threads: usize,
    ) -> Result<BatchScores, HealthError> {
        check_rows(history, account, day)?;
        let binding = Binding::new(self, history)?;
        let asked = gather(history, &binding, account, day, threads, Read::Scores)?;
        batch(self, &asked, account.len())?.threads(threads).score()
    }

    /// One account's whole explanation as of a day (the same numbers as
    /// [`Scorecard::score_at`]).
    pub fn explain_at(
        &self,
        history: &MeasureHistory,
        account: usize,
        day: i64,
    ) -> Result<HealthScore, HealthError> {
        let account = [u32::try_from(account).unwrap_or(u32::MAX)];
        let mut one = self.explain_rows(history, &account, &[day], 1)?;
        one.pop()
            .ok_or_else(|| input_err("account", "nothing to explain"))
    }

    /// The explanations of rows `(account[i], day[i])`, read and scored together on up to
    /// `threads` threads (in row order whatever the thread count).
    pub(crate) fn explain_rows(
        &self,
        history: &MeasureHistory,
        account: &[u32],
        day: &[i64],
        threads: usize,
    ) -> Result<Vec<HealthScore>, HealthError> {
        check_rows(history, account, day)?;
        let binding = Binding::new(self, history)?;
        let part = |account: &[u32], day: &[i64]| -> Result<Vec<HealthScore>, HealthError> {
            let asked = gather(history, &binding, account, day, 1, Read::Explained)?;
            let b = batch(self, &asked, account.len())?;
            (0..account.len()).map(|i| b.explain(i)).collect()
        };
        let threads = threads.clamp(1, 64);
        if threads == 1 || account.len() < 256 {
            return part(account, day);
        }
        let per = account.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = account
                .chunks(per)
                .zip(day.chunks(per))
                .map(|(a, d)| {
                    let part = &part;
                    scope.spawn(move || part(a, d))
                })
                .collect();
            let mut out = Vec::with_capacity(account.len());
            for p in parts {
                out.extend(p.join().unwrap_or_else(|_| {
                    Err(input_err("account", "an explaining thread panicked"))
                })?);
            }
            Ok(out)
        })
    }

    /// Scores every account of a history as of each date (SPEC §13): rows by date (ascending,
    /// each date once), then by account (as [`MeasureHistory::accounts`]).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use csops_core::health::{epoch_days, CodedText, HistoryRows, MeasureHistory, Scorecard};
    /// let card = Scorecard::from_json(r#"{"groups": [{"id": "product", "weight": 1, "measures": [
    ///     {"id": "license_utilization", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]}],
    ///   "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Green", "from": 50, "to": 100}]}"#)?;
    /// let day = |s: &str| epoch_days(s.parse::<NaiveDate>().unwrap());
    /// let account = CodedText::encode(["a1", "a1"]);
    /// let measure = CodedText::encode(["license_utilization"; 2]);
    /// let h = MeasureHistory::new(HistoryRows {
    ///     account: account.coded(), measure: measure.coded(),
    ///     observed: &[day("2026-01-01"), day("2026-03-01")], time_of_day: None,
    ///     value: &[30.0, 80.0], category: None }, None)?;
    /// let dates = ["2025-12-01", "2026-02-01", "2026-03-01"].map(|d| d.parse().unwrap());
    /// let s = card.score_history(&h, &dates, 1)?;
    /// assert!(s.scores.score[0].is_nan());          // nothing observed yet: Unknown
    /// assert_eq!(s.scores.score[1], 30.0);          // the January value; March's is not seen
    /// assert_eq!(s.scores.score[2], 80.0);
    /// # Ok::<(), csops_core::health::HealthError>(())
    /// ```
    pub fn score_history(
        &self,
        history: &MeasureHistory,
        dates: &[NaiveDate],
        threads: usize,
    ) -> Result<AsOfScores, HealthError> {
        let mut days: Vec<i64> = dates.iter().map(|d| epoch_days(*d)).collect();
        days.sort_unstable();
        days.dedup();
        let binding = Binding::new(self, history)?;
        let n = history.accounts().len();
        let asked = gather_days(history, &binding, &days, threads)?;
        let scores = batch(self, &asked, n * days.len())?
            .threads(threads)
            .score()?;
        let accounts = (0..n).map(|a| u32::try_from(a).unwrap_or(u32::MAX));
        Ok(AsOfScores {
            account: days.iter().flat_map(|_| accounts.clone()).collect(),
            day: days
                .iter()
                .flat_map(|d| std::iter::repeat_n(*d, n))
                .collect(),
            scores,
        })
    }
}
