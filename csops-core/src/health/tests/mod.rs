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
    assert_eq!(rows::measure_score(scheme, 49.9), Ok(0.0));
    assert_eq!(rows::measure_score(scheme, 50.0), Ok(50.0));
    assert_eq!(rows::measure_score(scheme, 79.9), Ok(50.0));
    assert_eq!(rows::measure_score(scheme, 80.0), Ok(100.0));
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
    assert_eq!(rows::measure_score(scheme, 50.0), Ok(0.0));
    assert_eq!(rows::measure_score(scheme, 50.1), Ok(50.0));
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

mod batch;
