//! A measure history (SPEC §13): long rows (account, measure, observed_at, value) in any order,
//! and optionally a segment history (account, segment, from), checked and indexed once so that
//! any number of scorecards can score it as of any dates ([`super::as_of`]).
//!
//! Text columns arrive dictionary-encoded ([`Coded`]: the names once, a code per row), as Arrow
//! dictionaries, pandas categoricals and C tools hold them; [`CodedText`] encodes plain text.
//!
//! Rules of reading:
//! - a row whose value is missing (NaN, no category) is not an observation: it neither counts
//!   nor hides an earlier value;
//! - the latest observation is the latest by day, then by time of day when one is given; two at
//!   the same instant: the higher number (or the category whose name sorts last), so that the
//!   result never depends on the rows' order (a distributed job's shuffles do not keep it);
//! - an infinite value, a row without a date, an account or a measure, or a code outside its
//!   dictionary is an error naming the row.

use rustc_hash::FxHashMap;

use super::{HealthError, NO_DATE, input_err};

/// The most measures a history names (a scorecard has a few dozen; far more is a column read in
/// the wrong place, and the index grows with accounts × measures).
pub const MAX_MEASURES: usize = 4096;

/// The code of "no value here" in a [`Coded`] column.
pub const NO_CODE: u32 = u32::MAX;

/// A text column, dictionary-encoded: `names[codes[i]]` is row `i`'s text ([`NO_CODE`]: none).
#[derive(Debug, Clone, Copy)]
pub struct Coded<'a> {
    /// The dictionary (duplicates allowed: equal names are one value).
    pub names: &'a [String],
    /// One code per row.
    pub codes: &'a [u32],
}

/// A text column encoded from plain text, owning its dictionary and codes.
///
/// ```
/// use csops_core::health::CodedText;
/// let c = CodedText::encode(["a1", "a2", "a1"]);
/// assert_eq!(c.names, ["a1", "a2"]);
/// assert_eq!(c.codes, [0, 1, 0]);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodedText {
    /// The distinct texts, in order of first appearance.
    pub names: Vec<String>,
    /// One code per row.
    pub codes: Vec<u32>,
}

impl CodedText {
    /// Encodes texts (`None` has [`NO_CODE`]).
    pub fn encode_optional<'s>(rows: impl IntoIterator<Item = Option<&'s str>>) -> CodedText {
        let mut seen: FxHashMap<&'s str, u32> = FxHashMap::default();
        let mut out = CodedText::default();
        for r in rows {
            let code = match r {
                None => NO_CODE,
                Some(t) => *seen.entry(t).or_insert_with(|| {
                    out.names.push(t.to_owned());
                    u32::try_from(out.names.len() - 1).unwrap_or(NO_CODE)
                }),
            };
            out.codes.push(code);
        }
        out
    }

    /// Encodes texts.
    pub fn encode<'s>(rows: impl IntoIterator<Item = &'s str>) -> CodedText {
        CodedText::encode_optional(rows.into_iter().map(Some))
    }

    /// The column as [`Coded`].
    pub fn coded(&self) -> Coded<'_> {
        Coded {
            names: &self.names,
            codes: &self.codes,
        }
    }
}

/// The rows of a measure history, as columns of one length.
#[derive(Debug, Clone, Copy)]
pub struct HistoryRows<'a> {
    /// The account of each row.
    pub account: Coded<'a>,
    /// The measure of each row (a scorecard's measure id; others are kept and ignored by
    /// scorecards without them).
    pub measure: Coded<'a>,
    /// When each value was observed, in days since 1970-01-01 ([`super::epoch_days`]).
    pub observed: &'a [i64],
    /// The time of day of each observation in seconds (0–86,399, UTC), when the history has
    /// times: it orders two observations of one day. `None`: dates only.
    pub time_of_day: Option<&'a [u32]>,
    /// Each row's number (NaN: none; for a categories measure, a category's code or NaN).
    pub value: &'a [f64],
    /// Each row's category name, for categories measures ([`NO_CODE`] where the value is a
    /// number); `None` when every value is a number.
    pub category: Option<Coded<'a>>,
}

/// A segment history: each account's segment from a day on (SPEC §13).
#[derive(Debug, Clone, Copy)]
pub struct SegmentRows<'a> {
    /// The account of each row.
    pub account: Coded<'a>,
    /// Its segment from that day on (a name of SPEC §8, a profile, or `other_segments`).
    pub segment: Coded<'a>,
    /// The first day of that segment, in days since 1970-01-01.
    pub from: &'a [i64],
}

/// One observation, in the history's order (by account, measure, day).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Obs {
    pub(crate) day: i32,
    /// Seconds into the day (orders one day's observations).
    pub(crate) tod: u32,
    pub(crate) value: f64,
    /// An index into [`MeasureHistory::words`], or [`NO_CODE`] for a number.
    pub(crate) word: u32,
}

/// A measure history, indexed: per account and measure, its observations by day.
///
/// ```
/// use csops_core::health::{CodedText, HistoryRows, MeasureHistory};
/// let account = CodedText::encode(["b", "a", "a"]);
/// let measure = CodedText::encode(["license_utilization"; 3]);
/// let h = MeasureHistory::new(HistoryRows {
///     account: account.coded(),
///     measure: measure.coded(),
///     observed: &[20_000, 20_010, 20_000],
///     time_of_day: None,
///     value: &[50.0, 90.0, 70.0],
///     category: None,
/// }, None)?;
/// assert_eq!(h.accounts(), ["a", "b"]); // sorted
/// assert_eq!(h.observations(), 3);
/// # Ok::<(), csops_core::health::HealthError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MeasureHistory {
    accounts: Vec<String>,
    measures: Vec<String>,
    /// `start[a × measures + m] .. start[a × measures + m + 1]` are account `a`'s observations
    /// of measure `m` in `obs`, by day.
    start: Vec<usize>,
    pub(crate) obs: Vec<Obs>,
    pub(crate) words: Vec<String>,
    /// Per measure, the words its rows use and the first row of each (to check them against a
    /// scorecard once, naming that row).
    pub(crate) words_of: Vec<Vec<(u32, usize)>>,
    /// Per account, `seg_start[a] .. seg_start[a + 1]` in `segs`, by day.
    seg_start: Vec<usize>,
    segs: Vec<(i64, u32)>,
    pub(crate) segment_names: Vec<String>,
    /// The first row of the segment history naming each segment.
    pub(crate) segment_rows: Vec<usize>,
}

/// Checks a coded column's length and maps its codes to a deduplicated dictionary.
fn dictionary(
    input: &str,
    col: Coded<'_>,
    len: usize,
) -> Result<(Vec<String>, Vec<u32>), HealthError> {
    if col.codes.len() != len {
        return Err(input_err(
            input,
            format!("{} rows, but the history has {len}", col.codes.len()),
        ));
    }
    // Equal names are one value, whatever their codes; the names in sorted order, so that a
    // code's order is its name's (ties of one instant are settled by name, not by rows).
    let mut names: Vec<String> = col.names.to_vec();
    names.sort_unstable();
    names.dedup();
    let remap: Vec<u32> = col
        .names
        .iter()
        .map(|n| {
            names
                .binary_search(n)
                .map_or(NO_CODE, |i| u32::try_from(i).unwrap_or(NO_CODE))
        })
        .collect();
    Ok((names, remap))
}

fn code_of(input: &str, remap: &[u32], code: u32, row: usize) -> Result<u32, HealthError> {
    remap.get(code as usize).copied().ok_or_else(|| {
        input_err(
            input,
            if code == NO_CODE {
                "no value: every row needs one".to_owned()
            } else {
                format!("code {code} is not in the dictionary of {}", remap.len())
            },
        )
        .in_row(row)
    })
}

impl MeasureHistory {
    /// Checks and indexes a measure history and, optionally, a segment history.
    pub fn new(
        rows: HistoryRows<'_>,
        segments: Option<SegmentRows<'_>>,
    ) -> Result<MeasureHistory, HealthError> {
        let n = rows.observed.len();
        if rows.value.len() != n {
            return Err(input_err(
                "value",
                format!("{} rows, but the history has {n}", rows.value.len()),
            ));
        }
        let (acc_names, acc_map) = dictionary("account", rows.account, n)?;
        let (measures, meas_map) = dictionary("measure", rows.measure, n)?;
        let category = match rows.category {
            Some(c) => Some(dictionary("category", c, n)?),
            None => None,
        };
        let seg = match segments {
            Some(s) => {
                let len = s.from.len();
                Some((
                    dictionary("segments.account", s.account, len)?,
                    dictionary("segments.segment", s.segment, len)?,
                    s,
                ))
            }
            None => None,
        };

        // Accounts, sorted; `rank[local]` is a local account's place among them.
        let mut all: Vec<&str> = acc_names.iter().map(String::as_str).collect();
        if let Some(((names, _), _, _)) = &seg {
            all.extend(names.iter().map(String::as_str));
        }
        all.sort_unstable();
        all.dedup();
        let accounts: Vec<String> = all.into_iter().map(str::to_owned).collect();
        let rank_of = |name: &str| {
            accounts
                .binary_search_by(|a| a.as_str().cmp(name))
                .map_or(NO_CODE, |i| i as u32)
        };
        let acc_rank: Vec<u32> = acc_names.iter().map(|a| rank_of(a)).collect();
        let m_count = measures.len();
        if m_count > MAX_MEASURES {
            return Err(input_err(
                "measure",
                format!(
                    "{m_count} different measures: a history names at most {MAX_MEASURES} \
                     (is another column in the measure column?)"
                ),
            ));
        }

        // Each row's slot (account × measure) and word, checked: `base[code]` is an account
        // code's first slot.
        let base: Vec<u32> = acc_map
            .iter()
            .map(|&local| {
                acc_rank
                    .get(local as usize)
                    .and_then(|r| u32::try_from(*r as usize * m_count).ok())
                    .unwrap_or(u32::MAX)
            })
            .collect();
        if accounts.len().saturating_mul(m_count) >= u32::MAX as usize {
            return Err(input_err("history", "too many accounts × measures"));
        }
        let mut slot: Vec<u32> = Vec::with_capacity(n);
        let mut word: Vec<u32> = Vec::new();
        let mut counts = vec![0usize; accounts.len() * m_count + 1];
        let mut words_of: Vec<Vec<(u32, usize)>> = vec![Vec::new(); m_count];
        let codes = rows.account.codes.iter().zip(rows.measure.codes);
        for (i, ((&ac, &mc), (&v, &day))) in
            codes.zip(rows.value.iter().zip(rows.observed)).enumerate()
        {
            let (Some(&b), Some(&m)) = (base.get(ac as usize), meas_map.get(mc as usize)) else {
                // An account or measure code outside its dictionary: the error names it.
                code_of("account", &acc_map, ac, i)?;
                code_of("measure", &meas_map, mc, i)?;
                return Err(input_err("account", "not an account").in_row(i));
            };
            let w = match &category {
                Some((_, map)) => match category_code(rows.category, i) {
                    NO_CODE => NO_CODE,
                    c => code_of("category", map, c, i)?,
                },
                None => NO_CODE,
            };
            if v.is_nan() && w == NO_CODE {
                slot.push(u32::MAX);
                continue;
            }
            if v.is_infinite() {
                return Err(HealthError::Value {
                    measure: measures.get(m as usize).cloned().unwrap_or_default(),
                    row: Some(i),
                    rule: format!("{v} is not a finite number"),
                });
            }
            if i32::try_from(day).is_err() {
                return Err(input_err(
                    "observed_at",
                    if day == NO_DATE {
                        "no date: every value needs one"
                    } else {
                        "a day more than five million years from 1970"
                    },
                )
                .in_row(i));
            }
            if category.is_some() {
                if w != NO_CODE
                    && let Some(used) = words_of.get_mut(m as usize)
                    && !used.iter().any(|u| u.0 == w)
                {
                    used.push((w, i));
                }
                word.push(w);
            }
            let s = b + m;
            slot.push(s);
            counts[s as usize + 1] += 1;
        }
        // Counting sort by slot (stable: a later row stays later), then by day within a slot.
        for s in 1..counts.len() {
            counts[s] += counts[s - 1];
        }
        let start = counts.clone();
        let mut next = counts;
        let mut obs = vec![
            Obs {
                day: 0,
                tod: 0,
                value: f64::NAN,
                word: NO_CODE
            };
            start.last().copied().unwrap_or(0)
        ];
        let mut kept = 0;
        for (i, &s) in slot.iter().enumerate() {
            if s == u32::MAX {
                continue;
            }
            let (Some(at), Some(&day), Some(&value)) = (
                next.get_mut(s as usize),
                rows.observed.get(i),
                rows.value.get(i),
            ) else {
                continue;
            };
            if let Some(o) = obs.get_mut(*at) {
                *o = Obs {
                    day: i32::try_from(day).unwrap_or(i32::MAX),
                    tod: rows
                        .time_of_day
                        .and_then(|t| t.get(i))
                        .map_or(0, |t| (*t).min(86_399)),
                    value,
                    word: word.get(kept).copied().unwrap_or(NO_CODE),
                };
            }
            *at += 1;
            kept += 1;
        }
        // By instant; at one instant the higher number, or the category named last, comes last
        // (and is the one read): an order of its own, not the rows'.
        let order = |x: &Obs, y: &Obs| {
            (x.day, x.tod)
                .cmp(&(y.day, y.tod))
                .then(x.value.total_cmp(&y.value))
                .then(x.word.wrapping_add(1).cmp(&y.word.wrapping_add(1)))
        };
        for w in start.windows(2) {
            if let Some(run) = obs.get_mut(w[0]..w[1])
                && !run.is_sorted_by(|x, y| order(x, y).is_le())
            {
                run.sort_by(order);
            }
        }

        let seg_ranks: Vec<u32> = seg
            .as_ref()
            .map(|((names, _), _, _)| names.iter().map(|a| rank_of(a)).collect())
            .unwrap_or_default();
        let mut history = MeasureHistory {
            accounts,
            measures,
            start,
            obs,
            words: category.map(|(names, _)| names).unwrap_or_default(),
            words_of,
            seg_start: Vec::new(),
            segs: Vec::new(),
            segment_names: Vec::new(),
            segment_rows: Vec::new(),
        };
        history.seg_start = vec![0; history.accounts.len() + 1];
        if let Some(((_, amap), (seg_names, smap), s)) = seg {
            let ranks = seg_ranks;
            let mut rows_by: Vec<(u32, i64, u32)> = Vec::with_capacity(s.from.len());
            for (i, &from) in s.from.iter().enumerate() {
                let a = code_of("segments.account", &amap, s.account.codes[i], i)?;
                let g = code_of("segments.segment", &smap, s.segment.codes[i], i)?;
                if from == NO_DATE {
                    return Err(
                        input_err("segments.from", "no date: every row needs one").in_row(i)
                    );
                }
                rows_by.push((ranks[a as usize], from, g));
            }
            rows_by.sort_unstable_by_key(|r| (r.0, r.1, r.2));
            for r in &rows_by {
                history.seg_start[r.0 as usize + 1] += 1;
            }
            for a in 1..history.seg_start.len() {
                history.seg_start[a] += history.seg_start[a - 1];
            }
            history.segs = rows_by.iter().map(|r| (r.1, r.2)).collect();
            let mut first = vec![0usize; seg_names.len()];
            let mut seen = vec![false; seg_names.len()];
            for (i, &c) in s.segment.codes.iter().enumerate() {
                if let Some(g) = smap.get(c as usize).map(|g| *g as usize)
                    && let (Some(f), Some(done)) = (first.get_mut(g), seen.get_mut(g))
                    && !*done
                {
                    (*f, *done) = (i, true);
                }
            }
            history.segment_rows = first;
            history.segment_names = seg_names;
        }
        Ok(history)
    }

    /// The accounts, sorted (an account's position here is its index).
    pub fn accounts(&self) -> &[String] {
        &self.accounts
    }

    /// The index of an account in [`MeasureHistory::accounts`].
    pub fn account_index(&self, id: &str) -> Option<usize> {
        self.accounts.binary_search_by(|a| a.as_str().cmp(id)).ok()
    }

    /// The measures the history holds, in order of first appearance.
    pub fn measures(&self) -> &[String] {
        &self.measures
    }

    /// The observations kept (rows with a value).
    pub fn observations(&self) -> usize {
        self.obs.len()
    }

    /// The position of a measure in [`MeasureHistory::measures`].
    pub(crate) fn measure_index(&self, id: &str) -> Option<usize> {
        self.measures.iter().position(|m| m == id)
    }

    /// Account `a`'s observations of history measure `m`, by day.
    pub(crate) fn run(&self, a: usize, m: usize) -> &[Obs] {
        let s = a * self.measures.len() + m;
        match (self.start.get(s), self.start.get(s + 1)) {
            (Some(&from), Some(&to)) => self.obs.get(from..to).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The latest observation of history measure `m` for account `a` on or before `day`.
    #[inline]
    pub(crate) fn latest(&self, a: usize, m: usize, day: i64) -> Option<&Obs> {
        let run = self.run(a, m);
        let k = run.partition_point(|o| i64::from(o.day) <= day);
        k.checked_sub(1).and_then(|k| run.get(k))
    }

    /// Account `a`'s segment (an index into `segment_names`) on `day`, if it has one by then.
    #[inline]
    pub(crate) fn segment_on(&self, a: usize, day: i64) -> Option<u32> {
        let (Some(&from), Some(&to)) = (self.seg_start.get(a), self.seg_start.get(a + 1)) else {
            return None;
        };
        let run = self.segs.get(from..to)?;
        let k = run.partition_point(|s| s.0 <= day);
        k.checked_sub(1).and_then(|k| run.get(k)).map(|s| s.1)
    }
}

fn category_code(c: Option<Coded<'_>>, row: usize) -> u32 {
    c.and_then(|c| c.codes.get(row).copied()).unwrap_or(NO_CODE)
}

/// A day from text, in days since 1970-01-01: an ISO date (`2026-01-05`) or an RFC 3339 time
/// with its zone (its day in UTC); `None` for anything else.
///
/// ```
/// use csops_core::health::day_from_text;
/// assert_eq!(day_from_text("1970-01-02"), Some(1));
/// assert_eq!(day_from_text("1970-01-02T23:30:00-01:00"), Some(2));
/// assert_eq!(day_from_text("02/01/1970"), None);
/// ```
pub fn day_from_text(text: &str) -> Option<i64> {
    instant_from_text(text).map(|(day, _)| day)
}

/// [`day_from_text`] with the time of day in seconds (0 for a date).
pub fn instant_from_text(text: &str) -> Option<(i64, u32)> {
    use chrono::Timelike;
    let t = text.trim();
    if let Ok(d) = t.parse::<chrono::NaiveDate>() {
        return Some((super::epoch_days(d), 0));
    }
    chrono::DateTime::parse_from_rfc3339(t).ok().map(|at| {
        let utc = at.with_timezone(&chrono::Utc);
        (
            super::epoch_days(utc.date_naive()),
            utc.time().num_seconds_from_midnight(),
        )
    })
}
