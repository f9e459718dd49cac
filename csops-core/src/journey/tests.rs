//! The journey's unit tests.

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn signed() -> (Journey, JourneyConfig) {
    let cfg = JourneyConfig::default();
    let mut j = Journey::new("acme");
    j.record(
        d("2026-01-02"),
        JourneyEvent::ContractSigned {
            start: d("2026-01-05"),
            renewal: d("2027-01-05"),
            arr: 100.0,
        },
        &cfg,
    )
    .unwrap();
    (j, cfg)
}

#[test]
fn a_whole_journey() {
    let (mut j, cfg) = signed();
    assert_eq!(j.stage(), JourneyStage::Onboard);
    j.record(d("2026-01-10"), JourneyEvent::FirstEngagement, &cfg)
        .unwrap();
    j.record(d("2026-01-20"), JourneyEvent::FirstValue, &cfg)
        .unwrap();
    j.record(d("2026-02-01"), JourneyEvent::OnboardingCompleted, &cfg)
        .unwrap();
    assert!(j.advance(d("2026-03-01"), &cfg).unwrap().misses.is_empty());
    j.record(
        d("2026-05-01"),
        JourneyEvent::Expansion { arr_delta: 50.0 },
        &cfg,
    )
    .unwrap();
    assert_eq!((j.stage(), j.arr()), (JourneyStage::Expand, 150.0));
    // The window opens 120 days before 2027-01-05: 2026-09-07.
    assert!(j.advance(d("2026-09-06"), &cfg).unwrap().steps.is_empty());
    let r = j.advance(d("2026-10-01"), &cfg).unwrap();
    assert_eq!(r.steps.len(), 1);
    assert_eq!(
        (r.steps[0].date, r.steps[0].to),
        (d("2026-09-07"), JourneyStage::Renew)
    );
    assert!(
        j.advance(d("2026-10-02"), &cfg).unwrap().steps.is_empty(),
        "fires once"
    );
    j.record(
        d("2026-12-15"),
        JourneyEvent::Renewed {
            renewal: d("2028-01-05"),
            arr: 160.0,
        },
        &cfg,
    )
    .unwrap();
    assert_eq!(
        (j.stage(), j.arr(), j.renewal()),
        (JourneyStage::Enable, 160.0, Some(d("2028-01-05")))
    );
    assert_eq!(
        j.touchpoints(EngagementModel::HighTouch, &cfg),
        ["cadence calls", "EBR"]
    );
    j.record(
        d("2027-03-01"),
        JourneyEvent::Churned {
            reason: "acquired".into(),
        },
        &cfg,
    )
    .unwrap();
    assert_eq!(j.stage(), JourneyStage::Churned);
    assert_eq!(j.history().len(), 8);
}

#[test]
fn misses_report_how_late() {
    let (mut j, cfg) = signed(); // start 2026-01-05: due 01-19, 02-04, 02-19
    j.record(d("2026-01-25"), JourneyEvent::FirstEngagement, &cfg)
        .unwrap();
    let r = j.advance(d("2026-02-10"), &cfg).unwrap();
    assert_eq!(r.misses.len(), 2);
    assert_eq!(
        (
            r.misses[0].milestone,
            r.misses[0].reached,
            r.misses[0].days_late
        ),
        (Milestone::FirstEngagement, Some(d("2026-01-25")), 6)
    );
    assert_eq!(
        (
            r.misses[1].milestone,
            r.misses[1].reached,
            r.misses[1].days_late
        ),
        (Milestone::FirstValue, None, 6)
    );
    let cfg2 = JourneyConfig {
        time_to_value: TimeToValue {
            first_engagement_days: 30,
            first_value_days: 60,
            onboarding_days: 90,
        },
        ..cfg
    };
    assert!(j.advance(d("2026-02-10"), &cfg2).unwrap().misses.is_empty());
}

#[test]
fn bad_events_change_nothing() {
    let (mut j, cfg) = signed();
    let before = j.clone();
    let cases = [
        (d("2026-01-01"), JourneyEvent::FirstValue),
        (
            d("2026-01-10"),
            JourneyEvent::Renewed {
                renewal: d("2026-06-01"),
                arr: 1.0,
            },
        ),
        (d("2026-01-10"), JourneyEvent::Expansion { arr_delta: 5.0 }),
        (
            d("2026-01-10"),
            JourneyEvent::ContractSigned {
                start: d("2026-01-05"),
                renewal: d("2027-01-05"),
                arr: 1.0,
            },
        ),
        (
            d("2026-01-10"),
            JourneyEvent::Churned { reason: " ".into() },
        ),
    ];
    for (date, e) in cases {
        assert!(j.record(date, e.clone(), &cfg).is_err(), "{e:?}");
        assert_eq!(j, before);
    }
    let mut fresh = Journey::new("x");
    for e in [
        JourneyEvent::ContractSigned {
            start: d("2026-01-05"),
            renewal: d("2026-01-05"),
            arr: 1.0,
        },
        JourneyEvent::ContractSigned {
            start: d("2026-01-05"),
            renewal: d("2027-01-05"),
            arr: -1.0,
        },
        JourneyEvent::Churned {
            reason: "no contract".into(),
        },
    ] {
        assert!(fresh.record(d("2026-01-01"), e, &cfg).is_err());
    }
    j.record(d("2026-01-10"), JourneyEvent::FirstEngagement, &cfg)
        .unwrap();
    assert!(matches!(
        j.record(d("2026-01-11"), JourneyEvent::FirstEngagement, &cfg),
        Err(JourneyError::BadValue { .. })
    ));
    j.record(d("2026-01-12"), JourneyEvent::OnboardingCompleted, &cfg)
        .unwrap();
    assert!(
        j.record(
            d("2026-01-13"),
            JourneyEvent::Expansion { arr_delta: 0.0 },
            &cfg
        )
        .is_err()
    );
    assert!(
        j.record(
            d("2026-01-13"),
            JourneyEvent::Expansion {
                arr_delta: f64::NAN
            },
            &cfg
        )
        .is_err()
    );
    assert!(matches!(
        j.advance(d("2026-01-01"), &cfg),
        Err(JourneyError::DateOutOfOrder { .. })
    ));
}

#[test]
fn events_and_journeys_round_trip_as_json() {
    let (mut j, cfg) = signed();
    j.record(
        d("2026-01-10"),
        serde_json::from_str(r#"{"type": "first_engagement"}"#).unwrap(),
        &cfg,
    )
    .unwrap();
    let e: JourneyEvent = serde_json::from_str(r#"{"type": "expansion", "arr_delta": 5}"#).unwrap();
    assert_eq!(e, JourneyEvent::Expansion { arr_delta: 5.0 });
    assert!(serde_json::from_str::<JourneyEvent>(r#"{"type": "expansion", "arr": 5}"#).is_err());
    let text = serde_json::to_string(&j).unwrap();
    assert_eq!(serde_json::from_str::<Journey>(&text).unwrap(), j);
}
