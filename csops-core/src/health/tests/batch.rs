//! Batch scoring against single scoring, threads, validation and the scorecard format's edges.

use super::*;

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
    // An empty book scores to nothing, and says which scorecard did.
    assert_eq!(
        Batch::new(&card, 0).score(),
        Ok(BatchScores {
            scorecard: card.identity().clone(),
            ..BatchScores::default()
        })
    );
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
    let text = include_str!("../default_scorecard.toml");
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
