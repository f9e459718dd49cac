//! Scorecard identity (SPEC §10), as-of scoring of a measure history, backtests and suggested
//! weights (SPEC §13).

use chrono::NaiveDate;
use csops_core::health::{
    BacktestOptions, Batch, CodedText, FitOptions, HistoryRows, MeasureHistory, OutcomeRows, Pair,
    Scorecard, SegmentRows, epoch_days,
};
use proptest::prelude::*;

fn day(s: &str) -> i64 {
    epoch_days(s.parse::<NaiveDate>().expect("a test date"))
}

/// Two groups, three measures, one with a time-to-live, one with categories; a tech-touch
/// profile without sentiment.
const CARD: &str = r#"{
  "name": "test", "version": "7",
  "groups": [
    {"id": "product", "weight": 2, "measures": [
      {"id": "util", "weight": 3, "scheme": {"type": "linear", "worst": 0, "best": 100}, "ttl_days": 30},
      {"id": "engagement", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]},
    {"id": "risk", "weight": 1, "measures": [
      {"id": "sentiment", "weight": 1, "scheme": {"type": "categories", "categories": [
        {"value": "red", "score": 0}, {"value": "yellow", "score": 50}, {"value": "green", "score": 100}]}}]}],
  "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Yellow", "from": 50, "to": 75},
            {"name": "Green", "from": 75, "to": 100}],
  "vetoes": [{"measure": "sentiment", "when": {"category": "red"}, "band": "Red"}],
  "segments": {"tech_touch": {"not_applicable": ["sentiment"]}}
}"#;

fn card() -> Scorecard {
    Scorecard::from_json(CARD).expect("the test scorecard")
}

/// Owned history columns, for building a [`MeasureHistory`] in a test.
#[derive(Default, Clone, Debug)]
struct Rows {
    account: Vec<String>,
    measure: Vec<String>,
    observed: Vec<i64>,
    value: Vec<f64>,
    word: Vec<Option<String>>,
}

impl Rows {
    fn push(&mut self, account: &str, measure: &str, at: i64, value: f64) {
        self.account.push(account.into());
        self.measure.push(measure.into());
        self.observed.push(at);
        self.value.push(value);
        self.word.push(None);
    }
    fn push_word(&mut self, account: &str, measure: &str, at: i64, word: &str) {
        self.push(account, measure, at, f64::NAN);
        if let Some(w) = self.word.last_mut() {
            *w = Some(word.into());
        }
    }
    fn history(
        &self,
        segments: Option<&Segs>,
    ) -> Result<MeasureHistory, csops_core::health::HealthError> {
        let a = CodedText::encode(self.account.iter().map(String::as_str));
        let m = CodedText::encode(self.measure.iter().map(String::as_str));
        let w = CodedText::encode_optional(self.word.iter().map(|w| w.as_deref()));
        let seg = segments.map(|s| {
            (
                CodedText::encode(s.account.iter().map(String::as_str)),
                CodedText::encode(s.segment.iter().map(String::as_str)),
            )
        });
        MeasureHistory::new(
            HistoryRows {
                account: a.coded(),
                measure: m.coded(),
                observed: &self.observed,
                time_of_day: None,
                value: &self.value,
                category: Some(w.coded()),
            },
            segments.zip(seg.as_ref()).map(|(s, (a, g))| SegmentRows {
                account: a.coded(),
                segment: g.coded(),
                from: &s.from,
            }),
        )
    }
}

#[derive(Default)]
struct Segs {
    account: Vec<String>,
    segment: Vec<String>,
    from: Vec<i64>,
}

fn outcomes<'a>(who: &'a CodedText, what: &'a CodedText, at: &'a [i64]) -> OutcomeRows<'a> {
    OutcomeRows {
        account: who.coded(),
        outcome: what.coded(),
        at,
    }
}

#[test]
fn identity_is_the_definition_not_the_file() {
    let a = card();
    assert_eq!(a.identity().name, "test");
    assert_eq!(a.identity().version, "7");
    // Scaled weights, display names, key order and veto order do not change what scores.
    let mut v: serde_json::Value = serde_json::from_str(CARD).expect("json");
    v["groups"][0]["weight"] = 20.into();
    v["groups"][1]["weight"] = 10.into();
    v["groups"][0]["name"] = "Product usage".into();
    v["groups"][1]["measures"][0]["scheme"]["categories"][0]["value"] = "RED".into();
    let b = Scorecard::from_json(&v.to_string()).expect("scaled");
    assert_eq!(a.identity(), b.identity());
    // TOML of the same card hashes alike.
    let toml = toml::to_string(a.spec()).expect("toml");
    assert_eq!(
        Scorecard::from_toml(&toml).expect("toml card").identity(),
        a.identity()
    );
    // A changed weight, band edge, ttl or hysteresis is another definition.
    for change in [
        |v: &mut serde_json::Value| v["groups"][0]["measures"][0]["weight"] = 4.into(),
        |v: &mut serde_json::Value| v["groups"][0]["measures"][0]["ttl_days"] = 31.into(),
        |v: &mut serde_json::Value| v["hysteresis"] = 3.into(),
        |v: &mut serde_json::Value| v["coverage_min"] = 0.6.into(),
    ] {
        let mut w: serde_json::Value = serde_json::from_str(CARD).expect("json");
        change(&mut w);
        let c = Scorecard::from_json(&w.to_string()).expect("changed");
        assert_ne!(c.identity().hash, a.identity().hash, "{w}");
    }
    // The name and version are the identity's other parts, not its hash.
    let mut w: serde_json::Value = serde_json::from_str(CARD).expect("json");
    w["version"] = "8".into();
    let c = Scorecard::from_json(&w.to_string()).expect("v8");
    assert_eq!(c.identity().hash, a.identity().hash);
    assert_ne!(c.identity(), a.identity());
    // Scores carry it.
    let s = a
        .score(
            &csops_core::health::Values::new().number("util", 80.0),
            &Default::default(),
        )
        .expect("score");
    assert_eq!(&s.scorecard, a.identity());
    let json = serde_json::to_value(&s).expect("json");
    assert_eq!(json["scorecard"]["version"], "7");
    let batch = Batch::new(&a, 1)
        .values("util", &[80.0])
        .expect("col")
        .score()
        .expect("batch");
    assert_eq!(&batch.scorecard, a.identity());
    assert_eq!(Scorecard::default().identity().version, "1");
}

#[test]
fn as_of_reads_the_latest_value_at_or_before_the_date_and_judges_its_age() {
    let card = card();
    let mut r = Rows::default();
    r.push("a", "util", day("2026-01-01"), 20.0);
    r.push("a", "util", day("2026-02-01"), 90.0);
    r.push("a", "engagement", day("2026-01-01"), 60.0);
    r.push("a", "engagement", day("2026-02-10"), f64::NAN); // not an observation
    r.push_word("a", "sentiment", day("2026-01-15"), "Yellow");
    r.push("b", "engagement", day("2026-01-05"), 30.0);
    r.push("b", "engagement", day("2026-01-05"), 10.0); // same instant: the higher value, 30
    let h = r.history(None).expect("history");
    assert_eq!(h.accounts(), ["a", "b"]);
    let dates: Vec<NaiveDate> = ["2026-02-15", "2026-01-10", "2026-03-15", "2026-01-10"]
        .iter()
        .map(|d| d.parse().expect("date"))
        .collect();
    let s = card.score_history(&h, &dates, 1).expect("as of");
    // Each date once, ascending; accounts sorted within.
    assert_eq!(
        s.day,
        [
            day("2026-01-10"),
            day("2026-01-10"),
            day("2026-02-15"),
            day("2026-02-15"),
            day("2026-03-15"),
            day("2026-03-15")
        ]
    );
    assert_eq!(s.account, [0, 1, 0, 1, 0, 1]);
    // Each row equals the single score of the values a person would read off the history.
    let expect = |values: csops_core::health::Values, as_of: &str| {
        card.score(
            &values,
            &csops_core::health::ScoreContext {
                as_of: Some(as_of.parse().expect("date")),
                ..Default::default()
            },
        )
        .expect("single")
    };
    use csops_core::health::{Raw, Values};
    let on = |s: &str| s.parse::<NaiveDate>().expect("date");
    let jan10 = expect(
        Values::new()
            .observed("util", Raw::Number(20.0), on("2026-01-01"))
            .number("engagement", 60.0),
        "2026-01-10",
    );
    assert_eq!(
        s.scores.score[0].to_bits(),
        jan10.score.expect("known").to_bits()
    );
    let feb15 = expect(
        Values::new()
            .observed("util", Raw::Number(90.0), on("2026-02-01"))
            .number("engagement", 60.0)
            .category("sentiment", "yellow"),
        "2026-02-15",
    );
    assert_eq!(
        s.scores.score[2].to_bits(),
        feb15.score.expect("known").to_bits()
    );
    // 15 March: util (1 February) is 42 days old, past its 30-day ttl: stale, so missing.
    let mar15 = card.explain_at(&h, 0, day("2026-03-15")).expect("explain");
    assert_eq!(mar15.stale, ["util"]);
    assert_eq!(
        s.scores.score[4].to_bits(),
        mar15.score.expect("known").to_bits()
    );
    // b on 10 January: engagement 30 (the higher of 5 January's two) only: 1/3 of the weight
    // present is below the 50 % coverage minimum: Unknown.
    assert!(s.scores.score[1].is_nan());
    assert!((s.scores.coverage[1] - 2.0 / 3.0 * 0.25).abs() < 1e-12);
}

#[test]
fn segment_history_switches_the_profile_on_its_day() {
    let card = card();
    let mut r = Rows::default();
    r.push("a", "util", day("2026-01-01"), 100.0);
    r.push("a", "engagement", day("2026-01-01"), 100.0);
    r.push_word("a", "sentiment", day("2026-01-01"), "red");
    let segs = Segs {
        account: vec!["a".into()],
        segment: vec!["tech_touch".into()],
        from: vec![day("2026-01-21")],
    };
    let h = r.history(Some(&segs)).expect("history");
    let dates = ["2026-01-20", "2026-01-21"].map(|d| d.parse().expect("date"));
    let s = card.score_history(&h, &dates, 1).expect("as of");
    // Before: red sentiment scores 0 and vetoes Red; from 21 January it does not apply.
    assert_eq!(card.band_name(s.scores.band[0]), "Red");
    assert_eq!(s.scores.score[1], 100.0);
    assert_eq!(card.band_name(s.scores.band[1]), "Green");
    // An unknown segment name is an error naming it.
    let bad = Segs {
        account: vec!["a".into()],
        segment: vec!["no_touch".into()],
        from: vec![day("2026-02-01")],
    };
    let h = r.history(Some(&bad)).expect("history");
    let e = card
        .score_history(&h, &dates, 1)
        .expect_err("unknown segment");
    assert!(e.to_string().contains("no_touch"), "{e}");
}

#[test]
fn bad_history_rows_are_errors_naming_the_row() {
    let mut r = Rows::default();
    r.push("a", "util", day("2026-01-01"), 1.0);
    r.push("a", "util", day("2026-01-02"), f64::INFINITY);
    let e = r.history(None).expect_err("infinite");
    assert_eq!(e.row(), Some(1));
    assert!(e.to_string().contains("util"), "{e}");
    let mut r = Rows::default();
    r.push("a", "util", csops_core::health::NO_DATE, 1.0);
    assert_eq!(r.history(None).expect_err("no date").row(), Some(0));
    // A category the scorecard does not know is an error naming the measure, the word and
    // the history's row.
    let mut r = Rows::default();
    r.push("a", "util", day("2026-01-01"), 1.0);
    r.push_word("a", "sentiment", day("2026-01-01"), "purple");
    let h = r.history(None).expect("history");
    let e = card()
        .score_history(&h, &["2026-01-02".parse().expect("date")], 1)
        .expect_err("purple");
    assert!(
        e.to_string().contains("purple") && e.to_string().contains("sentiment"),
        "{e}"
    );
    // Codes outside the dictionary.
    let a = CodedText::encode(["a"]);
    let m = CodedText::encode(["util"]);
    let e = MeasureHistory::new(
        HistoryRows {
            account: csops_core::health::Coded {
                names: &a.names,
                codes: &[5],
            },
            measure: m.coded(),
            observed: &[0],
            time_of_day: None,
            value: &[1.0],
            category: None,
        },
        None,
    )
    .expect_err("code");
    assert_eq!(e.row(), Some(0));
}

/// The history of `accounts` accounts, one utilisation and engagement value each per 30 days.
fn synthetic(seed: u64, accounts: usize) -> (Rows, Vec<(String, &'static str, i64)>) {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut r = Rows::default();
    let mut out = Vec::new();
    let start = day("2025-01-01");
    for a in 0..accounts {
        let id = format!("acct-{a:04}");
        let base = next() * 100.0;
        for k in 0..12 {
            let t = start + k * 30;
            r.push(
                &id,
                "util",
                t,
                (base + next() * 20.0 - 10.0).clamp(0.0, 100.0),
            );
            r.push(&id, "engagement", t, next() * 100.0);
        }
        let churn = next() * 100.0 > base;
        out.push((
            id,
            if churn { "churned" } else { "renewed" },
            start + 300 + (next() * 60.0) as i64,
        ));
    }
    (r, out)
}

#[test]
fn a_backtest_report_is_the_same_from_pairs_in_any_order_and_on_any_threads() {
    let card = card();
    let (r, outs) = synthetic(1, 300);
    let h = r.history(None).expect("history");
    let who = CodedText::encode(outs.iter().map(|o| o.0.as_str()));
    let what = CodedText::encode(outs.iter().map(|o| o.1));
    let at: Vec<i64> = outs.iter().map(|o| o.2).collect();
    let opts = BacktestOptions {
        bootstrap: 200,
        seed: 3,
        ..BacktestOptions::default()
    };
    let one = card
        .backtest(&h, outcomes(&who, &what, &at), &opts)
        .expect("backtest");
    let threaded = card
        .backtest(
            &h,
            outcomes(&who, &what, &at),
            &BacktestOptions {
                threads: 3,
                ..opts.clone()
            },
        )
        .expect("threads");
    assert_eq!(one, threaded);
    let mut pairs: Vec<Pair> = card
        .backtest_pairs(&h, outcomes(&who, &what, &at), &opts)
        .expect("pairs");
    pairs.reverse();
    pairs.rotate_left(77);
    assert_eq!(
        csops_core::health::Backtest::from_pairs(&card, &pairs, &opts).expect("report"),
        one
    );
    let l = &one.lead_times[1];
    assert_eq!((l.lead_days, l.pairs), (60, 300));
    let auc = l.auc.expect("auc");
    assert!(auc > 0.7, "utilisation drives churn here: {auc}");
    let [lo, hi] = l.auc_interval.expect("interval");
    assert!(lo < auc && auc < hi && hi - lo < 0.2, "{lo} {auc} {hi}");
    // Bands add up, and the lists are what their names say.
    assert_eq!(l.bands.iter().map(|b| b.accounts).sum::<usize>(), l.pairs);
    assert!(l.missed_churn.iter().all(|p| p.band == "Green"
        && p.outcome.churned()
        && !p.reasons.is_empty()
        || p.band == "Green" && p.outcome.churned()));
    assert!(
        l.false_alarms
            .iter()
            .all(|p| p.band == "Red" && !p.outcome.churned())
    );
    // A changed seed changes the interval, not the AUC.
    let other = card
        .backtest(
            &h,
            outcomes(&who, &what, &at),
            &BacktestOptions {
                seed: 4,
                ..opts.clone()
            },
        )
        .expect("seed 4");
    assert_eq!(other.lead_times[1].auc, l.auc);
    assert_ne!(other.lead_times[1].auc_interval, l.auc_interval);
}

#[test]
fn two_scorecards_side_by_side_on_one_history() {
    let a = card();
    // b reads engagement only, which says nothing about churn here.
    let mut v: serde_json::Value = serde_json::from_str(CARD).expect("json");
    v["groups"][0]["measures"][0]["weight"] = 0.001.into();
    v["coverage_min"] = 0.0.into();
    let b = Scorecard::from_json(&v.to_string()).expect("b");
    let (r, outs) = synthetic(2, 300);
    let h = r.history(None).expect("history");
    let who = CodedText::encode(outs.iter().map(|o| o.0.as_str()));
    let what = CodedText::encode(outs.iter().map(|o| o.1));
    let at: Vec<i64> = outs.iter().map(|o| o.2).collect();
    let opts = BacktestOptions {
        bootstrap: 300,
        ..BacktestOptions::default()
    };
    let c = a
        .compare(&b, &h, outcomes(&who, &what, &at), &opts)
        .expect("compare");
    assert_eq!(c.a.scorecard, *a.identity());
    assert_eq!(c.b.scorecard, *b.identity());
    let d = &c.lead_times[0];
    let diff = d.difference.expect("difference");
    assert!(diff < -0.1, "the utilisation card separates better: {diff}");
    let [lo, hi] = d.interval.expect("interval");
    assert!(lo <= diff && diff <= hi && hi < 0.0, "{lo} {diff} {hi}");
}

#[test]
fn outcomes_with_other_words_or_accounts_without_history() {
    let card = card();
    let (r, _) = synthetic(3, 5);
    let h = r.history(None).expect("history");
    let who = CodedText::encode(["acct-0000", "nobody"]);
    let at = [day("2026-01-01"); 2];
    let bad = CodedText::encode(["churned", "lost"]);
    let e = card
        .backtest(&h, outcomes(&who, &bad, &at), &BacktestOptions::default())
        .expect_err("lost");
    assert_eq!(e.row(), Some(1));
    assert!(e.to_string().contains("lost"), "{e}");
    let good = CodedText::encode(["churned", "renewed"]);
    let report = card
        .backtest(&h, outcomes(&who, &good, &at), &BacktestOptions::default())
        .expect("backtest");
    let l = &report.lead_times[0];
    assert_eq!((l.pairs, l.unknown, l.unknown_share), (2, 1, 0.5));
    assert_eq!(l.auc, None); // one scored pair: nothing to rank
}

/// Outcomes drawn from known weights: utilisation 6, engagement 3, adoption 1.
fn known_truth(seed: u64, accounts: usize) -> (Rows, Vec<(String, &'static str, i64)>) {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut r = Rows::default();
    let mut out = Vec::new();
    let start = day("2024-01-01");
    for a in 0..accounts {
        let id = format!("k-{a:05}");
        let (u, e, d) = (next() * 100.0, next() * 100.0, next() * 100.0);
        let t = start + (next() * 700.0) as i64;
        r.push(&id, "util", t, u);
        r.push(&id, "engagement", t, e);
        r.push(&id, "adoption", t, d);
        let latent = (6.0 * u + 3.0 * e + 1.0 * d) / 10.0;
        let p = 1.0 / (1.0 + ((latent - 45.0) / 6.0).exp());
        let churn = next() < p;
        out.push((id, if churn { "churned" } else { "renewed" }, t + 90));
    }
    (r, out)
}

#[test]
fn suggested_weights_recover_the_truth_and_beat_equal_weights_out_of_sample() {
    let equal = Scorecard::from_json(
        r#"{"name": "equal", "version": "1",
        "groups": [{"id": "product", "weight": 1, "measures": [
          {"id": "util", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}},
          {"id": "engagement", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]},
          {"id": "adoption", "weight": 1, "measures": [
          {"id": "adoption", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]}],
        "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Green", "from": 50, "to": 100}]}"#,
    )
    .expect("equal weights");
    let (r, outs) = known_truth(11, 3000);
    let h = r.history(None).expect("history");
    let who = CodedText::encode(outs.iter().map(|o| o.0.as_str()));
    let what = CodedText::encode(outs.iter().map(|o| o.1));
    let at: Vec<i64> = outs.iter().map(|o| o.2).collect();
    let split: NaiveDate = "2025-01-01".parse().expect("date");
    let s = equal
        .suggest_weights(&h, outcomes(&who, &what, &at), &FitOptions::split(split))
        .expect("fit");
    assert!(
        s.fit_pairs > 1000 && s.test_pairs > 1000,
        "{} {}",
        s.fit_pairs,
        s.test_pairs
    );
    let w: Vec<f64> = s.weights.iter().map(|m| m.suggested).collect();
    assert!(
        w[0] > w[1] && w[1] > w[2],
        "util > engagement > adoption: {w:?}"
    );
    let (now, then) = (
        s.auc_out.current.expect("auc"),
        s.auc_out.suggested.expect("auc"),
    );
    assert!(
        then > now + 0.01,
        "out of sample: suggested {then} against equal {now}"
    );
    assert_eq!(s.scorecard.version.as_deref(), Some("2"));
    assert_eq!(s.current, *equal.identity());
    // The written scorecard reads back with the identity reported.
    let back = Scorecard::from_toml(&s.scorecard_toml().expect("toml")).expect("reads");
    assert_eq!(*back.identity(), s.suggested);
    // Nothing after the split is fitted on: moving later outcomes' words leaves the weights.
    let flipped: Vec<&str> = outs
        .iter()
        .map(|o| {
            if o.2 >= epoch_days(split) {
                "renewed"
            } else {
                o.1
            }
        })
        .chain(["churned"])
        .collect();
    let mut who2: Vec<&str> = outs.iter().map(|o| o.0.as_str()).collect();
    who2.push("k-00000");
    let mut at2 = at.clone();
    at2.push(epoch_days(split) + 400);
    let (w2, o2) = (CodedText::encode(who2), CodedText::encode(flipped));
    let s2 = equal
        .suggest_weights(&h, outcomes(&w2, &o2, &at2), &FitOptions::split(split))
        .expect("fit 2");
    assert_eq!(s2.scorecard, s.scorecard);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// As-of scoring equals a batch of the values read off the history by hand (latest at or
    /// before the day, the higher value on a tie), and never reads a value from after the day.
    #[test]
    fn as_of_equals_the_values_read_by_hand(
        rows in prop::collection::vec((0..4usize, 0..2usize, 0..60i64, prop::option::of(0.0..100.0f64)), 0..40),
        asked in prop::collection::vec(0..70i64, 1..4),
    ) {
        let card = card();
        let names = ["util", "engagement"];
        let mut r = Rows::default();
        for (a, m, t, v) in &rows {
            r.push(&format!("a{a}"), names[*m], 20_000 + t, v.unwrap_or(f64::NAN));
        }
        let h = r.history(None).expect("history");
        let dates: Vec<NaiveDate> = asked.iter().map(|d| NaiveDate::from_epoch_days(20_000 + *d as i32).expect("date")).collect();
        let s = card.score_history(&h, &dates, 1).expect("as of");
        for (k, (&acc, &d)) in s.account.iter().zip(&s.day).enumerate() {
            let id = &h.accounts()[acc as usize];
            let mut cols = Vec::new();
            for m in names {
                let latest = r.account.iter().zip(&r.measure).zip(&r.observed).zip(&r.value)
                    .filter(|(((a, mm), t), v)| *a == id && *mm == m && **t <= d && !v.is_nan())
                    // the latest day; on one day (no times here) the higher value
                    .max_by(|(((_, _), t1), v1), (((_, _), t2), v2)| t1.cmp(t2).then(v1.total_cmp(v2)))
                    .map(|(((_, _), t), v)| (*v, *t));
                cols.push(latest);
            }
            let util = [cols[0].map_or(f64::NAN, |c| c.0)];
            let util_day = [cols[0].map_or(csops_core::health::NO_DATE, |c| c.1)];
            let eng = [cols[1].map_or(f64::NAN, |c| c.0)];
            let one = Batch::new(&card, 1)
                .values("util", &util).expect("util")
                .observed("util", &util_day).expect("days")
                .values("engagement", &eng).expect("eng")
                .as_of(NaiveDate::from_epoch_days(d as i32).expect("date"))
                .score().expect("batch");
            prop_assert_eq!(one.score[0].to_bits(), s.scores.score[k].to_bits());
            prop_assert_eq!(one.band[0], s.scores.band[k]);
        }
    }
}

#[test]
fn the_latest_observation_does_not_depend_on_the_rows_order() {
    let card = card();
    let rows = [
        ("a", "util", 20_000, 40.0, Some(9 * 3600)),
        ("a", "util", 20_000, 90.0, Some(18 * 3600)), // later that day: the latest
        ("a", "util", 20_000, 70.0, Some(3 * 3600)),
        ("a", "engagement", 20_000, 30.0, None),
        ("a", "engagement", 20_000, 50.0, None), // the same instant: the higher value
    ];
    let score = |order: &[usize]| {
        let pick: Vec<_> = order.iter().map(|&i| rows[i]).collect();
        let a = CodedText::encode(pick.iter().map(|r| r.0));
        let m = CodedText::encode(pick.iter().map(|r| r.1));
        let observed: Vec<i64> = pick.iter().map(|r| r.2).collect();
        let value: Vec<f64> = pick.iter().map(|r| r.3).collect();
        let tod: Vec<u32> = pick.iter().map(|r| r.4.unwrap_or(0)).collect();
        let h = MeasureHistory::new(
            HistoryRows {
                account: a.coded(),
                measure: m.coded(),
                observed: &observed,
                time_of_day: Some(&tod),
                value: &value,
                category: None,
            },
            None,
        )
        .expect("history");
        let s = card.score_at(&h, &[0], &[20_001], 1).expect("score");
        s.score[0]
    };
    let first = score(&[0, 1, 2, 3, 4]);
    // util 90 (weight 3/4 of product), engagement 50: 0.75 × 90 + 0.25 × 50 = 80 of product,
    // product alone present: 80.
    assert!((first - 80.0).abs() < 1e-9, "{first}");
    for order in [[4, 3, 2, 1, 0], [2, 4, 0, 3, 1], [1, 0, 3, 2, 4]] {
        assert_eq!(score(&order).to_bits(), first.to_bits(), "{order:?}");
    }
}

#[test]
fn a_report_from_pairs_asks_for_the_lead_times_the_pairs_have() {
    let card = card();
    let (r, outs) = synthetic(5, 40);
    let h = r.history(None).expect("history");
    let who = CodedText::encode(outs.iter().map(|o| o.0.as_str()));
    let what = CodedText::encode(outs.iter().map(|o| o.1));
    let at: Vec<i64> = outs.iter().map(|o| o.2).collect();
    let made = BacktestOptions {
        lead_days: vec![30, 90],
        bootstrap: 50,
        ..BacktestOptions::default()
    };
    let pairs = card
        .backtest_pairs(&h, outcomes(&who, &what, &at), &made)
        .expect("pairs");
    let defaults = BacktestOptions {
        bootstrap: 50,
        ..BacktestOptions::default()
    };
    let e = csops_core::health::Backtest::from_pairs(&card, &pairs, &defaults).expect_err("60");
    assert!(e.to_string().contains("lead time 60"), "{e}");
    let unasked = BacktestOptions {
        lead_days: Vec::new(),
        ..made.clone()
    };
    let from_pairs =
        csops_core::health::Backtest::from_pairs(&card, &pairs, &unasked).expect("leads");
    assert_eq!(
        from_pairs,
        card.backtest(&h, outcomes(&who, &what, &at), &made)
            .expect("whole")
    );
}
