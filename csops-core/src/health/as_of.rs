//! Scoring a measure history as of dates (SPEC §13): per measure, the latest observation at or
//! before the date, its age judged against the measure's time-to-live (§10 staleness), the
//! segment the account was in on that date; nothing observed after the date is ever read.
//!
//! The history is indexed once ([`MeasureHistory`]); each (account, day) asked for finds its
//! values by binary search in that account's runs, so any number of dates costs no copy of the
//! history. The columns of the asked rows then go through the batch kernel, so an as-of score
//! is the batch score of the same values, bit for bit.

use chrono::NaiveDate;

use super::history::{MeasureHistory, NO_CODE};
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

/// How a scorecard reads a history: per scorecard measure, the history's measure and, for a
/// categories measure, each history word's code; per history segment, the scorecard's code.
pub(crate) struct Binding {
    measure: Vec<Option<usize>>,
    word_code: Vec<Vec<f64>>,
    dated: Vec<bool>,
    segment_code: Vec<u32>,
}

impl Binding {
    pub(crate) fn new(card: &Scorecard, h: &MeasureHistory) -> Result<Binding, HealthError> {
        let mut measure = Vec::new();
        let mut word_code = Vec::new();
        let mut dated = Vec::new();
        for (m, id) in card.measures().iter().enumerate() {
            let hm = h.measure_index(id);
            let mut codes = vec![f64::NAN; h.words.len()];
            if let Some(hm) = hm {
                for &w in h.words_of.get(hm).map_or(&[][..], Vec::as_slice) {
                    let word = h.words.get(w as usize).map_or("", String::as_str);
                    if let Some(slot) = codes.get_mut(w as usize) {
                        *slot = card.category_code(m, word)?;
                    }
                }
            }
            measure.push(hm);
            word_code.push(codes);
            dated.push(card.measures.get(m).is_some_and(|c| c.ttl_days.is_some()));
        }
        let segment_code = h
            .segment_names
            .iter()
            .map(|s| card.segment_code(s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Binding {
            measure,
            word_code,
            dated,
            segment_code,
        })
    }
}

/// The columns of the rows asked for: values, ages (for the measures with a time-to-live, as
/// days relative to an as-of of day 0) and segments.
pub(crate) struct Asked {
    values: Vec<Option<Vec<f64>>>,
    ages: Vec<Option<Vec<i64>>>,
    segments: Vec<u32>,
}

/// One measure's values and ages, when the history has the measure.
type Column = (Option<Vec<f64>>, Option<Vec<i64>>);

pub(crate) fn gather(
    h: &MeasureHistory,
    b: &Binding,
    account: &[u32],
    day: &[i64],
    threads: usize,
) -> Asked {
    let n = account.len();
    let measures = b.measure.len();
    let fill = |m: usize| -> Column {
        let Some(hm) = b.measure.get(m).copied().flatten() else {
            return (None, None);
        };
        let codes = b.word_code.get(m).map_or(&[][..], Vec::as_slice);
        let dated = b.dated.get(m) == Some(&true);
        let mut values = Vec::with_capacity(n);
        let mut ages = Vec::with_capacity(if dated { n } else { 0 });
        for (&a, &d) in account.iter().zip(day) {
            match h.latest(a as usize, hm, d) {
                Some(o) => {
                    values.push(if o.word == NO_CODE {
                        o.value
                    } else {
                        codes.get(o.word as usize).copied().unwrap_or(f64::NAN)
                    });
                    if dated {
                        ages.push(o.day - d);
                    }
                }
                None => {
                    values.push(f64::NAN);
                    if dated {
                        ages.push(NO_DATE);
                    }
                }
            }
        }
        (Some(values), dated.then_some(ages))
    };
    let mut columns: Vec<Column> = Vec::with_capacity(measures);
    let threads = threads.clamp(1, measures.max(1));
    if threads == 1 || n < 4096 {
        columns.extend((0..measures).map(fill));
    } else {
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
            for p in parts {
                // A fill cannot panic (every index is checked); an absent part reads missing.
                columns.extend(p.join().unwrap_or_default());
            }
        });
        columns.resize_with(measures, || (None, None));
    }
    let segments = account
        .iter()
        .zip(day)
        .map(|(&a, &d)| {
            h.segment_on(a as usize, d)
                .and_then(|s| b.segment_code.get(s as usize).copied())
                .unwrap_or(NO_SEGMENT)
        })
        .collect();
    let (values, ages) = columns.into_iter().unzip();
    Asked {
        values,
        ages,
        segments,
    }
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
    if let Some(i) = day.iter().position(|&d| d == NO_DATE) {
        return Err(input_err("as_of", "no date").in_row(i));
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
        let asked = gather(history, &binding, account, day, threads);
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
        check_rows(history, &account, &[day])?;
        let binding = Binding::new(self, history)?;
        let asked = gather(history, &binding, &account, &[day], 1);
        batch(self, &asked, 1)?.explain(0)
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
    ///     observed: &[day("2026-01-01"), day("2026-03-01")],
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
        let accounts: Vec<u32> = (0..n).map(|a| a as u32).collect();
        let mut out = AsOfScores {
            account: Vec::with_capacity(n * days.len()),
            day: Vec::with_capacity(n * days.len()),
            scores: BatchScores {
                scorecard: self.identity().clone(),
                ..BatchScores::default()
            },
        };
        // One date at a time: the columns of one date are alive at once, never the history's.
        for &d in &days {
            let day = vec![d; n];
            let asked = gather(history, &binding, &accounts, &day, threads);
            let s = batch(self, &asked, n)?.threads(threads).score()?;
            out.account.extend_from_slice(&accounts);
            out.day.extend_from_slice(&day);
            out.scores.score.extend(s.score);
            out.scores.band.extend(s.band);
            out.scores.coverage.extend(s.coverage);
        }
        Ok(out)
    }
}
