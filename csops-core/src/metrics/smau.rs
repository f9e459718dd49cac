//! SMAU, stage monthly active users (SPEC §11): from usage events (account, user, stage, time),
//! the number of distinct users active in each DevOps stage in each calendar month (UTC), per
//! account and in total, over the paying accounts when a set of them is given.
//!
//! A user is identified within an account (`u1` under two accounts is two users), and a user
//! active in two stages counts once in each. Usage events are the largest table a CS
//! organisation holds, so the counter takes them one at a time, from any number of batches
//! (Arrow record batches, rows of a file, a JSON list), and keeps only what is distinct.
//!
//! ```
//! use csops_core::metrics::{At, Smau, SmauCounter, UsageEvent};
//! let mut counter = SmauCounter::new().paying(["acme"]);
//! counter.extend([
//!     UsageEvent::new("acme", "u1", "create", At::Text("2026-01-31T23:59:59Z")),
//!     UsageEvent::new("acme", "u1", "create", At::Text("2026-01-02T08:00:00Z")),
//!     UsageEvent::new("acme", "u2", "create", At::Text("2026-02-01T00:30:00+01:00")), // January in UTC
//!     UsageEvent::new("acme", "u1", "plan", At::Seconds(1_769_904_000)), // 2026-02-01
//!     UsageEvent::new("trial", "u9", "create", At::Text("2026-01-15T10:00:00Z")), // not paying
//! ])?;
//! let smau: Smau = counter.finish()?;
//! let json = serde_json::to_value(&smau).unwrap();
//! assert_eq!(json["total"], serde_json::json!({"2026-01": {"create": 2}, "2026-02": {"plan": 1}}));
//! assert_eq!(json["by_account"]["acme"]["2026-01"]["create"], 2);
//! assert!(json["by_account"].get("trial").is_none());
//! assert_eq!(smau.rows().count(), 2);
//!
//! let err = Smau::count([UsageEvent::new("acme", "u1", "create", At::Text("2026-01-31"))], None)
//!     .unwrap_err();
//! assert_eq!(err.to_string(), "smau: events[0].at: \"2026-01-31\" is not a time like \
//!     2026-01-06T10:00:00Z (RFC 3339: a date, a time and a zone)");
//! # Ok::<(), csops_core::metrics::MetricsError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Datelike, Utc};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::MetricsError;

const METRIC: &str = "smau";

/// When a usage event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At<'a> {
    /// RFC 3339 text with its zone (`2026-01-31T23:59:59Z`, `2026-02-01T00:30:00+01:00`).
    Text(&'a str),
    /// Seconds since 1970-01-01T00:00:00Z (an Arrow timestamp column, in its unit, converted).
    Seconds(i64),
}

/// One usage event. A field that is `None` (a null in a column) is an error naming it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageEvent<'a> {
    /// The account the user belongs to.
    pub account: Option<&'a str>,
    /// The user, identified within the account.
    pub user: Option<&'a str>,
    /// The DevOps stage used (`create`, `plan`, `verify`, …); any non-empty name.
    pub stage: Option<&'a str>,
    /// When.
    pub at: Option<At<'a>>,
}

impl<'a> UsageEvent<'a> {
    /// An event with every field present.
    pub fn new(account: &'a str, user: &'a str, stage: &'a str, at: At<'a>) -> UsageEvent<'a> {
        UsageEvent {
            account: Some(account),
            user: Some(user),
            stage: Some(stage),
            at: Some(at),
        }
    }
}

/// A calendar month (UTC), shown and serialized as `2026-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u8,
}

impl Month {
    /// The month of a time, in UTC.
    pub fn of(t: DateTime<Utc>) -> Month {
        Month {
            year: t.year(),
            // chrono's months are 1–12.
            month: t.month() as u8,
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month of the year, 1–12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Stage → active users in one month.
pub type StageCounts = BTreeMap<String, u64>;

/// SMAU: distinct active users per month and stage, in total and per account. Months and
/// stages with no active user are absent. Held as its long forms (sorted lines over name
/// tables); it serializes as `{"total": {month: {stage: users}}, "by_account": {account:
/// {month: {stage: users}}}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smau {
    /// Account names, sorted.
    accounts: Vec<Box<str>>,
    /// Stage names, sorted.
    stages: Vec<Box<str>>,
    /// (account, month, stage, users), sorted, indices into the name tables.
    rows: Vec<(u32, Month, u32, u64)>,
    /// (month, stage, users), sorted.
    total: Vec<(Month, u32, u64)>,
}

/// One line of SMAU's long form: an account's active users in one stage and month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmauRow<'a> {
    /// The account (`None` in [`Smau::total_rows`]).
    pub account: Option<&'a str>,
    /// The month.
    pub month: Month,
    /// The stage.
    pub stage: &'a str,
    /// Distinct active users.
    pub users: u64,
}

/// Which long form of SMAU: one line per account, month and stage, or the total's one line per
/// month and stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmauBy {
    /// Per account ([`Smau::rows`]).
    #[default]
    Account,
    /// In total ([`Smau::total_rows`]).
    Total,
}

impl Smau {
    /// The long form `by` account or in total.
    pub fn rows_by(&self, by: SmauBy) -> Box<dyn Iterator<Item = SmauRow<'_>> + '_> {
        match by {
            SmauBy::Account => Box::new(self.rows()),
            SmauBy::Total => Box::new(self.total_rows()),
        }
    }

    /// SMAU over `events`, over the `paying` accounts when given (absent: every account).
    /// Refuses an empty event list, a field missing or empty, and a time that is not one.
    pub fn count<'a>(
        events: impl IntoIterator<Item = UsageEvent<'a>>,
        paying: Option<&[&str]>,
    ) -> Result<Smau, MetricsError> {
        let mut counter = SmauCounter::over(paying);
        counter.extend(events)?;
        counter.finish()
    }

    /// SMAU from its call form as any serde deserializer holds it (a JSON value, a binding's
    /// objects): `{"events": [{"account", "user", "stage", "at"}, …], "paying": [...]}`,
    /// `paying` optional; other keys of an event are ignored.
    pub fn read<'de, D>(de: D) -> Result<Smau, MetricsError>
    where
        D: Deserializer<'de>,
        D::Error: fmt::Display,
    {
        let input: Input = serde_path_to_error::deserialize(de)
            .map_err(|e| malformed(crate::words::read_error(&e)))?;
        input.count()
    }

    /// SMAU over the usage events as any serde deserializer holds them (a list of
    /// `{"account", "user", "stage", "at"}`; other keys ignored), over the `paying` accounts
    /// when given. An error names the event as `events[i]…`.
    pub fn read_events<'de, D>(events: D, paying: Option<&[String]>) -> Result<Smau, MetricsError>
    where
        D: Deserializer<'de>,
        D::Error: fmt::Display,
    {
        let records: Vec<EventRecord> = serde_path_to_error::deserialize(events).map_err(|e| {
            // The list is the call form's `events`: its paths are keyed under it.
            let (input, rule) = crate::words::read_error(&e);
            let input = if input.starts_with('[') {
                input
            } else {
                String::new()
            };
            malformed((format!("events{input}"), rule))
        })?;
        count_records(&records, paying)
    }

    /// SMAU from its call form in JSON text (see [`Smau::read`]).
    pub fn from_json(text: &str) -> Result<Smau, MetricsError> {
        let input: Input =
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
                .map_err(|e| malformed(crate::words::read_text_error(text, &e)))?;
        input.count()
    }

    /// Month → stage → active users over every (paying) account: the sum of the accounts'
    /// counts, since a user belongs to one account.
    pub fn total(&self) -> BTreeMap<Month, StageCounts> {
        let mut out: BTreeMap<Month, StageCounts> = BTreeMap::new();
        for r in self.total_rows() {
            out.entry(r.month)
                .or_default()
                .insert(r.stage.to_owned(), r.users);
        }
        out
    }

    /// Account → month → stage → active users (built on each call: the long form [`Smau::rows`]
    /// is what SMAU holds).
    pub fn by_account(&self) -> BTreeMap<String, BTreeMap<Month, StageCounts>> {
        let mut out: BTreeMap<String, BTreeMap<Month, StageCounts>> = BTreeMap::new();
        for r in self.rows() {
            out.entry(r.account.unwrap_or_default().to_owned())
                .or_default()
                .entry(r.month)
                .or_default()
                .insert(r.stage.to_owned(), r.users);
        }
        out
    }

    /// The long form per account, ordered by account, month and stage.
    pub fn rows(&self) -> impl Iterator<Item = SmauRow<'_>> {
        self.rows.iter().map(|(a, month, s, users)| SmauRow {
            account: Some(&self.accounts[*a as usize]),
            month: *month,
            stage: &self.stages[*s as usize],
            users: *users,
        })
    }

    /// The long form of the total, ordered by month and stage (`account` is `None`).
    pub fn total_rows(&self) -> impl Iterator<Item = SmauRow<'_>> {
        self.total.iter().map(|(month, s, users)| SmauRow {
            account: None,
            month: *month,
            stage: &self.stages[*s as usize],
            users: *users,
        })
    }

    /// How many lines the long form `by` has.
    pub fn len_by(&self, by: SmauBy) -> usize {
        match by {
            SmauBy::Account => self.rows.len(),
            SmauBy::Total => self.total.len(),
        }
    }
}

impl Serialize for Smau {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("total", &Nested(self, None))?;
        map.serialize_entry("by_account", &ByAccount(self))?;
        map.end()
    }
}

/// The lines of one account (or of the total) as month → stage → users.
struct Nested<'a>(&'a Smau, Option<&'a [(u32, Month, u32, u64)]>);

impl Serialize for Nested<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let lines: Vec<(Month, u32, u64)> = match self.1 {
            Some(rows) => rows.iter().map(|(_, m, st, u)| (*m, *st, *u)).collect(),
            None => self.0.total.clone(),
        };
        let mut map = s.serialize_map(None)?;
        for month in lines.chunk_by(|x, y| x.0 == y.0) {
            let stages = Stages(self.0, month);
            map.serialize_entry(&month[0].0, &stages)?;
        }
        map.end()
    }
}

struct Stages<'a>(&'a Smau, &'a [(Month, u32, u64)]);

impl Serialize for Stages<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.1.len()))?;
        for (_, stage, users) in self.1 {
            map.serialize_entry(&*self.0.stages[*stage as usize], users)?;
        }
        map.end()
    }
}

struct ByAccount<'a>(&'a Smau);

impl Serialize for ByAccount<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for account in self.0.rows.chunk_by(|x, y| x.0 == y.0) {
            let name = &*self.0.accounts[account[0].0 as usize];
            map.serialize_entry(name, &Nested(self.0, Some(account)))?;
        }
        map.end()
    }
}

/// SMAU's call form, owned (JSON, a binding's objects).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    events: Vec<EventRecord>,
    #[serde(default)]
    paying: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct EventRecord {
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    stage: Option<String>,
    #[serde(default)]
    at: Option<String>,
}

impl Input {
    fn count(&self) -> Result<Smau, MetricsError> {
        count_records(&self.events, self.paying.as_deref())
    }
}

/// SMAU over owned event records.
fn count_records(events: &[EventRecord], paying: Option<&[String]>) -> Result<Smau, MetricsError> {
    let mut counter = SmauCounter::over(paying);
    counter.extend(events.iter().map(|e| UsageEvent {
        account: e.account.as_deref(),
        user: e.user.as_deref(),
        stage: e.stage.as_deref(),
        at: e.at.as_deref().map(At::Text),
    }))?;
    counter.finish()
}

/// Counts SMAU one event at a time, from as many batches as the events come in. Events are
/// numbered across batches (`events[1000000]`) in errors.
#[derive(Debug, Clone, Default)]
pub struct SmauCounter {
    paying: Option<FxHashSet<Box<str>>>,
    accounts: FxHashMap<Box<str>, u32>,
    account_names: Vec<Box<str>>,
    /// Per account: user → its number within the account.
    users: Vec<FxHashMap<Box<str>, u32>>,
    stages: FxHashMap<Box<str>, u32>,
    stage_names: Vec<Box<str>>,
    /// (account, user, month, stage) seen, packed into one key ([`key`]).
    active: FxHashSet<u128>,
    seen: u64,
}

impl SmauCounter {
    /// A counter over every account.
    pub fn new() -> SmauCounter {
        SmauCounter::default()
    }

    /// A counter over the `paying` accounts when given, else over every account.
    pub fn over<I, S>(paying: Option<I>) -> SmauCounter
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        match paying {
            Some(p) => SmauCounter::new().paying(p),
            None => SmauCounter::new(),
        }
    }

    /// Counts only these accounts' users (the paying accounts).
    pub fn paying<I, S>(mut self, accounts: I) -> SmauCounter
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.paying = Some(accounts.into_iter().map(|a| a.as_ref().into()).collect());
        self
    }

    /// Events read so far.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// Counts one event; an event with a field missing or empty, or a time that is not one, is
    /// an error naming it (`events[7].at`) and leaves the counts as they were.
    pub fn add(&mut self, event: UsageEvent<'_>) -> Result<(), MetricsError> {
        let row = self.seen;
        let account = field(row, "account", event.account)?;
        let user = field(row, "user", event.user)?;
        let stage = field(row, "stage", event.stage)?;
        let month = month(row, event.at)?;
        self.seen += 1;
        if self.paying.as_ref().is_some_and(|p| !p.contains(account)) {
            return Ok(());
        }
        let a = match self.accounts.get(account) {
            Some(a) => *a,
            None => {
                let a = number(row, "account", self.account_names.len())?;
                self.accounts.insert(account.into(), a);
                self.account_names.push(account.into());
                self.users.push(FxHashMap::default());
                a
            }
        };
        let users = &mut self.users[a as usize];
        let u = match users.get(user) {
            Some(u) => *u,
            None => {
                let u = number(row, "user", users.len())?;
                users.insert(user.into(), u);
                u
            }
        };
        let s = match self.stages.get(stage) {
            Some(s) => *s,
            None => {
                let s = number(row, "stage", self.stage_names.len())?;
                self.stages.insert(stage.into(), s);
                self.stage_names.push(stage.into());
                s
            }
        };
        self.active.insert(key(a, u, month, s));
        Ok(())
    }

    /// Counts every event of a batch, stopping at the first that is refused.
    pub fn extend<'a>(
        &mut self,
        events: impl IntoIterator<Item = UsageEvent<'a>>,
    ) -> Result<(), MetricsError> {
        events.into_iter().try_for_each(|e| self.add(e))
    }

    /// The counts. No event at all is an error (a paying set that matched none is not).
    pub fn finish(self) -> Result<Smau, MetricsError> {
        if self.seen == 0 {
            return Err(MetricsError::Empty {
                metric: METRIC,
                input: "events",
            });
        }
        // Name tables in order, and each interned number's place in them.
        let (accounts, account_rank) = sorted(self.account_names);
        let (stages, stage_rank) = sorted(self.stage_names);
        // One (account, month, stage) line per distinct active user, sorted: runs are counts.
        let mut lines: Vec<u128> = self
            .active
            .into_iter()
            .map(|k| {
                let (a, _, month, s) = unkey(k);
                key(account_rank[a as usize], 0, month, stage_rank[s as usize])
            })
            .collect();
        lines.sort_unstable();
        let rows: Vec<(u32, Month, u32, u64)> = lines
            .chunk_by(|x, y| x == y)
            .map(|run| {
                let (a, _, month, s) = unkey(run[0]);
                (a, month, s, run.len() as u64)
            })
            .collect();
        let mut total: FxHashMap<(Month, u32), u64> = FxHashMap::default();
        for (_, month, s, users) in &rows {
            *total.entry((*month, *s)).or_default() += users;
        }
        let mut total: Vec<(Month, u32, u64)> =
            total.into_iter().map(|((m, s), u)| (m, s, u)).collect();
        total.sort_unstable();
        Ok(Smau {
            accounts,
            stages,
            rows,
            total,
        })
    }
}

/// Names in order, and for each name's interned number its place in that order.
fn sorted(names: Vec<Box<str>>) -> (Vec<Box<str>>, Vec<u32>) {
    let mut order: Vec<u32> = (0..names.len() as u32).collect();
    order.sort_unstable_by(|x, y| names[*x as usize].cmp(&names[*y as usize]));
    let mut rank = vec![0u32; names.len()];
    for (place, i) in order.iter().enumerate() {
        rank[*i as usize] = place as u32;
    }
    let mut names: Vec<Option<Box<str>>> = names.into_iter().map(Some).collect();
    let sorted = order
        .iter()
        .map(|i| names[*i as usize].take().unwrap_or_default())
        .collect();
    (sorted, rank)
}

/// (account, user, month, stage) as one number that sorts as (account, month, stage, user) does
/// (the month as its count of months from year -2^31 / 12, so that it is never negative):
/// [`SmauCounter::finish`] counts the users of an (account, month, stage) as a run.
fn key(a: u32, u: u32, month: Month, s: u32) -> u128 {
    let m = (i64::from(month.year) * 12 + i64::from(month.month) - 1 - i64::from(i32::MIN)) as u64;
    (u128::from(a) << 96) | (u128::from(m as u32) << 64) | (u128::from(s) << 32) | u128::from(u)
}

fn unkey(k: u128) -> (u32, u32, Month, u32) {
    let m = i64::from((k >> 64) as u32) + i64::from(i32::MIN);
    let month = Month {
        year: m.div_euclid(12) as i32,
        month: (m.rem_euclid(12) + 1) as u8,
    };
    ((k >> 96) as u32, k as u32, month, (k >> 32) as u32)
}

/// A call form that did not read: its key and the reader's words.
fn malformed((input, rule): (String, String)) -> MetricsError {
    MetricsError::Malformed {
        metric: METRIC,
        input,
        rule,
    }
}

/// The number of a new account, user (within its account) or stage: csops counts up to 2^32
/// of each.
fn number(row: u64, name: &str, len: usize) -> Result<u32, MetricsError> {
    u32::try_from(len).map_err(|_| MetricsError::Malformed {
        metric: METRIC,
        input: format!("events[{row}].{name}"),
        rule: format!("is one {name} more than the 2^32 SMAU counts"),
    })
}

fn field<'a>(row: u64, name: &str, value: Option<&'a str>) -> Result<&'a str, MetricsError> {
    match value {
        Some(v) if !v.is_empty() => Ok(v),
        v => Err(MetricsError::Malformed {
            metric: METRIC,
            input: format!("events[{row}].{name}"),
            rule: format!(
                "{} (every usage event names its account, user and stage)",
                if v.is_some() {
                    "is empty"
                } else {
                    "is missing"
                }
            ),
        }),
    }
}

fn month(row: u64, at: Option<At<'_>>) -> Result<Month, MetricsError> {
    let input = || format!("events[{row}].at");
    let t = match at {
        None => {
            return Err(MetricsError::Malformed {
                metric: METRIC,
                input: input(),
                rule: "is missing (every usage event has its time)".to_owned(),
            });
        }
        Some(At::Text(text)) => {
            crate::sla::parse_time(text).map_err(|e| MetricsError::Malformed {
                metric: METRIC,
                input: input(),
                rule: e.to_string(),
            })?
        }
        Some(At::Seconds(s)) => {
            DateTime::from_timestamp(s, 0).ok_or_else(|| MetricsError::Malformed {
                metric: METRIC,
                input: input(),
                rule: format!("{s} seconds since 1970 is out of the range of times"),
            })?
        }
    };
    Ok(Month::of(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev<'a>(account: &'a str, user: &'a str, stage: &'a str, at: &'a str) -> UsageEvent<'a> {
        UsageEvent::new(account, user, stage, At::Text(at))
    }

    #[test]
    fn users_are_distinct_within_an_account_and_per_stage() {
        let smau = Smau::count(
            [
                ev("acme", "u1", "create", "2026-01-05T00:00:00Z"),
                ev("acme", "u1", "create", "2026-01-06T00:00:00Z"),
                ev("acme", "u1", "plan", "2026-01-06T00:00:00Z"),
                ev("beta", "u1", "create", "2026-01-07T00:00:00Z"),
                ev("beta", "u1", "create", "2026-02-07T00:00:00Z"),
            ],
            None,
        )
        .unwrap();
        let jan = Month {
            year: 2026,
            month: 1,
        };
        assert_eq!(smau.total()[&jan]["create"], 2);
        assert_eq!(smau.total()[&jan]["plan"], 1);
        assert_eq!(smau.by_account()["beta"].len(), 2);
        let rows: Vec<_> = smau
            .total_rows()
            .map(|r| (r.month.to_string(), r.stage, r.users))
            .collect();
        assert_eq!(smau.rows_by(SmauBy::Total).count(), 3);
        assert_eq!(smau.rows_by(SmauBy::Account).count(), 4);
        assert_eq!(
            rows,
            [
                ("2026-01".to_owned(), "create", 2),
                ("2026-01".to_owned(), "plan", 1),
                ("2026-02".to_owned(), "create", 1)
            ]
        );
    }

    #[test]
    fn months_are_utc_calendar_months() {
        let smau = Smau::count(
            [
                ev("a", "u", "s", "2026-01-31T23:59:59Z"),
                ev("a", "v", "s", "2026-02-01T00:59:59+01:00"),
                ev("a", "w", "s", "2025-12-31T23:00:00-01:00"),
            ],
            None,
        )
        .unwrap();
        let months: Vec<_> = smau.total().keys().map(Month::to_string).collect();
        assert_eq!(months, ["2026-01"]);
        assert_eq!(smau.total().values().next().unwrap()["s"], 3);
        let before = Smau::count([UsageEvent::new("a", "u", "s", At::Seconds(-1))], None).unwrap();
        assert_eq!(before.total().keys().next().unwrap().to_string(), "1969-12");
    }

    #[test]
    fn refusals_name_the_event_and_field_and_change_nothing() {
        let mut c = SmauCounter::new();
        c.add(ev("a", "u", "s", "2026-01-01T00:00:00Z")).unwrap();
        let before = c.clone().finish().unwrap();
        let e = c.add(ev("a", "", "s", "2026-01-01T00:00:00Z")).unwrap_err();
        assert_eq!(crate::Error::from(e.clone()).key(), "events[1].user");
        assert!(e.to_string().contains("is empty"), "{e}");
        let e = c
            .add(UsageEvent {
                stage: None,
                ..ev("a", "u", "s", "x")
            })
            .unwrap_err();
        assert_eq!(crate::Error::from(e).key(), "events[1].stage");
        let e = c
            .add(ev("a", "u", "s", "2026-02-30T00:00:00Z"))
            .unwrap_err();
        assert_eq!(crate::Error::from(e).key(), "events[1].at");
        let e = c
            .add(UsageEvent::new("a", "u", "s", At::Seconds(i64::MAX)))
            .unwrap_err();
        assert!(e.to_string().contains("out of the range"), "{e}");
        assert_eq!(c.seen(), 1);
        assert_eq!(c.finish().unwrap(), before);
        assert!(matches!(
            Smau::count([], None),
            Err(MetricsError::Empty {
                input: "events",
                ..
            })
        ));
    }

    #[test]
    fn paying_accounts_only_when_given() {
        let events = [
            ev("acme", "u1", "create", "2026-01-05T00:00:00Z"),
            ev("free", "u2", "create", "2026-01-05T00:00:00Z"),
        ];
        let all = Smau::count(events, None).unwrap();
        assert_eq!(all.by_account().len(), 2);
        let paying = Smau::count(events, Some(&["acme"])).unwrap();
        assert_eq!(paying.by_account().keys().collect::<Vec<_>>(), ["acme"]);
        let none = Smau::count(events, Some(&[])).unwrap();
        assert!(none.total().is_empty());
    }

    #[test]
    fn the_call_form_reads_from_json() {
        let smau = Smau::from_json(
            r#"{"events": [{"account": "acme", "user": "u1", "stage": "create", "at": "2026-01-31T23:59:59Z", "source": "ping"}], "paying": ["acme"]}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&smau).unwrap(),
            serde_json::json!({"total": {"2026-01": {"create": 1}}, "by_account": {"acme": {"2026-01": {"create": 1}}}})
        );
        let e = Smau::from_json(r#"{"events": [{"account": "a", "user": 5}]}"#).unwrap_err();
        assert_eq!(crate::Error::from(e).key(), "events[0].user");
        let e = Smau::from_json(r#"{"events": [{"account": "a", "user": "u", "stage": "s"}]}"#)
            .unwrap_err();
        assert_eq!(crate::Error::from(e).key(), "events[0].at");
        let e = Smau::from_json(r#"{"event": []}"#).unwrap_err();
        assert!(e.to_string().contains("event"), "{e}");
        let e = Smau::from_json(r#"{"events": []}"#).unwrap_err();
        assert!(matches!(e, MetricsError::Empty { .. }));
        let events = serde_json::json!([{"account": "a", "user": "u", "stage": "s", "at": 5}]);
        let e = Smau::read_events(&events, None).unwrap_err();
        assert_eq!(crate::Error::from(e).key(), "events[0].at");
        let e = Smau::read_events(&serde_json::json!({"a": 1}), None).unwrap_err();
        assert_eq!(crate::Error::from(e).key(), "events");
        let paying = ["b".to_owned()];
        let none = Smau::read_events(&serde_json::json!([{"account": "a", "user": "u", "stage": "s", "at": "2026-01-01T00:00:00Z"}]), Some(&paying)).unwrap();
        assert_eq!(none.len_by(SmauBy::Account), 0);
        let e = Smau::from_json(r#"{"events": [}"#).unwrap_err();
        assert!(e.to_string().starts_with("smau:"), "{e}");
        assert!(crate::Error::from(e).is_syntax());
        let e = Smau::from_json(r#"{"events": [{"account": "a", "user": 5}]}"#).unwrap_err();
        assert!(!crate::Error::from(e).is_syntax());
    }
}
