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
/// stages with no active user are absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Smau {
    total: BTreeMap<Month, StageCounts>,
    by_account: BTreeMap<String, BTreeMap<Month, StageCounts>>,
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
        let mut counter = SmauCounter::new();
        if let Some(paying) = paying {
            counter = counter.paying(paying.iter().copied());
        }
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
        let input: Input = serde_path_to_error::deserialize(de).map_err(|e| {
            let (input, rule) = crate::words::read_error(&e);
            MetricsError::Malformed {
                metric: METRIC,
                input,
                rule,
            }
        })?;
        input.count()
    }

    /// SMAU from its call form in JSON text (see [`Smau::read`]).
    pub fn from_json(text: &str) -> Result<Smau, MetricsError> {
        let input: Input =
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
                .map_err(|e| {
                    let (input, rule) = crate::words::read_text_error(text, &e);
                    MetricsError::Malformed {
                        metric: METRIC,
                        input,
                        rule,
                    }
                })?;
        input.count()
    }

    /// Month → stage → active users over every (paying) account: the sum of the accounts'
    /// counts, since a user belongs to one account.
    pub fn total(&self) -> &BTreeMap<Month, StageCounts> {
        &self.total
    }

    /// Account → month → stage → active users.
    pub fn by_account(&self) -> &BTreeMap<String, BTreeMap<Month, StageCounts>> {
        &self.by_account
    }

    /// The long form per account, ordered by account, month and stage.
    pub fn rows(&self) -> impl Iterator<Item = SmauRow<'_>> {
        self.by_account.iter().flat_map(|(account, months)| {
            rows_of(months).map(move |r| SmauRow {
                account: Some(account.as_str()),
                ..r
            })
        })
    }

    /// The long form of the total, ordered by month and stage (`account` is `None`).
    pub fn total_rows(&self) -> impl Iterator<Item = SmauRow<'_>> {
        rows_of(&self.total)
    }
}

fn rows_of(months: &BTreeMap<Month, StageCounts>) -> impl Iterator<Item = SmauRow<'_>> {
    months.iter().flat_map(|(month, stages)| {
        stages.iter().map(move |(stage, users)| SmauRow {
            account: None,
            month: *month,
            stage: stage.as_str(),
            users: *users,
        })
    })
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
        let mut counter = SmauCounter::new();
        if let Some(paying) = &self.paying {
            counter = counter.paying(paying);
        }
        counter.extend(self.events.iter().map(|e| UsageEvent {
            account: e.account.as_deref(),
            user: e.user.as_deref(),
            stage: e.stage.as_deref(),
            at: e.at.as_deref().map(At::Text),
        }))?;
        counter.finish()
    }
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
    /// (account, user, month, stage) seen.
    active: FxHashSet<(u32, u32, Month, u32)>,
    seen: u64,
}

impl SmauCounter {
    /// A counter over every account.
    pub fn new() -> SmauCounter {
        SmauCounter::default()
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
                let a = self.account_names.len() as u32;
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
                let u = users.len() as u32;
                users.insert(user.into(), u);
                u
            }
        };
        let s = match self.stages.get(stage) {
            Some(s) => *s,
            None => {
                let s = self.stage_names.len() as u32;
                self.stages.insert(stage.into(), s);
                self.stage_names.push(stage.into());
                s
            }
        };
        self.active.insert((a, u, month, s));
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
        let mut counts: FxHashMap<(u32, Month, u32), u64> = FxHashMap::default();
        for (a, _, month, s) in &self.active {
            *counts.entry((*a, *month, *s)).or_default() += 1;
        }
        let mut smau = Smau {
            total: BTreeMap::new(),
            by_account: BTreeMap::new(),
        };
        for ((a, month, s), users) in counts {
            let account = &self.account_names[a as usize];
            let stage = &self.stage_names[s as usize];
            *smau
                .total
                .entry(month)
                .or_default()
                .entry(stage.to_string())
                .or_default() += users;
            smau.by_account
                .entry(account.to_string())
                .or_default()
                .entry(month)
                .or_default()
                .insert(stage.to_string(), users);
        }
        Ok(smau)
    }
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
        let e = Smau::from_json(r#"{"events": [}"#).unwrap_err();
        assert!(e.to_string().starts_with("smau:"), "{e}");
        assert!(crate::Error::from(e).is_syntax());
        let e = Smau::from_json(r#"{"events": [{"account": "a", "user": 5}]}"#).unwrap_err();
        assert!(!crate::Error::from(e).is_syntax());
    }
}
