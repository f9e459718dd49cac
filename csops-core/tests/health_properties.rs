//! Invariants of the health score (SPEC §10, issue #4) over random scorecards and accounts:
//! the score is in [0, 100] or Unknown; scaling every weight changes nothing; with the
//! redistribute policy a missing measure scores as the scorecard without it (and a group with
//! nothing present as the scorecard without the group); hysteresis reports at most one band
//! change while a score stays within the margin; batch scoring equals single scoring bit for bit
//! (with every missing policy, vetoes, previous bands, and one or mixed segments per chunk).

use proptest::prelude::*;
use serde_json::{Value, json};

use csops_core::health::{Batch, NO_SEGMENT, Previous, ScoreContext, Scorecard, UNKNOWN, Values};

/// A random measure scheme, as JSON.
fn scheme() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-50.0..50.0f64, 1.0..200.0f64, any::<bool>()).prop_map(|(a, span, up)| {
            let (worst, best) = if up { (a, a + span) } else { (a + span, a) };
            json!({"type": "linear", "worst": worst, "best": best})
        }),
        (prop::collection::vec(0.0..100.0f64, 1..4), any::<bool>()).prop_map(|(mut e, upper)| {
            e.sort_by(f64::total_cmp);
            e.dedup();
            let scores: Vec<f64> = (0..=e.len()).map(|i| (i * 97 % 101) as f64).collect();
            let edge = if upper {
                "upper_inclusive"
            } else {
                "lower_inclusive"
            };
            json!({"type": "thresholds", "edges": e, "scores": scores, "edge": edge})
        }),
        prop::collection::vec(0.0..=100.0f64, 1..4).prop_map(|scores| {
            let cats: Vec<Value> = scores
                .iter()
                .enumerate()
                .map(|(i, s)| json!({"value": format!("c{i}"), "score": s}))
                .collect();
            json!({"type": "categories", "categories": cats})
        }),
    ]
}

/// A random scorecard (redistribute policy everywhere), with `coverage_min` given.
fn scorecard(coverage_min: f64) -> impl Strategy<Value = Value> {
    prop::collection::vec(
        (
            0.01..100.0f64,
            prop::collection::vec((0.01..100.0f64, scheme()), 1..4),
        ),
        1..4,
    )
    .prop_map(move |groups| {
        let mut n = 0;
        let groups: Vec<Value> = groups
            .into_iter()
            .enumerate()
            .map(|(g, (w, measures))| {
                let measures: Vec<Value> = measures
                    .into_iter()
                    .map(|(mw, scheme)| {
                        n += 1;
                        json!({"id": format!("m{n}"), "weight": mw, "scheme": scheme})
                    })
                    .collect();
                json!({"id": format!("g{g}"), "weight": w, "measures": measures})
            })
            .collect();
        // A segment without m1 (when that leaves something to score), else a segment the
        // scorecard knows without a profile.
        let (segments, other) = if n > 1 {
            (json!({"s": {"not_applicable": ["m1"]}}), json!([]))
        } else {
            (json!({}), json!(["s"]))
        };
        json!({
            "groups": groups,
            "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Yellow", "from": 50, "to": 75},
                      {"name": "Green", "from": 75, "to": 100}],
            "coverage_min": coverage_min,
            "segments": segments,
            "other_segments": other
        })
    })
}

fn load(v: &Value) -> Scorecard {
    Scorecard::from_json(&v.to_string()).expect("a generated scorecard is valid")
}

/// Raw values for a card: per measure, a number in range for its scheme or missing (NaN).
fn raw_values(card: &Scorecard, seeds: &[(bool, f64)]) -> Vec<f64> {
    (0..card.measures().len())
        .map(|m| {
            let (present, x) = seeds.get(m).copied().unwrap_or((false, 0.0));
            let cats = card.categories(m).len();
            if !present {
                f64::NAN
            } else if cats > 0 {
                (x * cats as f64).floor().min(cats as f64 - 1.0)
            } else {
                x * 300.0 - 100.0
            }
        })
        .collect()
}

fn values_of(card: &Scorecard, raw: &[f64]) -> Values {
    let mut v = Values::new();
    for (m, x) in raw.iter().enumerate() {
        let id = &card.measures()[m];
        let cats = card.categories(m);
        v = if cats.is_empty() || x.is_nan() {
            v.number(id, *x)
        } else {
            v.category(id, &cats[*x as usize])
        };
    }
    v
}

fn seeds() -> impl Strategy<Value = Vec<(bool, f64)>> {
    prop::collection::vec((prop::bool::weighted(0.7), 0.0..1.0f64), 12)
}

fn bits(s: Option<f64>) -> Option<u64> {
    s.map(f64::to_bits)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn score_is_within_0_100_or_unknown(spec in scorecard(0.5), seeds in seeds()) {
        let card = load(&spec);
        let raw = raw_values(&card, &seeds);
        let s = card.score(&values_of(&card, &raw), &ScoreContext::default()).expect("score");
        match s.score {
            Some(x) => {
                prop_assert!((0.0..=100.0).contains(&x), "{x}");
                prop_assert_ne!(s.band.as_str(), UNKNOWN);
                let points: f64 = s.contributions.iter().map(|c| c.points).sum();
                prop_assert!((points - x).abs() < 1e-9);
            }
            None => prop_assert_eq!(s.band.as_str(), UNKNOWN),
        }
        prop_assert!((0.0..=1.0 + 1e-12).contains(&s.coverage));
    }

    #[test]
    fn scaling_every_weight_changes_nothing(
        spec in scorecard(0.5), seeds in seeds(), c in 0.001..1000.0f64,
    ) {
        let card = load(&spec);
        let mut scaled = spec.clone();
        for g in scaled["groups"].as_array_mut().expect("groups") {
            g["weight"] = json!(g["weight"].as_f64().expect("w") * c);
            for m in g["measures"].as_array_mut().expect("measures") {
                m["weight"] = json!(m["weight"].as_f64().expect("w") * c);
            }
        }
        let scaled = load(&scaled);
        let raw = raw_values(&card, &seeds);
        let a = card.score(&values_of(&card, &raw), &ScoreContext::default()).expect("score");
        let b = scaled.score(&values_of(&card, &raw), &ScoreContext::default()).expect("score");
        prop_assert!((a.coverage - b.coverage).abs() < 1e-9);
        // Unless the coverage sits on the minimum (rounding may tip it), known-ness agrees.
        if (a.coverage - 0.5).abs() > 1e-6 {
            match (a.score, b.score) {
                (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-9, "{x} vs {y}"),
                (None, None) => {}
                (x, y) => prop_assert!(false, "{x:?} vs {y:?}"),
            }
        }
    }

    #[test]
    fn a_missing_measure_scores_as_the_measure_removed(
        spec in scorecard(0.0), seeds in seeds(), pick in any::<prop::sample::Index>(),
    ) {
        let mut spec = spec;
        spec["segments"] = json!({}); // segments are not what this is about
        let card = load(&spec);
        let n = card.measures().len();
        prop_assume!(n > 1);
        let mut raw = raw_values(&card, &seeds);
        let gone = pick.index(n);
        raw[gone] = f64::NAN;
        let id = card.measures()[gone].clone();
        // The same scorecard without the measure (and without its group if it was the last).
        let mut smaller = spec.clone();
        for g in smaller["groups"].as_array_mut().expect("groups") {
            g["measures"].as_array_mut().expect("measures").retain(|m| m["id"] != json!(id));
        }
        smaller["groups"].as_array_mut().expect("groups")
            .retain(|g| !g["measures"].as_array().expect("measures").is_empty());
        let smaller = load(&smaller);
        let mut v = values_of(&card, &raw);
        v.0.remove(&id);
        let with_missing = card.score(&values_of(&card, &raw), &ScoreContext::default()).expect("score");
        let removed = smaller.score(&v, &ScoreContext::default()).expect("score");
        prop_assert_eq!(bits(with_missing.score), bits(removed.score));
        prop_assert_eq!(with_missing.band, removed.band);
    }

    #[test]
    fn an_empty_group_scores_as_the_group_removed(
        spec in scorecard(0.0), seeds in seeds(), pick in any::<prop::sample::Index>(),
    ) {
        let mut spec = spec;
        spec["segments"] = json!({}); // segments are not what this is about
        let card = load(&spec);
        let groups = spec["groups"].as_array().expect("groups").len();
        prop_assume!(groups > 1);
        let g = pick.index(groups);
        let ids: Vec<String> = spec["groups"][g]["measures"].as_array().expect("measures")
            .iter().map(|m| m["id"].as_str().expect("id").to_owned()).collect();
        let mut raw = raw_values(&card, &seeds);
        for id in &ids {
            raw[card.measure_index(id).expect("measure")] = f64::NAN;
        }
        let mut smaller = spec.clone();
        smaller["groups"].as_array_mut().expect("groups").remove(g);
        let smaller = load(&smaller);
        let mut v = values_of(&card, &raw);
        for id in &ids {
            v.0.remove(id);
        }
        let with_empty = card.score(&values_of(&card, &raw), &ScoreContext::default()).expect("score");
        let removed = smaller.score(&v, &ScoreContext::default()).expect("score");
        prop_assert_eq!(bits(with_empty.score), bits(removed.score));
    }

    #[test]
    fn hysteresis_reports_at_most_one_change_within_the_margin(
        edge in prop::sample::select(vec![50.0, 75.0]),
        start in 0usize..3,
        walk in prop::collection::vec(-1.0..=1.0f64, 1..40),
    ) {
        let card = Scorecard::from_json(r#"{"groups": [{"id": "g", "weight": 1, "measures": [
            {"id": "x", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]}],
            "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Yellow", "from": 50, "to": 75},
                      {"name": "Green", "from": 75, "to": 100}], "hysteresis": 2}"#).expect("card");
        let mut previous = Previous { score: None, band: Some(card.bands()[start].clone()) };
        let mut changes = 0;
        for step in walk {
            let x = edge + 2.0 * step; // within the margin of the edge
            let s = card.score(&Values::new().number("x", x),
                &ScoreContext { previous: Some(previous.clone()), ..ScoreContext::default() })
                .expect("score");
            // The first step may move a far start band next to the edge; count the rest.
            if s.band_change.is_some() && previous.score.is_some() {
                changes += 1;
            }
            previous = Previous { score: s.score, band: Some(s.band) };
        }
        prop_assert!(changes <= 1, "{changes} band changes within the margin");
    }

    #[test]
    fn batch_equals_single_bit_for_bit(
        spec in scorecard(0.5),
        rows in prop::collection::vec((seeds(), any::<bool>()), 0..300),
        repeat in 1usize..3,
    ) {
        let card = load(&spec);
        // Repeat the rows to cross chunk boundaries without generating thousands.
        let rows: Vec<_> = rows.iter().cycle().take(rows.len() * repeat).cloned().collect();
        let n = rows.len();
        let m = card.measures().len();
        let raws: Vec<Vec<f64>> = rows.iter().map(|(s, _)| raw_values(&card, s)).collect();
        let cols: Vec<Vec<f64>> = (0..m).map(|k| raws.iter().map(|r| r[k]).collect()).collect();
        let s_code = card.segment_code("s").expect("a known segment");
        let segments: Vec<u32> = rows.iter().map(|(_, s)| if *s { s_code } else { NO_SEGMENT }).collect();
        let mut batch = Batch::new(&card, n).segments(&segments).expect("batch");
        for (k, col) in cols.iter().enumerate() {
            batch = batch.values(&card.measures()[k], col).expect("batch");
        }
        let out = batch.score().expect("scores");
        for (i, raw) in raws.iter().enumerate() {
            let ctx = ScoreContext { segment: rows[i].1.then_some("s"), ..ScoreContext::default() };
            let one = card.score(&values_of(&card, raw), &ctx).expect("score");
            let b = (!out.score[i].is_nan()).then_some(out.score[i]);
            prop_assert_eq!(bits(one.score), bits(b), "row {}", i);
            prop_assert_eq!(one.band.as_str(), card.band_name(out.band[i]));
            prop_assert_eq!(one.coverage.to_bits(), out.coverage[i].to_bits());
        }
    }

    #[test]
    fn batch_equals_single_with_policies_vetoes_and_previous_bands(
        spec in scorecard(0.5),
        policies in prop::collection::vec((0usize..4, 0.0..=100.0f64), 12),
        rows in prop::collection::vec((seeds(), any::<bool>(), 0u8..5), 1..200),
        repeat in 1usize..5,
        mixed in any::<bool>(),
    ) {
        let mut spec = spec;
        // Every missing policy, and a veto on m1 that forces Yellow (even over a Red score).
        let mut k = 0;
        let mut m1_categories = false;
        for g in spec["groups"].as_array_mut().expect("groups") {
            for m in g["measures"].as_array_mut().expect("measures") {
                let (p, neutral) = policies[k % policies.len()];
                m["missing"] = json!(["redistribute", "zero", "neutral", "fail"][p]);
                m["neutral_score"] = json!(neutral);
                if k == 0 {
                    m1_categories = m["scheme"]["type"] == "categories";
                }
                k += 1;
            }
        }
        let when = if m1_categories { json!({"category": "c0"}) } else { json!({"below": 0.0}) };
        spec["vetoes"] = json!([{"measure": "m1", "when": when, "band": "Yellow"}]);
        let card = load(&spec);
        // Past a chunk (256 rows) without generating thousands. The batch runs the widest
        // instruction set the CPU has (AVX-512 or AVX2), single scoring the baseline build.
        let rows: Vec<_> = rows.iter().cycle().take(rows.len() * repeat * 3).cloned().collect();
        let n = rows.len();
        let m = card.measures().len();
        let raws: Vec<Vec<f64>> = rows.iter().map(|(s, _, _)| raw_values(&card, s)).collect();
        let cols: Vec<Vec<f64>> = (0..m).map(|k| raws.iter().map(|r| r[k]).collect()).collect();
        let s_code = card.segment_code("s").expect("a known segment");
        // Mixed: some rows in segment "s" (a chunk of mixed plans); else no segment column.
        let in_s = |i: usize| mixed && rows[i].1;
        let segments: Vec<u32> = (0..n).map(|i| if in_s(i) { s_code } else { NO_SEGMENT }).collect();
        // Codes 3 and 4 are no previous band.
        let previous: Vec<u8> = rows
            .iter()
            .map(|(_, _, p)| if *p < 3 { *p } else { csops_core::health::UNKNOWN_CODE })
            .collect();
        let mut batch = Batch::new(&card, n).previous_bands(&previous).expect("batch");
        if mixed {
            batch = batch.segments(&segments).expect("batch");
        }
        for (k, col) in cols.iter().enumerate() {
            batch = batch.values(&card.measures()[k], col).expect("batch");
        }
        // (Threads start at 4,096 rows each: `health::tests` checks them on a larger book.)
        let out = batch.score().expect("scores");
        for (i, raw) in raws.iter().enumerate() {
            let prev = (previous[i] < 3).then(|| Previous {
                score: None,
                band: Some(card.band_name(previous[i]).to_owned()),
            });
            let ctx = ScoreContext {
                segment: in_s(i).then_some("s"),
                previous: prev,
                ..ScoreContext::default()
            };
            let one = card.score(&values_of(&card, raw), &ctx).expect("score");
            let b = (!out.score[i].is_nan()).then_some(out.score[i]);
            prop_assert_eq!(bits(one.score), bits(b), "row {}", i);
            prop_assert_eq!(one.band.as_str(), card.band_name(out.band[i]), "row {}", i);
            prop_assert_eq!(one.coverage.to_bits(), out.coverage[i].to_bits());
        }
    }
}
