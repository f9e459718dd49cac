use super::*;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("a test date")
}

/// Two groups (2:1), three measures; small enough to check by hand.
const SMALL: &str = r#"{
  "groups": [
    {"id": "product", "weight": 2, "measures": [
      {"id": "util", "weight": 3, "scheme": {"type": "linear", "worst": 0, "best": 100}, "ttl_days": 30},
      {"id": "engagement", "weight": 1, "scheme": {"type": "thresholds", "edges": [50, 80], "scores": [0, 50, 100]}}]},
    {"id": "risk", "weight": 1, "measures": [
      {"id": "sentiment", "weight": 1, "scheme": {"type": "categories", "categories": [
        {"value": "red", "score": 0}, {"value": "yellow", "score": 50}, {"value": "green", "score": 100}]}}]}],
  "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Yellow", "from": 50, "to": 75},
            {"name": "Green", "from": 75, "to": 100}],
  "coverage_min": 0.5,
  "vetoes": [{"measure": "sentiment", "when": {"category": "red"}, "band": "Red"}],
  "segments": {"tech_touch": {"not_applicable": ["sentiment"]}}
}"#;

fn small() -> Scorecard {
    Scorecard::from_json(SMALL).expect("the small scorecard")
}

fn with(f: impl FnOnce(&mut serde_json::Value)) -> Result<Scorecard, HealthError> {
    let mut v: serde_json::Value = serde_json::from_str(SMALL).expect("json");
    f(&mut v);
    Scorecard::from_json(&v.to_string())
}

fn key_of(e: HealthError) -> String {
    match e {
        HealthError::Scorecard { key, .. } => key,
        other => panic!("not a scorecard error: {other}"),
    }
}

fn score(card: &Scorecard, json: &str) -> HealthScore {
    card.score(
        &Values::from_json(json).expect("values"),
        &ScoreContext::default(),
    )
    .expect("a score")
}

#[test]
fn default_scorecard_is_the_handbooks_model() {
    let card = Scorecard::default();
    let g: Vec<(&str, f64)> = card
        .spec()
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.weight))
        .collect();
    assert_eq!(
        g,
        [
            ("product", 50.0),
            ("risk", 25.0),
            ("outcomes", 10.0),
            ("voice_of_customer", 5.0),
            ("engagement", 10.0)
        ]
    );
    let product: Vec<(&str, f64)> = card.spec().groups[0]
        .measures
        .iter()
        .map(|m| (m.id.as_str(), m.weight))
        .collect();
    assert_eq!(
        product,
        [
            ("license_utilization", 30.0),
            ("user_engagement", 10.0),
            ("scm_adoption", 15.0),
            ("ci_adoption", 15.0),
            ("devsecops_adoption", 15.0),
            ("cd_adoption", 15.0)
        ]
    );
    assert_eq!(card.bands(), ["Red", "Yellow", "Green"]);
    // user engagement: red < 50 % <= yellow < 80 % <= green
    let ue = card.measure_index("user_engagement").expect("measure");
    let scheme = &card.measures[ue].scheme;
    assert_eq!(kernel::measure_score(scheme, 49.9), Ok(0.0));
    assert_eq!(kernel::measure_score(scheme, 50.0), Ok(50.0));
    assert_eq!(kernel::measure_score(scheme, 79.9), Ok(50.0));
    assert_eq!(kernel::measure_score(scheme, 80.0), Ok(100.0));
    // The JSON form reads back to the same scorecard.
    assert_eq!(Scorecard::from_json(&card.to_json()), Ok(card));
}

#[test]
fn by_hand() {
    let card = small();
    // product: util 80 (w 3) and engagement 60 -> 50 (w 1): (3*80 + 50) / 4 = 72.5
    // risk: yellow 50; overall (2*72.5 + 50) / 3 = 65
    let s = score(
        &card,
        r#"{"util": 80, "engagement": 60, "sentiment": "yellow"}"#,
    );
    assert!((s.score.expect("known") - 65.0).abs() < 1e-9);
    assert_eq!(s.band, "Yellow");
    assert_eq!(s.coverage, 1.0);
    assert_eq!(s.groups[0].score, Some(72.5));
    assert!((s.groups[0].weight - 2.0 / 3.0).abs() < 1e-15);
    let total: f64 = s.contributions.iter().map(|c| c.points).sum();
    assert!(
        (total - s.score.expect("known")).abs() < 1e-9,
        "the points add up to the score"
    );
    let shares: f64 = s.contributions.iter().map(|c| c.weight).sum();
    assert!((shares - 1.0).abs() < 1e-9);
    assert!(s.unknown.is_none() && s.vetoes.is_empty());
}

#[test]
fn missing_redistributes_within_then_across_groups() {
    let card = small();
    // engagement missing: util takes the whole product weight.
    let s = score(&card, r#"{"util": 80, "sentiment": "yellow"}"#);
    assert!((s.score.expect("known") - (2.0 * 80.0 + 50.0) / 3.0).abs() < 1e-9);
    assert_eq!(s.contributions[1].status, MeasureStatus::Missing);
    assert_eq!(s.contributions[1].weight, 0.0);
    assert!((s.coverage - (2.0 / 3.0) * 0.75 - 1.0 / 3.0).abs() < 1e-9);
    // risk empty: product takes everything.
    let s = score(&card, r#"{"util": 80, "engagement": 90}"#);
    assert!((s.score.expect("known") - (3.0 * 80.0 + 100.0) / 4.0).abs() < 1e-9);
    assert_eq!(s.groups[1].score, None);
    // null and NaN are missing too.
    let s2 = card
        .score(
            &Values::new()
                .number("util", 80.0)
                .number("engagement", 90.0)
                .number("sentiment", f64::NAN),
            &ScoreContext::default(),
        )
        .expect("score");
    assert_eq!(s2.score, s.score);
    let s3 = score(
        &card,
        r#"{"util": 80, "engagement": 90, "sentiment": null}"#,
    );
    assert_eq!(s3.score, s.score);
}

#[test]
fn coverage_below_minimum_is_unknown() {
    let card = small();
    // engagement alone: (2/3) * (1/4) = 1/6 of the weight.
    let s = score(&card, r#"{"engagement": 90}"#);
    assert_eq!((s.score, s.band.as_str()), (None, UNKNOWN));
    assert!(matches!(s.unknown, Some(UnknownReason::Coverage { .. })));
    // all missing, and an empty account
    let s = score(&card, "{}");
    assert_eq!((s.score, s.coverage), (None, 0.0));
    // exactly the minimum is enough: sentiment (1/3) + engagement (1/6) = 1/2
    let s = score(&card, r#"{"engagement": 90, "sentiment": "green"}"#);
    assert_eq!(s.score, Some(100.0));
}

#[test]
fn missing_policies() {
    let policy =
        |p: &str| with(|v| v["groups"][0]["measures"][1]["missing"] = p.into()).expect("scorecard");
    let values = r#"{"util": 80, "sentiment": "green"}"#;
    let zero = score(&policy("zero"), values);
    assert!((zero.score.expect("known") - (2.0 * (240.0 / 4.0) + 100.0) / 3.0).abs() < 1e-9);
    let neutral = score(&policy("neutral"), values);
    assert!((neutral.score.expect("known") - (2.0 * (290.0 / 4.0) + 100.0) / 3.0).abs() < 1e-9);
    assert_eq!(neutral.contributions[1].measure_score, Some(50.0));
    let fail = score(&policy("fail"), values);
    assert_eq!(fail.score, None);
    assert_eq!(
        fail.unknown,
        Some(UnknownReason::Required {
            measure: "engagement".into()
        })
    );
}

#[test]
fn staleness_by_time_to_live() {
    let card = small();
    let values = |at: &str| {
        Values::new()
            .observed("util", Raw::Number(80.0), d(at))
            .number("engagement", 90.0)
            .category("sentiment", "green")
    };
    let ctx = ScoreContext {
        as_of: Some(d("2026-10-31")),
        ..ScoreContext::default()
    };
    let fresh = card.score(&values("2026-10-01"), &ctx).expect("score");
    assert!(fresh.stale.is_empty());
    assert_eq!(fresh.contributions[0].status, MeasureStatus::Present);
    let stale = card.score(&values("2026-09-30"), &ctx).expect("score");
    assert_eq!(stale.stale, ["util"]);
    assert_eq!(stale.contributions[0].status, MeasureStatus::Stale);
    assert_eq!(
        stale.score,
        score(&card, r#"{"engagement": 90, "sentiment": "green"}"#).score
    );
    // A value from after the day scored is an error, naming the measure.
    let e = card.score(&values("2026-11-01"), &ctx).unwrap_err();
    assert!(
        matches!(&e, HealthError::Value { measure, row: None, .. } if measure == "util"),
        "{e}"
    );
    // Dated values of a measure with a time-to-live need an as_of.
    let e = card
        .score(&values("2026-10-01"), &ScoreContext::default())
        .unwrap_err();
    assert!(
        matches!(&e, HealthError::Input { input, .. } if input == "as_of"),
        "{e}"
    );
}

#[test]
fn vetoes_force_the_band_even_when_unknown() {
    let card = small();
    let s = score(
        &card,
        r#"{"util": 100, "engagement": 100, "sentiment": "red"}"#,
    );
    assert!((s.score.expect("known") - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        (s.band.as_str(), s.vetoes.as_slice()),
        ("Red", &["sentiment".to_owned()][..])
    );
    // sentiment alone: 1/3 coverage, Unknown score, but the veto is a fact
    let s = score(&card, r#"{"sentiment": "RED"}"#);
    assert_eq!((s.score, s.band.as_str()), (None, "Red"));
    // a numeric veto
    let card = with(|v| {
        v["vetoes"] = serde_json::json!([{"measure": "util", "when": {"below": 10}, "band": "Red"}])
    })
    .expect("scorecard");
    let s = score(
        &card,
        r#"{"util": 5, "engagement": 100, "sentiment": "green"}"#,
    );
    // (2 × (3 × 5 + 100) / 4 + 100) / 3 = 52.5: Yellow computed, Red by the veto
    assert_eq!((s.score, s.band.as_str()), (Some(52.5), "Red"));
}

#[test]
fn segment_not_applicable_is_not_missing() {
    let card = small();
    let ctx = ScoreContext {
        segment: Some("tech_touch"),
        ..ScoreContext::default()
    };
    let v = Values::from_json(r#"{"util": 80, "engagement": 60}"#).expect("values");
    let s = card.score(&v, &ctx).expect("score");
    assert_eq!(s.coverage, 1.0);
    assert_eq!(s.contributions[2].status, MeasureStatus::NotApplicable);
    // A red sentiment does not veto a segment it does not apply to.
    let v =
        Values::from_json(r#"{"util": 80, "engagement": 60, "sentiment": "red"}"#).expect("values");
    let s = card.score(&v, &ctx).expect("score");
    assert_eq!(s.band, "Yellow");
    assert!(s.vetoes.is_empty());
    // A segment without a profile uses the whole scorecard.
    let other = ScoreContext {
        segment: Some("high_touch"),
        ..ScoreContext::default()
    };
    assert_eq!(card.score(&v, &other).expect("score").band, "Red");
}

#[test]
fn overrides_apply_until_they_expire() {
    let card = small();
    let v = Values::from_json(r#"{"util": 80, "engagement": 60, "sentiment": "yellow"}"#)
        .expect("values");
    let o = Override {
        score: None,
        band: Some("Red".into()),
        author: "lena".into(),
        reason: "exec sponsor left".into(),
        expires: d("2026-12-01"),
    };
    let at = |day: &str| ScoreContext {
        as_of: Some(d(day)),
        override_: Some(&o),
        ..ScoreContext::default()
    };
    let s = card.score(&v, &at("2026-11-30")).expect("score");
    assert_eq!(
        (s.band.as_str(), s.computed_band.as_str()),
        ("Red", "Yellow")
    );
    assert_eq!(s.score, s.computed_score);
    assert_eq!(s.override_.as_ref(), Some(&o));
    let s = card.score(&v, &at("2026-12-01")).expect("score");
    assert_eq!((s.band.as_str(), s.override_), ("Yellow", None));
    let with_score = Override {
        score: Some(90.0),
        band: None,
        ..o.clone()
    };
    let ctx = ScoreContext {
        as_of: Some(d("2026-11-01")),
        override_: Some(&with_score),
        ..ScoreContext::default()
    };
    let s = card.score(&v, &ctx).expect("score");
    assert_eq!((s.score, s.band.as_str()), (Some(90.0), "Green"));
    for bad in [
        Override {
            band: Some("Purple".into()),
            ..o.clone()
        },
        Override {
            score: Some(101.0),
            ..o.clone()
        },
        Override {
            score: None,
            band: None,
            ..o.clone()
        },
        Override {
            author: " ".into(),
            ..o.clone()
        },
    ] {
        let ctx = ScoreContext {
            as_of: Some(d("2026-11-01")),
            override_: Some(&bad),
            ..ScoreContext::default()
        };
        assert!(
            matches!(card.score(&v, &ctx), Err(HealthError::Input { input, .. }) if input == "override")
        );
    }
    let no_date = ScoreContext {
        override_: Some(&o),
        ..ScoreContext::default()
    };
    assert!(card.score(&v, &no_date).is_err());
}

#[test]
fn trend_and_band_changes() {
    let card = small();
    let v = Values::from_json(r#"{"util": 80, "engagement": 60, "sentiment": "yellow"}"#)
        .expect("values"); // 65, Yellow
    let prev = |score: f64, band: Option<&str>| ScoreContext {
        previous: Some(Previous {
            score: Some(score),
            band: band.map(str::to_owned),
        }),
        ..ScoreContext::default()
    };
    let s = card.score(&v, &prev(64.5, None)).expect("score");
    assert_eq!((s.trend, s.band_change), (Some(Trend::Same), None));
    let s = card.score(&v, &prev(70.0, None)).expect("score");
    assert_eq!(s.trend, Some(Trend::Down));
    let s = card.score(&v, &prev(80.0, None)).expect("score");
    assert_eq!(s.trend, Some(Trend::Down));
    assert_eq!(
        s.band_change,
        Some(BandChange {
            from: "Green".into(),
            to: "Yellow".into()
        })
    );
    let s = card.score(&v, &prev(30.0, Some("Red"))).expect("score");
    assert_eq!(s.trend, Some(Trend::Up));
    // Unknown before: no trend; a previous band that does not exist is an error.
    let unknown = ScoreContext {
        previous: Some(Previous {
            score: None,
            band: None,
        }),
        ..ScoreContext::default()
    };
    let s = card.score(&v, &unknown).expect("score");
    assert_eq!(s.trend, None);
    assert_eq!(s.band_change.map(|c| c.from), Some(UNKNOWN.to_owned()));
    assert!(card.score(&v, &prev(30.0, Some("Purple"))).is_err());
    assert!(card.score(&v, &prev(130.0, None)).is_err());
}

#[test]
fn hysteresis_holds_the_band_within_the_margin() {
    let card = small(); // hysteresis 2 (default)
    let yellow = card.band_code("Yellow").expect("band");
    let green = card.band_code("Green").expect("band");
    let bands = bands::Bands::of(&card);
    assert_eq!(bands.with_hysteresis(76.9, yellow), yellow);
    assert_eq!(bands.with_hysteresis(77.0, yellow), green);
    assert_eq!(bands.with_hysteresis(73.0, green), green);
    assert_eq!(bands.with_hysteresis(72.9, green), yellow);
    assert_eq!(bands.with_hysteresis(40.0, green), 0);
    assert_eq!(bands.with_hysteresis(f64::NAN, green), UNKNOWN_CODE);
}

#[test]
fn band_edge_rules() {
    let card = small();
    assert_eq!(card.band_of(50.0), "Yellow");
    assert_eq!(card.band_of(0.0), "Red");
    assert_eq!(card.band_of(100.0), "Green");
    assert_eq!(card.band_of(f64::NAN), UNKNOWN);
    let upper = with(|v| v["band_edges"] = "upper_inclusive".into()).expect("scorecard");
    assert_eq!(upper.band_of(50.0), "Red");
    assert_eq!(upper.band_of(75.0), "Yellow");
    assert_eq!(upper.band_of(0.0), "Red");
    assert_eq!(upper.band_of(100.0), "Green");
    let th = with(|v| v["groups"][0]["measures"][1]["scheme"]["edge"] = "upper_inclusive".into())
        .expect("scorecard");
    let scheme = &th.measures[1].scheme;
    assert_eq!(kernel::measure_score(scheme, 50.0), Ok(0.0));
    assert_eq!(kernel::measure_score(scheme, 50.1), Ok(50.0));
}

#[test]
fn bad_scorecards_name_the_measure() {
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(Edit, &str, &str)> = vec![
        (
            Box::new(|v| v["groups"][0]["measures"][0]["weight"] = 0.into()),
            "groups[0].measures[0] (util).weight",
            "above 0",
        ),
        (
            Box::new(|v| v["groups"][0]["measures"][1]["weight"] = (-1).into()),
            "groups[0].measures[1] (engagement).weight",
            "engagement",
        ),
        (
            Box::new(|v| v["groups"][1]["weight"] = 0.into()),
            "groups[1] (risk).weight",
            "risk",
        ),
        (
            Box::new(|v| v["bands"][1]["from"] = 45.into()),
            "bands[1] (Yellow).from",
            "overlaps",
        ),
        (
            Box::new(|v| v["bands"][1]["from"] = 55.into()),
            "bands[1] (Yellow).from",
            "gap",
        ),
        (
            Box::new(|v| v["bands"][2]["to"] = 99.into()),
            "bands[2] (Green).to",
            "100",
        ),
        (
            Box::new(|v| v["bands"][0]["name"] = "Unknown".into()),
            "bands[0] (Unknown).name",
            "Unknown",
        ),
        (
            Box::new(|v| v["vetoes"][0]["when"] = serde_json::json!({"category": "purple"})),
            "vetoes[0].when",
            "unknown category \"purple\"",
        ),
        (
            Box::new(|v| v["vetoes"][0]["band"] = "Amber".into()),
            "vetoes[0].band",
            "Amber",
        ),
        (
            Box::new(|v| v["vetoes"][0]["measure"] = "nope".into()),
            "vetoes[0].measure",
            "nope",
        ),
        (
            Box::new(|v| {
                v["groups"][0]["measures"][1]["scheme"]["edges"] = serde_json::json!([80, 50])
            }),
            "groups[0].measures[1] (engagement).scheme.edges",
            "increasing",
        ),
        (
            Box::new(|v| {
                v["groups"][0]["measures"][1]["scheme"]["scores"] = serde_json::json!([0, 100])
            }),
            "groups[0].measures[1] (engagement).scheme.scores",
            "3 scores",
        ),
        (
            Box::new(|v| v["groups"][0]["measures"][0]["scheme"]["best"] = 0.into()),
            "groups[0].measures[0] (util).scheme",
            "different",
        ),
        (
            Box::new(|v| v["groups"][1]["measures"][0]["id"] = "util".into()),
            "groups[1].measures[0] (util).id",
            "twice",
        ),
        (
            Box::new(|v| v["segments"]["x"] = serde_json::json!({"not_applicable": ["typo"]})),
            "segments.x.not_applicable[0]",
            "typo",
        ),
        (
            Box::new(|v| v["coverage_min"] = 1.5.into()),
            "coverage_min",
            "0-1",
        ),
        (
            Box::new(|v| v["groups"][0]["measures"][0]["wieght"] = 1.into()),
            "groups[0].measures[0].wieght",
            "unknown field",
        ),
    ];
    for (edit, key, rule) in cases {
        let e = with(edit).unwrap_err();
        let text = e.to_string();
        assert_eq!(key_of(e), key, "{text}");
        assert!(text.contains(rule), "{text} should say {rule}");
    }
    // NaN where a number is required (JSON cannot hold it; a typed spec can)
    let mut spec = small().spec().clone();
    spec.groups[0].measures[0].weight = f64::NAN;
    assert!(Scorecard::new(spec).is_err());
    assert!(Scorecard::from_toml("groups = 3").is_err());
    assert!(Scorecard::from_json("{").is_err());
}

#[test]
fn bad_values_name_the_measure() {
    let card = small();
    let bad = |json: &str, measure: &str, rule: &str| {
        let e = card
            .score(
                &Values::from_json(json).expect("values"),
                &ScoreContext::default(),
            )
            .unwrap_err();
        assert!(
            matches!(&e, HealthError::Value { measure: m, .. } if m == measure),
            "{e}"
        );
        assert!(e.to_string().contains(rule), "{e} should say {rule}");
    };
    bad(
        r#"{"sentiment": "purple"}"#,
        "sentiment",
        "unknown category",
    );
    bad(r#"{"sentiment": 2}"#, "sentiment", "has categories");
    bad(r#"{"util": "high"}"#, "util", "numeric");
    bad(r#"{"utl": 3}"#, "utl", "not a measure");
    let e = card
        .score(
            &Values::new().number("util", f64::INFINITY),
            &ScoreContext::default(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("not a finite number"), "{e}");
}

#[test]
fn weights_scale_freely() {
    let a = small();
    let b = with(|v| {
        v["groups"][0]["weight"] = 200.into();
        v["groups"][1]["weight"] = 100.into();
        v["groups"][0]["measures"][0]["weight"] = 0.3.into();
        v["groups"][0]["measures"][1]["weight"] = 0.1.into();
    })
    .expect("scorecard");
    let v = r#"{"util": 63, "engagement": 79, "sentiment": "green"}"#;
    let (x, y) = (score(&a, v), score(&b, v));
    assert!((x.score.expect("known") - y.score.expect("known")).abs() < 1e-9);
}

#[test]
fn batch_equals_single_and_errors_name_the_row() {
    let card = small();
    let util = [80.0, f64::NAN, 10.0, 100.0, 55.5];
    let eng = [60.0, 90.0, f64::NAN, 49.0, 80.0];
    let sent = [1.0, 2.0, 0.0, f64::NAN, 2.0];
    let seg = [NO_SEGMENT, 0, NO_SEGMENT, 0, NO_SEGMENT];
    let batch = Batch::new(&card, 5)
        .values("util", &util)
        .and_then(|b| b.values("engagement", &eng))
        .and_then(|b| b.values("sentiment", &sent))
        .and_then(|b| b.segments(&seg))
        .expect("batch");
    let r = batch.score().expect("scores");
    for i in 0..5 {
        let mut v = Values::new()
            .number("util", util[i])
            .number("engagement", eng[i]);
        if !sent[i].is_nan() {
            v = v.category("sentiment", &card.categories(2)[sent[i] as usize]);
        }
        let ctx = ScoreContext {
            segment: (seg[i] == 0).then_some("tech_touch"),
            ..ScoreContext::default()
        };
        let one = card.score(&v, &ctx).expect("score");
        assert_eq!(
            one.score.map(f64::to_bits),
            (!r.score[i].is_nan()).then(|| r.score[i].to_bits())
        );
        assert_eq!(one.band, card.band_name(r.band[i]));
        assert_eq!(one.coverage.to_bits(), r.coverage[i].to_bits());
        assert_eq!(batch.explain(i).expect("explain").score, one.score);
    }
    // An empty book scores to nothing.
    assert_eq!(Batch::new(&card, 0).score(), Ok(BatchScores::default()));
    // Errors: a bad category code names the row; outputs then read Unknown.
    let bad = [1.0, 7.0, 0.0, 0.0, 0.0];
    let b = Batch::new(&card, 5)
        .values("sentiment", &bad)
        .expect("batch");
    let (mut s, mut band, mut cov) = ([1.0; 5], [0u8; 5], [1.0; 5]);
    let e = b.score_into(&mut s, &mut band, &mut cov).unwrap_err();
    assert!(
        matches!(&e, HealthError::Value { row: Some(1), measure, .. } if measure == "sentiment"),
        "{e}"
    );
    assert!(s.iter().all(|x| x.is_nan()) && band.iter().all(|b| *b == UNKNOWN_CODE));
    assert!(Batch::new(&card, 5).values("util", &[1.0]).is_err());
    assert!(Batch::new(&card, 5).values("nope", &util).is_err());
    assert!(
        Batch::new(&card, 5)
            .segments(&[9, 9, 9, 9, 9])
            .expect("batch")
            .score()
            .is_err()
    );
    let mut long = [0.0; 600];
    long[300] = f64::INFINITY;
    let e = Batch::new(&card, 600)
        .values("util", &long)
        .expect("batch")
        .score()
        .unwrap_err();
    assert!(
        e.to_string().starts_with("row 300: measure \"util\""),
        "{e}"
    );
}

#[test]
fn batch_errors_name_the_first_row_in_row_order() {
    let card = small();
    // Chunk of 512 rows: row 700 (second chunk) breaks a later measure than row 900, and
    // row 1200 (third chunk) breaks the segment; the first by row is reported, as row by row.
    let mut util = vec![50.0; 1300];
    let mut sent = vec![2.0; 1300];
    let mut seg = vec![NO_SEGMENT; 1300];
    sent[700] = 9.0;
    util[900] = f64::NEG_INFINITY;
    seg[1200] = 77;
    let score = |util: &[f64], sent: &[f64], seg: Option<&[u32]>| {
        let mut b = Batch::new(&card, 1300)
            .values("util", util)
            .and_then(|b| b.values("sentiment", sent))
            .expect("batch");
        if let Some(seg) = seg {
            b = b.segments(seg).expect("batch");
        }
        b.threads(2).score().unwrap_err().to_string()
    };
    let e = score(&util, &sent, Some(&seg));
    assert!(e.starts_with("row 700: measure \"sentiment\""), "{e}");
    sent[700] = 2.0;
    assert!(score(&util, &sent, None).starts_with("row 900: measure \"util\""));
    // Within one row: the measures in scorecard order (util before sentiment).
    sent[900] = 9.0;
    assert!(score(&util, &sent, None).starts_with("row 900: measure \"util\""));
    util[900] = 50.0;
    sent[900] = 2.0;
    let e = score(&util, &sent, Some(&seg));
    assert!(
        e.contains("segment code 77") && e.contains("row 1200"),
        "{e}"
    );
    // A row with a segment and a tech-touch neighbour (a chunk of mixed plans) scores
    // sentiment only where it applies: a bad code in a tech-touch row is not read.
    let tech = card.segment_code("tech_touch").expect("a profile");
    seg[1200] = tech;
    sent[1200] = 9.0;
    let r = Batch::new(&card, 1300)
        .values("util", &util)
        .and_then(|b| b.values("sentiment", &sent))
        .and_then(|b| b.segments(&seg))
        .expect("batch")
        .score()
        .expect("scores");
    assert_eq!(r.score[1200], 50.0);
    assert_eq!(card.band_name(r.band[1199]), "Yellow");
}

#[test]
fn threads_change_nothing_and_report_the_first_error_by_row() {
    let card = small();
    // 10,000 rows: two threads of 5,000 (threads start at 4,096 rows each).
    let n = 10_000;
    let util: Vec<f64> = (0..n).map(|i| (i % 101) as f64).collect();
    let eng: Vec<f64> = (0..n)
        .map(|i| {
            if i % 7 == 0 {
                f64::NAN
            } else {
                (i % 97) as f64
            }
        })
        .collect();
    let mut sent: Vec<f64> = (0..n).map(|i| (i % 3) as f64).collect();
    let seg: Vec<u32> = (0..n)
        .map(|i| if i % 5 == 0 { 0 } else { NO_SEGMENT })
        .collect();
    let prev: Vec<u8> = (0..n).map(|i| [0, 1, 2, UNKNOWN_CODE][i % 4]).collect();
    let batch = |sent: &[f64], threads: usize| {
        Batch::new(&card, n)
            .values("util", &util)
            .and_then(|b| b.values("engagement", &eng))
            .and_then(|b| b.values("sentiment", sent))
            .and_then(|b| b.segments(&seg))
            .and_then(|b| b.previous_bands(&prev))
            .expect("batch")
            .threads(threads)
            .score()
    };
    let one = batch(&sent, 1).expect("scores");
    let two = batch(&sent, 2).expect("scores");
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&one.score), bits(&two.score));
    assert_eq!(one.band, two.band);
    assert_eq!(bits(&one.coverage), bits(&two.coverage));
    // A bad row in the second thread's half; then one in each half: the first by row.
    sent[7_001] = 5.0;
    let e = batch(&sent, 2).unwrap_err().to_string();
    assert!(e.starts_with("row 7001: "), "{e}");
    sent[4_001] = 5.0;
    let e = batch(&sent, 2).unwrap_err().to_string();
    assert!(e.starts_with("row 4001: "), "{e}");
}

#[test]
fn batch_staleness_and_previous_bands() {
    let card = small();
    let util = [80.0, 80.0, 80.0];
    let obs = [
        batch::epoch_days(d("2026-10-01")),
        batch::epoch_days(d("2026-09-01")),
        NO_DATE,
    ];
    let eng = [100.0; 3];
    let sent = [2.0; 3];
    let b = Batch::new(&card, 3)
        .values("util", &util)
        .and_then(|b| b.values("engagement", &eng))
        .and_then(|b| b.values("sentiment", &sent))
        .and_then(|b| b.observed("util", &obs))
        .expect("batch");
    assert!(b.score().is_err(), "dated values with a ttl need as_of");
    let b = b.as_of(d("2026-10-15"));
    let r = b.score().expect("scores");
    assert_eq!(r.score[0], r.score[2]);
    assert_ne!(r.score[0], r.score[1]);
    assert_eq!(b.explain(1).expect("explain").stale, ["util"]);
    let prev = [card.band_code("Green").expect("band"), UNKNOWN_CODE, 200];
    assert!(
        b.clone()
            .previous_bands(&prev)
            .expect("batch")
            .score()
            .is_err()
    );
}

#[test]
fn validation_reports_auc_and_lift() {
    let card = small();
    let v = card
        .validate(&[10.0, 10.0, 80.0, 90.0], &[true, false, false, false])
        .expect("validation");
    // renewed 10, 80, 90 against churned 10: 0.5 + 1 + 1 over 3
    assert_eq!(v.auc, Some(2.5 / 3.0));
    assert_eq!((v.accounts, v.churned, v.churn_rate), (4, 1, 25.0));
    assert_eq!(v.bands[0].lift, Some(2.0));
    assert_eq!(v.bands[2].lift, Some(0.0));
    assert_eq!(v.bands[1].churn_rate, None);
    assert_eq!(v.bands[3].band, UNKNOWN);
    let none_churned = card.validate(&[10.0, 90.0], &[false, false]).expect("v");
    assert_eq!((none_churned.auc, none_churned.bands[0].lift), (None, None));
    assert!(card.validate(&[], &[]).is_err());
    assert!(card.validate(&[10.0], &[]).is_err());
    assert!(card.validate(&[110.0], &[true]).is_err());
}

#[test]
fn reasons_put_vetoes_first_then_points_lost() {
    let card = small();
    let s = score(
        &card,
        r#"{"util": 20, "engagement": 90, "sentiment": "red"}"#,
    );
    // util (share 1/2) lost 40 points, sentiment (1/3) 33.3, engagement (1/6) none
    assert_eq!(
        s.reasons(5),
        [
            "veto: sentiment",
            "util: -40.0 points",
            "sentiment: -33.3 points"
        ]
    );
}

#[test]
fn a_profile_may_name_a_measure_twice() {
    // Three measures; listing one twice leaves two applicable (it was once refused by count).
    let card = with(|v| {
        v["segments"]["x"] =
            serde_json::json!({"not_applicable": ["sentiment", "sentiment", "util"]})
    })
    .expect("scorecard");
    let ctx = ScoreContext {
        segment: Some("x"),
        ..ScoreContext::default()
    };
    let s = card
        .score(&Values::new().number("engagement", 90.0), &ctx)
        .expect("score");
    assert_eq!((s.score, s.coverage), (Some(100.0), 1.0));
}

#[test]
fn toml_nan_and_inf_are_named_as_numbers_not_null() {
    let text = include_str!("default_scorecard.toml");
    for bad in ["nan", "inf", "-inf"] {
        let edited = text.replacen("weight = 50", &format!("weight = {bad}"), 1);
        assert_ne!(edited, text);
        let err = Scorecard::from_toml(&edited).unwrap_err().to_string();
        assert!(
            err.contains("must be a finite number above 0"),
            "{bad}: {err}"
        );
        assert!(!err.contains("null"), "{bad}: {err}");
    }
    // A mistyped value still names its key.
    let err = Scorecard::from_toml(&text.replacen("weight = 50", "weight = \"x\"", 1)).unwrap_err();
    assert!(err.to_string().contains("weight"), "{err}");
}
